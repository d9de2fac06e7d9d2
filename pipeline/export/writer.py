"""Writing an edition safely: atomic files, only inside the output directory, only when changed."""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import shutil
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import atomicfile, inputfile
from pipeline.errors import InputError, UsageError
from pipeline.export.outdir import MANIFEST

log = logging.getLogger(__name__)

#: One path component of an edition file: no separators, no leading dot, nothing to expand.
_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,120}$")
#: A language directory being built by a run: .<lang>.<pid>.staging
_STAGING = re.compile(r"^\.([A-Za-z0-9][A-Za-z0-9_-]*)\.(\d+)\.staging$")
#: Exclusive creation that never follows a symlink planted at the name.
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
#: The manifest lists file names only: 64 MiB is millions of pages.
MAX_MANIFEST_BYTES = 64 * 2**20
#: The mode of every edition file, as pipeline.atomicfile writes them, whatever the umask.
_MODE = 0o644
#: Temporary files of an interrupted write: .<name>.<hex>.tmp (pipeline.atomicfile.temp_name)
_TEMP = re.compile(r"^\.[A-Za-z0-9][A-Za-z0-9_.-]*\.[0-9a-f]+\.tmp$")


@dataclass
class WriteCounts:
    """What a run did to the files of the output directory."""

    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)


class EditionWriter:
    """Writes files under one directory; refuses any path that would land outside it."""

    def __init__(self, out: Path) -> None:
        out = Path(out)
        if out.exists() and not out.is_dir():
            raise UsageError(f"--out {out} is a file, not a directory")
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise atomicfile.fail(exc, out) from None
        self.root = out.resolve()
        self.counts = WriteCounts()
        self._safe_dirs: set[Path] = set()
        self._pending: list[tuple[Path, Path]] | None = None  # (temp, target) in a batch
        self._stages: dict[str, Path] = {}  # top directory -> its staging directory
        self._staged_dirs: set[Path] = set()
        # os.open's mode is already 0o644 when the umask clears none of its bits: then the
        # fchmod per file (a syscall per page) changes nothing and is left out.
        self._fchmod = _umask() & _MODE != 0

    def path_for(self, rel: str) -> Path:
        """The absolute path of an edition file; UsageError for anything that could escape."""
        parts = rel.split("/")
        if not parts or any(not _PART.match(p) or ".." in p for p in parts):
            raise UsageError(f"refusing to write {rel!r}: not a safe path inside the edition")
        path = self.root.joinpath(*parts)
        self._check_dir(path.parent, rel)
        return path

    def _check_dir(self, directory: Path, rel: str) -> None:
        # A symlinked directory inside --out could point elsewhere: check where it really goes.
        # Checked once per directory and run (an edition has a handful of directories).
        if directory in self._safe_dirs:
            return
        if not directory.resolve().is_relative_to(self.root):
            raise UsageError(f"refusing to write {rel!r}: {directory} leads outside {self.root}")
        if directory.is_dir():
            self._safe_dirs.add(directory)

    def write(self, rel: str, data: bytes) -> bool:
        """Replace the file atomically if its bytes differ; True when it was written.

        In a `batch()`, the file appears when the batch ends; in a staged directory, when the
        directory is renamed into place.
        """
        parts = rel.split("/")
        staging = self._stages.get(parts[0]) if len(parts) > 1 else None
        if staging is not None:
            if any(not _PART.match(p) or ".." in p for p in parts):  # the checks of path_for
                raise UsageError(f"refusing to write {rel!r}: not a safe path inside the edition")
            # No symlink check: the staging directory and everything in it are this run's own.
            if len(parts) > 2:
                self._write_staged(staging, rel)
            # A string path, not a Path: this runs once per page of a first export.
            try:
                self._create(os.path.join(staging, *parts[1:]), data, self._fchmod)
            except OSError as exc:
                raise atomicfile.fail(exc, self.root / rel) from None
            self.counts.written.append(rel)
            return True
        return self._write(self.path_for(rel), rel, data)

    def stage(self, top: str) -> bool:
        """Build a directory that does not exist yet (a first export of a language) privately.

        Its files are created directly in `.<top>.<pid>.staging` (one file each, no temporary
        files), made durable together and renamed into place at the end of the batch: a crash
        leaves no directory (the old state) or the whole new one. False when `top` exists.
        """
        if self._pending is None:
            raise RuntimeError("stage() works inside batch()")
        target = self.path_for(f"{top}/x").parent
        if os.path.lexists(target):
            return False
        staging = self.root / f".{top}.{os.getpid()}.staging"
        os.mkdir(staging, 0o777)  # fails if the name exists (a symlink too): ours alone
        self._stages[top] = staging
        self._staged_dirs.add(staging)
        return True

    def _write_staged(self, staging: Path, rel: str) -> None:
        parts = rel.split("/")[1:-1]
        d = staging
        for part in parts:
            d = d / part
            if d not in self._staged_dirs:
                try:
                    os.mkdir(d, 0o777)
                except FileExistsError:
                    if d.is_symlink() or not d.is_dir():
                        raise UsageError(f"cannot write {rel!r}: {d} is not a directory") from None
                self._staged_dirs.add(d)

    @staticmethod
    def _create(path: Path | str, data: bytes, fchmod: bool = True) -> None:
        fd = os.open(path, _CREATE, _MODE)
        try:
            try:
                if fchmod:
                    os.fchmod(fd, _MODE)  # as pipeline.atomicfile writes: whatever the umask
                view = memoryview(data)
                while view:  # os.write, not a file object: fewer syscalls, no buffer per page
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
        except BaseException:
            Path(path).unlink(missing_ok=True)
            raise

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Write many files with one flush to disk instead of one per file.

        Changed files go to temporary files beside their targets; at the end everything is
        synced to disk once, staged directories are renamed into place, then each temporary
        file replaces its target (each rename atomic), and each directory that received a
        rename is fsynced once. On an error nothing is renamed: every file stays as it was,
        and the temporaries and staging directories are removed.
        """
        self._pending = []
        # Opened before the first file is written: syncfs reports a write-back error that
        # happened on the file system since this descriptor was opened (Linux 5.8 and later).
        root_fd = os.open(self.root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            yield
            if self._pending or self._stages:
                # One flush for the whole run: fsync per file costs ~2 ms each. Inside the try:
                # a Ctrl-C during the flush (seconds on a busy disk) still discards everything.
                try:
                    _sync_filesystem(root_fd)
                    self._fsync_elsewhere()
                except OSError as exc:
                    raise atomicfile.fail(exc, self.root) from None
        except BaseException:
            self._discard()
            raise
        finally:
            os.close(root_fd)
        # Why one sync and then one fsync per directory keeps the crash guarantee: until the
        # sync returns, no new file has a name a reader knows (temporaries, staging), so a crash
        # leaves the previous edition. After it every new byte is on disk, and only then does
        # a rename point a name at them: a crash after a rename finds the whole new file,
        # never an empty or half one (the reason atomicfile fsyncs before renaming, here paid
        # once for the run instead of once per page). The sync is syncfs, which, unlike
        # sync(), says when a page could not be written back: then nothing is renamed (the
        # run fails, the previous edition stays), as a failed fsync would stop atomicfile; a
        # temporary on another file system (a mount point inside --out) is fsynced on its own.
        # The renames themselves are made durable by fsyncing the directories that hold them,
        # once each, before the run reports.
        pending, stages = self._pending, self._stages
        self._pending, self._stages = None, {}
        renamed: dict[str, None] = {}
        for top, staging in stages.items():
            target = self.root / top
            try:
                os.rename(staging, target)
                renamed[str(self.root)] = None
            except OSError:
                # Another run created it meanwhile: move file by file, each atomically.
                renamed.update(dict.fromkeys(self._merge(staging, target)))
        done = 0
        try:
            for tmp, path in pending:
                os.replace(tmp, path)
                renamed[os.path.dirname(path)] = None
                done += 1
        except BaseException:  # Ctrl-C between two renames: no temporary is left behind
            for tmp, _ in pending[done:]:
                tmp.unlink(missing_ok=True)
            raise
        for directory in self._with_parents(renamed):
            atomicfile.fsync_dir(directory)

    def _fsync_elsewhere(self) -> None:
        """fsync each temporary file on another file system than the root's (a directory of
        the edition that is a mount point): the root's syncfs does not reach it."""
        root_dev = os.stat(self.root).st_dev
        elsewhere: dict[str, bool] = {}
        for tmp, _ in self._pending or ():
            folder = os.path.dirname(tmp)
            if folder not in elsewhere:
                elsewhere[folder] = os.stat(folder).st_dev != root_dev
            if elsewhere[folder]:
                fd = os.open(tmp, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)

    def _with_parents(self, directories: dict[str, None]) -> list[Path]:
        """The directories and every directory between them and the root (a run may have
        created them: their names must be durable too), deepest first, each once."""
        out: dict[Path, None] = {}
        for d in directories:
            path = Path(d)
            while path.is_relative_to(self.root) and path not in out:
                out[path] = None
                path = path.parent
        return sorted(out, key=lambda p: len(p.parts), reverse=True)

    def detach(self) -> tuple[WriteCounts, list[tuple[Path, Path]]]:
        """What this writer did since the last call, handed over and forgotten here: a worker
        process writes a share of a batch, and the writer of the batch `absorb`s it."""
        counts, pending = self.counts, self._pending
        self.counts = WriteCounts()
        if pending is not None:
            self._pending = []
        return counts, pending or []

    def absorb(self, counts: WriteCounts, pending: list[tuple[Path, Path]]) -> None:
        """Take over a share of this batch another process wrote (see `detach`)."""
        if self._pending is None:
            raise RuntimeError("absorb() works inside batch()")
        self.counts.written += counts.written
        self.counts.unchanged += counts.unchanged
        self.counts.removed += counts.removed
        self._pending += pending

    def _discard(self) -> None:
        for tmp, _ in self._pending or ():
            tmp.unlink(missing_ok=True)
        for staging in self._stages.values():
            shutil.rmtree(staging, ignore_errors=True)
        self._pending, self._stages = None, {}
        self._staged_dirs.clear()

    def _merge(self, staging: Path, target: Path) -> list[str]:
        """Move a staging directory's files into `target` one by one; the directories moved into."""
        into: dict[str, None] = {}
        for src in sorted(staging.rglob("*")):
            if src.is_file() and not src.is_symlink():
                rel = f"{target.name}/{src.relative_to(staging).as_posix()}"
                dst = self.path_for(rel)
                dst.parent.mkdir(parents=True, exist_ok=True)
                self._check_dir(dst.parent, rel)
                os.replace(src, dst)
                into[str(dst.parent)] = None
        shutil.rmtree(staging, ignore_errors=True)
        return list(into)

    def _write(self, path: Path, rel: str, data: bytes) -> bool:
        if _same_bytes(path, data):
            self.counts.unchanged += 1
            return False
        if path.parent not in self._safe_dirs:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise atomicfile.fail(exc, path) from None
            self._check_dir(path.parent, rel)
        if self._pending is not None:
            self._pending.append((self._temp(path, data), path))  # renamed when the batch ends
        else:
            # pipeline.atomicfile: an exclusive temporary file beside the target (O_EXCL|O_NOFOLLOW:
            # a symlink planted at its name is never followed), fsync, rename.
            atomicfile.write_atomic(path, data)
        self.counts.written.append(rel)
        return True

    def _temp(self, path: Path, data: bytes) -> Path:
        """atomicfile's temporary file without its fsync: a batch syncs once for all of them."""
        for _ in range(16):
            tmp = atomicfile.temp_name(path)
            try:
                EditionWriter._create(tmp, data, self._fchmod)
                return tmp
            except FileExistsError:
                continue
            except OSError as exc:
                raise atomicfile.fail(exc, path) from None
        raise InputError("cannot create a temporary file beside it", path=path)

    def sweep_temporaries(self, directory: str) -> int:
        """Delete temporary files a killed earlier run left in one edition directory."""
        folder = self.path_for(f"{directory}/x").parent
        swept = 0
        for path in self.root.iterdir():
            m = _STAGING.match(path.name)
            if m and m.group(1) == directory and path.is_dir() and not path.is_symlink() \
                    and not _alive(int(m.group(2))):
                shutil.rmtree(path, ignore_errors=True)
                swept += 1
        if folder.is_dir() and not folder.is_symlink():
            for dirpath, _dirs, names in os.walk(folder):  # os.walk never follows symlinks
                for name in names:
                    path = Path(dirpath, name)
                    if _TEMP.match(name) and path.is_file() and not path.is_symlink():
                        path.unlink(missing_ok=True)
                        swept += 1
        return swept

    def remove(self, rel: str) -> bool:
        """Delete a file this exporter wrote earlier and no longer publishes."""
        path = self.path_for(rel)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        self.counts.removed.append(rel)
        return True

    def read_manifest(self) -> dict[str, dict[str, list[str]]]:
        """format -> lang -> files written by the last export (empty when there is none)."""
        path = self.root / MANIFEST
        if not os.path.lexists(path):
            return {}
        try:
            data = inputfile.load_json(inputfile.read_bytes(
                path, max_bytes=MAX_MANIFEST_BYTES, what="export manifest", nofollow=True),
                path, what="export manifest")
        except InputError as exc:
            raise InputError(f"{exc.message}; delete it to start over", path=path,
                             line=exc.line) from None
        if not isinstance(data, dict) or not all(
            isinstance(v, dict) and all(isinstance(f, list) for f in v.values())
            for v in data.values()
        ):
            raise InputError("not a valid export manifest; delete it to start over", path=path)
        for per_lang in data.values():
            for files in per_lang.values():
                for rel in files:
                    self.path_for(rel)  # a tampered manifest must not steer deletions outside
        return data

    def write_manifest(self, manifest: dict[str, dict[str, list[str]]]) -> None:
        """Record what the edition holds, so the next run can remove what it withdraws."""
        ordered = {f: {lang: sorted(files) for lang, files in sorted(per.items())}
                   for f, per in sorted(manifest.items())}
        text = json.dumps(ordered, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        self._write(self.root / MANIFEST, MANIFEST, text.encode("utf-8"))



def _sync_filesystem(fd: int) -> None:
    """Write every dirty page and inode of the file system holding `fd` to disk (syncfs);
    OSError when the kernel reports that some could not be written. Where there is no syncfs
    (not Linux), os.sync, which flushes every file system and reports nothing."""
    syncfs = _syncfs()
    if syncfs is None:
        os.sync()
        return
    if syncfs(fd) != 0:
        import ctypes

        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


@functools.cache  # looked up once per process
def _syncfs() -> Any:
    """libc's syncfs, or None where there is none (not Linux, or glibc < 2.14)."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        func = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    func.argtypes, func.restype = [ctypes.c_int], ctypes.c_int
    return func


def _umask() -> int:
    """The process's umask, read without changing it (os.umask would, for every thread);
    0o777 where it cannot be read, so every file gets its fchmod."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o777


def _alive(pid: int) -> bool:
    """Whether a process with this id runs (its staging directory is still being written)."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
def _same_bytes(path: Path, data: bytes) -> bool:
    """True when `path` is a regular file (not a symlink, FIFO, ...) holding exactly `data`."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return False
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode) or st.st_size != len(data):
        return False
    try:
        return inputfile.read_bytes(path, max_bytes=len(data), what="edition") == data
    except InputError:
        return False
