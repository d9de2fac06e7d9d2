"""Shared test data and validators for the interchange tests: a real store, real xmllint."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.extract.segment import sentences
from pipeline.ids import unit_id
from pipeline.models import Article, GlossaryTerm, Unit, UnitKind
from pipeline.states import Action
from pipeline.store import Store, glossary
from pipeline.store import translations as tr
from pipeline.store.articles import save_article
from tests.conftest import ROOT

# The OASIS/LISA schemas sit beside the project (../shared/schemas), as CI clones them.
SCHEMAS = Path(os.environ.get("PIPELINE_SCHEMAS", ROOT.parent / "shared" / "schemas"))
XLIFF_SCHEMAS = {"1.2": SCHEMAS / "xliff-core-1.2-transitional.xsd",
                 "2.0": SCHEMAS / "xliff-core-2.0.xsd"}
TMX_DTD = SCHEMAS / "tmx14.dtd"

PARTS = [
    ("title", "Peace talks resume"),
    ("paragraph", "The talks resumed on Monday. They will go on until Friday."),
    ("paragraph", "Read <b>the report</b> at https://example.org/report or mail news@example.org."),
    ("paragraph", "Riverside Courier says A & B < C [1]"),
    ("paragraph", "Nobody has translated this yet."),
]
FA = {
    0: "مذاکرات صلح از سر گرفته شد",
    1: "مذاکرات دوشنبه از سر گرفته شد. تا جمعه ادامه خواهد داشت.",
    2: "<b>گزارش</b> را در https://example.org/report بخوانید یا به news@example.org بنویسید.",
    3: "Riverside Courier می‌گوید الف و ب [1]",
}


def add(store: Store, slug: str = "peace-talks", parts: list[tuple[str, str]] = PARTS) -> list[str]:
    """One article whose units carry real sentence boundaries; returns the unit ids."""
    units = tuple(Unit(id=unit_id(slug, text, 0), kind=UnitKind(kind), text=text, position=i,
                       sentences=sentences(text)) for i, (kind, text) in enumerate(parts))
    save_article(store, Article(slug=slug, source=f"articles/{slug}.txt", title=parts[0][1],
                                units=units, date_iso="2024-05-01"), ("fa", "ar", "sq"))
    return [u.id for u in units]


def approve(store: Store, uid: str, lang: str, text: str) -> None:
    tr.change(store, uid, lang, Action.EDIT, who="sara", text=text, origin="human",
              translated_by="sara")
    tr.change(store, uid, lang, Action.APPROVE, who="ali", reviewed_by="ali")


def machine(store: Store, uid: str, lang: str, text: str, **fields: object) -> None:
    tr.change(store, uid, lang, Action.MACHINE, who=None, text=text, origin="mt",
              engine="ctranslate2", **fields)


def seed(store: Store) -> list[str]:
    """Units 0-2 approved in fa, 3 machine in fa, 4 untranslated; unit 0 approved in ar.

    The glossary keeps "Riverside Courier" as it is (a do-not-translate term, so a mask).
    """
    glossary.put(store, GlossaryTerm("Riverside Courier", "*", keep=True))
    ids = add(store)
    for i in (0, 1, 2):
        approve(store, ids[i], "fa", FA[i])
    machine(store, ids[3], "fa", FA[3])
    approve(store, ids[0], "ar", "استؤنفت محادثات السلام")
    return ids


def xmllint(path: Path, *, schema: Path | None = None, dtd: Path | None = None) -> None:
    """Validate with xmllint --nonet; fails the test with xmllint's words if invalid."""
    if shutil.which("xmllint") is None:
        pytest.skip("xmllint is not installed (apt-get install libxml2-utils)")
    target = schema if schema is not None else dtd
    assert target is not None
    if not target.is_file():
        pytest.skip(f"schemas not found at {SCHEMAS}")
    option = ["--schema", str(schema)] if schema is not None else ["--dtdvalid", str(dtd)]
    proc = subprocess.run(["xmllint", "--noout", "--nonet", *option, str(path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "error" not in proc.stderr.lower() and "warning" not in proc.stderr.lower(), proc.stderr


def rows(store: Store, lang: str) -> dict[str, tuple[str | None, str, int]]:
    """unit id -> (text, status, revision) of every translation in a language."""
    return {u: (t, s, r) for u, t, s, r in store.conn.execute(
        "SELECT unit_id, text, status, revision FROM translations WHERE lang = ?", (lang,))}


def event_count(store: Store) -> int:
    return int(store.conn.execute("SELECT count(*) FROM events").fetchone()[0])
