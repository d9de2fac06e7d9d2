"""Writing an edition safely: atomic files, only inside the output directory, only when changed."""

from __future__ import annotations

import json
import logging
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import atomicfile, inputfile
from pipeline.errors import InputError, UsageError

log = logging.getLogger(__name__)

#: One path component of an edition file: no separators, no leading dot, nothing to expand.
_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,120}$")
MANIFEST = ".pipeline-export.json"
#: The manifest lists file names only: 64 MiB is millions of pages.
MAX_MANIFEST_BYTES = 64 * 2**20
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
        """Replace the file atomically if its bytes differ; True when it was written."""
        return self._write(self.path_for(rel), rel, data)

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
        # pipeline.atomicfile: an exclusive temporary file beside the target (O_EXCL|O_NOFOLLOW:
        # a symlink planted at its name is never followed), fsync, rename.
        atomicfile.write_atomic(path, data)
        self.counts.written.append(rel)
        return True

    def sweep_temporaries(self, directory: str) -> int:
        """Delete temporary files a killed earlier run left in one edition directory."""
        folder = self.path_for(f"{directory}/x").parent
        swept = 0
        if folder.is_dir():
            for path in folder.iterdir():
                if _TEMP.match(path.name) and path.is_file() and not path.is_symlink():
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
            data = json.loads(inputfile.read_bytes(path, max_bytes=MAX_MANIFEST_BYTES,
                                                   what="export manifest", nofollow=True))
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise InputError(f"not a valid export manifest ({exc}); delete it to start over",
                             path=path) from None
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
