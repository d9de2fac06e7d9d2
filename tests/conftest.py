"""Shared fixtures: real temporary workspaces with real SQLite files."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.store import Store, open_store
from pipeline.workspace import Settings, init

ROOT = Path(__file__).resolve().parents[1]
# Tests load scripts (the test-model builder) as modules; they import scripts/_project_env.
if str(ROOT / "scripts") not in sys.path:
    sys.path.append(str(ROOT / "scripts"))
# The shared corpus sits beside the project (../shared); CI clones it there too.
CORPUS = Path(os.environ.get("PIPELINE_CORPUS", ROOT.parent / "shared" / "corpus"))


@pytest.fixture
def workspace(tmp_path: Path) -> Settings:
    """A fresh workspace (en -> fa, ar, sq) in a temporary directory."""
    return init(tmp_path / "ws", "en", ("fa", "ar", "sq"))


@pytest.fixture
def store(workspace: Settings) -> Iterator[Store]:
    """The workspace's database, open."""
    s = open_store(workspace.database)
    yield s
    s.close()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def corpus() -> Path:
    if not (CORPUS / "pages").is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    return CORPUS
