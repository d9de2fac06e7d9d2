"""Safe reading of input files: expands directories, refuses binary, bad UTF-8, empty and huge files."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.errors import InputError
from pipeline.inputfile import decode_text, read_bytes
from pipeline.textcheck import check_decoded

#: Largest input accepted. Real article pages are well under 1 MB; 20 MB leaves room for
#: listing pages with inline data while keeping one file's work bounded in memory and time.
MAX_BYTES = 20 * 1024 * 1024

#: File name endings read when a directory is given (other files there are skipped).
EXTENSIONS = (".txt", ".text", ".html", ".htm", ".xhtml", ".md", ".markdown")


def expand(paths: Iterable[str | Path]) -> Iterator[Path | InputError]:
    """Input files in order: files as given, directories walked (sorted, no symlink loops).

    Missing paths are yielded as InputError values so the caller can report them and go on.
    """
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            yield InputError("no such file or directory", path=path)
        elif path.is_dir():
            found = False
            for item in _walk(path):
                found = True
                yield item
            if not found:
                yield InputError(f"no {', '.join(EXTENSIONS)} files in this directory", path=path)
        else:
            yield path


def _inside(path: Path, real_root: Path) -> bool:
    return Path(os.path.realpath(path)).is_relative_to(real_root)


def _walk(root: Path) -> Iterator[Path | InputError]:
    # Symbolic links are followed only while they stay inside the directory given: a link
    # planted in a folder of pages (to /etc/passwd, or to /) is reported, never read.
    real_root = Path(os.path.realpath(root))
    seen: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        st = os.stat(dirpath)
        key = (st.st_dev, st.st_ino)
        if key in seen:  # a symlink back up the tree: walk each real directory once
            dirnames[:] = []
            continue
        seen.add(key)
        kept = []
        for d in sorted(x for x in dirnames if not x.startswith(".")):
            if _inside(Path(dirpath) / d, real_root):
                kept.append(d)
            else:
                yield InputError(f"symbolic link leads outside {root}; not followed",
                                 path=Path(dirpath) / d)
        dirnames[:] = kept
        for name in sorted(filenames):
            if name.startswith(".") or not name.lower().endswith(EXTENSIONS):
                continue
            path = Path(dirpath) / name
            if path.is_symlink() and not _inside(path, real_root):
                yield InputError(f"symbolic link leads outside {root}; not read", path=path)
                continue
            yield path


def read_text(path: Path, *, max_bytes: int = MAX_BYTES) -> str:
    """The file as text, or InputError naming the problem (and the byte offset for bad UTF-8).

    Read through the shared safe opener: regular files only (a FIFO never blocks), bounded.
    """
    return decode(read_bytes(path, max_bytes=max_bytes, what="text, HTML or Markdown"), path)


def decode(data: bytes, path: Path | str) -> str:
    """UTF-8 text from bytes (BOM dropped; UTF-16/32 with a BOM read); else an InputError."""
    if len(data) > MAX_BYTES:
        raise InputError(f"input over the {MAX_BYTES / 1e6:.0f} MB limit", path=path)
    text = decode_text(data, path)  # NUL, UTF-16/32 and UTF-8 errors with line and offset
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    check_decoded(text, data[bom:], path=path, start=bom)  # control characters anywhere
    if not text.strip():
        raise InputError("empty file: nothing to extract", path=path)
    return text
