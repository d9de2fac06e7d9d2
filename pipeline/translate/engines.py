"""Where translation models come from: installed Argos packages (`argos`) or configured CTranslate2
models (`ct2`). Both give legs that the one Engine decodes with CTranslate2; routes are found the
same way (a direct leg, else a pivot through English).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import UsageError
from pipeline.translate.packages import PackageInfo
from pipeline.workspace import ModelConfig

DEFAULT = "argos"


@dataclass(frozen=True)
class EngineKind:
    """One source of models: how to list its legs and what to tell a user who lacks one."""

    name: str
    description: str
    legs: Callable[[Sequence[ModelConfig], Path | None], list[PackageInfo]]
    missing: Callable[[list[str]], str]  # the error for pairs without a route, and its fix


def _argos(_models: Sequence[ModelConfig], directory: Path | None) -> list[PackageInfo]:
    from pipeline.translate import packages

    return packages.installed(directory)


def _ct2(models: Sequence[ModelConfig], _directory: Path | None) -> list[PackageInfo]:
    from pipeline.translate.ct2models import model_legs

    return model_legs(models)


#: The engines by name (`[translate] engine` in pipeline.toml, `pipeline translate --engine`).
ENGINES: dict[str, EngineKind] = {
    "argos": EngineKind(
        "argos", "installed Argos Translate packages", _argos,
        lambda pairs: f"no installed package translates {', '.join(pairs)}, directly or through "
                      f"English; install one with `pipeline models install {' '.join(pairs)}` "
                      "(or --from-file PATH.argosmodel)"),
    "ct2": EngineKind(
        "ct2", "CTranslate2 models configured in [[translate.models]]", _ct2,
        lambda pairs: f"no configured ct2 model translates {', '.join(pairs)}, directly or "
                      "through English; add the languages to a model's `languages` in "
                      "[[translate.models]] of pipeline.toml"),
}


def engine_kind(name: str) -> EngineKind:
    """The engine called `name`; a usage error naming the choices otherwise."""
    kind = ENGINES.get(name)
    if kind is None:
        raise UsageError(f"--engine {name!r}: use {' or '.join(ENGINES)}")
    return kind


def available_legs(name: str = DEFAULT, *, models: Sequence[ModelConfig] = (),
                   directory: Path | None = None) -> list[PackageInfo]:
    """Every leg the engine offers (packages, or each direction of each configured model)."""
    return engine_kind(name).legs(models, directory)
