"""Queries of corrections: notes (units of kind "correction") and withdrawn articles."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.errors import NotFound
from pipeline.models import UnitKind
from pipeline.store import Store, now, revisions
from pipeline.store import translations as tr
from pipeline.textnorm import fold

#: Notes sort after every extracted unit: extraction positions stay far below this.
NOTE_POSITION = 1_000_000


@dataclass(frozen=True)
class NoteRow:
    """A correction or update note and where its translations stand."""

    unit_id: str
    article: str
    label: str
    text: str
    at: str
    who: str | None
    removed: bool
    statuses: dict[str, str]  # language -> review status


def add_note(store: Store, slug: str, unit_id: str, text: str, sentences: Sequence[tuple[int, int]],
             *, label: str, who: str | None, langs: Sequence[str], at: str | None = None) -> NoteRow:
    """Store a note as a unit at the foot of the article, with untranslated rows, and record it."""
    ts = at or now()
    with store.transaction() as conn:
        if conn.execute("SELECT 1 FROM articles WHERE id = ?", (slug,)).fetchone() is None:
            raise NotFound(f"no article {slug!r} (see `pipeline status`)")
        position = NOTE_POSITION + conn.execute(
            "SELECT count(*) FROM units WHERE article_id = ? AND kind = ?",
            (slug, UnitKind.CORRECTION.value)).fetchone()[0]
        conn.execute(
            "INSERT INTO units (id, article_id, position, kind, source_text, source_key, sentences,"
            " obsolete, created_at, updated_at) VALUES (?,?,?,?,?,?,?,0,?,?)",
            (unit_id, slug, position, UnitKind.CORRECTION.value, text, fold(text),
             json.dumps([list(s) for s in sentences]), ts, ts),
        )
        conn.execute("INSERT INTO notes (unit_id, article_id, label, at, who) VALUES (?,?,?,?,?)",
                     (unit_id, slug, label, ts, who))
        tr.ensure_rows(store, langs, [unit_id])
        revisions.record(store, slug, revisions.NOTE_ADDED, who=who, at=ts,
                         detail={"unit": unit_id, "label": label, "note": text})
    return get_note(store, unit_id)


def get_note(store: Store, unit_id: str) -> NoteRow:
    """One note by its unit id; NotFound if there is none."""
    rows = _notes(store, "n.unit_id = ?", (unit_id,))
    if not rows:
        raise NotFound(f"no correction note {unit_id!r} (see `pipeline corrections list`)")
    return rows[0]


def list_notes(store: Store, slug: str | None = None, *, include_removed: bool = False) -> list[NoteRow]:
    """Notes of one article or of all, oldest first."""
    where, params = ("1", ()) if slug is None else ("n.article_id = ?", (slug,))
    if not include_removed:
        where += " AND u.obsolete = 0"
    return _notes(store, where, params)


def _notes(store: Store, where: str, params: Sequence[object]) -> list[NoteRow]:
    rows = store.conn.execute(
        "SELECT n.unit_id, n.article_id, n.label, u.source_text, n.at, n.who, u.obsolete,"
        " (SELECT json_group_object(t.lang, t.status) FROM translations t"
        "  WHERE t.unit_id = n.unit_id)"
        f" FROM notes n JOIN units u ON u.id = n.unit_id WHERE {where} ORDER BY n.at, n.unit_id",
        params,
    ).fetchall()
    return [NoteRow(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), json.loads(r[7] or "{}"))
            for r in rows]


def remove_note(store: Store, unit_id: str, *, who: str | None) -> NoteRow:
    """Take a note off the article (its unit becomes obsolete; translations and history stay)."""
    with store.transaction() as conn:
        note = get_note(store, unit_id)
        if note.removed:
            return note
        ts = now()
        conn.execute("UPDATE units SET obsolete = 1, updated_at = ? WHERE id = ?", (ts, unit_id))
        revisions.record(store, note.article, revisions.NOTE_REMOVED, who=who, at=ts,
                         detail={"unit": unit_id, "label": note.label, "note": note.text})
    return get_note(store, unit_id)


def set_withdrawn(store: Store, slug: str, *, reason: str | None, who: str | None) -> str:
    """Withdraw an article from every edition (reason given) or restore it (reason None)."""
    ts = now()
    with store.transaction() as conn:
        row = conn.execute("SELECT withdrawn_at FROM articles WHERE id = ?", (slug,)).fetchone()
        if row is None:
            raise NotFound(f"no article {slug!r} (see `pipeline status`)")
        if reason is None:
            conn.execute("UPDATE articles SET withdrawn_at = NULL, withdrawn_by = NULL,"
                         " withdrawn_reason = NULL WHERE id = ?", (slug,))
            revisions.record(store, slug, revisions.RESTORED, who=who, at=ts,
                             detail={"withdrawn_at": row[0]} if row[0] else None)
        else:
            conn.execute("UPDATE articles SET withdrawn_at = ?, withdrawn_by = ?,"
                         " withdrawn_reason = ? WHERE id = ?", (ts, who, reason, slug))
            revisions.record(store, slug, revisions.WITHDRAWN, who=who, at=ts,
                             detail={"reason": reason})
    return ts


def withdrawn(store: Store) -> list[dict[str, str | None]]:
    """Withdrawn articles: slug, when, by whom and why."""
    return [{"slug": r[0], "at": r[1], "who": r[2], "reason": r[3]} for r in store.conn.execute(
        "SELECT id, withdrawn_at, withdrawn_by, withdrawn_reason FROM articles"
        " WHERE withdrawn_at IS NOT NULL ORDER BY withdrawn_at, id")]
