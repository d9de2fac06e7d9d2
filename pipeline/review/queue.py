"""Reviewer queues: what needs work, in urgency order, and handing units out with a claim."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.states import Status
from pipeline.store import Store
from pipeline.store import review as q
from pipeline.store.retry import with_retry
from pipeline.store.review import QueueItem


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
