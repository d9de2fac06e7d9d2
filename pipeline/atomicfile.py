"""Writing any file the product writes atomically, never through a planted symbolic link.

A temporary file is created beside the target with O_CREAT|O_EXCL|O_NOFOLLOW (a name someone
planted, file or symlink, makes the create fail instead of writing elsewhere; a fresh name is
tried), written, fsynced, renamed over the target (rename replaces a symlink at the target
itself, never the file it points to), and the directory is fsynced so the rename survives a
power cut. On any error the temporary file is removed and the old file stays as it was.
A temporary file is flocked from the moment it exists until it is renamed, so the first write
into a directory can sweep those a killed process (kill -9, a power cut) left there: every one
nobody holds. A sweep that takes a new file in the instant before its writer locks it is
harmless: the writer sees its name gone and makes another.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import secrets
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from pipeline.errors import DirectoryBusy, DiskFull, InputError

#: Names tried before giving up when every temporary name is taken (someone is planting them).
_ATTEMPTS = 16
_NO_SPACE = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def temp_name(path: Path) -> Path:
    """A fresh temporary name beside `path`: .<name>.<random>.tmp (hidden, same directory)."""
    return path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")


#: temp_name's pattern.
_TEMP = re.compile(r"\A\..+\.[0-9a-f]{12}\.tmp\Z", re.S)
_swept: set[str] = set()
_swept_lock = threading.Lock()


def sweep_temp_files(directory: Path) -> list[str]:
    """Remove the temporary files of writes killed midway in `directory`; their names.

    Only regular files of temp_name's pattern that no process holds locked; anything else (a
    symlink, a directory, a live write) is left alone.
    """
    removed: list[str] = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    for name in names:
        if not _TEMP.match(name):
            continue
        path = directory / name
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                continue
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.path.samestat(st, os.lstat(path)):
                os.unlink(path)
                removed.append(name)
        except OSError:
            continue
        finally:
            os.close(fd)
    return removed


def _sweep_once(directory: Path) -> None:
    key = os.path.abspath(directory)
    with _swept_lock:
        if key in _swept:
            return
        _swept.add(key)
    sweep_temp_files(directory)


def _create(path: Path, mode: int) -> tuple[int, Path]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    _sweep_once(path.parent)
    for _ in range(_ATTEMPTS):
        tmp = temp_name(path)
        try:
            fd = os.open(tmp, flags, mode)
        except FileExistsError:
            continue
        try:  # held until the file is renamed or removed: a sweep never takes a live write
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:
            pass  # no locks on this file system: then no sweep can take the file either
        try:
            if os.path.samestat(os.fstat(fd), os.lstat(tmp)):
                return fd, tmp
        except OSError:
            pass
        # A sweep took the file in the instant before the lock: never write to an unlinked
        # file, make another.
        os.close(fd)
    raise InputError("cannot create a temporary file beside it (every name tried was taken)",
                     path=path)


def fail(exc: OSError, path: Path) -> Exception:
    """The one-line error for an OSError while writing `path` (DiskFull when out of space)."""
    if exc.errno in _NO_SPACE:
        return DiskFull(f"disk full: cannot write {path} ({exc.strerror}); nothing was "
                        "half-written: free some space and run the command again")
    return InputError(f"cannot write: {exc.strerror or exc}", path=path)


def fsync_dir(directory: Path) -> None:
    """Make a rename in `directory` durable (ignored where directories cannot be fsynced)."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _check_target(path: Path) -> None:
    """Refuse to replace what is no file: a directory, a FIFO, a socket, a device.

    A rename replaces any of them; a glossary path set to /dev/null (run as root) would
    then turn the system's /dev/null into a regular file. A symlink is replaced (never the
    file it points to), as the module says.
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISREG(mode) or stat.S_ISLNK(mode):
        return
    if stat.S_ISDIR(mode):
        raise InputError("cannot write: a directory is in the way", path=path)
    from pipeline.inputfile import kind

    raise InputError(f"cannot write: it is {kind(mode)}, not a regular file; choose another "
                     "path", path=path)


@contextmanager
def open_atomic(path: str | Path, *, mode: int = 0o644) -> Iterator[BinaryIO]:
    """A binary file to write `path` through; it replaces `path` only if the block succeeds.

    For writers that stream (TMX, XLIFF); `write_atomic` is the same for bytes in memory.
    InputError or DiskFull (one line) on failure, with the old file untouched.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _check_target(path)
        fd, tmp = _create(path, mode)
    except OSError as exc:
        raise fail(exc, path) from None
    try:
        os.fchmod(fd, mode)  # the mode asked for, whatever the umask
        with os.fdopen(fd, "wb", buffering=1 << 20) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
            # Renamed while still open: its lock is held until the name is gone, so a sweep
            # never removes a finished file in the instant before the rename.
            os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise fail(exc, path) from None
        raise
    fsync_dir(path.parent)


def write_atomic(path: str | Path, data: bytes, *, mode: int = 0o644) -> None:
    """Replace `path` with `data` atomically; InputError or DiskFull (one line) on failure.

    Parent directories are created. A directory in the way is an error; a symlink at `path`
    is replaced by the new file (its target is never written).
    """
    with open_atomic(path, mode=mode) as fh:
        fh.write(data)


def write_text(path: str | Path, text: str, *, mode: int = 0o644) -> None:
    """write_atomic for UTF-8 text."""
    write_atomic(path, text.encode("utf-8"), mode=mode)


@contextmanager
def directory_lock(directory: Path, *, what: str) -> Iterator[None]:
    """Hold `directory` for one writer at a time, across processes, while the block runs.

    An flock on the directory itself (the kernel drops it when the holder dies, however it
    dies). Another holder is waited for as long as a database write waits
    (`$PIPELINE_LOCK_TIMEOUT`); then DirectoryBusy naming the directory. `what` names the
    writer in that message ("an export").
    """
    from pipeline.store.retry import TIMEOUT_ENV, lock_timeout

    timeout = lock_timeout()
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise fail(exc, directory) from None
    try:
        start = time.monotonic()
        pause = 0.02
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - start
                if waited >= timeout:
                    raise DirectoryBusy(f"{what} is already writing here (waited {waited:.1f} s; "
                                     f"${TIMEOUT_ENV} sets how long); run again when it has "
                                     "finished", path=directory) from None
                time.sleep(min(pause, max(timeout - waited, 0.001)))
                pause = min(pause * 2, 0.5)
            except OSError:
                break  # no locks on this file system: nothing to wait for
        yield
    finally:
        os.close(fd)
