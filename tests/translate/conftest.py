"""Real Argos packages for the translate tests: built once per session, installed by the CLI."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: Pairs the tests need: direct en->fa/ar/sq, and fa->en for the fa>en>sq pivot.
PAIRS = (("en", "fa"), ("en", "ar"), ("en", "sq"), ("fa", "en"))


def load_builder() -> ModuleType:
    """scripts/make_test_model.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("make_test_model",
                                                  ROOT / "scripts" / "make_test_model.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_cli(*args: str, packages: Path, check: bool = True,
            **kw: object) -> subprocess.CompletedProcess[str]:
    """`python -m pipeline ...` in a subprocess with its own ARGOS_PACKAGES_DIR."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ARGOS_PACKAGES_DIR": str(packages)}
    env.pop("PIPELINE_WORKSPACE", None)
    proc = subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True,
                          text=True, env=env, **kw)  # type: ignore[call-overload]
    if check and proc.returncode != 0:
        raise AssertionError(f"pipeline {' '.join(args)} failed: {proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def model_files(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Tiny random-weight .argosmodel files, one per pair, built with the shipped builder."""
    builder = load_builder()
    out = tmp_path_factory.mktemp("argosmodels")
    files = {}
    for seed, (src, tgt) in enumerate(PAIRS, start=1):
        files[(src, tgt)] = builder.build_package(out / f"{src}_{tgt}.argosmodel", src=src,
                                                  tgt=tgt, seed=seed)
    return files


@pytest.fixture(scope="session")
def installed_dir(tmp_path_factory: pytest.TempPathFactory,
                  model_files: dict[tuple[str, str], Path]) -> Path:
    """A package directory filled through the real `pipeline models install --from-file`."""
    packages = tmp_path_factory.mktemp("argos") / "packages"
    args = []
    for path in model_files.values():
        args += ["--from-file", str(path)]
    run_cli("models", "install", *args, packages=packages)
    return packages


@pytest.fixture
def argos_dir(installed_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private copy of the installed packages, set as ARGOS_PACKAGES_DIR for this test."""
    private = tmp_path / "argos" / "packages"
    shutil.copytree(installed_dir, private)
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(private))
    yield private
