"""What each export gave out (unit, language, revision, text, format, when): the bases of imports.

Formats (PO, XLIFF, ...) record every file they write with `record`; an import asks what that
file was given with `given_as_of` (the snapshot named in the file), `given_at_revisions` (the
revisions the file names per entry) or `given_ever` (every text ever given out, when the file
names neither). Nothing here knows a file format.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from pipeline.states import po_flags
from pipeline.store import Store, now


class Given(NamedTuple):
    """What one export gave out for one unit in one language (the base of a three-way merge)."""

    unit_id: str
    revision: int
    text: str | None  # None: the unit had no translation yet
    fuzzy: bool  # given out as not checked by a person (fuzzy in PO, needs-review in XLIFF)


class Out(NamedTuple):
    """One entry as an export writes it, for `record`."""

    unit_id: str
    revision: int
    text: str | None
    fuzzy: bool
    changed_at: str | None  # the translation's updated_at (None when it has no row yet)


def snapshot_of(rows: Iterable[Out]) -> str:
    """The snapshot stamp of an export: the newest change among the entries it gives out.

    Deterministic, so an unchanged workspace exports byte-identical files; every later change
    gets a newer updated_at, so the stamp separates what the file saw from what came after.
    """
    return max((r.changed_at or "" for r in rows), default="")


#: Rows per executemany; large enough that per-call overhead vanishes.
_CHUNK = 5000
_INSERT = ("INSERT OR IGNORE INTO exported (format, lang, unit_id, revision, text, fuzzy,"
           " changed_at, at)")


def _claim(conn: sqlite3.Connection, fmt: str, lang: str, as_of: str, ts: str) -> bool:
    """Name the snapshot in `exports` (in the caller's write transaction); False if it was."""
    if conn.execute("SELECT 1 FROM exports WHERE format = ? AND lang = ? AND as_of = ?",
                    (fmt, lang, as_of)).fetchone():
        return False
    conn.execute("INSERT INTO exports (format, lang, as_of, at) VALUES (?, ?, ?, ?)",
                 (fmt, lang, as_of, ts))
    return True


def record(store: Store, fmt: str, lang: str, as_of: str, rows: Sequence[Out]) -> bool:
    """Remember that an export of `fmt` for `lang` at snapshot `as_of` gave out `rows`.

    A snapshot already recorded costs one lookup (an unchanged re-export writes nothing);
    a revision given out before is stored once. Returns True when the snapshot was new.
    """
    with store.transaction() as conn:
        ts = now()
        if not _claim(conn, fmt, lang, as_of, ts):
            return False
        sql = f"{_INSERT} VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        for i in range(0, len(rows), _CHUNK):
            conn.executemany(sql, [(fmt, lang, r.unit_id, r.revision, r.text, int(r.fuzzy),
                                    r.changed_at or "", ts) for r in rows[i:i + _CHUNK]])
    return True


class Recording:
    """What a streaming export gives out, gathered as it goes and recorded at the end (`commit`).

    The entries wait in a temporary table (on disk, a batch at a time), not in a list: memory
    stays flat however many units the file holds, and the export reads its rows in a read
    snapshot without holding the write lock. `commit` then records them in one short write
    transaction, as `record` would; call it before the file is renamed into place. Use as a
    context manager: the temporary table is dropped on the way out, also on errors.
    """

    _serial = itertools.count()

    def __init__(self, store: Store, fmt: str, lang: str, as_of: str) -> None:
        self.store, self.fmt, self.lang, self.as_of = store, fmt, lang, as_of
        # A snapshot recorded before: an unchanged re-export gathers and writes nothing.
        self.known = known_snapshot(store, fmt, lang, as_of)
        self.table = f"temp.exported_{os.getpid()}_{next(self._serial)}"
        self.batch: list[Out] = []
        if not self.known:
            store.conn.execute(f"CREATE TEMP TABLE {self.table.removeprefix('temp.')}"
                               " (unit_id, revision, text, fuzzy, changed_at)")

    def add(self, row: Out) -> None:
        if self.known:
            return
        self.batch.append(row)
        if len(self.batch) >= _CHUNK:
            self._flush()

    def _flush(self) -> None:
        # Out rows bind as they are (a bool is an int to SQLite): no tuple built per row.
        self.store.conn.executemany(f"INSERT INTO {self.table} VALUES (?, ?, ?, ?, ?)",
                                    self.batch)
        self.batch.clear()

    def commit(self) -> bool:
        """Record the gathered entries; True when the snapshot was new."""
        if self.known:
            return False
        if self.batch:
            self._flush()
        with self.store.transaction() as conn:
            ts = now()
            if not _claim(conn, self.fmt, self.lang, self.as_of, ts):
                return False
            conn.execute(f"{_INSERT} SELECT ?, ?, unit_id, revision, text, fuzzy,"
                         f" coalesce(changed_at, ''), ? FROM {self.table}",
                         (self.fmt, self.lang, ts))
        return True

    def __enter__(self) -> Recording:
        return self

    def __exit__(self, *exc: object) -> None:
        self.batch.clear()
        if not self.known:
            self.store.conn.execute(f"DROP TABLE IF EXISTS {self.table}")


def known_snapshot(store: Store, fmt: str, lang: str, as_of: str) -> bool:
    """True when an export of `fmt` for `lang` at snapshot `as_of` was recorded here."""
    return store.conn.execute(
        "SELECT 1 FROM exports WHERE format = ? AND lang = ? AND as_of = ?", (fmt, lang, as_of)
    ).fetchone() is not None


def given_as_of(store: Store, fmt: str, lang: str, as_of: str,
                share: Mapping[str, str | None] | None = None,
                unit_ids: Sequence[str] | None = None) -> dict[str, Given]:
    """What the export at snapshot `as_of` gave out, per unit (call `known_snapshot` first).

    Per unit, the newest revision given out whose change is not newer than the snapshot: that
    is the revision the translation had when the file was made. `share` as in
    `given_at_revisions`; `unit_ids`: only these units (a few hundred at a time, as an import
    that reads its entries in chunks asks), instead of every unit of the snapshot.
    """
    out: dict[str, Given] = {}
    same = (share or {}).get
    # SQLite returns the bare columns of the row holding max(revision).
    sql = ("SELECT unit_id, max(revision), text, fuzzy FROM exported WHERE format = ? AND"
           " lang = ? AND changed_at <= ?")
    if unit_ids is None:
        chunks: Iterable[Sequence[str]] = [()]
    else:
        chunks = (unit_ids[i:i + 900] for i in range(0, len(unit_ids), 900))
    for chunk in chunks:
        where = f" AND unit_id IN ({','.join('?' * len(chunk))})" if chunk else ""
        rows = store.conn.execute(f"{sql}{where} GROUP BY unit_id", (fmt, lang, as_of, *chunk))
        for unit_id, revision, text, fuzzy in rows:
            held = same(unit_id)
            out[unit_id] = Given(unit_id, revision, held if held == text else text, bool(fuzzy))
    return out


def given_at_revisions(store: Store, fmt: str, lang: str, wanted: Mapping[str, int],
                       share: Mapping[str, str | None] | None = None) -> dict[str, Given]:
    """What was given out for each unit at the revision a file names (unit -> revision).

    A revision with no export record (a file written before exports were recorded) is read
    back from the history: the event that made that revision holds its text. `share` (unit ->
    a text the caller holds, such as the database's now): a given text equal to it is held as
    that same string, so a big catalog's texts are in memory once, not twice.
    """
    out: dict[str, Given] = {}
    ids = list(wanted)
    if 2 * len(ids) >= store.conn.execute("SELECT count(*) FROM units").fetchone()[0]:
        # A file that names most units: one pass over the format's records (a range of the
        # primary key) costs less than looking each unit up, 900 at a time.
        chunks: Iterable[list[str] | None] = [None]
    else:
        chunks = (ids[i:i + 900] for i in range(0, len(ids), 900))
    want = wanted.get
    same = (share or {}).get
    for chunk in chunks:
        sql = "SELECT unit_id, revision, text, fuzzy FROM exported WHERE format = ? AND lang = ?"
        if chunk is not None:
            sql += f" AND unit_id IN ({','.join('?' * len(chunk))})"
        for unit_id, revision, text, fuzzy in store.conn.execute(
                sql, (fmt, lang, *(chunk or ()))):
            if want(unit_id) == revision:
                held = same(unit_id)
                out[unit_id] = Given(unit_id, revision, held if held == text else text,
                                     bool(fuzzy))
    items = wanted.items()
    missing = [(u, r) for u, r in items if u not in out]
    for unit_id, revision in missing:
        if revision == 0:
            out[unit_id] = Given(unit_id, 0, None, False)
            continue
        row = store.conn.execute(
            "SELECT new_text, new_status FROM events WHERE unit_id = ? AND lang = ? AND"
            " revision = ? ORDER BY id DESC LIMIT 1", (unit_id, lang, revision)).fetchone()
        if row is not None:
            text, status = row
            out[unit_id] = Given(unit_id, revision, text, bool(text) and bool(po_flags(status)))
    return out


def given_ever(store: Store, fmt: str, lang: str,
               unit_ids: Iterable[str]) -> dict[str, list[Given]]:
    """Every revision ever given out per unit, oldest first (for files that name no snapshot)."""
    ids = list(dict.fromkeys(unit_ids))
    out: dict[str, list[Given]] = {}
    for i in range(0, len(ids), 900):
        chunk = ids[i:i + 900]
        for unit_id, revision, text, fuzzy in store.conn.execute(
                "SELECT unit_id, revision, text, fuzzy FROM exported WHERE format = ? AND"
                f" lang = ? AND unit_id IN ({','.join('?' * len(chunk))}) ORDER BY revision",
                (fmt, lang, *chunk)):
            out.setdefault(unit_id, []).append(Given(unit_id, revision, text, bool(fuzzy)))
    return out
