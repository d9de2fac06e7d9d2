"""The README's guarantees, exercised through the real `pipeline` command in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.workspace import Settings, init

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

Run = Callable[..., subprocess.CompletedProcess[str]]


def run_pipeline(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None,
                 input: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`python -m pipeline ARGS` as a user runs it; a hang fails the test (timeout)."""
    full = {**os.environ, "PYTHONPATH": str(ROOT), "PIPELINE_REVIEWER": "ana", **(env or {})}
    full.pop("PIPELINE_WORKSPACE", None)
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, env=full, input=input, timeout=timeout)


def one_error_line(proc: subprocess.CompletedProcess[str], *, naming: str | Path | None = None
                   ) -> str:
    """The single `error:` line of a failed run (no traceback), naming `naming` if given."""
    assert proc.returncode != 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1, proc.stderr
    if naming is not None:
        assert str(naming) in errors[0], errors[0]
    return errors[0]


@pytest.fixture
def seeded(tmp_path: Path) -> Settings:
    """A workspace with the example articles extracted (no glossary yet)."""
    from pipeline.extract.api import extract_paths, store_articles
    from pipeline.store import open_store

    ws = init(tmp_path / "ws", "en", ("fa", "ar", "sq"))
    articles = extract_paths([EXAMPLES / "pages", EXAMPLES / "library-extends-its-opening-hours.md"])
    with open_store(ws.database) as store:  # in-process: the commands under test run as users do
        store_articles(store, articles, ws.targets)
    return ws


@pytest.fixture
def run() -> Run:
    return run_pipeline
