"""`pipeline review` and `pipeline history`: queues, claims, actions."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pipeline.cli.common import JsonOpt, WorkspaceOpt, echo, local_time, print_json, settings
from pipeline.cli.common import count as counted

if TYPE_CHECKING:
    from collections.abc import Callable

    from pipeline.models import Translation
    from pipeline.store import Store
    from pipeline.workspace import Settings

review_app = typer.Typer(
    help="Review translations: queues, claims, approve/edit/reject, revert.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

OneLang = Annotated[str, typer.Option("--lang", "-l", help="Target language, e.g. fa.")]
ReviewerOpt = Annotated[
    str | None,
    typer.Option("--reviewer", help="Who acts (default: $PIPELINE_REVIEWER, then git user.name)."),
]
UnitArg = Annotated[str, typer.Argument(help="Unit id (or a unique prefix of 6+ characters).")]
RevisionOpt = Annotated[
    int | None,
    typer.Option("--revision", help="The revision you read; fails with a conflict if it changed."),
]
StatusOpt = Annotated[
    list[str] | None,
    typer.Option("--status", help="Only these statuses (repeat or comma separate)."),
]
ArticleOpt = Annotated[str | None, typer.Option("--article", help="Only units of this article.")]


def register(app: typer.Typer) -> None:
    """Add `review ...` and the top-level `history` command."""
    app.add_typer(review_app, name="review")
    app.command("history")(history)


def _lang(value: str, s: Settings) -> str:
    from pipeline.errors import UsageError

    lang = value.strip()
    if lang not in s.targets:
        raise UsageError(f"--lang {lang} is not a target language of this workspace "
                         f"({','.join(s.targets)})")
    return lang


def _who(explicit: str | None) -> str:
    from pipeline.errors import UsageError
    from pipeline.reviewer import resolve

    who = resolve(explicit)
    if who is None:
        raise UsageError("nobody to record as the reviewer: pass --reviewer NAME, set "
                         "PIPELINE_REVIEWER, or set git's user.name")
    return who


def _rules(s: Settings) -> Any:
    from pipeline.review.actions import Rules

    return Rules(four_eyes=s.four_eyes)


def _act(workspace: Path | None, unit: str, lang: str, reviewer: str | None, verb: str,
         do: Callable[[Store, str, str, str, Settings], Translation], as_json: bool) -> None:
    """Run one review action on one unit: resolve workspace, language, reviewer and unit id."""
    from pipeline.store import open_store
    from pipeline.store.review import resolve_unit

    s = settings(workspace)
    code = _lang(lang, s)
    who = _who(reviewer)
    with open_store(s.database) as store:
        t = do(store, resolve_unit(store, unit), code, who, s)
    if as_json:
        print_json({"action": verb, **translation_dict(t)})
        return
    echo(f"{verb} {t.unit_id} ({t.lang}): now {t.status}, revision {t.revision}")


def translation_dict(t: Translation) -> dict[str, Any]:
    """A translation as JSON: what a script needs to chain the next action (revision)."""
    from dataclasses import asdict

    data = asdict(t)
    data["flags"] = list(t.flags)
    return data


@review_app.command("queue")
def queue(
    lang: OneLang,
    status: StatusOpt = None,
    article: ArticleOpt = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many units to list.")]
    = 20,
    reviewer: ReviewerOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List units needing work, most urgent first (stale and rejected, then machine, oldest first)."""
    from pipeline.review.queue import list_queue, parse_statuses
    from pipeline.reviewer import resolve
    from pipeline.store import open_store

    s = settings(workspace)
    code = _lang(lang, s)
    with open_store(s.database) as store:
        items = list_queue(store, code, who=resolve(reviewer), statuses=parse_statuses(status),
                           article=article, limit=limit)
    if as_json:
        print_json([i.as_dict() for i in items])
        return
    if not items:
        echo("nothing needs work.")
        return
    from pipeline.review.interactive import isolate

    for i in items:
        claim = f"  claimed by {i.claimed_by}" if i.claimed_by else ""
        echo(f"{i.unit_id}  {i.status:<12} rev {i.revision}  {i.article} #{i.position + 1}"
             f"  {i.title}{claim}")
        echo(f"    source: {i.source}")
        echo(f"    {code}: {isolate(i.text, code) if i.text else '(no text)'}")
        if i.reason:
            echo(f"    rejected: {i.reason}")
        if i.suggestion:
            echo(f"    earlier translation: {isolate(i.suggestion, code)}")
        for m in i.memory:
            echo(f"    memory: {isolate(m, code)}")
        for term, tr in i.glossary:
            echo(f"    glossary: {term} -> {isolate(tr, code)}")


@review_app.command("next")
def next_(
    lang: OneLang,
    status: StatusOpt = None,
    article: ArticleOpt = None,
    reviewer: ReviewerOpt = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Review interactively on a terminal: claims each unit it shows."""
    from pipeline.errors import UsageError

    if not sys.stdin.isatty():
        raise UsageError("`review next` is interactive and needs a terminal; in scripts use "
                         "`review queue --json` with `review approve|edit|reject` or `review apply`")
    from pipeline.review import interactive
    from pipeline.review.queue import parse_statuses
    from pipeline.store import open_store

    s = settings(workspace)
    code = _lang(lang, s)
    who = _who(reviewer)
    term = interactive.Terminal(write=echo, ask=_ask, edit=_edit_text)
    with open_store(s.database) as store:
        tally = interactive.run(store, term, lang=code, source_lang=s.source, who=who,
                                minutes=s.claim_minutes, rules=_rules(s),
                                statuses=parse_statuses(status), article=article)
    echo(f"{tally.approved} approved, {tally.edited} edited, {tally.rejected} rejected, "
         f"{tally.skipped} skipped, {tally.failed} not done")


def _read_stdin() -> str:
    """All of stdin as UTF-8; bad bytes are a one-line error, not a traceback."""
    from pipeline.errors import InputError

    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", path="<stdin>") from None


def _ask(prompt: str) -> str:
    try:
        return input(prompt)
    except KeyboardInterrupt:
        raise EOFError from None


def _edit_text(current: str) -> str | None:
    """The new text from $EDITOR when set, else one line typed at the prompt."""
    import os

    if os.environ.get("VISUAL") or os.environ.get("EDITOR"):
        import click

        edited = click.edit(current, extension=".txt")
        return None if edited is None else edited.rstrip("\n")
    echo("type the new translation on one line (empty keeps the current one):")
    return _ask("new> ")


@review_app.command("claim")
def claim(
    lang: OneLang,
    count: Annotated[int, typer.Option("--count", "-n", min=1, help="How many units to claim.")]
    = 1,
    status: StatusOpt = None,
    article: ArticleOpt = None,
    reviewer: ReviewerOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Claim the most urgent free units for a while.

    A claim lasts `claim_minutes` of [review] in pipeline.toml (30 unless set); finishing a
    unit or `review release` ends it sooner.
    """
    from pipeline.review.queue import claim_many, parse_statuses
    from pipeline.store import open_store

    s = settings(workspace)
    code = _lang(lang, s)
    who = _who(reviewer)
    with open_store(s.database) as store:
        items = claim_many(store, code, who, count, minutes=s.claim_minutes,
                           statuses=parse_statuses(status), article=article,
                           four_eyes=s.four_eyes)
    if as_json:
        print_json([i.as_dict() for i in items])
        return
    for i in items:
        echo(f"{i.unit_id}  {i.status:<12} rev {i.revision}  until {local_time(i.claim_expires)}")
    echo(f"claimed {counted(len(items), 'unit')} for {who} "
         f"({s.claim_minutes} minutes)")


@review_app.command("approve")
def approve(
    unit: UnitArg,
    lang: OneLang,
    revision: RevisionOpt = None,
    reviewer: ReviewerOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Approve the current translation of a unit."""
    from pipeline.review import actions

    _act(workspace, unit, lang, reviewer, "approved",
         lambda store, uid, code, who, s: actions.approve(store, uid, code, who=who,
                                                          revision=revision, rules=_rules(s)),
         as_json)


@review_app.command("edit")
def edit(
    unit: UnitArg,
    lang: OneLang,
    text: Annotated[str, typer.Option("--text", help="The new translation ('-' reads stdin).")],
    revision: RevisionOpt = None,
    reviewer: ReviewerOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Replace a unit's translation with your own (it then awaits review)."""
    from pipeline.review import actions

    new_text = _read_stdin().rstrip("\n") if text == "-" else text
    _act(workspace, unit, lang, reviewer, "edited",
         lambda store, uid, code, who, s: actions.edit(store, uid, code, new_text, who=who,
                                                       revision=revision),
         as_json)


@review_app.command("reject")
def reject(
    unit: UnitArg,
    lang: OneLang,
    reason: Annotated[str, typer.Option("--reason", help="Why; shown to the next translator.")],
    revision: RevisionOpt = None,
    reviewer: ReviewerOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Reject a unit's translation with a reason; it goes back to the queue."""
    from pipeline.review import actions

    _act(workspace, unit, lang, reviewer, "rejected",
         lambda store, uid, code, who, s: actions.reject(store, uid, code, reason, who=who,
                                                         revision=revision),
         as_json)


@review_app.command("revert")
def revert(
    unit: UnitArg,
    lang: OneLang,
    to: Annotated[int, typer.Option("--to", help="Event id whose text to restore (see history).")],
    revision: RevisionOpt = None,
    reviewer: ReviewerOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Restore the text an earlier event left, as a new event."""
    from pipeline.review import actions

    _act(workspace, unit, lang, reviewer, "reverted",
         lambda store, uid, code, who, s: actions.revert(store, uid, code, to, who=who,
                                                         revision=revision),
         as_json)


@review_app.command("apply")
def apply(
    file: Annotated[str, typer.Argument(help="JSON lines of actions, or '-' for stdin.")],
    lang: Annotated[str | None, typer.Option("--lang", "-l",
                                             help="Language for lines without \"lang\".")] = None,
    reviewer: ReviewerOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Apply a batch of actions (one JSON object a line), all or nothing.

    Each line: {"unit": ID, "action": "approve"|"edit"|"reject"|"revert", "lang": "fa",
    "text": ..., "reason": ..., "revision": N, "to": EVENT}.
    """
    from pipeline.errors import InputError
    from pipeline.review import batch
    from pipeline.store import open_store

    s = settings(workspace)
    default = _lang(lang, s) if lang else None
    who = _who(reviewer)
    if file == "-":
        source, lines = "<stdin>", _read_stdin().splitlines()
    else:
        path = Path(file)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 text (byte {exc.start})", path=path) from None
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", path=path) from None
        source = str(path)
    steps = batch.parse(lines, source=source, default_lang=default, langs=s.targets)
    with open_store(s.database) as store:
        done = batch.apply(store, steps, who=who, source=source, rules=_rules(s))
    if as_json:
        print_json({"source": source, "applied": len(done),
                    "translations": [translation_dict(t) for t in done]})
        return
    echo(f"applied {counted(len(done), 'action')} from {source}")


@review_app.command("release")
def release(
    units: Annotated[list[str] | None, typer.Argument(help="Units to release (default: all).")]
    = None,
    lang: Annotated[str | None, typer.Option("--lang", "-l", help="Only claims in this language.")]
    = None,
    reviewer: ReviewerOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Give back your claims so the units return to the queue now."""
    from pipeline.review.queue import release as release_claims
    from pipeline.store import open_store
    from pipeline.store.review import resolve_unit

    s = settings(workspace)
    code = _lang(lang, s) if lang else None
    who = _who(reviewer)
    with open_store(s.database) as store:
        ids = [resolve_unit(store, u) for u in units] if units else None
        n = release_claims(store, who, lang=code, unit_ids=ids)
    if as_json:
        print_json({"released": n, "reviewer": who, "lang": code})
        return
    echo(f"released {counted(n, 'claim')} of {who}")


def history(
    unit: UnitArg,
    lang: OneLang,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show every change to a unit's translation (who, when, action, status, text)."""
    from pipeline.review.history import describe, unit_history
    from pipeline.review.interactive import isolate
    from pipeline.store import open_store
    from pipeline.store.review import resolve_unit

    s = settings(workspace)
    code = _lang(lang, s)
    with open_store(s.database) as store:
        uid = resolve_unit(store, unit)
        events = unit_history(store, uid, code)
    if as_json:
        print_json(events)
        return
    if not events:
        echo(f"no changes to {uid} ({code}) yet.")
    for ev in events:
        echo(describe(ev))
        if ev["new_text"] is not None and ev["new_text"] != ev["old_text"]:
            echo(f"        text: {isolate(ev['new_text'], code)}")
