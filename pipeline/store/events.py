"""The append-only history of every change to a translation."""

from __future__ import annotations

import json
from typing import Any

from pipeline.store import Store, now


def record(
    store: Store,
    unit_id: str,
    lang: str,
    action: str,
    *,
    who: str | None,
    old_status: str | None,
    new_status: str | None,
    old_text: str | None,
    new_text: str | None,
    revision: int | None,
    detail: dict[str, Any] | None = None,
    at: str | None = None,
) -> int:
    """Append one event; call inside the transaction that made the change."""
    cur = store.conn.execute(_INSERT, row(
        unit_id, lang, action, who=who, old_status=old_status, new_status=new_status,
        old_text=old_text, new_text=new_text, revision=revision, detail=detail, at=at))
    return int(cur.lastrowid or 0)


_INSERT = (
    "INSERT INTO events (unit_id, lang, at, who, action, old_status, new_status, old_text,"
    " new_text, revision, detail) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
)


def row(
    unit_id: str,
    lang: str,
    action: str,
    *,
    who: str | None,
    old_status: str | None,
    new_status: str | None,
    old_text: str | None,
    new_text: str | None,
    revision: int | None,
    detail: dict[str, Any] | None = None,
    at: str | None = None,
) -> tuple[Any, ...]:
    """The parameters of one event insert, for `record_rows`."""
    return (unit_id, lang, at or now(), who, action, old_status, new_status, old_text, new_text,
            revision, _detail_json(detail) if detail else None)


def _detail_json(detail: dict[str, Any]) -> str:
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a file name with non-UTF-8 bytes (lone surrogates): escaped
        text = json.dumps(detail, ensure_ascii=True, sort_keys=True)
    return text


def record_rows(store: Store, rows: list[tuple[Any, ...]]) -> None:
    """Append many events (built with `row`) in one executemany; inside the caller's transaction."""
    if rows:
        store.conn.executemany(_INSERT, rows)


def history(store: Store, unit_id: str, lang: str) -> list[dict[str, Any]]:
    """All events of one translation, oldest first."""
    rows = store.db.query(
        "SELECT * FROM events WHERE unit_id = ? AND lang = ? ORDER BY id", [unit_id, lang]
    )
    out = []
    for row in rows:
        row["detail"] = json.loads(row["detail"]) if row["detail"] else {}
        out.append(row)
    return out
