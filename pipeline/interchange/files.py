"""Streaming atomic file writes: a temporary file beside the target, fsync, then rename."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from pipeline import atomicfile
from pipeline.errors import UsageError


@contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """A binary file to write `path` through; it replaces `path` only if the block succeeds.

    The temporary file is created exclusively and without following symbolic links (a link
    planted at its name cannot redirect the write), synced before the rename, and removed on
    any error, so readers see the old file or the new one, never half of one.
    """
    path = Path(path)
    try:
        is_dir = path.is_dir()
    except OSError as exc:  # a name too long for the file system, a loop of links
        raise atomicfile.fail(exc, path) from None
    if is_dir:
        raise UsageError(f"--out {path} is a directory; name a file")
    with atomicfile.open_atomic(path) as fh:  # the product's one atomic writer
        yield fh
