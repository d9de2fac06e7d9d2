"""`pipeline tm` and `pipeline xliff`: TMX translation memory and XLIFF review files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli.catalogs import _progress
from pipeline.cli.common import JsonOpt, LangOpt, WorkspaceOpt, echo, print_json, settings, split_langs

tm_app = typer.Typer(
    help="Exchange translation memory as TMX 1.4b (OmegaT, Trados, memoQ, agencies).",
    no_args_is_help=True,
)
xliff_app = typer.Typer(
    help="Round-trip review work through XLIFF 1.2 or 2.0 files (CAT tools, Weblate, agencies).",
    no_args_is_help=True,
)
ReviewerOpt = Annotated[str | None, typer.Option(
    "--reviewer", metavar="NAME",
    help="Who is importing (default: $PIPELINE_REVIEWER, then git user.name).")]


@tm_app.command("export")
def tm_export(
    workspace: WorkspaceOpt = None,
    lang: LangOpt = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", metavar="FILE.tmx",
        help="Where to write (default: <workspace>/translation-memory.tmx).")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Write the approved translations as a TMX 1.4b file (whole units and sentence pairs)."""
    from pipeline.interchange.tm import export_tm
    from pipeline.store import open_store

    s = settings(workspace)
    langs = split_langs(lang, s)
    path = out or s.root / "translation-memory.tmx"
    with open_store(s.database) as store, _progress("exporting units", None) as step:
        r = export_tm(store, path, langs, source=s.source, tags=s.lang_tags, progress=step)
    if json_out:
        print_json({"path": str(r.path), "units": r.units, "sentence_pairs": r.sentences,
                    "by_lang": r.by_lang})
        return
    per = ", ".join(f"{k} {v}" for k, v in sorted(r.by_lang.items())) or "no approved text"
    echo(f"{r.path}: {r.units} units and {r.sentences} sentence pairs ({per})")


@tm_app.command("import")
def tm_import(
    files: Annotated[list[Path], typer.Argument(help="TMX files.")],
    workspace: WorkspaceOpt = None,
    lang: LangOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Add TMX files to the translation memory `pipeline translate` uses before the model.

    Never changes a unit's text or status. Language tags match with or without region
    (fa-IR is fa); entries in other languages are skipped and counted.
    """
    from pipeline.errors import InputError
    from pipeline.interchange.tm import import_tm_each
    from pipeline.store import open_store

    s = settings(workspace)
    langs = split_langs(lang, s)
    records: list[dict[str, object]] = []
    failed = 0
    with open_store(s.database) as store:
        for r in import_tm_each(store, files, source=s.source, targets=langs):
            if isinstance(r, InputError):
                failed += 1
                records.append({"path": r.path, "error": r.message, "line": r.line})
                echo(f"error: {r}", err=True)
                continue
            records.append({"path": str(r.path), "tool": r.tool, "added": r.added,
                            "replaced": r.replaced, "unchanged": r.unchanged,
                            "by_lang": dict(r.by_lang), "other_langs": dict(r.other_langs),
                            "no_source": r.no_source, "empty": r.empty,
                            "refused": [{"line": x.line, "reason": x.reason} for x in r.refused]})
            for x in r.refused:
                echo(f"{r.path}:{x.line}: {x.reason}", err=True)
            if not json_out:
                others = ", ".join(f"{k} {v}" for k, v in sorted(r.other_langs.items()))
                echo(f"{r.path} ({r.tool or 'unknown tool'}): {r.added} added, {r.replaced} "
                     f"replaced, {r.unchanged} unchanged; {r.skipped} in other languages"
                     + (f" ({others})" if others else "") + f", {len(r.refused)} refused")
    if json_out:
        print_json(records)
    if failed or any(rec.get("refused") for rec in records):
        raise typer.Exit(1)


@xliff_app.command("export")
def xliff_export(
    workspace: WorkspaceOpt = None,
    lang: LangOpt = None,
    version: Annotated[str, typer.Option(
        "--version", metavar="1.2|2.0", help="XLIFF version to write.")] = "2.0",
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", metavar="DIR",
        help="Directory for articles.<lang>.xlf (default: <workspace>/xliff).")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Write one XLIFF file per language: every live unit, its translation and review state."""
    from pipeline.interchange.tm import maskers
    from pipeline.interchange.xliff_write import export_xliff
    from pipeline.store import open_store

    s = settings(workspace)
    langs = split_langs(lang, s)
    with open_store(s.database) as store, _progress("exporting", len(langs)) as step:
        _, per_lang = maskers(store, langs)
        results = export_xliff(store, langs, out or s.root / "xliff", version=version,
                               source=s.source, tags=s.lang_tags, project=s.root.name,
                               maskers=per_lang, progress=step)
    if json_out:
        print_json([{"lang": r.lang, "version": r.version, "path": str(r.path),
                     "units": r.units, "checked": r.checked, "unchecked": r.unchecked,
                     "untranslated": r.untranslated} for r in results])
        return
    for r in results:
        echo(f"{r.path}: XLIFF {r.version}, {r.units} units ({r.checked} checked by a person, "
             f"{r.unchecked} to review, {r.untranslated} untranslated)")


@xliff_app.command("import")
def xliff_import(
    files: Annotated[list[Path], typer.Argument(
        help="XLIFF files (from pipeline xliff export, edited elsewhere).")],
    workspace: WorkspaceOpt = None,
    lang: Annotated[str | None, typer.Option(
        "--lang", "-l", metavar="LANG",
        help="Language of files that name none (po2xliff output); must agree if they do.")
    ] = None,
    approve: Annotated[bool, typer.Option(
        "--approve", help="Approve the imported units instead of leaving them for review.")
    ] = False,
    reviewer: ReviewerOpt = None,
    confirm_placeholder: Annotated[bool, typer.Option(
        "--confirm-placeholder",
        help="Accept unchanged placeholder text of a random-weight test model.")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Apply units marked translated or final as human edits; conflicts are reported, not applied."""
    from pipeline import reviewer as who_module
    from pipeline.interchange.tm import maskers
    from pipeline.interchange.xliff_import import import_xliff
    from pipeline.store import open_store

    s = settings(workspace)
    who = who_module.resolve(reviewer)
    with open_store(s.database) as store, _progress("importing units", None) as step:
        _, per_lang = maskers(store, s.targets)
        code = split_langs(lang, s)[0] if lang else None
        results = import_xliff(store, files, targets=s.targets, who=who, maskers=per_lang,
                               lang=code, approve=approve, four_eyes=s.four_eyes,
                               confirm_placeholder=confirm_placeholder, progress=step)

    def listed(items: tuple[object, ...]) -> list[dict[str, object]]:
        return [{"line": c.line, "unit": c.unit_id, "reason": c.reason}  # type: ignore[attr-defined]
                for c in items]

    if json_out:
        print_json([{"path": str(r.path), "lang": r.lang, "version": r.version,
                     "imported": r.imported, "approved": r.approved, "skipped": r.skipped,
                     "conflicts": listed(r.conflicts), "refused": listed(r.refused),
                     "unfinished": listed(r.unfinished), "held": listed(r.held),
                     "placeholder": listed(r.placeholder)} for r in results])
    else:
        for r in results:
            echo(f"{r.path} ({r.lang}, XLIFF {r.version}): {r.imported} imported, {r.approved} "
                 f"approved, {r.skipped} skipped, {len(r.conflicts)} conflicts, "
                 f"{len(r.refused)} refused")
            for c in (*r.conflicts, *r.refused, *r.unfinished, *r.held, *r.placeholder):
                echo(f"{r.path}:{c.line}: {c.unit_id or '-'}: {c.reason}", err=True)
    if any(r.problems or r.placeholder for r in results):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the `tm` and `xliff` command groups."""
    app.add_typer(tm_app, name="tm")
    app.add_typer(xliff_app, name="xliff")
