"""The glossary CSV file, its sync into the store, and the CLI around it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import glossary
from pipeline.cli import app
from pipeline.errors import InputError, UsageError
from pipeline.store import Store
from pipeline.store import glossary as table
from pipeline.store.checks import glossary_terms
from pipeline.store.mt import keep_terms
from pipeline.workspace import Settings

TARGETS = ("fa", "ar", "sq")
GOOD = ("term,lang,translation,keep,note\r\n"
        "Nejat Society,*,,yes,an NGO\r\n"
        "council,fa,شورا,no,\r\n"
        '"budget, annual",ar,الميزانية السنوية,,"quoted, with a comma"\r\n'
        "\r\n")


def _write(tmp_path: Path, text: str | bytes, name: str = "glossary.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_spreadsheet_csv_with_bom_crlf_and_quotes_is_read(tmp_path: Path) -> None:
    terms = glossary.read_csv(_write(tmp_path, "\ufeff" + GOOD), TARGETS)
    assert [(t.term, t.lang, t.translation, t.keep, t.note) for t in terms] == [
        ("Nejat Society", "*", None, True, "an NGO"),
        ("council", "fa", "شورا", False, None),
        ("budget, annual", "ar", "الميزانية السنوية", False, "quoted, with a comma"),
    ]


BAD = [
    ("term,translation\nx,y\n", 1, "term and lang required"),
    ("term,lang,colour\nx,fa,red\n", 1, "unknown: colour"),
    ("term,lang,translation\nx,de,y\n", 2, "not a target"),
    ("term,lang,translation,keep\nBBC,fa,بی‌بی‌سی,yes\n", 2, "cannot also have a translation"),
    ("term,lang,translation\nx,fa,\n", 2, "needs a translation"),
    ("term,lang,translation\nx,*,y\n", 2, r"use \* only with keep"),
    ("term,lang,translation\n,fa,y\n", 2, "empty term"),
    ("term,lang,translation\n x,fa,y\n", 2, "spaces around it"),
    ("term,lang,translation\nx,fa,y\ny,fa,z\nx,fa,w\n", 4, "already on line 2"),
    ("term,lang,keep\nx,*,maybe\n", 2, "keep must be yes or no"),
    ("term,lang,translation\nx,fa\n", 2, "2 fields, the header has 3"),
    ('term,lang,translation\nx,fa,"open\n', 2, "broken CSV"),
]


@pytest.mark.parametrize(("text", "line", "message"), BAD)
def test_bad_file_names_the_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError, match=message) as err:
        glossary.read_csv(path, TARGETS)
    assert err.value.path == str(path) and err.value.line == line


@pytest.mark.parametrize(("data", "message"), [
    (b"term,lang\nx\xff,fa\n", "invalid UTF-8 at byte offset 11"),
    (b"PK\x03\x04\x00\x00binary", "binary file"),
    (b"", "empty file; a glossary starts with the header term,lang"),
])
def test_unreadable_files_are_refused(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        glossary.read_csv(_write(tmp_path, data), TARGETS)


def test_sync_adds_changes_removes_and_feeds_translate_and_check(tmp_path: Path,
                                                                 store: Store) -> None:
    first = table.sync(store, glossary.read_csv(_write(tmp_path, GOOD), TARGETS))
    assert (first.added, first.changed, first.removed, first.unchanged) == (3, 0, 0, 0)
    assert keep_terms(store, "fa") == ["Nejat Society"]
    assert ("council", "شورا", False) in glossary_terms(store, "fa")
    assert not any(t == "council" for t, _, _ in glossary_terms(store, "ar"))
    edited = GOOD.replace("شورا", "انجمن شهر").replace("Nejat Society,*,,yes,an NGO\r\n", "")
    second = table.sync(store, glossary.read_csv(_write(tmp_path, edited), TARGETS))
    assert (second.added, second.changed, second.removed, second.unchanged) == (0, 1, 1, 1)
    assert keep_terms(store, "fa") == []
    assert ("council", "انجمن شهر", False) in glossary_terms(store, "fa")


def test_export_then_import_changes_nothing(tmp_path: Path, store: Store) -> None:
    table.sync(store, glossary.read_csv(_write(tmp_path, GOOD), TARGETS))
    out = tmp_path / "out" / "glossary.csv"
    glossary.write_csv(out, table.load(store))
    again = table.sync(store, glossary.read_csv(out, TARGETS))
    assert (again.added, again.changed, again.removed, again.unchanged) == (0, 0, 0, 3)
    first = out.read_bytes()
    glossary.write_csv(out, table.load(store))
    assert out.read_bytes() == first


def test_put_replaces_and_cli_add_validates(store: Store, workspace: Settings,
                                            runner: CliRunner) -> None:
    assert table.put(store, glossary.Term("council", "fa", "شورا"))
    assert not table.put(store, glossary.Term("council", "fa", "انجمن"))
    assert [t.translation for t in table.load(store, "fa")] == ["انجمن"]
    result = runner.invoke(app, ["glossary", "add", "budget", "--lang", "fa",
                                 "-w", str(workspace.root)])
    assert result.exit_code == UsageError.exit_code and "needs a translation" in result.output
    assert [t.term for t in table.load(store)] == ["council"]


def test_cli_import_list_add_remove(workspace: Settings, runner: CliRunner) -> None:
    ws = ["-w", str(workspace.root)]
    workspace.glossary.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(app, ["glossary", "import", *ws])
    assert result.exit_code == 0, result.output
    assert "3 terms (3 added" in result.output
    result = runner.invoke(app, ["glossary", "add", "BBC", "--keep", *ws])
    assert result.exit_code == 0 and "added 'BBC' (*)" in result.output
    listed = json.loads(runner.invoke(app, ["glossary", "list", "--lang", "ar", "--json", *ws]).output)
    assert {t["term"] for t in listed} == {"BBC", "Nejat Society", "budget, annual"}
    assert runner.invoke(app, ["glossary", "remove", "BBC", *ws]).exit_code == 0
    missing = runner.invoke(app, ["glossary", "remove", "BBC", *ws])
    assert missing.exit_code == 1 and "no glossary entry 'BBC'" in missing.output


def test_cli_bad_file_is_one_line_and_changes_nothing(workspace: Settings, runner: CliRunner,
                                                       tmp_path: Path) -> None:
    ws = ["-w", str(workspace.root)]
    workspace.glossary.write_text(GOOD, encoding="utf-8")
    assert runner.invoke(app, ["glossary", "import", *ws]).exit_code == 0
    bad = _write(tmp_path, GOOD + "council,fa,دوباره,no,\n", "bad.csv")
    result = runner.invoke(app, ["glossary", "import", str(bad), *ws])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"error: {bad}:6: 'council' (fa) is already on "
                                                  "line 3"]
    listed = json.loads(runner.invoke(app, ["glossary", "list", "--json", *ws]).output)
    assert len(listed) == 3


def test_add_writes_through_to_the_csv_so_a_later_import_keeps_it(workspace: Settings,
                                                                  runner: CliRunner) -> None:
    ws = ["-w", str(workspace.root)]
    workspace.glossary.write_text(GOOD, encoding="utf-8")
    assert runner.invoke(app, ["glossary", "import", *ws]).exit_code == 0
    assert runner.invoke(app, ["glossary", "export", *ws]).exit_code == 0
    assert runner.invoke(app, ["glossary", "add", "BBC", "--keep", *ws]).exit_code == 0
    assert "BBC,*,,yes," in workspace.glossary.read_text(encoding="utf-8")
    result = runner.invoke(app, ["glossary", "import", "--json", *ws])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["removed"] == 0
    assert runner.invoke(app, ["glossary", "remove", "BBC", *ws]).exit_code == 0
    assert "BBC" not in workspace.glossary.read_text(encoding="utf-8")


def test_add_keeps_unimported_edits_of_the_csv(store: Store, workspace: Settings) -> None:
    workspace.glossary.write_text(GOOD, encoding="utf-8")  # edited, not imported yet
    glossary.add_term(store, workspace.glossary, glossary.Term("BBC", "*", keep=True), TARGETS)
    on_file = {t.term for t in glossary.read_csv(workspace.glossary, TARGETS)}
    assert on_file == {"BBC", "Nejat Society", "council", "budget, annual"}
    assert [t.term for t in table.load(store)] == ["BBC"]


def test_import_that_would_delete_terms_added_since_shows_them_and_needs_prune(
        workspace: Settings, runner: CliRunner, tmp_path: Path) -> None:
    ws = ["-w", str(workspace.root)]
    workspace.glossary.write_text(GOOD, encoding="utf-8")
    assert runner.invoke(app, ["glossary", "import", *ws]).exit_code == 0
    older = tmp_path / "older.csv"
    assert runner.invoke(app, ["glossary", "export", str(older), *ws]).exit_code == 0
    assert runner.invoke(app, ["glossary", "add", "BBC", "--keep", *ws]).exit_code == 0
    assert runner.invoke(app, ["glossary", "add", "council", "-l", "fa", "-t", "انجمن",
                               *ws]).exit_code == 0
    refused = runner.invoke(app, ["glossary", "import", str(older), *ws])
    assert refused.exit_code == 1
    assert "'BBC' (*)" in refused.output and "'council' (fa)" in refused.output
    assert "--prune" in refused.output
    listed = json.loads(runner.invoke(app, ["glossary", "list", "--json", *ws]).output)
    assert {t["term"] for t in listed} == {"BBC", "Nejat Society", "council", "budget, annual"}
    pruned = runner.invoke(app, ["glossary", "import", str(older), "--prune", "--json", *ws])
    assert pruned.exit_code == 0, pruned.output
    assert json.loads(pruned.output)["removed"] == 1
    listed = json.loads(runner.invoke(app, ["glossary", "list", "--json", *ws]).output)
    assert "BBC" not in {t["term"] for t in listed}
    # after that import, the same file again is an ordinary import
    assert runner.invoke(app, ["glossary", "import", str(older), *ws]).exit_code == 0


def test_tab_and_carriage_return_cells_are_escaped_too() -> None:
    # glossary cells are stripped on import, so these only matter for what a spreadsheet runs
    assert glossary.escape_cell("\t=1") == "'\t=1" and glossary.escape_cell("\rx") == "'\rx"
    assert glossary.unescape_cell("'\t=1") == "\t=1"


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\",\"y\")", "+1", "-5", "@SUM(A1)",
                                  "'=already quoted", "''@two", "'s-Hertogenbosch"])
def test_formula_cells_are_escaped_on_export_and_read_back_unchanged(
        tmp_path: Path, cell: str) -> None:
    terms = [glossary.Term(cell, "fa", "ترجمه", note=cell), glossary.Term("x", "ar", cell)]
    path = tmp_path / "g.csv"
    glossary.write_csv(path, terms)
    import csv

    for row in list(csv.reader(path.open(encoding="utf-8", newline="")))[1:]:
        for value in row:
            assert not value or value[0] not in "=+-@\t\r"  # a spreadsheet never runs it
    assert sorted(glossary.read_csv(path, TARGETS), key=lambda t: t.lang) == sorted(
        terms, key=lambda t: t.lang)


def test_control_characters_in_glossary_input_are_refused(tmp_path: Path, store: Store,
                                                          workspace: Settings) -> None:
    bad = _write(tmp_path, GOOD.replace("an NGO", "an\x01NGO"))
    with pytest.raises(InputError, match="U[+]0001") as info:
        glossary.read_csv(bad, TARGETS)
    assert info.value.line == 2
    with pytest.raises(UsageError, match="NUL"):
        glossary.add_term(store, workspace.glossary, glossary.Term("a\x00b", "*", keep=True),
                          TARGETS)
    assert table.load(store) == []


def test_glossary_docstring_examples_hold() -> None:
    import doctest

    result = doctest.testmod(glossary)
    assert result.attempted > 0 and result.failed == 0
