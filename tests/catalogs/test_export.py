"""PO export: one entry per unit, fuzzy where no person checked, msgfmt-valid, atomic."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from pipeline.catalogs.export import catalog_path, export_catalogs, template_path
from pipeline.catalogs.pofile import load_po
from pipeline.states import Action
from pipeline.store import Store
from pipeline.store import translations as tr
from pipeline.workspace import Settings
from tests.catalogs.helpers import seed

MSGFMT = shutil.which("msgfmt")


def export(store: Store, workspace: Settings, out: Path | None = None) -> Path:
    export_catalogs(store, workspace.targets, out or workspace.locales, project="newsroom")
    return out or workspace.locales


@pytest.mark.skipif(MSGFMT is None, reason="GNU msgfmt not installed")
def test_every_exported_file_passes_msgfmt_check(store: Store, workspace: Settings) -> None:
    seed(store)
    out = export(store, workspace)
    files = [template_path(out)] + [catalog_path(out, lang) for lang in workspace.targets]
    for path in files:
        run = subprocess.run([MSGFMT, "--check", "-o", "/dev/null", str(path)],
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        # Complete headers: msgfmt warns about every missing header field in a PO file.
        if path.suffix == ".po":
            assert "warning" not in run.stderr, run.stderr


def test_entries_are_keyed_by_unit_and_duplicates_stay_distinct(store: Store,
                                                                workspace: Settings) -> None:
    ids = seed(store)
    po = load_po(catalog_path(export(store, workspace), "fa"))
    assert [e.msgctxt for e in po] == ids
    same = [e for e in po if e.msgid == "Peace talks resume"]
    assert len(same) == 2 and same[0].msgctxt != same[1].msgctxt


def test_machine_is_fuzzy_with_origin_and_approved_is_plain(store: Store,
                                                           workspace: Settings) -> None:
    ids = seed(store)
    po = {e.msgctxt: e for e in load_po(catalog_path(export(store, workspace), "fa"))}
    machine, approved, empty, tm = (po[i] for i in ids)
    assert machine.flags == ["fuzzy"]
    assert "machine translation" in machine.comment and "translate-en_fa" in machine.comment
    assert "ctranslate2" in machine.comment
    assert tm.flags == ["fuzzy"] and "origin tm" in tm.comment
    assert tm.msgstr == "گفت «نه».\nسپس رفت."
    assert approved.flags == [] and approved.msgstr == "مذاکرات دوشنبه در ژنو ادامه یافت."
    assert "approved by ali" in approved.comment
    assert empty.flags == [] and empty.msgstr == ""
    assert machine.occurrences == [("articles/peace-talks.txt", "")]


def test_stale_translation_is_fuzzy(store: Store, workspace: Settings) -> None:
    ids = seed(store)
    tr.change(store, ids[1], "fa", Action.SOURCE_CHANGED, who=None)
    po = {e.msgctxt: e for e in load_po(catalog_path(export(store, workspace), "fa"))}
    assert po[ids[1]].flags == ["fuzzy"] and "stale" in po[ids[1]].comment


def test_headers_are_complete_and_per_language(store: Store, workspace: Settings) -> None:
    seed(store)
    out = export(store, workspace)
    fa = polib.pofile(str(catalog_path(out, "fa")))
    assert fa.metadata["Language"] == "fa"
    assert fa.metadata["Plural-Forms"].startswith("nplurals=")
    assert fa.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert fa.metadata["Last-Translator"] == "ali"
    for key in ("Project-Id-Version", "POT-Creation-Date", "PO-Revision-Date", "Language-Team",
                "MIME-Version", "Content-Transfer-Encoding"):
        assert fa.metadata[key]
    ar = polib.pofile(str(catalog_path(out, "ar")))
    assert ar.metadata["Plural-Forms"] != fa.metadata["Plural-Forms"]  # Arabic has six forms


def test_template_has_every_unit_untranslated(store: Store, workspace: Settings) -> None:
    ids = seed(store)
    pot = load_po(template_path(export(store, workspace)))
    assert [e.msgctxt for e in pot] == ids and all(e.msgstr == "" for e in pot)


def test_reexport_is_byte_identical(store: Store, workspace: Settings, tmp_path: Path) -> None:
    seed(store)
    a, b = export(store, workspace, tmp_path / "a"), export(store, workspace, tmp_path / "b")
    assert catalog_path(a, "fa").read_bytes() == catalog_path(b, "fa").read_bytes()


def test_failed_write_leaves_the_old_file_and_no_temp(store: Store, workspace: Settings,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    seed(store)
    out = export(store, workspace)
    before = catalog_path(out, "fa").read_bytes()
    tr.change(store, seed_ids(store)[2], "fa", Action.EDIT, who="x", text="تازه")

    def boom(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("pipeline.atomicfile.os.replace", boom)
    with pytest.raises(KeyboardInterrupt):
        export(store, workspace)
    assert catalog_path(out, "fa").read_bytes() == before
    assert not [p for p in catalog_path(out, "fa").parent.iterdir() if p.name.endswith(".tmp")]


def seed_ids(store: Store) -> list[str]:
    from tests.catalogs.helpers import unit_ids

    return unit_ids(store)


@pytest.mark.skipif(MSGFMT is None, reason="GNU msgfmt not installed")
def test_empty_workspace_exports_valid_header_only_catalogs(store: Store,
                                                            workspace: Settings) -> None:
    results = export_catalogs(store, workspace.targets, workspace.locales, project="newsroom")
    assert [r.entries for r in results] == [0, 0, 0, 0]
    for r in results:
        assert subprocess.run([str(MSGFMT), "--check", "-o", "/dev/null", str(r.path)],
                              capture_output=True).returncode == 0
        assert len(load_po(r.path)) == 0
