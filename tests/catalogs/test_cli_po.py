"""The `pipeline po` commands: exit codes, summaries, --json, one-line errors."""

from __future__ import annotations

import json

import polib
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.store import Store
from pipeline.store import translations as tr
from pipeline.workspace import Settings
from tests.catalogs.helpers import seed


def invoke(runner: CliRunner, workspace: Settings, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [*args[:2], "-w", str(workspace.root), *args[2:]])


def test_export_import_compile_round_trip(runner: CliRunner, store: Store,
                                          workspace: Settings) -> None:
    ids = seed(store)
    res = invoke(runner, workspace, "po", "export", "--lang", "fa", "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [d["lang"] for d in data] == [None, "fa"] and data[1]["fuzzy"] == 2
    path = workspace.locales / "fa" / "LC_MESSAGES" / "articles.po"
    po = polib.pofile(str(path))
    po.find(ids[0], by="msgctxt").msgstr = "ترجمهٔ بازبینی‌شده"
    po.find(ids[0], by="msgctxt").flags = []
    po.save()
    res = invoke(runner, workspace, "po", "import", str(path), "--reviewer", "tara", "--json")
    assert res.exit_code == 0, res.output
    [summary] = json.loads(res.stdout)
    assert (summary["imported"], summary["conflicts"]) == (1, [])
    assert tr.get(store, ids[0], "fa").text == "ترجمهٔ بازبینی‌شده"
    res = invoke(runner, workspace, "po", "compile", "--lang", "fa")
    assert res.exit_code == 0 and "messages" in res.stdout
    assert path.with_suffix(".mo").is_file()


def test_conflicts_exit_1_and_are_listed_with_file_and_line(runner: CliRunner, store: Store,
                                                            workspace: Settings) -> None:
    seed(store)
    invoke(runner, workspace, "po", "export", "--lang", "fa")
    path = workspace.locales / "fa" / "LC_MESSAGES" / "articles.po"
    text = path.read_text(encoding="utf-8").replace(
        'msgid "Peace talks resume"\nmsgstr "مذاکرات', 'msgid "Changed"\nmsgstr "مذاکرات', 1)
    path.write_text(text.replace("#, fuzzy\n", "", 1), encoding="utf-8")
    res = invoke(runner, workspace, "po", "import", str(path), "--reviewer", "tara")
    assert res.exit_code == 1
    assert "1 conflicts" in res.stdout and f"{path}:" in res.stderr


def test_malformed_file_is_one_line_error_exit_1(runner: CliRunner, store: Store,
                                                 workspace: Settings) -> None:
    bad = workspace.root / "bad.po"
    bad.write_bytes(b"\x00\x01binary")
    res = invoke(runner, workspace, "po", "import", str(bad))
    assert res.exit_code == 1
    assert res.stderr.strip().count("\n") == 0 and f"error: {bad}:1:" in res.stderr


def test_compile_without_export_says_what_to_do(runner: CliRunner, workspace: Settings) -> None:
    res = invoke(runner, workspace, "po", "compile", "--lang", "fa")
    assert res.exit_code == 1 and "pipeline po export" in res.stderr


def test_edits_left_fuzzy_are_reported_with_how_to_import_them(runner: CliRunner, store: Store,
                                                               workspace: Settings) -> None:
    ids = seed(store)
    invoke(runner, workspace, "po", "export", "--lang", "fa")
    path = workspace.locales / "fa" / "LC_MESSAGES" / "articles.po"
    po = polib.pofile(str(path))
    for e in po:
        if e.msgctxt in (ids[0], ids[3]):
            e.msgstr = "ویرایش نیمه‌کاره"  # edited, fuzzy flag left on
    po.save(str(path))
    res = invoke(runner, workspace, "po", "import", str(path), "--reviewer", "tara")
    assert res.exit_code == 0, res.output
    assert ("2 entries changed but still fuzzy: not imported; clear the fuzzy flag to import "
            "them") in res.stderr
    data = json.loads(invoke(runner, workspace, "po", "import", str(path), "--reviewer", "tara",
                             "--json").stdout)
    assert sorted(u["unit"] for u in data[0]["unfinished"]) == sorted([ids[0], ids[3]])
    assert tr.get(store, ids[0], "fa").status == "machine"
