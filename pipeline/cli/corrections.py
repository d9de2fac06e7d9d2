"""`pipeline corrections`: dated correction notes on articles, withdrawals (retractions)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from pipeline.cli.common import JsonOpt, WorkspaceOpt, echo, print_json, settings

if TYPE_CHECKING:
    from pipeline.store.corrections import NoteRow

corrections_app = typer.Typer(
    help="Corrections to published stories: dated notes at an article's foot, withdrawals.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

SlugArg = Annotated[str, typer.Argument(help="The article's slug (see `pipeline status`).")]
EditorOpt = Annotated[
    str | None,
    typer.Option("--editor", "--reviewer",
                 help="Who acts (default: $PIPELINE_REVIEWER, then git user.name)."),
]


def register(app: typer.Typer) -> None:
    app.add_typer(corrections_app, name="corrections")


def _who(explicit: str | None) -> str | None:
    from pipeline.reviewer import resolve

    return resolve(explicit)


def _note_dict(n: NoteRow) -> dict[str, Any]:
    return {"id": n.unit_id, "article": n.article, "kind": n.label, "note": n.text, "at": n.at,
            "who": n.who, "removed": n.removed, "translations": n.statuses}


@corrections_app.command("add")
def add(
    slug: SlugArg,
    note: Annotated[str, typer.Option("--note", help="What was corrected or updated, in the "
                                                     "source language.")],
    kind: Annotated[str, typer.Option("--kind", help="correction or update.")] = "correction",
    editor: EditorOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Append a dated correction or update note to an article (translated like any unit)."""
    from pipeline import corrections
    from pipeline.store import open_store

    s = settings(workspace)
    with open_store(s.database) as store:
        n = corrections.add_note(store, slug, note, langs=s.targets, who=_who(editor),
                                 label=kind, source_lang=s.source)
    if as_json:
        print_json(_note_dict(n))
        return
    echo(f"added {n.label} {n.unit_id} to {n.article} ({n.at[:10]}); until its translation is "
         f"approved the editions print it in the source language. Next: `pipeline translate "
         f"--article {n.article}`, then review it.")


@corrections_app.command("list")
def list_(
    slug: Annotated[str | None, typer.Argument(help="Only this article's notes.")] = None,
    removed: Annotated[bool, typer.Option("--removed", help="Also list removed notes.")] = False,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List correction notes (and withdrawn articles)."""
    from pipeline import corrections
    from pipeline.store import open_store
    from pipeline.store.corrections import withdrawn

    s = settings(workspace)
    with open_store(s.database) as store:
        notes = corrections.list_notes(store, slug, include_removed=removed)
        gone = [w for w in withdrawn(store) if slug is None or w["slug"] == slug]
    if as_json:
        print_json({"notes": [_note_dict(n) for n in notes], "withdrawn": gone})
        return
    if not notes and not gone:
        echo("no correction notes and no withdrawn articles.")
    for n in notes:
        langs = ", ".join(f"{lang} {st}" for lang, st in sorted(n.statuses.items()))
        mark = "  (removed)" if n.removed else ""
        echo(f"{n.unit_id}  {n.article}  {n.label} {n.at[:10]}{mark}: {n.text}")
        if langs:
            echo(f"    {langs}")
    for w in gone:
        echo(f"withdrawn  {w['slug']}  {(w['at'] or '')[:10]} by {w['who'] or '-'}: {w['reason']}")


@corrections_app.command("remove")
def remove(
    note: Annotated[str, typer.Argument(help="The note's id (or a unique prefix), from `list`.")],
    editor: EditorOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Take a note off its article (the history keeps it)."""
    from pipeline import corrections
    from pipeline.store import open_store

    s = settings(workspace)
    with open_store(s.database) as store:
        n = corrections.remove_note(store, note, who=_who(editor))
    if as_json:
        print_json(_note_dict(n))
        return
    echo(f"removed {n.label} {n.unit_id} from {n.article}; the next export drops it")


@corrections_app.command("withdraw")
def withdraw(
    slug: SlugArg,
    reason: Annotated[str, typer.Option("--reason", help="Why it is withdrawn (recorded).")],
    editor: EditorOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Withdraw an article from every edition (a retraction); the next export removes it."""
    from pipeline import corrections
    from pipeline.store import open_store

    s = settings(workspace)
    who = _who(editor)
    with open_store(s.database) as store:
        at = corrections.withdraw(store, slug, reason=reason, who=who)
    if as_json:
        print_json({"article": slug, "withdrawn_at": at, "who": who, "reason": reason.strip()})
        return
    echo(f"withdrew {slug} from every edition; `pipeline export` removes its pages "
         f"(`pipeline corrections restore {slug}` undoes it)")


@corrections_app.command("restore")
def restore(
    slug: SlugArg,
    editor: EditorOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Publish a withdrawn article again, under the usual policy, from the next export."""
    from pipeline import corrections
    from pipeline.store import open_store

    s = settings(workspace)
    who = _who(editor)
    with open_store(s.database) as store:
        at = corrections.restore(store, slug, who=who)
    if as_json:
        print_json({"article": slug, "restored_at": at, "who": who})
        return
    echo(f"restored {slug}; the next export publishes it where the policy allows")
