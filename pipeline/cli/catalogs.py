"""`pipeline po`: gettext PO export, import and MO compile."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli.common import JsonOpt, LangOpt, WorkspaceOpt, count, echo, print_json, settings, split_langs

OutOpt = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Catalog directory (default: paths.locales of pipeline.toml)."),
]

@contextmanager
def _progress(label: str, total: int | None) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on a terminal (stderr), nothing when output is not a TTY."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


po_app = typer.Typer(
    help="Round-trip translations through gettext PO files (Poedit and other gettext tools).",
    no_args_is_help=True,
)


@po_app.command("export")
def export_cmd(workspace: WorkspaceOpt = None, lang: LangOpt = None, out: OutOpt = None,
               json_out: JsonOpt = False) -> None:
    """Write <out>/<lang>/LC_MESSAGES/articles.po per language and <out>/articles.pot."""
    from pipeline.catalogs.export import export_catalogs
    from pipeline.store import open_store

    s = settings(workspace)
    langs = split_langs(lang, s)
    with open_store(s.database) as store, _progress("exporting", len(langs)) as step:
        results = export_catalogs(store, langs, out or s.locales, project=s.root.name,
                                  progress=step)
    if json_out:
        print_json([{"lang": r.lang, "path": str(r.path), "entries": r.entries,
                     "fuzzy": r.fuzzy, "translated": r.translated,
                     "untranslated": r.untranslated} for r in results])
        return
    for r in results:
        if r.lang is None:
            echo(f"{r.path}: template, {count(r.entries, 'entry', 'entries')}")
        else:
            echo(f"{r.path}: {count(r.entries, 'entry', 'entries')} ({r.translated} checked by a person, "
                 f"{r.fuzzy} fuzzy, {r.untranslated} untranslated)")


@po_app.command("import")
def import_cmd(
    files: Annotated[list[Path], typer.Argument(help="PO files edited by translators.")],
    workspace: WorkspaceOpt = None,
    approve: Annotated[bool, typer.Option(
        "--approve", help="Approve the imported entries instead of leaving them for review.")] = False,
    reviewer: Annotated[str | None, typer.Option(
        "--reviewer", help="Who is importing (default: $PIPELINE_REVIEWER, then git user.name).",
    )] = None,
    confirm_placeholder: Annotated[bool, typer.Option(
        "--confirm-placeholder",
        help="Let un-fuzzied entries confirm placeholder text of a test model as it is.",
    )] = False,
    json_out: JsonOpt = False,
) -> None:
    """Apply edited, non-fuzzy entries as human edits; conflicts are reported, not applied."""
    from pipeline import reviewer as who_module
    from pipeline.catalogs.importer import Conflict, import_files
    from pipeline.store import open_store

    s = settings(workspace)
    who = who_module.resolve(reviewer)
    with open_store(s.database) as store, _progress("importing entries", None) as step:
        results = import_files(store, files, targets=s.targets, who=who, approve=approve,
                               four_eyes=s.four_eyes, confirm_placeholder=confirm_placeholder,
                               progress=step)
    failed = sum(len(r.conflicts) + len(r.placeholder) for r in results)
    if json_out:
        def listed(items: tuple[Conflict, ...]) -> list[dict[str, object]]:
            return [{"line": c.line, "unit": c.unit_id, "reason": c.reason} for c in items]

        print_json([{"path": str(r.path), "lang": r.lang, "imported": r.imported,
                     "approved": r.approved, "skipped": r.skipped,
                     "conflicts": listed(r.conflicts), "held": listed(r.held),
                     "unfinished": listed(r.unfinished), "placeholder": listed(r.placeholder)}
                    for r in results])
    else:
        for r in results:
            echo(f"{r.path} ({r.lang}): {r.imported} imported, {r.approved} approved, "
                 f"{r.skipped} skipped, {len(r.conflicts)} conflicts")
            for c in (*r.conflicts, *r.held, *r.placeholder):
                echo(f"{r.path}:{c.line}: {c.unit_id or '-'}: {c.reason}", err=True)
            if r.unfinished:
                echo(f"{r.path}: {len(r.unfinished)} entries changed but still fuzzy: not "
                     "imported; clear the fuzzy flag to import them", err=True)
                for c in r.unfinished:
                    echo(f"{r.path}:{c.line}: {c.unit_id or '-'}: still fuzzy", err=True)
            if r.placeholder:
                echo(f"{r.path}: {len(r.placeholder)} entries would confirm placeholder text "
                     "of a test model: not imported; translate them, or pass "
                     "--confirm-placeholder", err=True)
    if failed:
        raise typer.Exit(1)


@po_app.command("compile")
def compile_cmd(workspace: WorkspaceOpt = None, lang: LangOpt = None, out: OutOpt = None,
                json_out: JsonOpt = False) -> None:
    """Compile the exported catalogs to .mo files (GNU msgfmt when installed)."""
    from pipeline.catalogs.export import catalog_path
    from pipeline.catalogs.mo import compile_catalog
    from pipeline.errors import InputError

    s = settings(workspace)
    results = []
    for code in split_langs(lang, s):
        po = catalog_path(s.locales, code)
        if not po.is_file():
            raise InputError("no catalog here; run `pipeline po export` first", path=po)
        results.append(compile_catalog(po, catalog_path(out or s.locales, code)
                                       .with_suffix(".mo")))
    if json_out:
        print_json([{"source": str(r.source), "path": str(r.path), "messages": r.messages,
                     "tool": r.tool} for r in results])
        return
    for r in results:
        echo(f"{r.path}: {r.messages} messages (compiled with {r.tool})")


def register(app: typer.Typer) -> None:
    """Add the `po` command group."""
    app.add_typer(po_app, name="po")
