"""`pipeline export`: what it prints, its JSON, its exit codes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from tests.export.conftest import Newsroom


def _run(runner: CliRunner, newsroom: Newsroom, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["export", "-w", str(newsroom.settings.root),
                               "--out", str(newsroom.out), *args])


def test_prints_published_and_held_back_with_reasons(runner: CliRunner, newsroom: Newsroom) -> None:
    result = _run(runner, newsroom)
    assert result.exit_code == 0, result.output
    assert "fa: published 1, held back 1" in result.output
    assert "published  budget-vote (approved)" in result.output
    assert "held back  river-clean: none of its 2 units is approved (2 machine)" in result.output
    assert "PLACEHOLDER" not in result.output
    assert (newsroom.out / "fa" / "index.html").is_file()


def test_include_machine_warns_loudly_about_test_model_text(runner: CliRunner,
                                                           newsroom: Newsroom) -> None:
    result = _run(runner, newsroom, "--include", "machine", "--lang", "ar")
    assert result.exit_code == 0, result.output
    assert "budget-vote (unreviewed)  PLACEHOLDER TEXT (test model)" in result.output
    assert "random-weight TEST MODEL" in result.stderr and "pipeline models install" in result.stderr
    assert not (newsroom.out / "fa").exists()  # only the edition asked for


def test_json_report(runner: CliRunner, newsroom: Newsroom) -> None:
    result = _run(runner, newsroom, "--json", "--format", "json,markdown", "--include", "machine")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["formats"] == ["json", "markdown"] and data["include_machine"] is True
    assert data["placeholder_text"] is True
    assert data["languages"]["ar"]["placeholder_articles"] == ["budget-vote"]
    assert data["languages"]["sq"]["held_back"][0]["slug"] == "river-clean"
    assert data["files"]["written"] > 0
    assert (newsroom.out / "sq" / "index.md").is_file()


@pytest.mark.parametrize("args, message", [
    (["--lang", "de"], "de"),
    (["--format", "pdf"], "pdf"),
    (["--include", "everything"], "machine"),
    (["--jobs", "0"], "--jobs"),
])
def test_bad_options_are_usage_errors(runner: CliRunner, newsroom: Newsroom, args: list[str],
                                      message: str) -> None:
    result = _run(runner, newsroom, *args)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_repeated_languages_and_formats_count_once(runner: CliRunner, newsroom: Newsroom) -> None:
    result = _run(runner, newsroom, "--lang", "fa,fa", "--format", "html,html", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data["languages"]) == ["fa"] and data["formats"] == ["html"]
    assert [d["slug"] for d in data["languages"]["fa"]["published"]] == ["budget-vote"]


def test_jobs_one_and_two_publish_the_same(runner: CliRunner, newsroom: Newsroom) -> None:
    one = _run(runner, newsroom, "--jobs", "1", "--json")
    assert one.exit_code == 0, one.output
    files = {p: p.read_bytes() for p in newsroom.out.rglob("*") if p.is_file()}
    two = _run(runner, newsroom, "-j", "2", "--json")
    assert two.exit_code == 0, two.output
    assert json.loads(two.output)["files"]["written"] == 0  # same bytes: nothing rewritten
    assert {p: p.read_bytes() for p in newsroom.out.rglob("*") if p.is_file()} == files
    assert "--jobs" in runner.invoke(app, ["export", "--help"]).output
