"""The review queue in pages for the web: keyset paging, filters and an index-only count.

The queue order is (urgency level, updated_at, rowid), the order the `tr_queue` index holds
within one status, so a page is a range scan after the previous page's last key and costs the
same on page 1 and page 2,000. Filters the indexes cannot answer (a search in the texts) look
through a bounded window of the queue per page, so a rare word never turns a page into a scan of
every unit; the page says how far it looked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.errors import UsageError
from pipeline.states import URGENCY, Status
from pipeline.store import Store, now
from pipeline.store.review import _COLUMNS, _FROM, QUEUE_STATUSES, QueueItem, _item
from pipeline.textnorm import fold

#: Rows of the queue a page with a text search looks through at most (index order, then joined).
#: 3,000 rows took about 20 ms on the 100k-unit bench workspace (2 busy cores).
SEARCH_WINDOW = 3000


@dataclass(frozen=True, order=True)
class Key:
    """Where a unit stands in the queue order; a page starts after one."""

    level: int
    updated_at: str
    rowid: int

    def encode(self) -> str:
        return f"{self.level}~{self.updated_at}~{self.rowid}"

    @classmethod
    def decode(cls, text: str) -> Key:
        """The key of a `next` link; UsageError for anything else."""
        parts = text.split("~")
        if len(parts) != 3 or not parts[0].isdigit() or not parts[2].isdigit():
            raise UsageError(f"not a queue position: {text[:40]!r}")
        return cls(int(parts[0]), parts[1], int(parts[2]))


@dataclass(frozen=True)
class Filters:
    """What the reviewer narrowed the queue to (all optional)."""

    statuses: tuple[str, ...] | None = None
    article: str | None = None
    #: Only units carrying one of these flags; ("*",) means any flag at all.
    flags: tuple[str, ...] = ()
    search: str | None = None  # a substring of the source or the translation

    def status_levels(self) -> list[tuple[int, list[str]]]:
        """The statuses grouped by urgency level, most urgent first."""
        wanted = {Status(s) for s in (self.statuses or QUEUE_STATUSES)}
        levels: dict[int, list[str]] = {}
        for s in sorted(wanted, key=lambda s: (URGENCY[s], s.value)):
            levels.setdefault(URGENCY[s], []).append(s.value)
        return sorted(levels.items())


@dataclass(frozen=True)
class Scan:
    """Rows of one page in queue order, and how far the scan went."""

    rows: tuple[tuple[Key, QueueItem], ...]
    #: The last position looked at (the next page starts after it); None when nothing is left.
    last: Key | None
    exhausted: bool  # the scan reached the end of the queue


def _from(f: Filters) -> str:
    """The FROM clause; a flag filter reads the partial index of flagged rows, which the planner
    (without ANALYZE statistics) would otherwise pass over for tr_queue."""
    if f.flags and f.article is None:
        return _FROM.replace("translations t", "translations t INDEXED BY tr_flagged", 1)
    return _FROM


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _conditions(lang: str, statuses: Sequence[str], f: Filters, who: str | None,
                ts: str) -> tuple[list[str], list[object]]:
    plus = "+" if f.article is not None else ""  # an article starts from its own units
    where = [f"{plus}t.lang = ? AND {plus}t.status IN ({','.join('?' * len(statuses))})",
             "u.obsolete = 0",
             "(t.claimed_by IS NULL OR t.claim_expires <= ? OR t.claimed_by IS ?)"]
    params: list[object] = [lang, *statuses, ts, who]
    if f.article is not None:
        where.append("u.article_id = ?")
        params.append(f.article)
    flags, flag_params = _flag_conditions(f.flags)
    return where + flags, params + flag_params


def _flag_conditions(flags: Sequence[str]) -> tuple[list[str], list[object]]:
    if not flags:
        return [], []
    # `flags <> '[]'` lets the planner use the partial index tr_flagged (which holds flags).
    where = ["t.flags <> '[]'"]
    named = [x for x in flags if x != "*"]
    if named:
        where.append("(" + " OR ".join("t.flags LIKE ?" for _ in named) + ")")
    return where, [f'%"{x}"%' for x in named]


def scan(store: Store, lang: str, f: Filters, *, who: str | None, after: Key | None,
         limit: int, window: int = SEARCH_WINDOW) -> Scan:
    """Up to `limit` queue rows after `after` that pass the filters.

    Without a search every condition is indexed and the scan stops at `limit` matches. With a
    search (and no article, whose units are few anyway) it looks at no more than `window` queue
    rows, however few of them match, and `last` says where the next page goes on.
    """
    ts = now()
    out: list[tuple[Key, QueueItem]] = []
    budget = window
    last: Key | None = after
    windowed = bool(f.search) and f.article is None
    for level, statuses in f.status_levels():
        if after is not None and level < after.level:
            continue
        where, params = _conditions(lang, statuses, f, who, ts)
        keyed: list[str] = []
        key_params: list[object] = []
        if after is not None and level == after.level:
            keyed.append("(t.updated_at, t.rowid) > (?, ?)")
            key_params.extend([after.updated_at, after.rowid])
        if f.search:
            where.append("(instr(u.source_key, ?) > 0 OR t.text LIKE ? ESCAPE '\\')")
            params.extend([fold(f.search), _like(f.search.strip())])
        order = " ORDER BY t.updated_at, t.rowid"
        if windowed:
            # The window: the next `budget` positions of this level, from the index alone.
            marks = ",".join("?" * len(statuses))
            flags, flag_params = _flag_conditions(f.flags)
            inner = " AND ".join([f"t.lang = ? AND t.status IN ({marks})", *flags, *keyed])
            table = "translations t INDEXED BY tr_flagged" if f.flags else "translations t"
            inner_params = [lang, *statuses, *flag_params, *key_params]
            edge = store.conn.execute(
                f"SELECT t.updated_at, t.rowid FROM {table} WHERE {inner}"
                f"{order} LIMIT 1 OFFSET ?", (*inner_params, budget - 1)).fetchone()
            bound: list[str] = []
            if edge is not None:
                bound = ["(t.updated_at, t.rowid) <= (?, ?)"]
                inner_params = [*inner_params, edge[0], edge[1]]
            sql = (f"SELECT t.rowid, {_COLUMNS} FROM (SELECT t.rowid AS r FROM {table} WHERE"
                   f" {' AND '.join([inner, *bound])}{order} LIMIT ?) w"
                   " CROSS JOIN translations t ON t.rowid = w.r"
                   " JOIN units u ON u.id = t.unit_id JOIN articles a ON a.id = u.article_id"
                   f" WHERE {' AND '.join(where)}{order} LIMIT ?")
            rows = store.conn.execute(sql, (*inner_params, budget, *params,
                                            limit - len(out))).fetchall()
            for r in rows:
                out.append((Key(level, r[14], r[0]), _item(r[1:])))
            if len(out) >= limit:
                return Scan(tuple(out), out[-1][0], False)
            if edge is not None:  # the window ended inside this level
                return Scan(tuple(out), Key(level, edge[0], edge[1]), False)
            # The level was shorter than the window (so budget stays above 0): on to the next.
            budget -= store.conn.execute(
                f"SELECT count(*) FROM {table} WHERE {inner}",
                [lang, *statuses, *flag_params, *key_params]).fetchone()[0]
            continue
        sql = (f"SELECT t.rowid, {_COLUMNS}{_from(f)} WHERE {' AND '.join(where + keyed)}"
               f"{order} LIMIT ?")
        for r in store.conn.execute(sql, (*params, *key_params, limit - len(out))):
            last = Key(level, r[14], r[0])
            out.append((last, _item(r[1:])))
        if len(out) >= limit:
            return Scan(tuple(out), last, False)
    return Scan(tuple(out), last, True)


def before(store: Store, lang: str, f: Filters, *, who: str | None, key: Key) -> Key | None:
    """The position of the queue row just before `key` (for "previous"); None at the start.

    Text search is not applied here: "previous" steps back through the indexed filters.
    """
    ts = now()
    for level, statuses in reversed(f.status_levels()):
        if level > key.level:
            continue
        where, params = _conditions(lang, statuses, f, who, ts)
        if level == key.level:
            where.append("(t.updated_at, t.rowid) < (?, ?)")
            params.extend([key.updated_at, key.rowid])
        row = store.conn.execute(
            f"SELECT t.rowid, t.updated_at{_from(f)} WHERE {' AND '.join(where)}"
            " ORDER BY t.updated_at DESC, t.rowid DESC LIMIT 1", params).fetchone()
        if row is not None:
            return Key(level, row[1], row[0])
    return None


def key_of(store: Store, unit_id: str, lang: str) -> Key | None:
    """Where a unit stands in the queue now (None when its status is in no queue: approved)."""
    row = store.conn.execute(
        "SELECT rowid, status, updated_at FROM translations WHERE unit_id = ? AND lang = ?",
        (unit_id, lang)).fetchone()
    if row is None or Status(row[1]) not in QUEUE_STATUSES:
        return None
    return Key(URGENCY[Status(row[1])], row[2], row[0])


def unit_at(store: Store, rowid: int) -> str | None:
    """The unit id of a translation row (a queue position names its row)."""
    row = store.conn.execute("SELECT unit_id FROM translations WHERE rowid = ?",
                             (rowid,)).fetchone()
    return None if row is None else str(row[0])


def count(store: Store, lang: str, f: Filters, *, who: str | None) -> int:
    """How many units the queue holds with the indexed filters (statuses, article, flags).

    Counted from the indexes without reading the rows (tr_queue, or tr_flagged which holds the
    flags): the translations in these statuses, minus those of obsolete units and those someone
    else holds a live claim on. An article's few units are counted directly.
    """
    statuses = [s for _, group in f.status_levels() for s in group]
    ts = now()
    if f.article is not None:
        where, args = _conditions(lang, statuses, Filters(article=f.article, flags=f.flags),
                                  who, ts)
        return int(store.conn.execute(
            f"SELECT count(*) FROM translations t JOIN units u ON u.id = t.unit_id"
            f" WHERE {' AND '.join(where)}", args).fetchone()[0])
    marks = ",".join("?" * len(statuses))
    flags, flag_params = _flag_conditions(f.flags)
    params: list[object] = [lang, *statuses, *flag_params]
    table = "translations t INDEXED BY tr_flagged" if f.flags else "translations t"
    cond = " AND ".join([f"t.lang = ? AND t.status IN ({marks})", *flags])
    total = store.conn.execute(f"SELECT count(*) FROM {table} WHERE {cond}",
                               params).fetchone()[0]
    # The join orders are fixed by hand (CROSS JOIN, unary +): the few obsolete units and the
    # few claimed rows are the place to start, never the language's whole status range.
    obsolete = store.conn.execute(
        f"SELECT count(*) FROM units u CROSS JOIN translations t ON t.unit_id = u.id"
        f" WHERE u.obsolete = 1 AND {cond}", params).fetchone()[0]
    plain = " AND ".join([f"+t.lang = ? AND +t.status IN ({marks})", *flags])
    held = store.conn.execute(
        "SELECT count(*) FROM translations t JOIN units u ON u.id = t.unit_id"
        " WHERE t.claimed_by > '' AND t.claimed_by IS NOT ? AND t.claim_expires > ?"
        f" AND u.obsolete = 0 AND {plain}", (who, ts, *params)).fetchone()[0]
    return int(total - obsolete - held)


@dataclass(frozen=True)
class Pick:
    """The state of one picked translation, for a bulk action to judge."""

    unit_id: str
    status: str
    revision: int
    has_text: bool
    translated_by: str | None
    claimed_by: str | None  # only while the claim is live


def selection(store: Store, lang: str, unit_ids: Iterable[str]) -> dict[str, Pick]:
    """unit id -> its current state in `lang` (unknown ids left out)."""
    ids = list(dict.fromkeys(unit_ids))
    ts = now()
    out: dict[str, Pick] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for uid, status, rev, has_text, by, holder, until in store.conn.execute(
                "SELECT unit_id, status, revision, text IS NOT NULL AND trim(text) <> '',"
                " translated_by, claimed_by, claim_expires FROM translations WHERE lang = ?"
                f" AND unit_id IN ({','.join('?' * len(chunk))})", (lang, *chunk)):
            live = holder if holder is not None and (until or "") > ts else None
            out[uid] = Pick(uid, status, rev, bool(has_text), by, live)
    return out
