"""Review queries: the queue in urgency order, claims with a lease, context and hints."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from pipeline.errors import ConflictError, NotFound, UsageError
from pipeline.states import URGENCY, Status
from pipeline.store import Store, glossary, now

#: Statuses a queue shows unless asked otherwise: everything not yet approved.
QUEUE_STATUSES: tuple[Status, ...] = tuple(
    sorted((s for s in Status if s is not Status.APPROVED), key=lambda s: URGENCY[s])
)

_COLUMNS = (
    "t.unit_id, t.lang, t.status, t.text, t.revision, t.reason, t.suggestion, t.origin, t.flags,"
    " t.translated_by, t.reviewed_by, t.claimed_by, t.claim_expires, t.updated_at,"
    " u.article_id, u.position, u.kind, u.source_text, u.source_key, a.title,"
    " t.published_text, t.source_before, t.suggestion_meta"
)
_FROM = (
    " FROM translations t JOIN units u ON u.id = t.unit_id JOIN articles a ON a.id = u.article_id"
)


@dataclass(frozen=True)
class QueueItem:
    """One translation needing work, with what a reviewer needs to judge it."""

    unit_id: str
    lang: str
    status: str
    text: str | None
    revision: int
    article: str
    title: str
    position: int
    kind: str
    source: str
    source_key: str
    reason: str | None = None
    suggestion: str | None = None
    origin: str | None = None
    flags: tuple[str, ...] = ()
    translated_by: str | None = None
    reviewed_by: str | None = None
    claimed_by: str | None = None
    claim_expires: str | None = None
    updated_at: str | None = None
    memory: tuple[str, ...] = ()  # approved translations of the same folded source text
    glossary: tuple[tuple[str, str], ...] = ()  # (term, translation) found in the source
    published_text: str | None = None  # the last approved text (editions show it meanwhile)
    source_before: str | None = None  # stale: the English the current text was made from
    suggestion_meta: dict[str, Any] | None = None  # set when `suggestion` is machine text

    @property
    def machine_suggestion(self) -> str | None:
        """The machine's text for the changed English, when one waits beside the current text."""
        return self.suggestion if self.suggestion_meta is not None else None

    def source_diff(self) -> list[dict[str, str]] | None:
        """Word-level change from the English the current text was made from, if it changed."""
        if self.source_before is None or self.source_before == self.source:
            return None
        from pipeline.textdiff import as_json

        return as_json(self.source_before, self.source)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping (lists instead of tuples)."""
        d = dict(self.__dict__)
        d["flags"] = list(self.flags)
        d["memory"] = list(self.memory)
        d["glossary"] = [{"term": t, "translation": x} for t, x in self.glossary]
        d["machine_suggestion"] = self.machine_suggestion
        d["source_diff"] = self.source_diff()
        del d["source_key"]
        return d


def _item(row: Sequence[Any]) -> QueueItem:
    (unit_id, lang, status, text, revision, reason, suggestion, origin, flags, translated_by,
     reviewed_by, claimed_by, claim_expires, updated_at, article, position, kind, source,
     source_key, title, published_text, source_before, suggestion_meta) = row
    return QueueItem(
        unit_id=unit_id, lang=lang, status=status, text=text, revision=revision, article=article,
        title=title, position=position, kind=kind, source=source, source_key=source_key,
        reason=reason, suggestion=suggestion, origin=origin, flags=tuple(json.loads(flags or "[]")),
        translated_by=translated_by, reviewed_by=reviewed_by, claimed_by=claimed_by,
        claim_expires=claim_expires, updated_at=updated_at, published_text=published_text,
        source_before=source_before,
        suggestion_meta=json.loads(suggestion_meta) if suggestion_meta else None,
    )


def lease_until(minutes: float, *, start: datetime | None = None) -> str:
    """The claim expiry `minutes` from now, in the store's sortable timestamp format."""
    at = (start or datetime.now(UTC)) + timedelta(minutes=minutes)
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def queue(
    store: Store,
    lang: str,
    *,
    who: str | None = None,
    statuses: Iterable[Status | str] | None = None,
    article: str | None = None,
    limit: int = 50,
    exclude: Iterable[str] = (),
    skip_own_translations: bool = False,
) -> list[QueueItem]:
    """Units needing work in `lang`, most urgent first, then oldest first.

    Units claimed by someone else (and not expired) are left out; `who`'s own claims stay in.
    Each urgency level is one indexed query so the first page costs the same on a big store;
    ties in time go by rowid, the order tr_queue already holds, so nothing is sorted.
    `skip_own_translations` (the four-eyes rule) leaves out text `who` wrote and must not approve.
    """
    wanted = {Status(s) for s in (statuses or QUEUE_STATUSES)}
    levels: dict[int, list[str]] = {}
    for s in sorted(wanted, key=lambda s: URGENCY[s]):
        levels.setdefault(URGENCY[s], []).append(s.value)
    excluded = list(dict.fromkeys(exclude))
    ts = now()
    out: list[QueueItem] = []
    for group in levels.values():
        remaining = limit - len(out)
        if remaining <= 0:
            break
        where, params = _queue_where(lang, group, ts, who, article, excluded,
                                     skip_own_translations)
        sql = f"SELECT {_COLUMNS}{_FROM} WHERE {where} ORDER BY t.updated_at, t.rowid LIMIT ?"
        out.extend(_item(r) for r in store.conn.execute(sql, (*params, remaining)))
    return out


def queue_size(
    store: Store,
    lang: str,
    *,
    who: str | None = None,
    statuses: Iterable[Status | str] | None = None,
    article: str | None = None,
    exclude: Iterable[str] = (),
    skip_own_translations: bool = False,
) -> int:
    """How many units `queue` could hand out with these arguments (no limit)."""
    wanted = [Status(s).value for s in (statuses or QUEUE_STATUSES)]
    where, params = _queue_where(lang, wanted, now(), who, article, list(dict.fromkeys(exclude)),
                                 skip_own_translations)
    return int(store.conn.execute(f"SELECT count(*){_FROM} WHERE {where}", params).fetchone()[0])


def _queue_where(lang: str, statuses: Sequence[str], ts: str, who: str | None,
                 article: str | None, excluded: Sequence[str],
                 skip_own_translations: bool) -> tuple[str, list[Any]]:
    """The WHERE clause (and its parameters) of the queue: free units in these statuses."""
    # With an article, start from its units (units_article) rather than the language's whole
    # status range; the unary + keeps the planner off tr_queue for that case.
    plus = "+" if article is not None else ""
    where = [f"{plus}t.lang = ? AND {plus}t.status IN ({','.join('?' * len(statuses))})"
             " AND u.obsolete = 0",
             "(t.claimed_by IS NULL OR t.claim_expires <= ? OR t.claimed_by IS ?)"]
    params: list[Any] = [lang, *statuses, ts, who]
    if article is not None:
        where.append("u.article_id = ?")
        params.append(article)
    if excluded:
        where.append(f"t.unit_id NOT IN ({','.join('?' * len(excluded))})")
        params.extend(excluded)
    if skip_own_translations and who is not None:
        where.append("NOT (t.status = 'translated' AND t.translated_by IS ?)")
        params.append(who)
    return " AND ".join(where), params


def with_hints(store: Store, items: Sequence[QueueItem]) -> list[QueueItem]:
    """The items with translation-memory and glossary hints filled in (two queries in all)."""
    if not items:
        return []
    lang = items[0].lang
    keys = sorted({i.source_key for i in items})
    memory: dict[str, list[str]] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        # CROSS JOIN fixes the loop order: from the few units with these keys to their rows,
        # never from every approved row of the language (which grows as review goes on).
        rows = store.conn.execute(
            "SELECT u.source_key, t.text, count(*) AS n FROM units u CROSS JOIN translations t"
            f" ON t.unit_id = u.id WHERE u.source_key IN ({','.join('?' * len(chunk))})"
            " AND t.lang = ? AND t.status = 'approved' AND t.text IS NOT NULL"
            " GROUP BY u.source_key, t.text ORDER BY n DESC, t.text",
            (*chunk, lang),
        )
        for key, text, _n in rows:
            memory.setdefault(key, []).append(text)
    terms = [(t.term, t.translation or t.term, _fold(t.term)) for t in glossary.load(store, lang)]
    out = []
    for item in items:
        found = tuple((t, x) for t, x, key in terms if key and _contains_word(item.source_key, key))
        hints = tuple(m for m in memory.get(item.source_key, ()) if m != item.text)[:3]
        out.append(replace(item, memory=hints, glossary=found))
    return out


@lru_cache(maxsize=8192)
def _fold(term: str) -> str:
    from pipeline.textnorm import fold

    return fold(term)


def _contains_word(haystack: str, needle: str) -> bool:
    """True when `needle` occurs in `haystack` not inside a longer word."""
    start = haystack.find(needle)
    while start >= 0:
        end = start + len(needle)
        before = haystack[start - 1] if start else " "
        after = haystack[end] if end < len(haystack) else " "
        if not before.isalnum() and not after.isalnum():
            return True
        start = haystack.find(needle, start + 1)
    return False


def item(store: Store, unit_id: str, lang: str) -> QueueItem:
    """One unit's queue view, whatever its status; NotFound if it has no row in `lang`."""
    row = store.conn.execute(
        f"SELECT {_COLUMNS}{_FROM} WHERE t.unit_id = ? AND t.lang = ?", (unit_id, lang)
    ).fetchone()
    if row is None:
        raise NotFound(f"no translation of unit {unit_id} in {lang}")
    return _item(row)


def resolve_unit(store: Store, ref: str) -> str:
    """A full unit id from an id or a unique prefix of at least 6 characters."""
    ref = ref.strip()
    if store.conn.execute("SELECT 1 FROM units WHERE id = ?", (ref,)).fetchone():
        return ref
    if len(ref) >= 6 and all(c in "0123456789abcdef" for c in ref):
        rows = store.conn.execute(
            "SELECT id FROM units WHERE id >= ? AND id < ? LIMIT 2", (ref, ref + "g")
        ).fetchall()
        if len(rows) == 1:
            return str(rows[0][0])
        if len(rows) > 1:
            raise UsageError(f"unit prefix {ref!r} is ambiguous; give more characters")
    raise NotFound(f"no unit {ref!r} (see `pipeline review queue`)")


def context(store: Store, unit_id: str, lang: str) -> dict[str, dict[str, Any] | None]:
    """The live units just before and after `unit_id` in its article, with their translations."""
    row = store.conn.execute(
        "SELECT article_id, position FROM units WHERE id = ?", (unit_id,)
    ).fetchone()
    if row is None:
        raise NotFound(f"no unit {unit_id!r}")
    article, position = row
    out: dict[str, dict[str, Any] | None] = {}
    for name, op, order in (("previous", "<", "DESC"), ("next", ">", "ASC")):
        r = store.conn.execute(
            "SELECT u.id, u.kind, u.source_text, t.text, t.status FROM units u"
            " LEFT JOIN translations t ON t.unit_id = u.id AND t.lang = ?"
            f" WHERE u.article_id = ? AND u.obsolete = 0 AND u.position {op} ?"
            f" ORDER BY u.position {order} LIMIT 1",
            (lang, article, position),
        ).fetchone()
        out[name] = None if r is None else {
            "unit_id": r[0], "kind": r[1], "source": r[2], "text": r[3], "status": r[4]}
    return out


def claim_next(
    store: Store,
    lang: str,
    who: str,
    *,
    minutes: float,
    statuses: Iterable[Status | str] | None = None,
    article: str | None = None,
    exclude: Iterable[str] = (),
    skip_own_translations: bool = False,
) -> QueueItem | None:
    """Claim the most urgent unit nobody else holds, atomically; None when the queue is empty.

    The pick and the claim happen under one write lock (BEGIN IMMEDIATE), so two reviewers can
    never be handed the same unit. A unit `who` already holds is handed back with a fresh lease.
    """
    with store.transaction():
        found = queue(store, lang, who=who, statuses=statuses, article=article, limit=1,
                      exclude=exclude, skip_own_translations=skip_own_translations)
        if not found:
            return None
        expires = lease_until(minutes)
        store.conn.execute(
            "UPDATE translations SET claimed_by = ?, claim_expires = ? WHERE unit_id = ?"
            " AND lang = ?", (who, expires, found[0].unit_id, lang),
        )
        return replace(found[0], claimed_by=who, claim_expires=expires)


def claim(store: Store, unit_id: str, lang: str, who: str, *, minutes: float) -> QueueItem:
    """Claim one named unit; ConflictError if someone else holds an unexpired claim on it."""
    with store.transaction():
        check_claim(store, unit_id, lang, who)
        expires = lease_until(minutes)
        store.conn.execute(
            "UPDATE translations SET claimed_by = ?, claim_expires = ? WHERE unit_id = ?"
            " AND lang = ?", (who, expires, unit_id, lang),
        )
        return item(store, unit_id, lang)


def check_claim(store: Store, unit_id: str, lang: str, who: str | None) -> None:
    """ConflictError when another person holds an unexpired claim on the unit."""
    row = store.conn.execute(
        "SELECT claimed_by, claim_expires FROM translations WHERE unit_id = ? AND lang = ?",
        (unit_id, lang),
    ).fetchone()
    if row is None:
        raise NotFound(f"no translation of unit {unit_id} in {lang}")
    refusal = claim_refusal(unit_id, lang, row[0], row[1], who)
    if refusal is not None:
        raise refusal


def claim_refusal(unit_id: str, lang: str, holder: str | None, expires: str | None,
                  who: str | None, *, at: str | None = None) -> ConflictError | None:
    """The one claim rule for every writer (review actions, batches, PO and other imports):
    a unit another person holds under an unexpired claim is theirs; None when `who` may write."""
    if holder is not None and holder != who and (expires or "") > (at or now()):
        return ConflictError(
            f"unit {unit_id} ({lang}) is claimed by {holder} until {expires}; "
            "pick another unit or wait for the claim to expire"
        )
    return None


def release(
    store: Store,
    who: str,
    *,
    lang: str | None = None,
    unit_ids: Iterable[str] | None = None,
) -> int:
    """Drop `who`'s claims (all, or in one language, or on the named units); returns how many."""
    where = ["claimed_by = ?"]
    params: list[Any] = [who]
    if lang is not None:
        where.append("lang = ?")
        params.append(lang)
    ids = list(unit_ids) if unit_ids is not None else None
    if ids is not None:
        if not ids:
            return 0
        where.append(f"unit_id IN ({','.join('?' * len(ids))})")
        params.extend(ids)
    with store.transaction() as conn:
        cur = conn.execute(
            f"UPDATE translations SET claimed_by = NULL, claim_expires = NULL"
            f" WHERE {' AND '.join(where)}", params,
        )
        return cur.rowcount


def clear_claims(store: Store, lang: str, unit_ids: Sequence[str], who: str | None) -> None:
    """End `who`'s claims on units whose work an import just finished (inside its transaction)."""
    if who is None:
        return
    for i in range(0, len(unit_ids), 900):
        chunk = unit_ids[i:i + 900]
        store.conn.execute(
            "UPDATE translations SET claimed_by = NULL, claim_expires = NULL WHERE lang = ?"
            f" AND claimed_by = ? AND unit_id IN ({','.join('?' * len(chunk))})",
            (lang, who, *chunk))


def clear_claim(store: Store, unit_id: str, lang: str) -> None:
    """Forget the claim on one unit (after an action finished the work on it)."""
    store.conn.execute(
        "UPDATE translations SET claimed_by = NULL, claim_expires = NULL"
        " WHERE unit_id = ? AND lang = ? AND claimed_by IS NOT NULL", (unit_id, lang),
    )


def event(store: Store, event_id: int) -> dict[str, Any]:
    """One history event by id; NotFound if there is none."""
    rows = list(store.db.query("SELECT * FROM events WHERE id = ?", [event_id]))
    if not rows:
        raise NotFound(f"no event {event_id} (see `pipeline history UNIT --lang LANG`)")
    row = rows[0]
    row["detail"] = json.loads(row["detail"]) if row["detail"] else {}
    return row
