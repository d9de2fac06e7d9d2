"""The store: one SQLite file through sqlite-utils; the only package that holds SQL.

Submodules group the queries by stage (articles, translations, events, reports). Every write runs
inside `Store.transaction()` (BEGIN IMMEDIATE ... COMMIT), so a crash leaves before or after.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from pipeline.errors import StoreError
from pipeline.store import retry
from pipeline.store.schema import SCHEMA_VERSION, migrate

__all__ = ["Store", "open_store", "open_reader", "now", "SCHEMA_VERSION"]

#: What one attempt waits in SQLite's busy handler; store.retry retries up to the lock timeout.
BUSY_TIMEOUT_MS = retry.BUSY_STEP_MS


def now() -> str:
    """UTC timestamp as sortable ISO text with microseconds."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


#: One write lock per database file in this process. Threads of one process (the web server's
#: request threads) queue here and wake the moment the writer before them commits; left to
#: SQLite's busy handler they would poll with sleeps of up to 100 ms, which is what a person's
#: approve waited for under concurrent reviewers. Other processes still meet SQLite's lock.
_WRITERS: dict[str, threading.RLock] = {}
_WRITERS_GUARD = threading.Lock()


def _writer(path: Path) -> threading.RLock:
    key = os.path.realpath(path)
    with _WRITERS_GUARD:
        lock = _WRITERS.get(key)
        if lock is None:
            lock = _WRITERS[key] = threading.RLock()
        return lock


class Store:
    """An open database: `db` is the sqlite-utils Database, `conn` its sqlite3 connection."""

    def __init__(self, path: Path, *, migrate_schema: bool = True) -> None:
        self.path = Path(path)
        self.lock_timeout = retry.lock_timeout()
        try:
            # isolation_level=None: no implicit transactions; we open them explicitly.
            conn = sqlite3.connect(
                str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                check_same_thread=False,
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            raise retry.translate(exc, self.path, opening=True) or StoreError(
                f"cannot open the database: {exc}", path=self.path) from None
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        if migrate_schema:
            try:
                migrate(self.db, begin=self._begin)
            except sqlite3.DatabaseError as exc:
                conn.close()
                raise retry.translate(exc, self.path, opening=True) or StoreError(
                    f"not a pipeline database: {exc}", path=self.path) from None
            except BaseException:
                conn.close()
                raise

    def _begin(self) -> None:
        retry.acquire(self.conn, self.path, self.lock_timeout)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that takes the write lock up front (no deadlock on upgrade).

        Nested use becomes a savepoint, so library functions can compose.
        """
        if self.conn.in_transaction:
            self.conn.execute("SAVEPOINT nested")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK TO SAVEPOINT nested")
                self.conn.execute("RELEASE SAVEPOINT nested")
                raise
            self.conn.execute("RELEASE SAVEPOINT nested")
            return
        writer = _writer(self.path)
        started = time.monotonic()
        if not writer.acquire(timeout=max(self.lock_timeout, 0.001)):
            raise retry.busy_error(self.path, time.monotonic() - started)
        try:
            self._begin()  # the one retry/backoff policy; DatabaseBusy after the lock timeout
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    mapped = retry.translate(exc, self.path)
                    if mapped is not None:  # a full disk or a lock: one line, never a traceback
                        raise mapped from None
                raise
        finally:
            writer.release()

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_reader(path: Path) -> Store:
    """Open an existing database to read only (no migration; any write fails): a worker
    process's own connection, beside the one its parent opened with `open_store`."""
    store = Store(path, migrate_schema=False)
    store.conn.execute("PRAGMA query_only = ON")
    return store


def open_store(path: Path) -> Store:
    """Open (creating and migrating if needed) the database at `path`."""
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise StoreError(f"cannot open the database: {exc.strerror or exc}", path=path) from None
    if mode is not None and not stat.S_ISREG(mode):
        from pipeline.inputfile import kind

        raise StoreError(f"is {kind(mode)}, not a database file", path=path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the database's directory: {exc.strerror or exc}",
                         path=path) from None
    return Store(path)
