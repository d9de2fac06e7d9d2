"""PO files that went through real gettext tools, translate-toolkit and a polib re-save import the
same way: unchanged entries make no events, edits import, stale bases are conflicts.

The tools rewrite what they like (msgmerge replaces extracted comments with the template's,
msgcat re-wraps lines, pomerge takes the template's header), so the import's judgement must not
depend on anything but msgctxt, msgid, msgstr and the fuzzy flag.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import polib
import pytest

from pipeline.catalogs.export import catalog_path, export_catalogs, template_path
from pipeline.catalogs.importer import import_files
from pipeline.review import actions
from pipeline.store import Store
from pipeline.workspace import Settings
from tests.catalogs.helpers import seed

GETTEXT = shutil.which("msgmerge") is not None
POMERGE = Path(sys.executable).with_name("pomerge")

NEW = "گفتگوهای صلح دوباره آغاز شد، این بار با متنی بلند که ابزارها آن را در چند سطر می‌شکنند"


def _run(*cmd: str | Path) -> None:
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr


def _msgmerge(edited: Path, pot: Path, given: Path, out: Path) -> None:
    _run("msgmerge", "--quiet", "--no-fuzzy-matching", "-o", out, edited, pot)


def _msgcat(edited: Path, pot: Path, given: Path, out: Path) -> None:
    _run("msgcat", "--width=40", "-o", out, edited)


def _msgattrib(edited: Path, pot: Path, given: Path, out: Path) -> None:
    _run("msgattrib", "--no-obsolete", "--no-wrap", "-o", out, edited)


def _msguniq(edited: Path, pot: Path, given: Path, out: Path) -> None:
    _run("msguniq", "-o", out, edited)


def _pomerge(edited: Path, pot: Path, given: Path, out: Path) -> None:
    # The translator's file merged into the catalog as exported (translate-toolkit, GPL: run as
    # a program, never imported by pipeline).
    _run(POMERGE, "-t", given, "-i", edited, "-o", out)


def _polib_resave(edited: Path, pot: Path, given: Path, out: Path) -> None:
    po = polib.pofile(str(edited), wrapwidth=30)  # what Poedit does: same content, other wrapping
    po.wrapwidth = 30
    po.save(str(out))


def _msgmerge_and_no_header_stamp(edited: Path, pot: Path, given: Path, out: Path) -> None:
    _msgmerge(edited, pot, given, out)
    out.write_text(re.sub(r'"X-Pipeline-As-Of: [^"]*\\n"\n', "", out.read_text("utf-8")),
                   encoding="utf-8")


TOOLS: dict[str, Callable[[Path, Path, Path, Path], None]] = {
    "msgmerge": _msgmerge, "msgcat": _msgcat, "msgattrib": _msgattrib, "msguniq": _msguniq,
    "pomerge": _pomerge, "polib-resave": _polib_resave,
    "msgmerge-without-header-stamp": _msgmerge_and_no_header_stamp,
}


def _events(store: Store) -> int:
    return int(store.conn.execute("SELECT count(*) FROM events").fetchone()[0])


def _translator_edits(given: Path, changes: dict[str, str]) -> Path:
    po = polib.pofile(str(given), wrapwidth=0)
    for e in po:
        if e.msgctxt in changes:
            e.msgstr = changes[e.msgctxt]
            if "fuzzy" in e.flags:
                e.flags.remove("fuzzy")
    out = given.with_name("translator.po")
    po.save(str(out))
    return out


@pytest.mark.parametrize("tool", list(TOOLS))
def test_round_trip_through_tool_imports_edits_and_reports_stale_bases(
        tool: str, store: Store, workspace: Settings, tmp_path: Path) -> None:
    if tool.startswith("msg") and not GETTEXT:
        pytest.skip("GNU gettext is not installed")
    if tool == "pomerge" and not POMERGE.exists():
        pytest.skip("translate-toolkit is not installed")
    ids = seed(store)
    export_catalogs(store, workspace.targets, workspace.locales, project="newsroom")
    given = catalog_path(workspace.locales, "fa")
    # The translator edits the machine unit 0 and the approved unit 1 in the file ...
    edited = _translator_edits(given, {ids[0]: NEW, ids[1]: "نسخهٔ مترجم"})
    # ... while a reviewer edits unit 1 in the database after the export.
    actions.edit(store, ids[1], "fa", "نسخهٔ ویراستار", who="reza")
    out = tmp_path / "through-tool.po"
    TOOLS[tool](edited, template_path(workspace.locales), given, out)
    if tool == "msgmerge":
        assert "pipeline revision" not in out.read_text("utf-8")  # the notes really are gone
    before = _events(store)
    [result] = import_files(store, [out], targets=workspace.targets, who="tara")
    assert result.imported == 1
    assert [c.unit_id for c in result.conflicts] == [ids[1]]
    assert "after the export" in result.conflicts[0].reason
    assert _events(store) == before + 1  # the one edit; unchanged entries make no events
    from pipeline.store import translations as tr

    assert tr.get(store, ids[0], "fa").text == NEW
    assert tr.get(store, ids[1], "fa").text == "نسخهٔ ویراستار"  # the newer database edit stays
    # the same file again: nothing left to do
    [again] = import_files(store, [out], targets=workspace.targets, who="tara")
    assert (again.imported, _events(store)) == (0, before + 1)


def _strip_notes_and_stamp(path: Path, out: Path) -> Path:
    text = path.read_text("utf-8")
    text = re.sub(r"^#\. pipeline revision \d+\n", "", text, flags=re.M)
    text = re.sub(r'"X-Pipeline-As-Of: [^"]*\\n"\n', "", text)
    out.write_text(text, encoding="utf-8")
    return out


def test_unknown_base_over_a_persons_later_work_is_a_conflict(store: Store,
                                                               workspace: Settings,
                                                               tmp_path: Path) -> None:
    """Two exports gave unit 1 out at different revisions and the file names neither."""
    ids = seed(store)
    export_catalogs(store, workspace.targets, workspace.locales, project="newsroom")
    old = tmp_path / "old.po"
    shutil.copyfile(catalog_path(workspace.locales, "fa"), old)
    actions.edit(store, ids[1], "fa", "نسخهٔ ویراستار", who="reza")
    export_catalogs(store, workspace.targets, workspace.locales, project="newsroom")
    edited = _translator_edits(old, {ids[0]: NEW, ids[1]: "نسخهٔ مترجم"})
    bare = _strip_notes_and_stamp(edited, tmp_path / "bare.po")
    [result] = import_files(store, [bare], targets=workspace.targets, who="tara")
    assert [c.unit_id for c in result.conflicts] == [ids[1]]
    assert "no record of what this file was given" in result.conflicts[0].reason
    assert result.imported == 1  # over machine output a person's edit is always safe
