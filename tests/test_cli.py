"""The CLI shell: help everywhere, fast start, errors as one line with the right exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from pipeline.cli import app

HEAVY = ("torch", "stanza", "argostranslate.translate", "ctranslate2", "spacy", "trafilatura")


def _all_commands() -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []

    def walk(cmd: Any, path: str) -> None:
        out.append((path, cmd))
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                walk(sub, f"{path} {name}".strip())

    walk(get_command(app), "")
    return out


def test_every_command_has_help_text() -> None:
    commands = _all_commands()
    assert len(commands) >= 3
    for path, cmd in commands:
        assert (cmd.help or "").strip(), f"`pipeline {path}` has no help text"
        for param in cmd.params:
            if param.param_type_name == "option" and param.name != "help":
                assert (param.help or "").strip(), f"`pipeline {path}` {param.opts} has no help"


def test_help_runs_for_every_command(runner: CliRunner) -> None:
    for path, _ in _all_commands():
        result = runner.invoke(app, [*path.split(), "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage" in result.output


def test_cli_import_stays_light() -> None:
    code = "import sys, pipeline.cli; print(','.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(out.stdout.strip().split(","))
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_help_starts_fast() -> None:
    # Not a timing assertion on the machine's speed: a generous bound that only a heavy import
    # (torch takes seconds) would break.
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline", "--help"], capture_output=True, check=True)
    assert time.perf_counter() - start < 5


def test_init_and_status_json(tmp_path: Path, runner: CliRunner) -> None:
    ws = tmp_path / "ws"
    result = runner.invoke(app, ["init", str(ws), "--targets", "fa,ar"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["status", "--json", "-w", str(ws)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data["languages"]) == {"fa", "ar"}
    assert data["languages"]["fa"]["counts"]["untranslated"] == 0


def test_bad_language_is_usage_error(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["init", str(tmp_path), "--targets", "fa,klingon"])
    assert result.exit_code == 2
    assert "klingon" in result.output
    assert "Traceback" not in result.output


def test_missing_workspace_is_one_line_exit_2(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PIPELINE_WORKSPACE"}
    proc = subprocess.run([sys.executable, "-m", "pipeline", "status"], cwd=tmp_path,
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "pipeline init" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("argv", [["--no-such-option"], ["nonsense-command"]])
def test_unknown_usage_exits_2(runner: CliRunner, argv: list[str]) -> None:
    assert runner.invoke(app, argv).exit_code == 2


#: Commands that change nothing (or are interactive / have their own --format json).
_NO_JSON_NEEDED = {"review next", "check", "serve"}  # serve runs a server, prints no result


def test_every_command_that_changes_state_takes_json() -> None:
    missing = []
    for path, cmd in _all_commands():
        if hasattr(cmd, "commands") or not path or path in _NO_JSON_NEEDED:
            continue
        opts = {o for p in cmd.params for o in getattr(p, "opts", ())}
        if "--json" not in opts:
            missing.append(path)
    assert not missing, f"commands without --json: {missing}"


def test_help_shows_readable_placeholders(runner: CliRunner) -> None:
    # typer's defaults (`<str>`, `<int range>`, `{PATH}...`, `<list[Path]>`) are for programmers.
    for path, _ in _all_commands():
        out = runner.invoke(app, [*path.split(), "--help"]).output
        for bad in ("<str>", "<int", "<float", "<path>", "<list[", "{", "}"):
            if bad in ("{", "}") and path == "review apply":  # its help shows a JSON example
                continue
            assert bad not in out, f"`pipeline {path} --help` shows {bad!r}:\n{out}"


def test_version(runner: CliRunner) -> None:
    from pipeline import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"pipeline {__version__}"


def test_shell_completion_is_offered(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--help"])
    assert "--install-completion" in result.output and "--show-completion" in result.output


def test_fresh_workspace_imports_its_glossary(tmp_path: Path, runner: CliRunner) -> None:
    ws = tmp_path / "ws"
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0
    result = runner.invoke(app, ["glossary", "import", "-w", str(ws), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["terms"] == 0


def test_state_changing_commands_print_json(tmp_path: Path, runner: CliRunner) -> None:
    ws = tmp_path / "ws"
    result = runner.invoke(app, ["init", str(ws), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["targets"] == ["fa", "ar", "sq"]
    result = runner.invoke(app, ["glossary", "add", "Reuters", "--keep", "-w", str(ws), "--json"])
    assert json.loads(result.output) == {"term": "Reuters", "lang": "*", "added": True,
                                         "replaced": False}
    result = runner.invoke(app, ["glossary", "remove", "Reuters", "-w", str(ws), "--json"])
    assert json.loads(result.output)["removed"] is True
    result = runner.invoke(app, ["review", "release", "--reviewer", "Ana", "-w", str(ws), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"released": 0, "reviewer": "Ana", "lang": None}


def test_summaries_count_in_correct_grammar(tmp_path: Path, runner: CliRunner) -> None:
    ws = tmp_path / "ws"
    runner.invoke(app, ["init", str(ws)])
    page = tmp_path / "page.md"
    page.write_text("# A headline\n\nA paragraph that is long enough to be a sentence here.\n")
    result = runner.invoke(app, ["extract", str(page), "-w", str(ws)])
    assert result.exit_code == 0, result.output
    assert "1 file, 1 article, 0 failed; 2 units added" in result.output
    status = runner.invoke(app, ["status", "-w", str(ws)]).output
    assert status.startswith("1 article, 2 units")
    import re

    header = re.split(r"\s{2,}", status.splitlines()[1].strip())
    assert len(header) == len(set(header)), header  # no column named twice


@pytest.mark.parametrize("script", ["make_test_model.py", "eval_extract.py", "bench_po.py"])
def test_readme_scripts_run_with_a_python_outside_the_venv(script: str) -> None:
    # `python scripts/x.py` as the README writes it, with a Python that lacks the dependencies.
    base = Path(sys.base_prefix) / "bin" / "python3"
    if not base.exists() or sys.prefix == sys.base_prefix:
        pytest.skip("needs the tests to run inside a virtual environment")
    root = Path(__file__).resolve().parents[1]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PIPELINE_VENV"] = sys.prefix
    proc = subprocess.run([str(base), str(root / "scripts" / script), "--help"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "usage:" in proc.stdout


def test_glossary_import_without_its_file_says_what_to_do(tmp_path: Path, runner: CliRunner) -> None:
    ws = tmp_path / "ws"
    runner.invoke(app, ["init", str(ws)])
    (ws / "glossary.csv").unlink()
    result = runner.invoke(app, ["glossary", "import", "-w", str(ws)])
    assert result.exit_code == 2
    assert "pipeline glossary export" in result.output
