"""Comments on one translation, kept as `comment` events so the history shows them in place."""

from __future__ import annotations

import json
from typing import Any

from pipeline.errors import NotFound
from pipeline.store import Store, events

#: The event action of a comment; it changes no status, text or revision.
COMMENT = "comment"


def add(store: Store, unit_id: str, lang: str, text: str, *, who: str) -> dict[str, Any]:
    """Append one comment (inside a write transaction); NotFound when the unit has no row."""
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT status, revision FROM translations WHERE unit_id = ? AND lang = ?",
            (unit_id, lang)).fetchone()
        if row is None:
            raise NotFound(f"no translation of unit {unit_id} in {lang}")
        status, revision = row
        event_id = events.record(store, unit_id, lang, COMMENT, who=who, old_status=status,
                                 new_status=status, old_text=None, new_text=None,
                                 revision=revision, detail={"comment": text})
    return one(store, event_id)


def one(store: Store, event_id: int) -> dict[str, Any]:
    """One comment event as a mapping (id, unit_id, lang, at, who, text, revision)."""
    row = store.conn.execute(
        "SELECT id, unit_id, lang, at, who, detail, revision FROM events WHERE id = ?"
        " AND action = ?", (event_id, COMMENT)).fetchone()
    if row is None:
        raise NotFound(f"no comment {event_id}")
    return _comment(row)


def thread(store: Store, unit_id: str, lang: str) -> list[dict[str, Any]]:
    """The comments on one translation, oldest first (read through the events_unit index)."""
    rows = store.conn.execute(
        "SELECT id, unit_id, lang, at, who, detail, revision FROM events"
        " WHERE unit_id = ? AND lang = ? AND action = ? ORDER BY id", (unit_id, lang, COMMENT))
    return [_comment(r) for r in rows]


def _comment(row: tuple[Any, ...]) -> dict[str, Any]:
    event_id, unit_id, lang, at, who, detail, revision = row
    return {"id": event_id, "unit_id": unit_id, "lang": lang, "at": at, "who": who,
            "text": (json.loads(detail) if detail else {}).get("comment", ""),
            "revision": revision}
