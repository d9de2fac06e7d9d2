"""Translation rows: reading, and the one compare-and-set write every stage goes through."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, NamedTuple

from pipeline.errors import ConflictError, NotFound, TransitionError
from pipeline.models import Translation
from pipeline.states import SETTLES_SOURCE, Action, Status, transition
from pipeline.store import Store, events, now

_FIELDS = (
    "origin", "engine", "package", "package_version", "pivot", "score", "suggestion", "reason",
    "translated_by", "reviewed_by", "suggestion_meta",
)
#: The columns every change writes (for `bulk_index.indexes_rebuilt_after` around big writes).
WRITTEN = ("status", "text", "revision", "updated_at")


def _to_model(row: dict[str, Any]) -> Translation:
    return Translation(
        unit_id=row["unit_id"], lang=row["lang"], text=row["text"], status=row["status"],
        revision=row["revision"], origin=row["origin"], engine=row["engine"],
        package=row["package"], package_version=row["package_version"], pivot=row["pivot"],
        score=row["score"], suggestion=row["suggestion"], reason=row["reason"],
        flags=tuple(json.loads(row["flags"] or "[]")), translated_by=row["translated_by"],
        reviewed_by=row["reviewed_by"], updated_at=row["updated_at"],
        published_text=row.get("published_text"), published_source=row.get("published_source"),
        published_at=row.get("published_at"), corrected_at=row.get("corrected_at"),
        source_before=row.get("source_before"),
        suggestion_meta=json.loads(row["suggestion_meta"]) if row.get("suggestion_meta") else None,
    )


def ensure_rows(store: Store, langs: Iterable[str], unit_ids: Iterable[str] | None = None) -> int:
    """Give every live unit an `untranslated` row per language (idempotent); returns rows added."""
    ts = now()
    added = 0
    with store.transaction() as conn:
        for lang in langs:
            if unit_ids is None:
                cur = conn.execute(
                    "INSERT OR IGNORE INTO translations (unit_id, lang, status, revision,"
                    " created_at, updated_at) SELECT id, ?, 'untranslated', 0, ?, ? FROM units"
                    " WHERE obsolete = 0",
                    (lang, ts, ts),
                )
                added += cur.rowcount
            else:
                cur = conn.executemany(
                    "INSERT OR IGNORE INTO translations (unit_id, lang, status, revision,"
                    " created_at, updated_at) VALUES (?, ?, 'untranslated', 0, ?, ?)",
                    [(uid, lang, ts, ts) for uid in unit_ids],
                )
                added += cur.rowcount
    return added


def get(store: Store, unit_id: str, lang: str) -> Translation:
    """The translation of a unit in a language; NotFound if the unit has none there."""
    cur = store.conn.execute(
        "SELECT * FROM translations WHERE unit_id = ? AND lang = ?", (unit_id, lang)
    )
    row = cur.fetchone()
    if row is None:
        raise NotFound(f"no translation of unit {unit_id} in {lang}")
    cols = [d[0] for d in cur.description]
    return _to_model(dict(zip(cols, row, strict=True)))


class Read(NamedTuple):
    """A translation row as a bulk writer already read it inside its write transaction."""

    status: str
    text: str | None
    revision: int
    by_person: bool  # translated_by or published_text is set (machine text may not replace it)
    rowid: int | None = None  # where the row is: the write finds it in one B-tree search


class Change(NamedTuple):
    """One action on one translation, for `change_many`; the arguments of `change` as a value.

    A named tuple, not a frozen dataclass: bulk writers build one per row, and a tuple is
    several times cheaper to build.
    """

    unit_id: str
    lang: str
    action: Action | str
    who: str | None = None
    text: str | None = None
    expected_revision: int | None = None
    flags: tuple[str, ...] | None = None
    detail: dict[str, Any] | None = None
    fields: dict[str, Any] | None = None  # provenance columns; None: none
    #: The event's detail already encoded (what `detail_json` gives for detail and fields),
    #: for bulk writers whose details differ only by a number; used instead of `detail`.
    detail_encoded: str | None = None
    #: The row as the caller read it in this same write transaction, so `change_many` need not
    #: read it again. The write still checks it: the UPDATE matches only that revision.
    read: Read | None = None


def change(
    store: Store,
    unit_id: str,
    lang: str,
    action: Action | str,
    *,
    who: str | None,
    text: str | None = None,
    expected_revision: int | None = None,
    flags: Iterable[str] | None = None,
    detail: dict[str, Any] | None = None,
    **fields: Any,
) -> Translation:
    """Apply one action to one translation atomically and append its event.

    The new status comes from `states.transition`; `expected_revision` makes the write fail with
    ConflictError if someone changed the row since the caller read it. `fields` sets provenance
    columns (origin, engine, package, package_version, pivot, score, suggestion, reason, ...).
    """
    one = Change(unit_id, lang, action, who=who, text=text, expected_revision=expected_revision,
                 flags=None if flags is None else tuple(flags), detail=detail, fields=fields)
    with store.transaction():
        change_many(store, [one])
        return get(store, unit_id, lang)


_BY_PERSON = frozenset({Action.EDIT.value, Action.REVERT.value, Action.APPROVE.value,
                        Action.CONFIRM.value})

#: Rows read and written per round trip in change_many; beyond a few hundred nothing improves.
CHUNK = 500


def change_many(store: Store, changes: Iterable[Change]) -> int:
    """Apply many actions in one transaction with the rules of `change`; all or nothing.

    The bulk form of the same write (the stages' batch writers and `change` itself use it):
    current rows are read a chunk at a time, and updates and events go out with executemany.
    """
    done = 0
    with store.transaction():
        batch: list[Change] = []
        for c in changes:
            batch.append(c)
            if len(batch) >= CHUNK:
                done += _apply(store, batch)
                batch = []
        if batch:
            done += _apply(store, batch)
    return done


def _apply(store: Store, batch: list[Change]) -> int:
    """Check and write one chunk (inside the caller's transaction).

    Per-row work is the whole cost of a bulk write beyond SQLite's, so everything that repeats
    (transitions, column lists, event detail JSON) is computed once per chunk and reused, and
    rows the caller already read (`Change.read`) are not read again.
    """
    # (status, text, revision, by a person, rowid) per row, as this chunk leaves it.
    current: dict[tuple[str, str], tuple[str, str | None, int, bool, int | None]] = {}
    langs: dict[str, list[str]] = {}
    for c in batch:
        if c.read is None:
            langs.setdefault(c.lang, []).append(c.unit_id)
    for lang, ids in langs.items():
        uniq = list(dict.fromkeys(ids))
        rows = store.conn.execute(
            "SELECT unit_id, status, text, revision, translated_by IS NOT NULL"
            " OR published_text IS NOT NULL, rowid FROM translations WHERE lang = ? AND"
            f" unit_id IN ({','.join('?' * len(uniq))})", (lang, *uniq),
        )
        for unit_id, status, text, revision, by_person, rowid in rows:
            current[(unit_id, lang)] = (status, text, revision, bool(by_person), rowid)
    ts = now()
    updates: dict[tuple[tuple[str, ...], bool], list[tuple[Any, ...]]] = {}
    event_rows: list[tuple[Any, ...]] = []
    pending: set[tuple[str, str]] = set()
    steps: dict[tuple[str, Action | str], tuple[str, str, bool, bool]] = {}
    approved: list[tuple[str, str]] = []
    shapes: dict[tuple[Any, ...], tuple[tuple[str, ...], tuple[None, ...]]] = {}
    details: dict[Any, str | None] = {}
    last_fields: dict[str, Any] | None = None
    names: tuple[str, ...] = ()
    values: tuple[Any, ...] = ()
    # The UPDATE rows of the last shape seen: bulk writers send one shape for many rows.
    last_shape: tuple[Any, ...] | None = None
    rows_of: list[tuple[Any, ...]] = []
    add_event = event_rows.append
    for c in batch:
        (unit_id, lang, c_action, who, c_text, expected_revision, c_flags, c_detail, fields,
         detail_encoded, read) = c
        key = (unit_id, lang)
        if key in pending:  # the same row twice: write what we have so the order holds
            _write(store, updates, event_rows, approved)
            updates, event_rows, pending, approved = {}, [], set(), []
            add_event, last_shape = event_rows.append, None
        cur = current.get(key)
        if cur is None:
            if read is None:
                raise NotFound(f"no translation of unit {unit_id} in {lang}")
            cur = read  # the same five fields, in the same order
        status, old_text, revision, by_person, rowid = cur
        if expected_revision is not None and revision != expected_revision:
            raise ConflictError(
                f"unit {unit_id} ({lang}) changed since you read it (revision {revision}, "
                f"you had {expected_revision}); reload and try again"
            )
        step = steps.get((status, c_action))
        if step is None:
            after = transition(status, c_action)
            act = Action(c_action)
            step = steps[(status, c_action)] = (after.value, act.value,
                                                after is not Status.REJECTED,
                                                act in SETTLES_SOURCE)
        new_status, action, clears_reason, settles = step
        if action == _MACHINE and by_person and c_text is not None:
            # The store's own guard, whoever calls it: machine text never replaces what a
            # person wrote or approved (a stale one included); it can only be a suggestion.
            raise TransitionError(
                f"unit {unit_id} ({lang}) holds text a person wrote or approved; machine "
                "text can only be stored beside it as a suggestion"
            )
        new_text = old_text if c_text is None else c_text
        if fields is not last_fields:  # bulk writers pass one dict for many rows
            last_fields, last_shape = fields, None
            names = tuple(fields) if fields else ()
            values = tuple(fields.values()) if fields else ()
        clear = clears_reason and "reason" not in names
        settle = settles and "suggestion_meta" not in names
        by_rowid = rowid is not None
        shape = (names, c_flags is not None, clear, settle, by_rowid)
        if shape != last_shape:
            known = shapes.get(shape)
            if known is None:
                unknown = set(names) - set(_FIELDS)
                if unknown:
                    raise TypeError(f"unknown translation fields: {sorted(unknown)}")
                known = shapes[shape] = (
                    (*names, "status", "text", "revision", "updated_at",
                     *(("flags",) if c_flags is not None else ()),
                     *(("reason",) if clear else ()),
                     *(("source_before", "suggestion_meta") if settle else ())),
                    (None,) * (int(clear) + 2 * int(settle)))
            columns, nulls = known
            rows_of = updates.setdefault((columns, by_rowid), [])
            last_shape = shape
        if c_flags is not None:
            row: tuple[Any, ...] = (*values, new_status, new_text, revision + 1, ts,
                                    json.dumps(sorted(set(c_flags))), *nulls)
        else:
            row = (*values, new_status, new_text, revision + 1, ts, *nulls)
        rows_of.append((*row, rowid, unit_id, lang, revision) if by_rowid
                       else (*row, unit_id, lang, revision))
        if new_status == _APPROVED:
            approved.append(key)
        detail: str | None
        if detail_encoded is not None:
            detail = detail_encoded
        elif c_detail is None:
            try:
                detail = details[(names, values)]
            except KeyError:
                detail = details[(names, values)] = _detail(c)
            except TypeError:  # an unhashable value: no memo
                detail = _detail(c)
        else:
            detail = _detail(c)
        add_event((unit_id, lang, ts, who, action, status, new_status, old_text, new_text,
                   revision + 1, detail))
        current[key] = (new_status, new_text, revision + 1, by_person or action in _BY_PERSON,
                        rowid)
        pending.add(key)
    _write(store, updates, event_rows, approved)
    return len(batch)


_MACHINE = Action.MACHINE.value
_APPROVED = Status.APPROVED.value


#: json.dumps with these options builds a new encoder on every call; bulk writes reuse one.
_DETAIL_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def _detail(c: Change) -> str | None:
    """The event's detail JSON: the change's detail plus its provenance."""
    return detail_json(c.detail, c.fields or {})


def detail_json(detail: dict[str, Any] | None, fields: dict[str, Any]) -> str | None:
    """The detail JSON an event of a change with this detail and these fields records."""
    merged = {**(detail or {}), **{k: v for k, v in fields.items() if v is not None}}
    return _DETAIL_JSON.encode(merged) if merged else None


#: After an approval the row remembers what was published: text, the English it was approved
#: against and when. SET expressions see the row before this statement, so `corrected_at` moves
#: only when an earlier approved version (of another text or another English) is replaced.
_PUBLISH = (
    "UPDATE translations AS t SET"
    " corrected_at = CASE WHEN t.published_text IS NOT NULL AND (t.published_text IS NOT t.text"
    "  OR t.published_source IS NOT u.source_text) THEN t.updated_at ELSE t.corrected_at END,"
    " published_text = t.text, published_at = t.updated_at, published_source = u.source_text"
    " FROM units u WHERE u.id = t.unit_id AND t.unit_id = ? AND t.lang = ?"
)


def _write(store: Store, updates: dict[tuple[tuple[str, ...], bool], list[tuple[Any, ...]]],
           event_rows: list[tuple[Any, ...]], approved: list[tuple[str, str]]) -> None:
    for (columns, by_rowid), params in updates.items():
        assignments = ", ".join(f"{k} = ?" for k in columns)
        # Compare-and-set in SQL too: each row must still have the revision it was read at
        # (a caller's `Change.read` included), or the whole transaction is undone. The rowid
        # read with the row only finds it faster (a tenth of a bulk write's SQLite time): the
        # key and the revision are checked all the same.
        where = "rowid = ? AND " if by_rowid else ""
        cur = store.conn.executemany(f"UPDATE translations SET {assignments} WHERE {where}"
                                     "unit_id = ? AND lang = ? AND revision = ?", params)
        if cur.rowcount != len(params):
            raise ConflictError("a translation changed while it was being written (its "
                                "revision is not the one it was read at); nothing was "
                                "written: try again")
    if approved:
        store.conn.executemany(_PUBLISH, approved)
    events.record_rows(store, event_rows)
