"""`pipeline glossary ...`: the terms translate protects, review hints at and check enforces."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli.common import JsonOpt, WorkspaceOpt, count, echo, print_json, settings

glossary_app = typer.Typer(
    help="Glossary terms: import/export the CSV file, list, add, remove.", no_args_is_help=True)

FileArg = Annotated[Path | None, typer.Argument(
    help="Glossary CSV (default: paths.glossary in pipeline.toml, glossary.csv).")]


@glossary_app.command("import")
def import_file(
    file: FileArg = None,
    prune: Annotated[bool, typer.Option(
        "--prune", help="Also delete or change terms added or changed in the database since "
        "the last import (they are listed and nothing changes without this).")] = False,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Make the database glossary match the CSV file (columns term,lang,translation,keep,note)."""
    from pipeline import glossary
    from pipeline.store import glossary as table
    from pipeline.store import open_store

    s = settings(workspace)
    path = file or s.glossary
    if file is None and not path.exists():
        from pipeline.errors import UsageError

        raise UsageError(f"{path} does not exist: write it with `pipeline glossary export` (or "
                         "add terms with `pipeline glossary add`), or name a CSV file to import")
    with open_store(s.database) as store:
        try:
            terms, r = glossary.import_csv(store, path, s.targets, prune=prune)
        except table.GlossaryConflict as exc:
            for t in exc.terms:
                what = "kept as it is" if t.keep else f"-> {t.translation}"
                echo(f"  {t.term}\t{t.lang}\t{what}", err=True)
            raise
    if as_json:
        print_json({"file": str(path), "terms": len(terms), "added": r.added, "changed": r.changed,
                    "removed": r.removed, "unchanged": r.unchanged,
                    "pruned": [{"term": t.term, "lang": t.lang} for t in r.pruned]})
        return
    echo(f"{path}: {count(len(terms), 'term')} ({r.added} added, {r.changed} changed, {r.removed} removed, "
         f"{r.unchanged} unchanged)")


@glossary_app.command("export")
def export_file(file: FileArg = None, workspace: WorkspaceOpt = None,
                as_json: JsonOpt = False) -> None:
    """Write the database glossary to the CSV file, for editing in a spreadsheet."""
    from pipeline import glossary
    from pipeline.store import glossary as table
    from pipeline.store import open_store

    s = settings(workspace)
    path = file or s.glossary
    with open_store(s.database) as store:
        terms = table.load(store)
    glossary.write_csv(path, terms)
    if as_json:
        print_json({"file": str(path), "terms": len(terms)})
        return
    echo(f"wrote {len(terms)} {'term' if len(terms) == 1 else 'terms'} to {path}")


@glossary_app.command("list")
def list_terms(
    lang: Annotated[str | None, typer.Option(
        "--lang", "-l", help="Only the terms that apply to this language.")] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Show the glossary terms."""
    from pipeline.store import glossary as table
    from pipeline.store import open_store

    s = settings(workspace)
    with open_store(s.database) as store:
        terms = table.load(store, lang)
    if as_json:
        print_json([{"term": t.term, "lang": t.lang, "translation": t.translation,
                     "keep": t.keep, "note": t.note} for t in terms])
        return
    for t in terms:
        what = "kept as it is" if t.keep else f"-> {t.translation}"
        echo(f"{t.term}\t{t.lang}\t{what}" + (f"\t({t.note})" if t.note else ""))
    if not terms:
        echo("no glossary terms (add some with `pipeline glossary add` or import a CSV)")


@glossary_app.command("add")
def add(
    term: Annotated[str, typer.Argument(help="The source-language term.")],
    lang: Annotated[str, typer.Option(
        "--lang", "-l", help="Target language, or * for every language (with --keep).")] = "*",
    translation: Annotated[str | None, typer.Option(
        "--translation", "-t", help="What the term must become in --lang.")] = None,
    keep: Annotated[bool, typer.Option(
        "--keep", help="Never translate the term (names, brands): it stays as it is.")] = False,
    note: Annotated[str | None, typer.Option("--note", help="A note for translators.")] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a term, or replace its entry for that language (in the database and the glossary file)."""
    from pipeline import glossary
    from pipeline.store import open_store

    s = settings(workspace)
    entry = glossary.Term(term, lang, translation, keep, note)
    with open_store(s.database) as store:
        new = glossary.add_term(store, s.glossary, entry, s.targets)
    if as_json:
        print_json({"term": term, "lang": lang, "added": new, "replaced": not new})
        return
    echo(f"{'added' if new else 'replaced'} {term!r} ({lang})")


@glossary_app.command("remove")
def remove(
    term: Annotated[str, typer.Argument(help="The source-language term.")],
    lang: Annotated[str, typer.Option(
        "--lang", "-l", help="The entry's language, or * .")] = "*",
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Remove a term's entry for one language (from the database and the glossary file)."""
    from pipeline import glossary
    from pipeline.store import open_store

    s = settings(workspace)
    with open_store(s.database) as store:
        glossary.remove_term(store, s.glossary, term, lang, s.targets)
    if as_json:
        print_json({"term": term, "lang": lang, "removed": True})
        return
    echo(f"removed {term!r} ({lang})")


def register(app: typer.Typer) -> None:
    """Add `pipeline glossary ...`."""
    app.add_typer(glossary_app, name="glossary")
