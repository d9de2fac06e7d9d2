"""The one retry/backoff policy for database writes, and the one-line errors when it gives up.

Every write transaction takes the write lock up front (BEGIN IMMEDIATE, in `Store.transaction`)
through `acquire`: each attempt waits in SQLite's busy handler for up to BUSY_STEP_MS, then
sleeps a jittered, growing pause, until the lock timeout has passed; then DatabaseBusy says that
another process holds the database. `with_retry` runs a whole function again on a busy error
(the review actions use it). A full disk becomes DiskFull, never a raw sqlite3 message.
"""

from __future__ import annotations

import logging
import os
import random
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pipeline.errors import ConfigError, DatabaseBusy, DiskFull, StoreError

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Environment variable holding the lock timeout in seconds (tests set a short one).
TIMEOUT_ENV = "PIPELINE_LOCK_TIMEOUT"
DEFAULT_TIMEOUT_S = 30.0
TIMEOUT_RANGE = (0.1, 3600.0)
#: How long one attempt waits inside SQLite's own busy handler (milliseconds).
BUSY_STEP_MS = 1000
#: Attempts of with_retry before giving up.
ATTEMPTS = 5


def lock_timeout() -> float:
    """Seconds a write waits for another process's lock: $PIPELINE_LOCK_TIMEOUT, else 30."""
    raw = os.environ.get(TIMEOUT_ENV)
    if raw is None or not raw.strip():
        return DEFAULT_TIMEOUT_S
    lo, hi = TIMEOUT_RANGE
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not lo <= value <= hi:
        raise ConfigError(f"${TIMEOUT_ENV}={raw!r} must be a number of seconds from {lo:g} "
                          f"to {hi:g}")
    return value


def is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def is_full(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "disk is full" in text or "disk full" in text or \
        getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL


def busy_error(path: Path, waited: float) -> DatabaseBusy:
    return DatabaseBusy(f"another process holds the database for writing (waited {waited:.1f} s;"
                        f" ${TIMEOUT_ENV} sets how long); try again when it has finished",
                        path=path)


def full_error(path: Path, *, opening: bool = False) -> DiskFull:
    """DiskFull in words that fit what happened: a write rolled back, or an open that failed.

    Opening needs room too, even for a command that only reads: SQLite creates the WAL's
    -wal and -shm files beside the database when no other process has it open.
    """
    if opening:
        return DiskFull(f"disk full: cannot open the database {path}: SQLite needs some free "
                        "space beside it (for its -wal and -shm files) even to read; nothing "
                        "was changed: free some space and run the command again")
    return DiskFull(f"disk full: the database {path} cannot grow; nothing was written (the "
                    "transaction was rolled back): free some space and run the command again")


#: Free bytes under which a "disk I/O error" is taken for a full disk: SQLite reports a WAL
#: index (-shm) it cannot grow as an I/O error, not as SQLITE_FULL.
_NEARLY_FULL = 64 * 1024


def _out_of_space(path: Path) -> bool:
    try:
        st = os.statvfs(path.parent if str(path.parent) else ".")
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < _NEARLY_FULL


def translate(exc: sqlite3.Error, path: Path, waited: float = 0.0, *,
              opening: bool = False) -> Exception | None:
    """The one-line error for a busy or full database, or None for any other sqlite error.

    `opening`: the failure came while opening the database, before any transaction.
    """
    if is_full(exc) or ("disk i/o error" in str(exc).lower() and _out_of_space(path)):
        return full_error(path, opening=opening)
    if isinstance(exc, sqlite3.OperationalError) and is_busy(exc):
        return busy_error(path, waited)
    return None


def acquire(conn: sqlite3.Connection, path: Path, timeout: float | None = None) -> None:
    """BEGIN IMMEDIATE, retrying with backoff until `timeout` (default: lock_timeout())."""
    deadline_s = lock_timeout() if timeout is None else timeout
    started = time.monotonic()
    attempt = 0
    while True:
        attempt += 1
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            waited = time.monotonic() - started
            if not is_busy(exc):
                raise translate(exc, path) or exc from None
            if waited >= deadline_s:
                raise busy_error(path, waited) from None
            log.info("database busy (attempt %d, %.1f s), retrying", attempt, waited)
            pause = min(random.uniform(0.05, 0.2) * attempt, deadline_s - waited)
            time.sleep(max(pause, 0.0))


def with_retry(fn: Callable[[], T], *, attempts: int = ATTEMPTS) -> T:
    """Run `fn` (one whole transaction), again on "database is locked"/"busy", a few times.

    After the last attempt the failure becomes a one-line StoreError, never a raw sqlite message.
    """
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            if is_full(exc):
                raise DiskFull("disk full: the database cannot grow; nothing was written: free "
                               "some space and run the command again") from None
            if not is_busy(exc):
                raise StoreError(f"database write failed: {exc}") from None
            if attempt == attempts:
                break
            log.info("database busy (attempt %d of %d), retrying", attempt, attempts)
            time.sleep(random.uniform(0.05, 0.2) * attempt)
    raise StoreError(
        "the database stayed busy (another process is writing); try again in a moment"
    )
