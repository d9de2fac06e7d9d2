"""Translation rows: reading, and the one compare-and-set write every stage goes through."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from pipeline.errors import ConflictError, NotFound
from pipeline.models import Translation
from pipeline.states import Action, Status, transition
from pipeline.store import Store, events, now

_FIELDS = (
    "origin", "engine", "package", "package_version", "pivot", "score", "suggestion", "reason",
    "translated_by", "reviewed_by",
)


def _to_model(row: dict[str, Any]) -> Translation:
    return Translation(
        unit_id=row["unit_id"], lang=row["lang"], text=row["text"], status=row["status"],
        revision=row["revision"], origin=row["origin"], engine=row["engine"],
        package=row["package"], package_version=row["package_version"], pivot=row["pivot"],
        score=row["score"], suggestion=row["suggestion"], reason=row["reason"],
        flags=tuple(json.loads(row["flags"] or "[]")), translated_by=row["translated_by"],
        reviewed_by=row["reviewed_by"], updated_at=row["updated_at"],
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
    row = store.conn.execute(
        "SELECT * FROM translations WHERE unit_id = ? AND lang = ?", (unit_id, lang)
    ).fetchone()
    if row is None:
        raise NotFound(f"no translation of unit {unit_id} in {lang}")
    cols = [d[0] for d in store.conn.execute("SELECT * FROM translations LIMIT 0").description]
    return _to_model(dict(zip(cols, row, strict=True)))


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
    unknown = set(fields) - set(_FIELDS)
    if unknown:
        raise TypeError(f"unknown translation fields: {sorted(unknown)}")
    with store.transaction():
        cur = get(store, unit_id, lang)
        if expected_revision is not None and cur.revision != expected_revision:
            raise ConflictError(
                f"unit {unit_id} ({lang}) changed since you read it (revision {cur.revision}, "
                f"you had {expected_revision}); reload and try again"
            )
        new_status = transition(cur.status, action)
        new_text = cur.text if text is None else text
        ts = now()
        values: dict[str, Any] = {**fields, "status": new_status.value, "text": new_text,
                                  "revision": cur.revision + 1, "updated_at": ts}
        if flags is not None:
            values["flags"] = json.dumps(sorted(set(flags)))
        if new_status is not Status.REJECTED and "reason" not in fields:
            values["reason"] = None
        assignments = ", ".join(f"{k} = ?" for k in values)
        store.conn.execute(
            f"UPDATE translations SET {assignments} WHERE unit_id = ? AND lang = ?",
            (*values.values(), unit_id, lang),
        )
        events.record(
            store, unit_id, lang, Action(action).value, who=who, old_status=cur.status,
            new_status=new_status.value, old_text=cur.text, new_text=new_text,
            revision=cur.revision + 1,
            detail={**(detail or {}), **{k: v for k, v in fields.items() if v is not None}},
            at=ts,
        )
        return get(store, unit_id, lang)
