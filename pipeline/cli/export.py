"""`pipeline export`: per-language editions."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipeline.cli.common import JsonOpt, WorkspaceOpt, echo, print_json, settings

if TYPE_CHECKING:
    from pipeline.export.publish import ExportOptions, ExportReport
    from pipeline.workspace import Settings

#: How many published / held-back articles the text report lists per language.
SHOW = 20

PLACEHOLDER_WARNING = (
    "!!! PLACEHOLDER TEXT: {n} published article(s) contain output of a random-weight TEST MODEL,"
    " not translation. Its words mean nothing. Install real packages with"
    " `pipeline models install`, then translate again."
)


def register(app: typer.Typer) -> None:
    app.command("export")(export)


def export(
    workspace: WorkspaceOpt = None,
    lang: Annotated[str | None, typer.Option(
        "--lang", "-l",
        help="Editions to write, comma separated, e.g. fa,ar; 'all' (default) is the source "
             "language and every target.")] = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", "-f",
        help="html, markdown or json (comma separated for several; default from "
             "pipeline.toml export.formats, else html).")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Output directory (default: paths.editions of pipeline.toml).")] = None,
    include: Annotated[str | None, typer.Option(
        "--include",
        help="'machine' also publishes unreviewed machine translation, with a notice on the "
             "article (default: export.include_machine).")] = None,
    base_url: Annotated[str | None, typer.Option(
        "--base-url",
        help="Where the editions will be published, e.g. https://example.org/editions/: makes "
             "hreflang and canonical links absolute and writes sitemap.xml, the news sitemap and "
             "robots.txt (default: export.base_url).")] = None,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", metavar="N", min=1,
        help="Worker processes that build and write the pages (default: one per core; 1 "
             "builds everything in this process).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Write the language editions: only what the publishing policy allows, and say why not."""
    from pipeline.errors import UsageError
    from pipeline.export.publish import ExportOptions

    s = settings(workspace)
    if lang is None or lang.strip() in ("", "all"):
        langs = s.languages
    else:
        langs = tuple(x.strip() for x in lang.split(",") if x.strip())
    names = tuple(x.strip() for x in fmt.split(",") if x.strip()) if fmt else s.formats
    if include not in (None, "machine"):
        raise UsageError(f"--include {include!r} is not known (the only choice is: machine)")
    if base_url is not None:
        from pipeline.workspace import base_url as check_url

        try:
            base_url = check_url(base_url)
        except ValueError as exc:
            raise UsageError(f"--base-url {base_url!r} {exc}") from None
    options = ExportOptions(out=out or s.editions, langs=langs, formats=names,
                            include_machine=True if include == "machine" else None,
                            base_url=base_url, jobs=jobs)
    report = _run(s, options, show_progress=not as_json and sys.stderr.isatty())
    if as_json:
        print_json(report.to_dict())
    else:
        _print(report)
    if report.placeholder:
        n = sum(len(r.placeholder) for r in report.languages.values())
        echo(PLACEHOLDER_WARNING.format(n=n), err=True)


def _run(s: Settings, options: ExportOptions, *, show_progress: bool) -> ExportReport:
    from pipeline.export.publish import publish

    if not show_progress:
        return publish(s, options)
    from rich.progress import Progress

    # No refresh thread: the export forks its workers, and a fork should not copy a thread.
    with Progress(transient=True, auto_refresh=False) as bar:
        task = bar.add_task("exporting", total=None)

        def advance(n: int) -> None:
            bar.advance(task, n)
            bar.refresh()

        return publish(s, options, progress=advance)


def _print(report: ExportReport) -> None:
    echo(f"editions in {report.out} ({', '.join(report.formats)}); unreviewed machine text "
         f"{'included' if report.include_machine else 'not included'}")
    for lang, r in report.languages.items():
        extra = f", {len(r.unreviewed)} with unreviewed text" if r.unreviewed else ""
        if r.correction_pending:
            extra += f", {len(r.correction_pending)} with a correction pending"
        echo(f"{lang}: published {len(r.published)}{extra}, held back {len(r.held_back)}")
        if not r.has_catalog:
            echo(f"  note: no edition strings for {lang} in locales/; navigation is in English")
        for d in r.published[:SHOW]:
            mark = "  PLACEHOLDER TEXT (test model)" if d.test_model else ""
            echo(f"  published  {d.slug} ({d.status}){mark}")
            if d.next_step:
                echo(f"             {d.reason}")
                echo(f"             {d.next_step}")
        if len(r.published) > SHOW:
            echo(f"  ... and {len(r.published) - SHOW} more published (see --json)")
        for d in r.held_back[:SHOW]:
            echo(f"  held back  {d.slug}: {d.reason}")
            if d.next_step:
                echo(f"             {d.next_step}")
        if len(r.held_back) > SHOW:
            echo(f"  ... and {len(r.held_back) - SHOW} more held back (see --json)")
    echo(f"files: {len(report.written)} written, {report.unchanged} unchanged, "
         f"{len(report.removed)} removed")
    if "html" in report.formats and not report.sitemap:
        echo("note: no sitemap.xml or robots.txt: sitemaps need absolute URLs; set --base-url "
             "or export.base_url")
