"""`pipeline check` and `pipeline suppress` from the command line: exit codes, formats, files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.ids import unit_id
from pipeline.states import Action
from pipeline.store import Store
from pipeline.store import translations as tr
from pipeline.workspace import Settings
from tests.checks.test_po import FA_ENTRIES, write_po
from tests.factories import add_article

ROOT = Path(__file__).resolve().parents[2]


def _catalogs(tmp_path: Path, *, complete: bool) -> Path:
    locales = tmp_path / "locales"
    entries = FA_ENTRIES if not complete else [
        {**e, "msgstr": e["msgstr"] or "نسخه‌ها", "flags": []} for e in FA_ENTRIES]
    write_po(locales / "fa/LC_MESSAGES/messages.po", entries)
    write_po(locales / "sq/LC_MESSAGES/messages.po",
             [{"msgid": "Contents", "msgstr": "Përmbajtja"}], lang="sq")
    return locales


def test_ci_command_shape_passes_on_complete_catalogs(tmp_path: Path) -> None:
    # The project's own CI runs exactly this, in a checkout with no workspace.
    locales = _catalogs(tmp_path, complete=True)
    env = {k: v for k, v in os.environ.items() if k != "PIPELINE_WORKSPACE"}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "check", "--po", str(locales), "--min-translated",
         "100", "--fail-on", "error"], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "passed" in proc.stdout and "fa" in proc.stdout and "sq" in proc.stdout


def test_missed_threshold_exits_1(tmp_path: Path, runner: CliRunner) -> None:
    locales = _catalogs(tmp_path, complete=False)
    result = runner.invoke(app, ["check", "--po", str(locales), "--min-translated", "100"])
    assert result.exit_code == 1, result.output
    assert "FAIL" in result.output


def test_malformed_po_exits_2_with_file_and_line(tmp_path: Path, runner: CliRunner) -> None:
    bad = tmp_path / "fa.po"
    bad.write_text('msgid "a"\nmsgstr "b\n', encoding="utf-8")
    result = runner.invoke(app, ["check", "--po", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:2:" in result.output and "Traceback" not in result.output


def test_usage_errors_exit_2(tmp_path: Path, runner: CliRunner) -> None:
    locales = _catalogs(tmp_path, complete=True)
    for argv in (["--format", "yaml"], ["--fail-on", "fatal"], ["--min-translated", "120"]):
        result = runner.invoke(app, ["check", "--po", str(locales), *argv])
        assert result.exit_code == 2, (argv, result.output)
    assert runner.invoke(app, ["check", "--po", str(tmp_path / "missing")]).exit_code == 2


def test_json_and_junit_and_markdown_reports(tmp_path: Path, runner: CliRunner) -> None:
    locales = _catalogs(tmp_path, complete=True)
    fa_po = locales / "fa/LC_MESSAGES/messages.po"
    write_po(fa_po, [{"msgid": "In 1988.", "msgstr": "در ۱۹۸۷."},
                     {"msgid": "A big day", "msgstr": "روزی  بزرگ"}])
    result = runner.invoke(app, ["check", "--po", str(locales), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["passed"] is False
    assert [f["check"] for f in data["languages"]["fa"]["findings"]] == ["numbers", "double_space"]
    assert data["languages"]["sq"]["completeness"]["translated_percent"] == 100.0

    out = tmp_path / "reports" / "check.xml"
    result = runner.invoke(app, ["check", "--po", str(locales), "-f", "junit", "-o", str(out)])
    assert result.exit_code == 1 and "FAILED" in result.output
    root = ET.parse(out).getroot()
    assert root.get("failures") == "1" and int(root.get("tests") or 0) >= 4
    cases = {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}
    assert cases[("pipeline.check.fa", "numbers")].find("failure") is not None
    assert cases[("pipeline.check.fa", "double_space")].find("failure") is None  # a warning
    assert cases[("pipeline.check.sq", "completeness")].find("failure") is None
    result = runner.invoke(app, ["check", "--po", str(locales), "-f", "junit", "-o", str(out),
                                 "--fail-on", "warning"])
    cases = {(c.get("classname"), c.get("name")): c for c in ET.parse(out).getroot().iter("testcase")}
    assert cases[("pipeline.check.fa", "double_space")].find("failure") is not None

    result = runner.invoke(app, ["check", "--po", str(locales), "--format", "markdown"])
    assert result.output.startswith("## ❌ pipeline check failed")
    assert "| error | `numbers` |" in result.output


def test_database_check_and_suppress(workspace: Settings, store: Store, runner: CliRunner) -> None:
    add_article(store, "talks", [("title", "In 1988 the war ended")])
    uid = unit_id("talks", "In 1988 the war ended", 0)
    tr.change(store, uid, "fa", Action.MACHINE, who="mt", text="در ۱۹۸۷ جنگ تمام شد")
    ws = ["-w", str(workspace.root)]
    result = runner.invoke(app, ["check", *ws, "--lang", "fa"])
    assert result.exit_code == 1 and uid in result.output
    result = runner.invoke(app, ["suppress", uid, "--lang", "fa", "--check", "numbers", *ws])
    assert result.exit_code == 2 and "--reason" in result.output
    result = runner.invoke(app, ["suppress", uid, "--lang", "fa", "--check", "nope",
                                 "--reason", "x", *ws])
    assert result.exit_code == 2
    result = runner.invoke(app, ["suppress", uid, "--lang", "fa", "--check", "numbers",
                                 "--reason", "Solar Hijri year", "--reviewer", "ana", *ws])
    assert result.exit_code == 0, result.output
    listed = json.loads(runner.invoke(app, ["suppress", "--list", "--json", *ws]).output)
    assert [(r["unit_id"], r["who"], r["reason"]) for r in listed] == [
        (uid, "ana", "Solar Hijri year")]
    assert runner.invoke(app, ["check", *ws, "--lang", "fa"]).exit_code == 0
    result = runner.invoke(app, ["check", *ws, "--lang", "fa", "--min-approved", "50"])
    assert result.exit_code == 1
    assert runner.invoke(app, ["suppress", uid, "--lang", "fa", "--check", "numbers",
                               "--remove", *ws]).exit_code == 0
    assert runner.invoke(app, ["check", *ws, "--lang", "fa"]).exit_code == 1
    assert runner.invoke(app, ["check", *ws, "--lang", "de"]).exit_code == 2


def test_list_checks_names_every_check(runner: CliRunner) -> None:
    from pipeline.checks.registry import CHECK_IDS

    result = runner.invoke(app, ["check", "--list-checks"])
    assert result.exit_code == 0
    for check_id in CHECK_IDS:
        assert check_id in result.output


def test_by_article_rows_in_text_and_markdown(tmp_path: Path, runner: CliRunner) -> None:
    locales = _catalogs(tmp_path, complete=False)
    result = runner.invoke(app, ["check", "--po", str(locales), "--by-article"])
    assert "templates/edition.html" in result.output and "article" in result.output
    result = runner.invoke(app, ["check", "--po", str(locales), "--by-article", "-f", "markdown"])
    rows = [line for line in result.output.splitlines() if "templates/edition.html" in line]
    assert rows and rows[0].startswith("| fa | templates/edition.html | 1 |")


def test_database_and_exported_catalogs_agree(workspace: Settings, store: Store,
                                               runner: CliRunner) -> None:
    # The same translations checked in the database and in the catalogs `po export` writes.
    parts = [("title", "Talks resume in Geneva"), ("paragraph", "In 1988 the war ended."),
             ("paragraph", "The minister did not comment.")]
    add_article(store, "talks", parts)
    texts = ["مذاکرات در ژنو از سر گرفته شد", "در سال ۱۹۸۷ جنگ تمام شد."]
    for (_, source), text in zip(parts, texts, strict=False):
        uid = unit_id("talks", source, 0)
        tr.change(store, uid, "fa", Action.MACHINE, who="mt", text=text)
        tr.change(store, uid, "fa", Action.APPROVE, who="ana")
    ws = ["-w", str(workspace.root)]
    out = workspace.root / "catalogs"
    result = runner.invoke(app, ["po", "export", "--lang", "fa", "--out", str(out), *ws])
    assert result.exit_code == 0, result.output
    from_db = json.loads(runner.invoke(app, ["check", "--lang", "fa", "-f", "json", *ws]).output)
    from_po = json.loads(runner.invoke(app, ["check", "--po", str(out), "--lang", "fa",
                                             "-f", "json", *ws]).output)
    db_fa, po_fa = from_db["languages"]["fa"], from_po["languages"]["fa"]
    assert [(f["check"], f["unit"]) for f in db_fa["findings"]] == \
        [(f["check"], f["unit"]) for f in po_fa["findings"]] == \
        [("numbers", unit_id("talks", parts[1][1], 0))]
    for key in ("total_units", "total_words", "approved_percent", "translated_percent"):
        assert db_fa["completeness"][key] == po_fa["completeness"][key], key
