"""`pipeline review` and `pipeline history`: queues, claims, actions."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pipeline.cli.common import (
    MAX_COUNT,
    MAX_ID,
    JsonOpt,
    WorkspaceOpt,
    echo,
    local_time,
    print_json,
    settings,
)
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
    typer.Option("--revision", min=0, max=MAX_ID,
                 help="The revision you read; fails with a conflict if it changed."),
]
StatusOpt = Annotated[
    list[str] | None,
    typer.Option("--status", help="Only these statuses (repeat or comma separate)."),
]
ArticleOpt = Annotated[str | None, typer.Option("--article", help="Only units of this article.")]


def register(app: typer.Typer) -> None:
    """Add `review ...` and the top-level `history` command."""
    from pipeline.cli.history import history

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
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=MAX_COUNT, help="How many units to list.")]
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
    from pipeline.review.interactive import flag_warnings, isolate

    for i in items:
        claim = f"  claimed by {i.claimed_by}" if i.claimed_by else ""
        echo(f"{i.unit_id}  {i.status:<12} rev {i.revision}  {i.article} #{i.position + 1}"
             f"  {i.title}{claim}")
        for warning in flag_warnings(i):
            echo(f"    {warning}")
        if i.source_before is not None and i.source_before != i.source:
            from pipeline.textdiff import inline

            echo(f"    old source: {i.source_before}")
            echo(f"    new source: {i.source}")
            echo(f"    change:     {inline(i.source_before, i.source)}")
        else:
            echo(f"    source: {i.source}")
        echo(f"    {code}: {isolate(i.text, code) if i.text else '(no text)'}")
        if i.reason:
            echo(f"    rejected: {i.reason}")
        if i.machine_suggestion is not None:
            echo(f"    machine suggestion: {isolate(i.machine_suggestion, code)}")
            echo(f"    -> `pipeline review accept {i.unit_id} --lang {code}` approves it; "
                 f"`review confirm` keeps the current text")
        elif i.status == "stale" and i.text:
            echo(f"    -> `pipeline review confirm {i.unit_id} --lang {code}` if it is still "
                 "correct; `pipeline translate` for a suggestion")
        if i.suggestion and i.machine_suggestion is None and i.suggestion != i.text:
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


#: Largest review input read (a batch file or stdin): 64 MiB is ~100k decisions with text.
MAX_INPUT_BYTES = 64 * 2**20


def _read_stdin() -> str:
    """All of stdin as text (bounded); bad bytes are a one-line error, not a traceback."""
    from pipeline.errors import InputError
    from pipeline.inputfile import decode_text

    data = (sys.stdin.buffer.read(MAX_INPUT_BYTES + 1) if hasattr(sys.stdin, "buffer")
            else sys.stdin.read(MAX_INPUT_BYTES + 1))
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"over the {MAX_INPUT_BYTES // 2**20} MiB limit", path="<stdin>")
    if isinstance(data, str):
        return data
    return decode_text(data, "<stdin>")


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
    count: Annotated[int, typer.Option("--count", "-n", min=1, max=MAX_COUNT,
                                       help="How many units to claim.")]
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
    confirm_placeholder: Annotated[bool, typer.Option(
        "--confirm-placeholder",
        help="Approve even placeholder text of a random-weight test model (flag test_model).",
    )] = False,
    reviewer: ReviewerOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Approve the current translation of a unit."""
    from pipeline.review import actions

    _act(workspace, unit, lang, reviewer, "approved",
         lambda store, uid, code, who, s: actions.approve(
             store, uid, code, who=who, revision=revision, rules=_rules(s),
             confirm_placeholder=confirm_placeholder),
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
    to: Annotated[int, typer.Option("--to", min=1, max=MAX_ID,
                                    help="Event id whose text to restore (see history).")],
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


@review_app.command("confirm")
def confirm(
    unit: UnitArg,
    lang: OneLang,
    revision: RevisionOpt = None,
    reviewer: ReviewerOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Still correct: keep a stale unit's translation for its changed English (approves it)."""
    from pipeline.review import actions

    _act(workspace, unit, lang, reviewer, "confirmed",
         lambda store, uid, code, who, s: actions.confirm(store, uid, code, who=who,
                                                          revision=revision, rules=_rules(s)),
         as_json)


@review_app.command("accept")
def accept(
    unit: UnitArg,
    lang: OneLang,
    revision: RevisionOpt = None,
    reviewer: ReviewerOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Approve the machine suggestion of a stale unit (made by `pipeline translate`)."""
    from pipeline.review import actions

    _act(workspace, unit, lang, reviewer, "accepted",
         lambda store, uid, code, who, s: actions.accept_suggestion(
             store, uid, code, who=who, revision=revision, rules=_rules(s)),
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

    Each line: {"unit": ID, "action": "approve"|"edit"|"reject"|"revert"|"confirm"|"accept",
    "lang": "fa",
    "text": ..., "reason": ..., "revision": N, "to": EVENT}.
    """
    from pipeline.inputfile import read_text, split_lines
    from pipeline.review import batch
    from pipeline.store import open_store

    s = settings(workspace)
    default = _lang(lang, s) if lang else None
    who = _who(reviewer)
    if file == "-":
        source, lines = "<stdin>", split_lines(_read_stdin())
    else:
        # The shared safe opener (no FIFO hangs, bounded); lines split on \n only, since a
        # JSON string may hold U+2028, NEL or a form feed that str.splitlines() splits on.
        source = file
        lines = split_lines(read_text(Path(file), max_bytes=MAX_INPUT_BYTES,
                                      what="JSON lines"))
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
