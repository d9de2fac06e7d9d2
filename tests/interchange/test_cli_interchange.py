"""The tm and xliff commands: exit codes, --json, one-line errors, readable help."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.store import Store
from pipeline.workspace import Settings
from tests.interchange.helpers import seed


def _run(runner: CliRunner, ws: Settings, *args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, [*args, "--workspace", str(ws.root)])
    return r.exit_code, r.stdout, r.stderr


def test_tm_export_and_import_json(runner: CliRunner, workspace: Settings, store: Store,
                                   tmp_path: Path) -> None:
    seed(store)
    out = tmp_path / "tm.tmx"
    code, stdout, _ = _run(runner, workspace, "tm", "export", "--out", str(out), "--json")
    assert code == 0 and json.loads(stdout)["by_lang"] == {"fa": 3, "ar": 1}
    code, stdout, _ = _run(runner, workspace, "tm", "import", str(out), "--lang", "fa", "--json")
    [rec] = json.loads(stdout)
    assert code == 0 and rec["by_lang"] == {"fa": 5} and rec["other_langs"] == {"ar": 1}


def test_tm_import_bad_file_exits_1_with_one_line(runner: CliRunner, workspace: Settings,
                                                  tmp_path: Path) -> None:
    bad = tmp_path / "bad.tmx"
    bad.write_text("<tmx version='1.4'><header/><body><tu>", encoding="utf-8")
    code, _, stderr = _run(runner, workspace, "tm", "import", str(bad))
    assert code == 1 and stderr.startswith(f"error: {bad}:1: not well-formed XML")
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1


def test_xliff_export_import_and_conflict_exit_code(runner: CliRunner, workspace: Settings,
                                                    store: Store, tmp_path: Path) -> None:
    ids = seed(store)
    code, stdout, _ = _run(runner, workspace, "xliff", "export", "--lang", "fa", "--version",
                           "1.2", "--out", str(tmp_path), "--json")
    [rec] = json.loads(stdout)
    assert code == 0 and rec["units"] == 5 and rec["checked"] == 3
    path = Path(rec["path"])
    code, stdout, _ = _run(runner, workspace, "xliff", "import", str(path), "--json")
    assert code == 0 and json.loads(stdout)[0]["imported"] == 0
    from pipeline.states import Action
    from pipeline.store import translations as tr

    tr.change(store, ids[0], "fa", Action.EDIT, who="sara", text="تازه", origin="human")
    text = path.read_text("utf-8").replace("مذاکرات صلح از سر گرفته شد", "نسخهٔ دیگر")
    path.write_text(text, encoding="utf-8")
    code, _, stderr = _run(runner, workspace, "xliff", "import", str(path))
    assert code == 1 and f"{path}:" in stderr and "after the export" in stderr


def test_usage_errors_exit_2(runner: CliRunner, workspace: Settings, tmp_path: Path) -> None:
    code, _, stderr = _run(runner, workspace, "xliff", "export", "--version", "3.0",
                           "--out", str(tmp_path))
    assert code == 2 and "--version 3.0" in stderr
    code, _, stderr = _run(runner, workspace, "tm", "export", "--lang", "de")
    assert code == 2 and "not a target language" in stderr


def test_help_is_readable(runner: CliRunner) -> None:
    for group in ("tm", "xliff"):
        for cmd in ("export", "import"):
            r = runner.invoke(app, [group, cmd, "--help"])
            options = r.stdout.split("Options:")[1]
            assert r.exit_code == 0 and "{" not in options and "--json" in options
