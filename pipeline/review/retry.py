"""Moved to pipeline.store.retry (one retry policy for every write); kept for old imports."""

from __future__ import annotations

from pipeline.store.retry import ATTEMPTS, with_retry

__all__ = ["ATTEMPTS", "with_retry"]
