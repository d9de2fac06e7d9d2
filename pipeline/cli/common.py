"""Options and helpers shared by the CLI modules (the only place that prints)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline.workspace import ENV_VAR, Settings, open_settings

#: Upper bounds of numeric options: ids and revisions fit SQLite's 64-bit INTEGER; counts and
#: limits are far beyond any workspace, yet no value can overflow a query.
MAX_ID = 2**63 - 1
MAX_COUNT = 10**9

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option(
        "--workspace", "-w", envvar=ENV_VAR, show_envvar=True,
        help="Workspace directory (default: nearest parent holding pipeline.toml).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
LangOpt = Annotated[
    str | None, typer.Option("--lang", "-l", help="Target languages, comma separated (default: all).")
]


def settings(workspace: Path | None) -> Settings:
    """Load the workspace settings a command runs with."""
    return open_settings(workspace)


def split_langs(value: str | None, settings: Settings) -> tuple[str, ...]:
    """Parse --lang fa,ar (or 'all') against the workspace's target languages."""
    from pipeline.errors import UsageError

    if value is None or value.strip() in ("", "all"):
        return settings.targets
    langs = tuple(x.strip() for x in value.split(",") if x.strip())
    unknown = [x for x in langs if x not in settings.targets]
    if unknown:
        raise UsageError(
            f"--lang {','.join(unknown)} is not a target language of this workspace "
            f"({','.join(settings.targets)})"
        )
    return langs


def print_json(data: Any) -> None:
    """JSON on stdout, UTF-8, keys in a stable order."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n")


def echo(message: str = "", *, err: bool = False) -> None:
    typer.echo(message, err=err)


def count(n: int, word: str, plural: str | None = None) -> str:
    """`1 file`, `2 files`: English summaries in correct grammar.

    >>> count(1, "article"), count(0, "article"), count(3, "entry", "entries")
    ('1 article', '0 articles', '3 entries')
    """
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def local_time(stamp: str | None) -> str:
    """A stored UTC timestamp as people read it: local time to the minute (`09:37`), with the
    date when it is not today (`2026-12-02 09:37`)."""
    if not stamp:
        return "-"
    from datetime import datetime

    try:
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return stamp
    today = datetime.now().astimezone().date()
    return when.strftime("%H:%M" if when.date() == today else "%Y-%m-%d %H:%M")
