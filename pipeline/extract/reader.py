"""Safe reading of input files: expands directories, refuses binary, bad UTF-8, empty and huge files."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.errors import InputError
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


def _walk(root: Path) -> Iterator[Path | InputError]:
    seen: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        st = os.stat(dirpath)
        key = (st.st_dev, st.st_ino)
        if key in seen:  # a symlink back up the tree: walk each real directory once
            dirnames[:] = []
            continue
        seen.add(key)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or not name.lower().endswith(EXTENSIONS):
                continue
            yield Path(dirpath) / name


def read_text(path: Path, *, max_bytes: int = MAX_BYTES) -> str:
    """The file as text, or InputError naming the problem (and the byte offset for bad UTF-8)."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit; "
                "split it or extract the article part", path=path,
            )
        data = path.read_bytes()
    except IsADirectoryError:
        raise InputError("is a directory", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=path) from None
    return decode(data, path)


def decode(data: bytes, path: Path | str) -> str:
    """UTF-8 text from bytes (BOM dropped); binary or invalid data is an InputError."""
    if len(data) > MAX_BYTES:
        raise InputError(f"input over the {MAX_BYTES / 1e6:.0f} MB limit", path=path)
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if bom:
        data = data[3:]
    nul = data.find(b"\x00", 0, 8192)
    if nul >= 0:
        raise InputError(f"binary file (NUL byte at offset {nul}); expected text", path=path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"invalid UTF-8 at byte offset {exc.start} (byte 0x{data[exc.start]:02x}); "
            "save the file as UTF-8", path=path, line=line,
        ) from None
    check_decoded(text, data, path=path, start=bom)  # a NUL or control anywhere, not only early
    if not text.strip():
        raise InputError("empty file: nothing to extract", path=path)
    return text
