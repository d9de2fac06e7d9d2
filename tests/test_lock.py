"""requirements.lock pins every dependency exactly, agrees with pyproject.toml, and is installed."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.conftest import ROOT

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)\s*(?:#.*)?$")


def _lock() -> dict[str, str]:
    pins: dict[str, str] = {}
    for n, line in enumerate((ROOT / "requirements.lock").read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _PIN.match(line)
        assert m, f"requirements.lock:{n}: not an exact pin: {line!r}"
        name = canonicalize_name(m.group(1))
        assert name not in pins, f"requirements.lock:{n}: {name} pinned twice"
        pins[name] = m.group(2)
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    for extra in project.get("optional-dependencies", {}).values():
        reqs += [Requirement(r) for r in extra]
    return reqs


def test_lock_pins_every_line_exactly() -> None:
    assert len(_lock()) > 20


@pytest.mark.parametrize("req", _declared(), ids=str)
def test_every_pyproject_dependency_is_locked_within_its_range(req: Requirement) -> None:
    pins = _lock()
    name = canonicalize_name(req.name)
    assert name in pins, f"{req.name} is in pyproject.toml but not in requirements.lock: run scripts/lock"
    assert req.specifier.contains(Version(pins[name]), prereleases=True), (
        f"requirements.lock has {req.name}=={pins[name]}, outside pyproject's {req.specifier}: "
        "run scripts/lock")


def test_build_backend_is_locked() -> None:
    # The project is installed with --no-build-isolation, so its build backend comes from the lock.
    build = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    pins = _lock()
    for req in map(Requirement, build):
        assert canonicalize_name(req.name) in pins
        assert req.specifier.contains(Version(pins[canonicalize_name(req.name)]))


def test_the_environment_runs_the_locked_versions() -> None:
    # What the tests run on is what a new machine installs (local labels such as +cpu aside).
    wrong = []
    for name, version in _lock().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            wrong.append(f"{name} (not installed)")
            continue
        if Version(installed).public != Version(version).public:
            wrong.append(f"{name} {installed} (lock: {version})")
    assert not wrong, "installed versions differ from requirements.lock: " + ", ".join(wrong)
