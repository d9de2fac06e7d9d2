"""Retrying a write when another process holds the database lock past the busy timeout."""

from __future__ import annotations

import logging
import random
import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

from pipeline.errors import StoreError

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Attempts before giving up. Each attempt already waits out the store's busy timeout, so more
#: only matter under pathological contention; the jitter breaks lock-step retries.
ATTEMPTS = 5


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def with_retry(fn: Callable[[], T], *, attempts: int = ATTEMPTS) -> T:
    """Run `fn` (one whole transaction), retrying on "database is locked" or "busy".

    After the last attempt the failure becomes a one-line StoreError, never a raw sqlite message.
    """
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc):
                raise StoreError(f"database write failed: {exc}") from None
            if attempt == attempts:
                break
            log.info("database busy (attempt %d of %d), retrying", attempt, attempts)
            time.sleep(random.uniform(0.05, 0.2) * attempt)
    raise StoreError(
        "the database stayed busy (another process is writing); try again in a moment"
    )
