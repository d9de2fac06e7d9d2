"""The `pipeline` command: a thin typer shell over the library. Heavy imports stay inside commands."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from pipeline.errors import PipelineError


class PipelineGroup(TyperGroup):
    """Turns PipelineError anywhere below into a one-line message and exit code, no traceback."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from pipeline.cli.metavars import readable_metavars

        readable_metavars(self)

    def invoke(self, ctx: Any) -> Any:
        import sys

        for stream in (sys.stdout, sys.stderr):  # a file name with non-UTF-8 bytes prints
            if hasattr(stream, "reconfigure"):  # escaped (caf\xe9.txt), never a traceback
                stream.reconfigure(errors="backslashreplace")
        try:
            return super().invoke(ctx)
        except PipelineError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("interrupted; finished work is saved, run the command again to resume",
                       err=True)
            raise typer.Exit(130) from None


app = typer.Typer(
    name="pipeline",
    cls=PipelineGroup,
    help="Translation management for multilingual news: extract, translate, review, export, check.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from pipeline import __version__

        typer.echo(f"pipeline {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Translation management for multilingual news: extract, translate, review, export, check."""


def _register() -> None:
    # One module per verb group; each adds its commands. Order here is the order in --help.
    from pipeline.cli import (
        catalogs,
        checks,
        corrections,
        export,
        extract,
        glossary,
        interchange,
        review,
        serve,
        translate,
        users,
        workspace,
    )

    for module in (workspace, extract, glossary, translate, review, catalogs, interchange, export,
                   corrections, checks, users, serve):
        module.register(app)


_register()


def main() -> None:
    """Console-script entry point."""
    app()
