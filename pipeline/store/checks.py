"""Queries for `pipeline check`: units with their translations, suppressions, glossary terms."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from pipeline.errors import NotFound
from pipeline.store import Store, glossary, now
from pipeline.textcheck import check_human_text


class CheckRow(NamedTuple):
    """One live unit in one language, with what the checks and completeness need."""

    unit_id: str
    article: str
    kind: str
    source: str
    lang: str
    status: str
    text: str | None
    flags: tuple[str, ...] = ()
    origin: str | None = None


def check_rows(store: Store, langs: Sequence[str]) -> Iterator[CheckRow]:
    """Every live unit in each language (a missing translation row reads as untranslated).

    Ordered by language, article and position, so reports read like the articles.
    """
    for lang in langs:
        cur = store.conn.execute(
            "SELECT u.id, u.article_id, u.kind, u.source_text, ?,"
            " coalesce(t.status, 'untranslated'), t.text, coalesce(t.flags, '[]'), t.origin"
            " FROM units u LEFT JOIN translations t ON t.unit_id = u.id AND t.lang = ?"
            " WHERE u.obsolete = 0 ORDER BY u.article_id, u.position",
            (lang, lang),
        )
        for uid, article, kind, source, lg, status, text, flags, origin in cur:
            yield CheckRow(uid, article, kind, source, lg, status, text,
                           tuple(json.loads(flags)) if flags != "[]" else (), origin)


def suppressions(store: Store, langs: Sequence[str]) -> dict[tuple[str, str, str], str]:
    """(unit_id, lang, check_id) -> reason, for the given languages."""
    marks = ",".join("?" * len(langs))
    rows = store.conn.execute(
        f"SELECT unit_id, lang, check_id, reason FROM suppressions WHERE lang IN ({marks})",
        tuple(langs),
    )
    return {(u, lang, c): r for u, lang, c, r in rows}


def add_suppression(store: Store, unit_id: str, lang: str, check_id: str, reason: str,
                    who: str | None) -> None:
    """Record (or replace the reason of) one suppression; NotFound for an unknown unit.

    The reason goes into JUnit XML and JSON reports: it passes the text check every input does.
    """
    check_human_text(reason, what="the reason")
    with store.transaction() as conn:
        if conn.execute("SELECT 1 FROM units WHERE id = ?", (unit_id,)).fetchone() is None:
            raise NotFound(f"no unit {unit_id!r} (unit ids are shown by `pipeline check`)")
        conn.execute(
            "INSERT INTO suppressions (unit_id, lang, check_id, reason, who, at)"
            " VALUES (?,?,?,?,?,?) ON CONFLICT(unit_id, lang, check_id) DO UPDATE SET"
            " reason = excluded.reason, who = excluded.who, at = excluded.at",
            (unit_id, lang, check_id, reason, who, now()),
        )


def remove_suppression(store: Store, unit_id: str, lang: str, check_id: str) -> bool:
    """Delete one suppression; False when there was none."""
    with store.transaction() as conn:
        cur = conn.execute(
            "DELETE FROM suppressions WHERE unit_id = ? AND lang = ? AND check_id = ?",
            (unit_id, lang, check_id),
        )
    return cur.rowcount > 0


def list_suppressions(store: Store) -> list[dict[str, str | None]]:
    """All suppressions, by language, unit and check."""
    cols = ("unit_id", "lang", "check_id", "reason", "who", "at")
    rows = store.conn.execute(
        f"SELECT {', '.join(cols)} FROM suppressions ORDER BY lang, unit_id, check_id"
    )
    return [dict(zip(cols, r, strict=True)) for r in rows]


def glossary_terms(store: Store, lang: str) -> list[tuple[str, str | None, bool]]:
    """(term, translation, do_not_translate) for a target language, including '*' terms."""
    return [(t.term, t.translation, t.keep) for t in glossary.load(store, lang)]


def unit_suppressions(store: Store, unit_id: str, lang: str) -> set[str]:
    """The check ids suppressed on one unit in one language (read by its primary key)."""
    rows = store.conn.execute(
        "SELECT check_id FROM suppressions WHERE unit_id = ? AND lang = ?", (unit_id, lang))
    return {r[0] for r in rows}
