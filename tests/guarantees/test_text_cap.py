"""Guarantee: one cap on the text a person enters, on every path (pipeline.textcheck)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline.store import open_store
from pipeline.store import translations as tr
from pipeline.textcheck import MAX_TEXT_BYTES, too_long
from pipeline.workspace import Settings
from tests.guarantees.conftest import Run, one_error_line

#: Over the cap in bytes, under it in characters (Persian letters take two bytes each).
HUGE = "م" * (MAX_TEXT_BYTES // 2 + 1)


def _unit(ws: Settings, run: Run) -> str:
    proc = run("review", "queue", "--lang", "fa", "--json", "--limit", "1", "-w", ws.root)
    assert proc.returncode == 0, proc.stderr
    return str(json.loads(proc.stdout)[0]["unit_id"])


def _text(ws: Settings, uid: str) -> str | None:
    with open_store(ws.database) as store:
        return tr.get(store, uid, "fa").text


def test_the_cap_counts_utf8_bytes() -> None:
    assert too_long(HUGE) and not too_long(HUGE[:-2])
    assert not too_long("x" * (MAX_TEXT_BYTES // 4))


def test_review_apply_refuses_an_edit_over_the_cap(seeded: Settings, run: Run,
                                                  tmp_path: Path) -> None:
    uid = _unit(seeded, run)
    batch = tmp_path / "big.jsonl"
    batch.write_text(json.dumps({"unit": uid, "action": "edit", "text": HUGE},
                                ensure_ascii=False) + "\n", encoding="utf-8")
    line = one_error_line(run("review", "apply", batch, "--lang", "fa", "-w", seeded.root),
                          naming=f"{batch}:1")
    assert "over the 2.0 MiB a text may be" in line
    assert _text(seeded, uid) is None


def test_review_edit_refuses_a_text_over_the_cap(seeded: Settings, run: Run) -> None:
    uid = _unit(seeded, run)
    proc = run("review", "edit", uid, "--lang", "fa", "--text", "-", "-w", seeded.root,
               input=HUGE)
    assert "over the 2.0 MiB a text may be" in one_error_line(proc)
    assert _text(seeded, uid) is None


@pytest.mark.parametrize("fmt", ["po", "xliff"])
def test_an_imported_translation_over_the_cap_is_refused_with_its_line(
    seeded: Settings, run: Run, fmt: str
) -> None:
    uid = _unit(seeded, run)
    assert run(fmt, "export", "--lang", "fa", "-w", seeded.root).returncode == 0
    if fmt == "po":
        path = seeded.locales / "fa" / "LC_MESSAGES" / "articles.po"
        text = path.read_text(encoding="utf-8")
        at = text.index(f'msgctxt "{uid}"')
        end = text.index('msgstr ""', at)
        text = text[:end] + f'msgstr "{HUGE}"' + text[end + len('msgstr ""'):]
    else:
        (path,) = (seeded.root / "xliff").glob("*.xlf")
        text = path.read_text(encoding="utf-8")
        seg = text.index("<segment", text.index(f'<unit id="{uid}"'))
        close = text.index("</segment>", seg)
        done = text[seg:close].replace('state="initial"', 'state="translated"', 1)
        text = text[:seg] + done + f"<target>{HUGE}</target>" + text[close:]
    path.write_text(text, encoding="utf-8")
    proc = run(fmt, "import", path, "-w", seeded.root)
    line = one_error_line(proc, naming=path.name)
    assert "over the 2.0 MiB a text may be" in line and re.search(r":\d+: ", line)
    assert _text(seeded, uid) is None
