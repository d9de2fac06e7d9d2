"""Queries of the translate stage: pending work, translation memory, bulk machine writes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.states import Action, Status
from pipeline.store import Store, glossary, now
from pipeline.store import translations as tr

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
    executor: str | None = None  # where the model ran (local, dask): kept in the event's detail


def pending_units(
    store: Store, lang: str, *, article: str | None = None, limit: int | None = None
) -> list[PendingUnit]:
    """Live units whose `lang` translation is untranslated or stale, in article order."""
    # A stale unit that already has a machine suggestion for its current English is done.
    sql = (
        "SELECT u.id, u.article_id, u.source_text, u.source_key, u.sentences, t.status,"
        " t.revision FROM units u JOIN translations t ON t.unit_id = u.id AND t.lang = ?"
        " WHERE u.obsolete = 0 AND t.status IN (?, ?) AND t.suggestion_meta IS NULL"
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
    return [t.term for t in glossary.load(store, lang) if t.keep]


def _detail(r: MachineResult) -> dict[str, object] | None:
    detail: dict[str, object] = {}
    if r.flags:
        detail["flags"] = sorted(set(r.flags))
    if r.executor:
        detail["executor"] = r.executor
    return detail or None


def write_machine(store: Store, results: Sequence[MachineResult], *, who: str | None) -> int:
    """Store results in one transaction through the MACHINE transition; returns rows written.

    A row that a person touched since it was read (translated, approved, rejected, or a newer
    revision) is skipped, never overwritten. A stale row whose text a person wrote or once
    approved gets the result as a suggestion beside its text (SUGGEST: it stays stale, at the
    top of the queue, and editions keep its last approved text). The write itself is the
    store's one compare-and-set path (`translations.change_many`), which appends the events.
    """
    with store.transaction() as conn:
        current: dict[tuple[str, str], tuple[str, int, bool]] = {}
        for r in results:
            row = conn.execute(
                "SELECT status, revision, translated_by IS NOT NULL OR published_text IS NOT NULL"
                " FROM translations WHERE unit_id = ? AND lang = ?",
                (r.unit_id, r.lang),
            ).fetchone()
            if row is not None:
                current[(r.unit_id, r.lang)] = (row[0], row[1], bool(row[2]))
        changes = []
        for r in results:
            cur = current.get((r.unit_id, r.lang))
            if cur is None or cur[0] not in PENDING:
                continue
            if r.expected_revision is not None and cur[1] != r.expected_revision:
                continue
            if cur[0] == Status.STALE.value and cur[2]:
                changes.append(_suggestion(r, cur[1], who))
                continue
            changes.append(tr.Change(
                r.unit_id, r.lang, Action.MACHINE, who=who, text=r.text,
                expected_revision=cur[1], flags=tuple(r.flags),
                detail=_detail(r),
                fields={"origin": r.origin, "engine": r.engine, "package": r.package,
                        "package_version": r.package_version, "pivot": r.pivot,
                        "score": r.score, "translated_by": None},
            ))
        return tr.change_many(store, changes)


def _suggestion(r: MachineResult, revision: int, who: str | None) -> tr.Change:
    """The machine text as a suggestion beside a person's stale text, with its provenance."""
    meta = {k: v for k, v in (("origin", r.origin), ("engine", r.engine), ("package", r.package),
                              ("package_version", r.package_version), ("pivot", r.pivot),
                              ("score", r.score), ("flags", sorted(set(r.flags))))
            if v not in (None, [])}
    return tr.Change(r.unit_id, r.lang, Action.SUGGEST, who=who, expected_revision=revision,
                     detail={"suggestion": r.text, **meta},
                     fields={"suggestion": r.text,
                             "suggestion_meta": json.dumps(meta, ensure_ascii=False,
                                                           sort_keys=True)})


def cached_sentences(store: Store, model: str, sources: Sequence[str]) -> dict[str, tuple[str, float]]:
    """Earlier machine output of `model` for these sentences: source -> (text, score)."""
    found: dict[str, tuple[str, float]] = {}
    unique = list(dict.fromkeys(sources))
    for start in range(0, len(unique), 500):
        chunk = unique[start:start + 500]
        rows = store.conn.execute(
            f"SELECT source, text, score FROM mt_sentences WHERE model = ? AND source IN"
            f" ({', '.join('?' * len(chunk))})", [model, *chunk])
        found.update((src, (text, score or 0.0)) for src, text, score in rows)
    return found


def write_batch(store: Store, model: str, sentences: dict[str, tuple[str, float]],
                results: Sequence[MachineResult], *, who: str | None) -> int:
    """One batch's sentence outputs and the units they complete, in one transaction."""
    with store.transaction() as conn:
        at = now()
        conn.executemany(
            "INSERT OR REPLACE INTO mt_sentences (model, source, text, score, at)"
            " VALUES (?, ?, ?, ?, ?)",
            [(model, src, text, score, at) for src, (text, score) in sentences.items()],
        )
        return write_machine(store, results, who=who) if results else 0
