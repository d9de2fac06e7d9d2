"""Queries of the translate stage: pending work, translation memory, bulk machine writes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.states import Action, Status, transition
from pipeline.store import Store, events, now

#: Statuses `pipeline translate` fills; machine text is never re-translated, people's never touched.
PENDING = (Status.UNTRANSLATED.value, Status.STALE.value)


@dataclass(frozen=True)
class PendingUnit:
    """A unit that needs machine translation in one language."""

    unit_id: str
    article_id: str
    text: str
    source_key: str
    sentences: tuple[tuple[int, int], ...]
    status: str
    revision: int


@dataclass(frozen=True)
class MachineResult:
    """A finished translation of one unit, with its provenance, ready to store."""

    unit_id: str
    lang: str
    text: str
    origin: str  # mt | tm
    engine: str
    package: str | None = None
    package_version: str | None = None
    pivot: str | None = None
    score: float | None = None
    flags: tuple[str, ...] = ()
    expected_revision: int | None = None


def pending_units(
    store: Store, lang: str, *, article: str | None = None, limit: int | None = None
) -> list[PendingUnit]:
    """Live units whose `lang` translation is untranslated or stale, in article order."""
    sql = (
        "SELECT u.id, u.article_id, u.source_text, u.source_key, u.sentences, t.status,"
        " t.revision FROM units u JOIN translations t ON t.unit_id = u.id AND t.lang = ?"
        " WHERE u.obsolete = 0 AND t.status IN (?, ?)"
    )
    params: list[object] = [lang, *PENDING]
    if article is not None:
        sql += " AND u.article_id = ?"
        params.append(article)
    sql += " ORDER BY u.article_id, u.position"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [
        PendingUnit(r[0], r[1], r[2], r[3], tuple(tuple(s) for s in json.loads(r[4] or "[]")),
                    r[5], r[6])
        for r in store.conn.execute(sql, params)
    ]


def article_exists(store: Store, slug: str) -> bool:
    return store.conn.execute("SELECT 1 FROM articles WHERE id = ?", (slug,)).fetchone() is not None


def approved_memory(store: Store, lang: str) -> dict[str, str]:
    """Folded source -> approved translation in `lang` (the most recently approved wins)."""
    rows = store.conn.execute(
        "SELECT u.source_key, t.text FROM translations t JOIN units u ON u.id = t.unit_id"
        " WHERE t.lang = ? AND t.status = ? AND t.text IS NOT NULL AND t.text != ''"
        " ORDER BY t.updated_at",
        (lang, Status.APPROVED.value),
    )
    return {key: text for key, text in rows}


def keep_terms(store: Store, lang: str) -> list[str]:
    """Glossary terms marked do-not-translate, for all languages or for `lang`."""
    rows = store.conn.execute(
        "SELECT term FROM glossary WHERE do_not_translate = 1 AND lang IN ('*', ?)", (lang,)
    )
    return [r[0] for r in rows]


def write_machine(store: Store, results: Sequence[MachineResult], *, who: str | None) -> int:
    """Store results in one transaction through the MACHINE transition; returns rows written.

    A row that a person touched since it was read (translated, approved, rejected, or a newer
    revision) is skipped, never overwritten. Each write appends an event.
    """
    written = 0
    action = Action.MACHINE.value
    with store.transaction() as conn:
        for r in results:
            row = conn.execute(
                "SELECT status, text, revision FROM translations WHERE unit_id = ? AND lang = ?",
                (r.unit_id, r.lang),
            ).fetchone()
            if row is None:
                continue
            status, old_text, revision = row
            if status not in PENDING:
                continue
            if r.expected_revision is not None and revision != r.expected_revision:
                continue
            new_status = transition(status, action).value
            ts = now()
            conn.execute(
                "UPDATE translations SET text = ?, status = ?, origin = ?, engine = ?, package = ?,"
                " package_version = ?, pivot = ?, score = ?, flags = ?, reason = NULL,"
                " translated_by = NULL, revision = ?, updated_at = ? WHERE unit_id = ? AND lang = ?",
                (r.text, new_status, r.origin, r.engine, r.package, r.package_version, r.pivot,
                 r.score, json.dumps(sorted(set(r.flags))), revision + 1, ts, r.unit_id, r.lang),
            )
            detail = {k: v for k, v in (
                ("origin", r.origin), ("engine", r.engine), ("package", r.package),
                ("package_version", r.package_version), ("pivot", r.pivot), ("score", r.score),
                ("flags", sorted(set(r.flags)) or None),
            ) if v is not None}
            events.record(store, r.unit_id, r.lang, action, who=who, old_status=status,
                          new_status=new_status, old_text=old_text, new_text=r.text,
                          revision=revision + 1, detail=detail, at=ts)
            written += 1
    return written
