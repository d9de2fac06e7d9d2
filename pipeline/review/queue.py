"""Reviewer queues: what needs work, in urgency order, and handing units out with a claim."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from pipeline.states import TRANSITIONS, Action, Status
from pipeline.store import Store
from pipeline.store import review as q
from pipeline.store.queue_pages import (
    Filters,
    Key,
    Pick,
    before,
    count,
    key_of,
    scan,
    selection,
    unit_at,
)
from pipeline.store.retry import with_retry
from pipeline.store.review import QueueItem

#: Statuses an approval may start from (from the transition table).
_APPROVABLE = frozenset(s.value for s in TRANSITIONS[Action.APPROVE])


def parse_statuses(values: Iterable[str] | None) -> tuple[Status, ...] | None:
    """Statuses from --status options (each may be comma separated); None means the default."""
    from pipeline.errors import UsageError

    out: list[Status] = []
    for value in values or ():
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            try:
                out.append(Status(part))
            except ValueError:
                allowed = ", ".join(s.value for s in Status)
                raise UsageError(f"--status {part!r} is not a status ({allowed})") from None
    return tuple(dict.fromkeys(out)) or None


def list_queue(
    store: Store,
    lang: str,
    *,
    who: str | None = None,
    statuses: Iterable[Status | str] | None = None,
    article: str | None = None,
    limit: int = 50,
) -> list[QueueItem]:
    """The first `limit` units needing work, with memory and glossary hints."""
    if article is not None:
        _check_article(store, article)
    items = q.queue(store, lang, who=who, statuses=statuses, article=article, limit=limit)
    return q.with_hints(store, items)


def claim_next(
    store: Store,
    lang: str,
    who: str,
    *,
    minutes: float,
    statuses: Iterable[Status | str] | None = None,
    article: str | None = None,
    exclude: Iterable[str] = (),
    four_eyes: bool = False,
) -> QueueItem | None:
    """Claim the most urgent free unit for `who` (None when nothing is left), with hints.

    Under the four-eyes rule a reviewer is not handed text they wrote themselves.
    """
    if article is not None:
        _check_article(store, article)
    excluded = tuple(exclude)
    got = with_retry(lambda: q.claim_next(
        store, lang, who, minutes=minutes, statuses=statuses, article=article, exclude=excluded,
        skip_own_translations=four_eyes))
    return None if got is None else q.with_hints(store, [got])[0]


def claim_many(
    store: Store, lang: str, who: str, count: int, *, minutes: float,
    statuses: Iterable[Status | str] | None = None, article: str | None = None,
    four_eyes: bool = False,
) -> list[QueueItem]:
    """Claim up to `count` units one after another (each claim is its own short transaction)."""
    out: list[QueueItem] = []
    for _ in range(count):
        got = claim_next(store, lang, who, minutes=minutes, statuses=statuses, article=article,
                         exclude=[i.unit_id for i in out], four_eyes=four_eyes)
        if got is None:
            break
        out.append(got)
    return out


def release(store: Store, who: str, *, lang: str | None = None,
            unit_ids: Iterable[str] | None = None) -> int:
    """Give back `who`'s claims so the units return to the queue at once."""
    ids = None if unit_ids is None else tuple(unit_ids)
    return with_retry(lambda: q.release(store, who, lang=lang, unit_ids=ids))


def _check_article(store: Store, slug: str) -> None:
    from pipeline.errors import NotFound

    if store.conn.execute("SELECT 1 FROM articles WHERE id = ?", (slug,)).fetchone() is None:
        raise NotFound(f"no article {slug!r} (see `pipeline status`)")


# The web's queue: pages after a position, more filters, a count, a check filter, bulk approve.

#: Queue rows a page with a check filter runs the check on at most (the check runs in Python);
#: 1,500 one-check runs plus their rows took about 20 ms on the bench workspace.
CHECK_WINDOW = 1500


@dataclass(frozen=True)
class QueueQuery:
    """The filters of the web queue: the indexed ones plus a failing check."""

    statuses: tuple[Status, ...] | None = None
    article: str | None = None
    flags: tuple[str, ...] = ()  # FLAG_TEST_MODEL, FLAG_MASK_LOST, or "*" for any flag
    search: str | None = None
    #: Only units whose text fails this predicate (source, text) -> bool, such as
    #: `pipeline.checks.live.failing(...)` for one check id.
    failing: Callable[[str, str | None], bool] | None = None

    def filters(self) -> Filters:
        return Filters(statuses=tuple(s.value for s in self.statuses) if self.statuses else None,
                       article=self.article, flags=self.flags, search=self.search or None)


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue, where it stands, and how many units the filters leave."""

    items: tuple[QueueItem, ...]
    positions: tuple[str, ...]  # each item's queue position (for "next" from that unit)
    total: int  # units left with the indexed filters (status, article, flags)
    next: str | None  # where the next page starts; None at the end
    complete: bool  # False when a search or check filter looked at part of the queue only


def queue_page(store: Store, lang: str, query: QueueQuery, *, who: str | None,
               after: str | None = None, limit: int = 50, hints: bool = False) -> QueuePage:
    """A page of the queue after the position `after` (from a previous page).

    `hints` adds memory and glossary hints to every item; a list that does not show them should
    not pay for them (a boilerplate paragraph repeated across a thousand articles costs a
    thousand lookups).
    """
    if query.article is not None:
        _check_article(store, query.article)
    start = Key.decode(after) if after else None
    f = query.filters()
    if query.failing is None:
        got = scan(store, lang, f, who=who, after=start, limit=limit)
        found = list(got.rows)
        last, exhausted = got.last, got.exhausted
    else:
        found, last, exhausted = _failing(store, lang, f, query.failing, who=who, after=start,
                                          limit=limit)
    items = [i for _, i in found]
    if hints:
        items = q.with_hints(store, items)
    more = not exhausted and last is not None
    return QueuePage(
        items=tuple(items), positions=tuple(k.encode() for k, _ in found),
        total=count(store, lang, f, who=who),
        next=last.encode() if more and last is not None else None,
        complete=(query.failing is None and not query.search) or exhausted or len(found) >= limit)


def _failing(store: Store, lang: str, f: Filters, fails: Callable[[str, str | None], bool], *,
             who: str | None, after: Key | None, limit: int
             ) -> tuple[list[tuple[Key, QueueItem]], Key | None, bool]:
    """Queue rows whose text fails the predicate, looking at no more than CHECK_WINDOW rows."""
    out: list[tuple[Key, QueueItem]] = []
    looked = 0
    last = after
    while looked < CHECK_WINDOW:
        got = scan(store, lang, f, who=who, after=last, limit=min(200, CHECK_WINDOW - looked))
        for key, item in got.rows:
            last = key
            if fails(item.source, item.text):
                out.append((key, item))
                if len(out) >= limit:
                    return out, last, False
        looked += len(got.rows)
        if got.exhausted:
            return out, last, True
        last = got.last
    return out, last, False


def neighbours(store: Store, lang: str, query: QueueQuery, position: str | None, *,
               who: str | None) -> tuple[str | None, str | None]:
    """(previous, next) unit ids around a queue position; "previous" ignores search and check."""
    if position is None:
        return None, None
    key = Key.decode(position)
    nxt = scan(store, lang, query.filters(), who=who, after=key, limit=1)
    if query.failing is not None:
        found, _, _ = _failing(store, lang, query.filters(), query.failing, who=who, after=key,
                               limit=1)
        nxt_id = found[0][1].unit_id if found else None
    else:
        nxt_id = nxt.rows[0][1].unit_id if nxt.rows else None
    back = before(store, lang, query.filters(), who=who, key=key)
    return (unit_at(store, back.rowid) if back is not None else None), nxt_id


def position(store: Store, unit_id: str, lang: str) -> str | None:
    """The unit's queue position now (None when its status is in no queue, e.g. approved)."""
    key = key_of(store, unit_id, lang)
    return None if key is None else key.encode()


@dataclass(frozen=True)
class BulkResult:
    """What a bulk approve did: the approved units, and the others with the reason."""

    approved: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]


def approve_selection(store: Store, lang: str, picks: Sequence[tuple[str, int]], *, who: str,
                      four_eyes: bool = False) -> BulkResult:
    """Approve the picked (unit, revision) pairs a reviewer looked at, in one transaction.

    A unit is skipped, with the reason, when it changed since (another revision), has no text,
    cannot be approved from its status, is held by someone else, or (four-eyes) was written by
    `who`. Nothing else is ever approved: the selection is what the reviewer saw.
    """
    from pipeline.store import translations as tr

    def run() -> BulkResult:
        approved: list[str] = []
        skipped: list[tuple[str, str]] = []
        with store.transaction():
            state = selection(store, lang, [u for u, _ in picks])
            changes = []
            for unit_id, revision in dict(picks).items():
                p = state.get(unit_id)
                reason = _refusal(p, revision, who, four_eyes)
                if reason:
                    skipped.append((unit_id, reason))
                    continue
                changes.append(tr.Change(unit_id, lang, Action.APPROVE, who=who,
                                         expected_revision=revision,
                                         fields={"reviewed_by": who}))
                approved.append(unit_id)
            tr.change_many(store, changes)
            q.release(store, who, lang=lang, unit_ids=approved)
        return BulkResult(tuple(approved), tuple(skipped))

    return with_retry(run)


def _refusal(p: Pick | None, revision: int, who: str, four_eyes: bool) -> str | None:
    if p is None:
        return "no such unit in this language"
    if p.revision != revision:
        return f"changed since you looked (revision {p.revision}, you saw {revision})"
    if not p.has_text:
        return "has no text to approve"
    if p.status not in _APPROVABLE:
        return f"is {p.status}; only {', '.join(sorted(_APPROVABLE))} text can be approved"
    if p.claimed_by is not None and p.claimed_by != who:
        return f"is being worked on by {p.claimed_by}"
    if four_eyes and p.translated_by == who:
        return "four-eyes rule: you wrote it"
    return None
