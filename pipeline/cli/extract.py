"""`pipeline extract`: articles and units from pages."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline.cli.common import JsonOpt, WorkspaceOpt, count, echo, print_json, settings


def register(app: typer.Typer) -> None:
    """Add this group's commands to the app."""
    app.command("extract")(extract)


def extract(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files or directories of pages (.txt, .html, .md).", metavar="PATH"),
    ],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="Input format: auto, text, html or markdown.")
    ] = "auto",
    as_json: JsonOpt = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Extract and report without touching the database.")
    ] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Extract articles and translation units from text dumps, HTML and Markdown pages.

    Each file is saved in its own transaction; a bad file is reported and the others go on.
    Exits 1 if any file failed.
    """
    import sys

    from pipeline.errors import UsageError
    from pipeline.extract.api import FORMATS, iter_files, merge

    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt} is not one of {', '.join(FORMATS)}")
    cfg = None if dry_run else settings(workspace)
    lang = cfg.source if cfg is not None else "en"
    store = None
    if cfg is not None:
        from pipeline.store import open_store

        store = open_store(cfg.database)
    failed: list[str] = []
    collected: list[Any] = []
    totals = {"files": 0, "articles": 0, "added": 0, "obsoleted": 0, "unchanged": 0,
              "skipped": 0, "carried": 0}
    results = iter_files(paths, fmt=fmt, lang=lang)
    progress = None
    if sys.stderr.isatty() and not as_json:
        from rich.progress import Progress

        progress = Progress(transient=True)
        progress.start()
        task = progress.add_task("extracting", total=None)
    try:
        for result in results:
            totals["files"] += 1
            if progress is not None:
                progress.update(task, advance=1, description=Path(result.path).name[:40])
            if result.error is not None:
                failed.append(result.path)
                echo(f"error: {result.error}", err=True)
                continue
            totals["articles"] += len(result.articles)
            if store is not None and cfg is not None:
                from pipeline.errors import FATAL, PipelineError
                from pipeline.extract.api import store_articles

                try:
                    saved = store_articles(store, result.articles, cfg.targets)
                except PipelineError as exc:
                    if isinstance(exc, FATAL):  # a full disk or a held lock: stop, one line
                        raise
                    failed.append(result.path)
                    echo(f"error: {result.path}: {exc}", err=True)
                    continue
                for s in saved:
                    totals["added"] += s.added
                    totals["obsoleted"] += s.obsoleted
                    totals["unchanged"] += int(s.unchanged and not s.skipped)
                    totals["skipped"] += int(s.skipped)
                    totals["carried"] += s.carried
                if as_json:
                    collected.extend(
                        {"source": result.path, "slug": s.slug, "added": s.added, "kept": s.kept,
                         "obsoleted": s.obsoleted, "unchanged": s.unchanged,
                         "carried": s.carried, "skipped": s.skipped}
                        for s in saved
                    )
            else:
                collected.extend(result.articles)
    finally:
        if progress is not None:
            progress.stop()
        if store is not None:
            store.close()
    if as_json:
        if dry_run:
            print_json([_article_json(a) for a in merge(collected)])
        else:
            print_json(collected)
    elif dry_run:
        for a in merge(collected):
            truncated = ", truncated" if a.truncated else ""
            echo(f"{a.source}: {a.slug} ({count(len(a.units), 'unit')}{truncated})")
    summary = (f"{count(totals['files'], 'file')}, {count(totals['articles'], 'article')}, "
               f"{len(failed)} failed")
    if not dry_run:
        summary += (f"; {count(totals['added'], 'unit')} added, {totals['obsoleted']} obsoleted, "
                    f"{count(totals['carried'], 'translation')} kept as stale, "
                    f"{count(totals['unchanged'], 'article')} unchanged")
        if totals["skipped"]:
            summary += (f", {count(totals['skipped'], 'teaser')} skipped "
                        "(the full article is stored)")
    echo(summary, err=as_json)
    if failed:
        raise typer.Exit(1)


def _article_json(a: Any) -> dict[str, Any]:
    return {
        "source": a.source, "slug": a.slug, "title": a.title, "category": a.category,
        "tags": list(a.tags), "byline": a.byline, "date": a.date, "date_iso": a.date_iso,
        "truncated": a.truncated, "captions": list(a.captions),
        "units": [
            {"id": u.id, "kind": str(u.kind), "text": u.text, "sentences": [list(s) for s in u.sentences]}
            for u in a.units
        ],
    }
