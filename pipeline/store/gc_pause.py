"""Pausing Python's cycle collector around big writes whose many objects form no cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while the rows of a big write are built and written.

    A big write (a 100k-entry import, a 10k-unit article) allocates several objects per row
    and none of them form cycles, yet the collector keeps re-scanning them all; the more
    survive at once, the more of them reach the oldest generation, whose collections walk
    every live object: a cost that grows faster than the write. Reference counting still
    frees everything; the collector's previous state is restored, also on errors. Usable as
    a decorator too (`@cycle_collector_paused()`).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
