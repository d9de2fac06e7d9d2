"""Entries of import files checked into a temporary table, so an import holds none of them.

An import reads and checks every file before it applies any. Kept in memory, 100k entries of a
big XLIFF file cost hundreds of MiB; staged here (SQLite's temporary database, on disk beyond
its small page cache) memory stays flat, and applying a file reads its entries back a chunk at
a time, joined with what the import compares them against: the unit, its translation and what
our export gave out at the revision the entry names.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from pipeline.store import Store
from pipeline.store.catalog import ImportTarget
from pipeline.store.exports import Given

_TABLE = "temp.import_staged"
#: Rows per executemany and per read-back chunk (beyond a few hundred nothing improves).
CHUNK = 500


class StagedEntry(NamedTuple):
    """One entry of a file: where it is, the unit it names, and what it says."""

    line: int
    unit_id: str
    revision: int | None  # the revision the file names for it, if any
    source: str
    target: str | None
    checked: bool


class Duplicate(Exception):
    """A unit id staged twice for one file (line: the second, first: the first)."""

    def __init__(self, unit_id: str, line: int, first: int) -> None:
        super().__init__(unit_id)
        self.unit_id, self.line, self.first = unit_id, line, first


class Stage:
    """Entries of several files, staged a chunk at a time (see `staging`)."""

    def __init__(self, store: Store) -> None:
        self.conn = store.conn
        self.rows: list[tuple[Any, ...]] = []

    def add(self, file: int, entry: tuple[Any, ...]) -> None:
        """Stage one entry (a `StagedEntry`-shaped tuple) of file number `file`."""
        rows = self.rows
        rows.append((file, *entry))
        if len(rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        """Write what is buffered; Duplicate if a unit id of a file comes twice."""
        rows, self.rows = self.rows, []
        if not rows:
            return
        sql = (f"INSERT INTO {_TABLE} (file, line, unit_id, revision, source, target, checked)"
               " VALUES (?, ?, ?, ?, ?, ?, ?)")
        try:
            self.conn.executemany(sql, rows)
        except sqlite3.IntegrityError:
            # The rows before the duplicate went in; the first row whose id is held by
            # another line is the duplicate (rows are in file order).
            for file, line, unit_id, *_ in rows:
                held = self.conn.execute(f"SELECT line FROM {_TABLE} WHERE file = ? AND"
                                         " unit_id = ?", (file, unit_id)).fetchone()
                if held is not None and held[0] != line:
                    raise Duplicate(unit_id, line, held[0]) from None
            raise

    def missing_rows(self, file: int, lang: str) -> list[str]:
        """Live units the file names that have no translation row in `lang` yet."""
        rows = self.conn.execute(
            f"SELECT s.unit_id FROM {_TABLE} s JOIN units u ON u.id = s.unit_id"
            " LEFT JOIN translations t ON t.unit_id = s.unit_id AND t.lang = ?"
            " WHERE s.file = ? AND u.obsolete = 0 AND t.unit_id IS NULL", (lang, file))
        return [r[0] for r in rows]

    def read(self, file: int, lang: str, fmt: str
             ) -> Iterator[list[tuple[StagedEntry, ImportTarget | None, Given | None]]]:
        """The file's entries in file order, a chunk at a time, each with its unit and
        translation (None: no such unit) and what export `fmt` gave out at the revision the
        entry names (None: not recorded, or no revision named).

        Each chunk is read completely before it is handed out, so the caller may write the
        translations it read before asking for the next.
        """
        bounds = self.conn.execute(f"SELECT min(rowid), max(rowid) FROM {_TABLE} WHERE file = ?",
                                   (file,)).fetchone()
        if bounds[0] is None:
            return
        sql = (
            "SELECT s.line, s.unit_id, s.revision, s.source, s.target, s.checked,"
            " u.id, u.source_text, u.obsolete, t.text, t.status, coalesce(t.revision, 0),"
            " t.translated_by, t.origin, coalesce(t.flags, '[]'), t.claimed_by,"
            " t.claim_expires, t.translated_by IS NOT NULL OR t.published_text IS NOT NULL,"
            " t.rowid, e.revision, e.text, e.fuzzy"
            f" FROM {_TABLE} s LEFT JOIN units u ON u.id = s.unit_id"
            " LEFT JOIN translations t ON t.unit_id = s.unit_id AND t.lang = ?"
            " LEFT JOIN exported e ON e.format = ? AND e.lang = ? AND e.unit_id = s.unit_id"
            "  AND e.revision = s.revision"
            " WHERE s.rowid BETWEEN ? AND ? AND +s.file = ? ORDER BY s.rowid")
        first, last = bounds
        entry, target, given = StagedEntry._make, ImportTarget, Given
        for low in range(first, last + 1, CHUNK):
            rows = self.conn.execute(sql, (lang, fmt, lang, low, min(low + CHUNK - 1, last),
                                           file)).fetchall()
            yield [(entry((r[0], r[1], r[2], r[3], r[4], bool(r[5]))),
                    None if r[6] is None else target(*r[6:19]),
                    None if r[19] is None else given(r[1], r[19], r[20], bool(r[21])))
                   for r in rows]


@contextmanager
def staging(store: Store) -> Iterator[Stage]:
    """A fresh staging table on this connection for the block, dropped after it.

    The table lives in the connection's temporary database: staging takes no lock on the
    workspace database and writes nothing to it.
    """
    conn = store.conn
    conn.execute(f"DROP TABLE IF EXISTS {_TABLE}")
    conn.execute(f"CREATE TABLE {_TABLE} (file INTEGER NOT NULL, line INTEGER NOT NULL,"
                 " unit_id TEXT NOT NULL, revision INTEGER, source TEXT NOT NULL, target TEXT,"
                 " checked INTEGER NOT NULL, UNIQUE (file, unit_id))")
    try:
        yield Stage(store)
    finally:
        conn.execute(f"DROP TABLE IF EXISTS {_TABLE}")


@contextmanager
def staging_writes(stage: Stage) -> Iterator[None]:
    """One transaction of the temporary database around staging many entries (not one per
    row); it ends before any file is applied, which takes its own write transaction."""
    conn = stage.conn
    if conn.in_transaction:  # inside a caller's transaction: that one covers the writes
        yield
        stage.flush()
        return
    conn.execute("BEGIN")
    try:
        yield
        stage.flush()
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
