"""Staging directories that a killed process never leaves behind for good: held, then swept.

A command that unpacks something big (a model package, a shipped model) builds it in a fresh
hidden directory beside its destination and renames it into place. A `kill -9` (or a power
cut) in the middle leaves that directory behind, maybe with the package it was replacing inside.
So each staging directory is held by an flock on its own descriptor while its process works on
it (the kernel drops the lock when the process dies, however it dies), and the next run sweeps
every directory of the same prefix that nobody holds: `recover` may move back what it finds worth
keeping (the package being replaced), then the directory is deleted.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)


def _hold(path: Path, *, wait: bool) -> int | None:
    """An open descriptor of directory `path` holding its lock, or None if another process has it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:  # gone meanwhile, or a symlink someone planted: not ours to sweep
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _same(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.lstat(path))
    except OSError:
        return False


@contextmanager
def staging_dir(parent: Path, prefix: str) -> Iterator[Path]:
    """A new directory `parent/<prefix><random>`, locked while the block runs, deleted after it.

    `prefix` should start with a dot, so listings of `parent` pass over it.
    """
    while True:
        path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        fd = _hold(path, wait=True)
        # A sweep in another process may have taken the new directory for an abandoned one in
        # the instant before the lock: then it is gone, and a fresh one is made.
        if fd is not None and _same(fd, path):
            break
        if fd is not None:
            os.close(fd)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
        os.close(fd)


def sweep(parent: Path, prefix: str, recover: Callable[[Path], None] | None = None) -> list[Path]:
    """Delete the directories `parent/<prefix>*` no live process holds (left by a killed run).

    `recover(directory)` runs first on each, to move out what must survive. Directories another
    process is working in are left alone. Returns the directories swept.
    """
    try:
        names = sorted(os.listdir(parent))
    except OSError:
        return []
    swept = []
    for name in names:
        if not name.startswith(prefix):
            continue
        path = parent / name
        fd = _hold(path, wait=False)
        if fd is None:
            continue
        try:
            if recover is not None:
                recover(path)
            shutil.rmtree(path, ignore_errors=True)
            log.info("removed %s, left by an interrupted run", path)
            swept.append(path)
        finally:
            os.close(fd)
    return swept
