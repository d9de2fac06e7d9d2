"""Article-level history: revisions of the English (what an extract changed), notes, withdrawals."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.models import Unit
from pipeline.store import Store, now

#: Article event actions.
EXTRACTED = "extracted"  # the first extraction
REVISED = "revised"  # a later extraction changed the article
NOTE_ADDED = "note_added"
NOTE_REMOVED = "note_removed"
WITHDRAWN = "withdrawn"
RESTORED = "restored"

#: Actions that change the English an edition translates (for "updated in English on ...").
SOURCE_CHANGES = (REVISED, NOTE_ADDED, NOTE_REMOVED)


@dataclass(frozen=True)
class Edit:
    """One unit whose English changed: the removed unit, the unit it became, both texts."""

    old_unit: str
    new_unit: str
    old: str
    new: str


@dataclass(frozen=True)
class Revision:
    """What one extraction changed in an article's units."""

    first: bool
    added: tuple[tuple[str, str], ...] = ()  # (unit id, text)
    removed: tuple[tuple[str, str], ...] = ()  # (unit id, text)
    edited: tuple[Edit, ...] = field(default=())

    def as_detail(self) -> dict[str, Any]:
        if self.first:
            return {"units": len(self.added)}
        return {
            "added": [{"unit": u, "text": t} for u, t in self.added],
            "removed": [{"unit": u, "text": t} for u, t in self.removed],
            "edited": [{"old_unit": e.old_unit, "new_unit": e.new_unit, "old": e.old,
                        "new": e.new} for e in self.edited],
        }


def from_pairing(
    *, first: bool, new_units: Sequence[Unit], gone: Sequence[tuple[str, str]],
    pairs: Sequence[tuple[str, Unit]],
) -> Revision:
    """The revision an extraction made, from the edit pairing's result.

    `gone` is (unit id, old text) of units no longer present, `pairs` the (old id, new unit)
    pairs the pairing found; whatever is not paired was added or removed. Kept apart from the
    pairing algorithm so either can change without the other.
    """
    old_text = dict(gone)
    paired_old = {old for old, _ in pairs}
    paired_new = {new.id for _, new in pairs}
    return Revision(
        first=first,
        added=tuple((u.id, u.text) for u in new_units if u.id not in paired_new),
        removed=tuple((g, t) for g, t in gone if g not in paired_old),
        edited=tuple(Edit(old, new.id, old_text[old], new.text) for old, new in pairs),
    )


def record(store: Store, slug: str, action: str, *, who: str | None,
           detail: dict[str, Any] | None = None, at: str | None = None) -> int:
    """Append one article event (inside the caller's transaction, or its own)."""
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO article_events (article_id, at, who, action, detail) VALUES (?,?,?,?,?)",
            (slug, at or now(), who, action,
             json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else None),
        )
        return int(cur.lastrowid or 0)


def record_revision(store: Store, slug: str, revision: Revision, *, who: str | None,
                    at: str | None = None) -> int:
    """Record an extraction that created or changed the article."""
    return record(store, slug, EXTRACTED if revision.first else REVISED, who=who,
                  detail=revision.as_detail(), at=at)


def history(store: Store, slug: str) -> list[dict[str, Any]]:
    """Every article event, oldest first, with its detail parsed."""
    out = []
    for row in store.db.query(
        "SELECT * FROM article_events WHERE article_id = ? ORDER BY id", [slug]
    ):
        row["detail"] = json.loads(row["detail"]) if row["detail"] else {}
        out.append(row)
    return out


def source_changed_at(store: Store) -> dict[str, str]:
    """slug -> when its English last changed after the first extraction (one grouped query)."""
    marks = ",".join("?" * len(SOURCE_CHANGES))
    return dict(store.conn.execute(
        f"SELECT article_id, max(at) FROM article_events WHERE action IN ({marks})"
        " GROUP BY article_id", SOURCE_CHANGES,
    ).fetchall())
