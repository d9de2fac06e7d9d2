"""Compiling PO catalogs to MO: GNU msgfmt when installed, else our own linear-time writer.

polib's and Babel's MO writers are quadratic in the number of messages (they rebuild offset
lists per entry); ours sorts once and writes each table in one pass.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pipeline.catalogs.pofile import CheckedPo, check_po
from pipeline.catalogs.writer import write_atomic
from pipeline.errors import InputError

MAGIC = 0x950412DE


@dataclass(frozen=True)
class CompileResult:
    """One compiled catalog."""

    source: Path
    path: Path
    messages: int  # translated, non-fuzzy entries written (the header included)
    tool: str  # "msgfmt" or "pipeline"


def _messages(checked: CheckedPo) -> list[tuple[bytes, bytes]]:
    """(key, value) pairs of what gettext looks up: translated, non-fuzzy, not obsolete."""
    enc = checked.encoding
    out = []
    for e in checked.entries:
        if e.obsolete or e.fuzzy and e.msgid != "" or not all(e.msgstr):
            continue
        key = e.msgid if e.msgid_plural is None else f"{e.msgid}\x00{e.msgid_plural}"
        if e.msgctxt is not None:
            key = f"{e.msgctxt}\x04{key}"
        value = "\x00".join(e.msgstr)
        if key == "":  # msgfmt drops the template date from compiled headers; so do we
            value = "".join(ln for ln in value.splitlines(True)
                            if not ln.startswith("POT-Creation-Date:"))
        out.append((key.encode(enc), value.encode(enc)))
    out.sort()
    return out


def mo_bytes(checked: CheckedPo) -> bytes:
    """The MO file (little-endian, no hash table) of a checked catalog, in O(n log n)."""
    messages = _messages(checked)
    n = len(messages)
    keys_start = 28 + 16 * n
    key_table, value_table, blobs = [], [], []
    offset = keys_start
    for key, _ in messages:
        key_table.append((len(key), offset))
        blobs.append(key + b"\x00")
        offset += len(key) + 1
    for _, value in messages:
        value_table.append((len(value), offset))
        blobs.append(value + b"\x00")
        offset += len(value) + 1
    head = struct.pack("<7I", MAGIC, 0, n, 28, 28 + 8 * n, 0, keys_start)
    tables = struct.pack(f"<{4 * n}I", *(x for pair in key_table + value_table for x in pair))
    return head + tables + b"".join(blobs)


def mo_problem(data: bytes, messages: int) -> str | None:
    """Why `data` is not a complete MO file of `messages` messages, or None.

    msgfmt exits 0 even when the disk filled up under it and the file is cut short, so what
    it wrote is read back: magic, message count, and every string inside the file.
    """
    if len(data) < 28:
        return f"{len(data)} bytes, shorter than an MO header"
    for order in ("<", ">"):
        magic, _rev, n, keys, values = struct.unpack(f"{order}5I", data[:20])
        if magic == MAGIC:
            break
    else:
        return "no MO magic number at the start"
    if n != messages:
        return f"{n} messages, the catalog has {messages}"
    if max(keys, values) + 8 * n > len(data):
        return "its string tables run past the end of the file"
    for table in (keys, values):
        for i in range(n):
            length, offset = struct.unpack(f"{order}2I", data[table + 8 * i:table + 8 * i + 8])
            if offset + length >= len(data) or data[offset + length] != 0:
                return "a string runs past the end of the file"
    return None


def compile_catalog(po: Path, mo: Path, *, use_msgfmt: bool = True) -> CompileResult:
    """Check `po`, then write `mo` atomically (msgfmt when present and allowed).

    The new file replaces the old one only after it was read back whole (see `mo_problem`):
    a full disk keeps the previous .mo and is an error.
    """
    checked = check_po(po)
    count = len(_messages(checked))
    msgfmt = shutil.which("msgfmt") if use_msgfmt else None
    if msgfmt is None:
        data = mo_bytes(checked)
        write_atomic(mo, data)  # its write and fsync fail loudly on a full disk
        return CompileResult(po, mo, count, "pipeline")
    # msgfmt writes to a pipe, and the one atomic writer puts its output in place: its
    # temporary file is locked, so one a kill -9 left is swept by the next write (a file
    # msgfmt wrote by name would be litter no sweep recognises).
    run = subprocess.run([msgfmt, "--check", "-o", "-", str(po)], capture_output=True,
                         check=False)
    if run.returncode != 0:
        err = run.stderr.decode("utf-8", "replace")
        first = next((ln for ln in err.splitlines() if "warning" not in ln), err.strip())
        raise InputError(f"msgfmt failed: {first}", path=po)
    problem = mo_problem(run.stdout, count)
    if problem is not None:
        raise InputError(f"msgfmt wrote an incomplete file ({problem}); the previous .mo is "
                         "kept", path=mo)
    write_atomic(mo, run.stdout)
    return CompileResult(po, mo, count, "msgfmt")
