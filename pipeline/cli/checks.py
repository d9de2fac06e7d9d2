"""`pipeline check`: completeness and quality gate; `pipeline suppress`: per-unit exceptions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipeline.cli.common import LangOpt, WorkspaceOpt, echo, print_json, settings

if TYPE_CHECKING:
    from pipeline.workspace import Settings

FORMATS = ("text", "json", "junit", "markdown")


def _write(path: Path, text: str) -> None:
    """Write the report atomically: a crash never leaves half a report for CI to read."""
    from pipeline import atomicfile

    atomicfile.write_text(path, text)


def _optional_settings(workspace: Path | None) -> Settings | None:
    """The workspace if there is one; --po runs without any."""
    from pipeline.errors import WorkspaceNotFound

    try:
        return settings(workspace)
    except WorkspaceNotFound:
        if workspace is not None:
            raise
        return None


def register(app: typer.Typer) -> None:
    """Add `check` and `suppress`."""

    @app.command("check")
    def check(
        workspace: WorkspaceOpt = None,
        lang: LangOpt = None,
        po: Annotated[list[Path] | None, typer.Option(
            "--po", metavar="PATH",
            help="Check PO files instead of the database: a file, or a directory searched "
                 "recursively for .po (repeatable). Needs no workspace.")] = None,
        min_approved: Annotated[float | None, typer.Option(
            "--min-approved", help="Percent of units that must be approved, in every language "
                                   "(default: thresholds in pipeline.toml).")] = None,
        min_translated: Annotated[float | None, typer.Option(
            "--min-translated", help="Percent of units that must be translated by a person "
                                     "(translated or approved), in every language.")] = None,
        by_article: Annotated[bool, typer.Option(
            "--by-article", help="Also report completeness per article.")] = False,
        fail_on: Annotated[str, typer.Option(
            "--fail-on", metavar="error|warning",
            help="Lowest finding severity that fails the run: error or warning.")] = "error",
        fmt: Annotated[str, typer.Option(
            "--format", "-f", metavar="text|json|junit|markdown",
            help="Report format: text, json, junit or markdown.")] = "text",
        output: Annotated[Path | None, typer.Option(
            "--output", "-o", help="Write the report to this file instead of standard output.")
        ] = None,
        list_checks: Annotated[bool, typer.Option(
            "--list-checks", help="List the checks (id, severity, description) and exit.")
        ] = False,
    ) -> None:
        """Check completeness and translation quality; exit 1 if a threshold or check fails.

        Exit codes: 0 all passed, 1 a threshold or a check at the --fail-on level failed,
        2 usage or input error (such as a malformed PO file).
        """
        from pipeline.checks import reports
        from pipeline.checks.run import build_options, run_database, run_po
        from pipeline.cli.common import split_langs
        from pipeline.errors import InputError, UsageError

        if fmt not in FORMATS:
            raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
        if list_checks:
            echo(reports.checks_table(fmt if fmt in ("json", "markdown") else "text").rstrip("\n"))
            return
        try:
            if po:
                ws = _optional_settings(workspace)
                langs = tuple(x.strip() for x in (lang or "").split(",")
                              if x.strip() and x.strip() != "all")
                options = build_options(ws, langs=langs, min_approved=min_approved,
                                        min_translated=min_translated, by_article=by_article,
                                        fail_on=fail_on)
                report = run_po(po, options, settings=ws)
            else:
                ws = settings(workspace)
                options = build_options(ws, langs=split_langs(lang, ws),
                                        min_approved=min_approved, min_translated=min_translated,
                                        by_article=by_article, fail_on=fail_on)
                report = run_database(ws, options)
        except InputError as exc:
            # Bad input is not a failed check: CI must tell "fix the file" from "fix the text".
            echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        text = reports.render(report, fmt)
        if output is not None:
            _write(output, text)
            echo(reports.summary(report))
        else:
            typer.echo(text, nl=False)
        raise typer.Exit(report.exit_code)

    @app.command("suppress")
    def suppress(
        unit: Annotated[str | None, typer.Argument(
            help="Unit id (shown by `pipeline check`).", show_default=False)] = None,
        lang: Annotated[str | None, typer.Option(
            "--lang", "-l", help="Target language of the translation.")] = None,
        check_id: Annotated[str | None, typer.Option(
            "--check", help="Id of the check to suppress (see `pipeline check --list-checks`).")
        ] = None,
        reason: Annotated[str | None, typer.Option(
            "--reason", help="Why the finding is acceptable (required to suppress).")] = None,
        remove: Annotated[bool, typer.Option(
            "--remove", help="Lift the suppression instead of adding it.")] = False,
        list_all: Annotated[bool, typer.Option(
            "--list", help="List every suppression and exit.")] = False,
        reviewer: Annotated[str | None, typer.Option(
            "--reviewer", help="Who suppresses (default: $PIPELINE_REVIEWER, git user.name).")
        ] = None,
        json_out: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")
                            ] = False,
        workspace: WorkspaceOpt = None,
    ) -> None:
        """Accept one check's finding on one unit in one language, with a reason."""
        from pipeline import reviewer as identity
        from pipeline.checks.registry import validate_ids
        from pipeline.errors import UsageError
        from pipeline.store import checks as queries
        from pipeline.store import open_store

        ws = settings(workspace)
        with open_store(ws.database) as store:
            if list_all:
                rows = queries.list_suppressions(store)
                if json_out:
                    print_json(rows)
                for r in [] if json_out else rows:
                    echo(f"{r['lang']}  {r['unit_id']}  {r['check_id']}  {r['reason']}"
                         f"  ({r['who'] or 'unknown'}, {r['at']})")
                return
            if not unit or not lang or not check_id:
                raise UsageError("give UNIT, --lang and --check (or --list)")
            if lang not in ws.targets:
                raise UsageError(f"--lang {lang} is not a target language of this workspace "
                                 f"({','.join(ws.targets)})")
            validate_ids([check_id])
            if remove:
                if not queries.remove_suppression(store, unit, lang, check_id):
                    raise UsageError(f"no suppression of {check_id} on {unit} ({lang})")
                echo(f"lifted: {check_id} on {unit} ({lang})")
                return
            if not reason or not reason.strip():
                raise UsageError("--reason is required: say why the finding is acceptable")
            from pipeline.textcheck import check_human_text

            check_human_text(reason, what="the reason")  # it goes into JUnit XML reports
            queries.add_suppression(store, unit, lang, check_id, reason.strip(),
                                    identity.resolve(reviewer))
        echo(f"suppressed: {check_id} on {unit} ({lang})")
