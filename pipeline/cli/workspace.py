"""`pipeline init` and `pipeline status`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli.common import JsonOpt, WorkspaceOpt, count, echo, print_json, settings


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("status")(status)


def init(
    directory: Annotated[Path, typer.Argument(help="Where to create the workspace.")] = Path("."),
    source: Annotated[str, typer.Option(help="Language the articles are written in.")] = "en",
    targets: Annotated[str, typer.Option(help="Languages to translate into, comma separated.")]
    = "fa,ar,sq",
    force: Annotated[bool, typer.Option(help="Rewrite an existing pipeline.toml.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Create a workspace: pipeline.toml, an empty database and a glossary CSV with its header."""
    from pipeline.workspace import init as init_workspace

    langs = tuple(t.strip() for t in targets.split(",") if t.strip())
    s = init_workspace(directory, source, langs, force=force)
    if as_json:
        print_json({"root": str(s.root), "source": s.source, "targets": list(s.targets),
                    "database": str(s.database), "glossary": str(s.glossary)})
        return
    echo(f"created workspace {s.root} ({s.source} -> {', '.join(s.targets)}); "
         f"database {s.database.name}, glossary {s.glossary.name}")


def status(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Units by review status and percent approved, per target language."""
    from pipeline.status import workspace_status

    report = workspace_status(settings(workspace))
    if as_json:
        print_json(report)
        return
    from pipeline.states import Status

    cols = [s.value for s in Status]
    echo(f"{count(report['articles'], 'article')}, {count(report['units'], 'unit')}")
    echo("lang  " + "  ".join(f"{c:>12}" for c in cols) + "  % approved")
    for lang, row in report["languages"].items():
        echo(f"{lang:<5} " + "  ".join(f"{row['counts'][c]:>12}" for c in cols)
             + f"   {row['approved_percent']:>7.1f}%")
