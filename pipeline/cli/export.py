"""`pipeline export`: per-language editions."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this group's commands to the app (filled in by the stage's issue)."""
