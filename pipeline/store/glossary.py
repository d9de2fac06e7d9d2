"""The glossary table: read, replaced from a file's terms, one entry added or deleted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.errors import NotFound
from pipeline.models import GlossaryTerm as Term
from pipeline.store import Store


@dataclass(frozen=True)
class SyncResult:
    """What importing a glossary file changed in the database."""

    added: int
    changed: int
    removed: int
    unchanged: int


def load(store: Store, lang: str | None = None) -> list[Term]:
    """The database glossary (for one language: its terms and the `*` ones)."""
    sql = "SELECT term, lang, translation, do_not_translate, note FROM glossary"
    params: tuple[str, ...] = ()
    if lang is not None:
        sql += " WHERE lang IN (?, '*')"
        params = (lang,)
    rows = store.conn.execute(sql + " ORDER BY term, lang", params)
    return [Term(t, lg, tr, bool(keep), note) for t, lg, tr, keep, note in rows]


def _row(t: Term) -> tuple[str, str, str | None, int, str | None]:
    return (t.term, t.lang, t.term if t.keep else t.translation, int(t.keep), t.note)


def sync(store: Store, terms: Sequence[Term]) -> SyncResult:
    """Make the database glossary exactly `terms`, in one transaction."""
    wanted = {t.key: t for t in terms}
    with store.transaction() as conn:
        current = {t.key: t for t in load(store)}
        gone = [k for k in current if k not in wanted]
        new = [t for k, t in wanted.items() if k not in current]
        changed = [t for k, t in wanted.items()
                   if k in current and _row(current[k]) != _row(t)]
        conn.executemany("DELETE FROM glossary WHERE term = ? AND lang = ?", gone)
        conn.executemany(
            "INSERT INTO glossary (term, lang, translation, do_not_translate, note)"
            " VALUES (?, ?, ?, ?, ?)", [_row(t) for t in new])
        conn.executemany(
            "UPDATE glossary SET translation = ?, do_not_translate = ?, note = ?"
            " WHERE term = ? AND lang = ?",
            [(r[2], r[3], r[4], r[0], r[1]) for r in map(_row, changed)])
    return SyncResult(len(new), len(changed), len(gone),
                      len(wanted) - len(new) - len(changed))


def put(store: Store, term: Term) -> bool:
    """Add or replace one (validated) entry; True if it was new."""
    with store.transaction() as conn:
        existed = conn.execute("DELETE FROM glossary WHERE term = ? AND lang = ?",
                               term.key).rowcount
        conn.execute("INSERT INTO glossary (term, lang, translation, do_not_translate, note)"
                     " VALUES (?, ?, ?, ?, ?)", _row(term))
    return not existed


def delete(store: Store, term: str, lang: str) -> None:
    """Delete one entry; NotFound if it is not there."""
    with store.transaction() as conn:
        if not conn.execute("DELETE FROM glossary WHERE term = ? AND lang = ?",
                            (term, lang)).rowcount:
            raise NotFound(f"no glossary entry {term!r} for {lang} (see `pipeline glossary list`)")
