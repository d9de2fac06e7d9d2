"""The glossary table: read, replaced from a file's terms, one entry added or deleted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.errors import ConflictError, NotFound
from pipeline.models import GlossaryTerm as Term
from pipeline.store import Store, now


@dataclass(frozen=True)
class SyncResult:
    """What importing a glossary file changed in the database."""

    added: int
    changed: int
    removed: int
    unchanged: int
    pruned: tuple[Term, ...] = ()  # terms changed since the last import that --prune let go


class GlossaryConflict(ConflictError):
    """An import would delete or change terms changed in the database since the last import."""

    def __init__(self, message: str, terms: Sequence[Term]) -> None:
        super().__init__(message)
        self.terms = tuple(terms)


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


def last_import(store: Store) -> str:
    """When the glossary was last imported from a file ('' if never)."""
    row = store.conn.execute("SELECT max(at) FROM glossary_imports").fetchone()
    return row[0] or ""


def changed_since_import(store: Store) -> dict[tuple[str, str], Term]:
    """Terms added or changed in the database (not by an import) since the last import."""
    since = last_import(store)
    rows = store.conn.execute(
        "SELECT term, lang, translation, do_not_translate, note FROM glossary"
        " WHERE changed_at > ? OR ? = ''", (since, since))
    return {(t, lg): Term(t, lg, tr, bool(keep), note) for t, lg, tr, keep, note in rows}


def sync(store: Store, terms: Sequence[Term], *, prune: bool = False,
         source: str | None = None) -> SyncResult:
    """Make the database glossary exactly `terms`, in one transaction, and record the import.

    Terms someone added or changed in the database since the last import (with `glossary
    add`) that the file would delete or change are a GlossaryConflict naming them, and
    nothing changes, unless `prune` says to let them go.
    """
    wanted = {t.key: t for t in terms}
    with store.transaction() as conn:
        current = {t.key: t for t in load(store)}
        gone = [k for k in current if k not in wanted]
        new = [t for k, t in wanted.items() if k not in current]
        changed = [t for k, t in wanted.items()
                   if k in current and _row(current[k]) != _row(t)]
        recent = changed_since_import(store)
        at_risk = [current[k] for k in gone if k in recent]
        at_risk += [current[t.key] for t in changed if t.key in recent]
        if at_risk and not prune:
            names = ", ".join(f"{t.term!r} ({t.lang})" for t in at_risk[:10])
            more = f" and {len(at_risk) - 10} more" if len(at_risk) > 10 else ""
            raise GlossaryConflict(
                f"{len(at_risk)} terms added or changed in the database since the last import "
                f"would be deleted or changed by this file: {names}{more}; add them to the "
                "file (or `glossary export` first), or pass --prune to let them go", at_risk)
        ts = now()
        conn.executemany("DELETE FROM glossary WHERE term = ? AND lang = ?", gone)
        conn.executemany(
            "INSERT INTO glossary (term, lang, translation, do_not_translate, note, changed_at)"
            " VALUES (?, ?, ?, ?, ?, ?)", [(*_row(t), ts) for t in new])
        conn.executemany(
            "UPDATE glossary SET translation = ?, do_not_translate = ?, note = ?, changed_at = ?"
            " WHERE term = ? AND lang = ?",
            [(r[2], r[3], r[4], ts, r[0], r[1]) for r in map(_row, changed)])
        # Recorded just after the rows' stamp, so what this import wrote is not "since".
        conn.execute("INSERT INTO glossary_imports (at, file, terms) VALUES (?, ?, ?)",
                     (now(), source, len(wanted)))
    return SyncResult(len(new), len(changed), len(gone),
                      len(wanted) - len(new) - len(changed), tuple(at_risk))


def put(store: Store, term: Term) -> bool:
    """Add or replace one (validated) entry; True if it was new."""
    with store.transaction() as conn:
        existed = conn.execute("DELETE FROM glossary WHERE term = ? AND lang = ?",
                               term.key).rowcount
        conn.execute("INSERT INTO glossary (term, lang, translation, do_not_translate, note,"
                     " changed_at) VALUES (?, ?, ?, ?, ?, ?)", (*_row(term), now()))
    return not existed


def delete(store: Store, term: str, lang: str) -> None:
    """Delete one entry; NotFound if it is not there."""
    with store.transaction() as conn:
        if not conn.execute("DELETE FROM glossary WHERE term = ? AND lang = ?",
                            (term, lang)).rowcount:
            raise NotFound(f"no glossary entry {term!r} for {lang} (see `pipeline glossary list`)")
