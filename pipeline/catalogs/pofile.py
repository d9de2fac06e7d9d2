"""Reading PO files safely: size, binary, encoding and strict syntax checks before polib parses.

`load_po` needs no workspace or database, so the `pipeline check --po` gate can use it on
committed catalogs. Every rejection is an InputError naming the file and line.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import polib

from pipeline.catalogs import strict
from pipeline.errors import InputError
from pipeline.inputfile import charset_codec, read_bytes

log = logging.getLogger(__name__)

#: Largest PO file read (bytes). 100k news paragraphs in one catalog are ~60 MB.
MAX_PO_BYTES = 256 * 1024 * 1024

_MO_MAGIC = (b"\xde\x12\x04\x95", b"\x95\x04\x12\xde")
_CHARSET = re.compile(rb"Content-Type:[^\"\\\n]*?charset=([^\s\"\\;]+)", re.IGNORECASE)
_PLACEHOLDER_CHARSETS = {"charset"}  # xgettext's template placeholder


@dataclass(frozen=True)
class CheckedPo:
    """A PO file that passed every check: its decoded text, codec, entries and header."""

    path: Path
    text: str
    encoding: str  # Python codec name
    entries: tuple[strict.Entry, ...]  # header first, then messages (obsolete ones included)
    header: dict[str, str]

    @property
    def language(self) -> str | None:
        return self.header.get("Language") or None


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _codec(name: str, path: Path, line: int | None = None) -> str:
    codec = charset_codec(name)  # base64, rot13, unicode_escape ... are no charsets
    if codec is None:
        raise InputError(f"unknown charset {name!r} in the Content-Type header; use UTF-8",
                         path=path, line=line)
    if codec.startswith(("utf-16", "utf-32")):
        raise InputError(f"charset {name} is not supported; save the file as UTF-8", path=path,
                         line=line)
    return codec


def _read(path: Path, max_bytes: int) -> bytes:
    # The shared safe opener: regular files only (a FIFO never blocks), bounded, one line.
    try:
        return read_bytes(path, max_bytes=max_bytes, what="PO")
    except InputError as exc:
        raise InputError(f"cannot read PO file: {exc.message}", path=path) from None


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """Text and codec of PO bytes; the declared charset must match the actual bytes."""
    if data[:4] in _MO_MAGIC:
        raise InputError("this is a compiled MO file, not a PO file", path=path, line=1)
    if data[:4] in (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE):
        raise InputError("UTF-32 PO files are not supported; save the file as UTF-8", path=path,
                         line=1)
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        raise InputError("UTF-16 PO files are not supported; save the file as UTF-8", path=path,
                         line=1)
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError("binary data (a NUL byte), not a PO file", path=path,
                         line=_line_at(data, nul))
    bom = data.startswith(codecs.BOM_UTF8)
    m = _CHARSET.search(data)
    declared = m.group(1).decode("ascii", "replace") if m else None
    codec = "utf-8"
    if declared is not None and declared.lower() not in _PLACEHOLDER_CHARSETS:
        codec = _codec(declared, path, _line_at(data, m.start()) if m else None)
    if codec != "utf-8" and not data.isascii():
        if bom:
            raise InputError(f"the header declares charset={declared} but the file starts with "
                             "a UTF-8 byte order mark", path=path, line=1)
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            first = next(i for i, b in enumerate(data) if b > 0x7F)
            raise InputError(f"the header declares charset={declared} but the text is UTF-8 "
                             "encoded; change the header to charset=UTF-8", path=path,
                             line=_line_at(data, first))
    try:
        text = data.decode("utf-8-sig" if codec == "utf-8" else codec)
    except UnicodeDecodeError as exc:
        said = f"the header declares charset={declared}" if declared else "no charset is declared"
        name = "UTF-8" if codec == "utf-8" else declared
        raise InputError(f"invalid {name} bytes ({said}); re-save the file as UTF-8",
                         path=path, line=_line_at(data, exc.start)) from None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        cr = text.find("\r")
        if cr >= 0:
            raise InputError("stray carriage return (old Mac line ending); save with \\n line "
                             "endings", path=path, line=text.count("\n", 0, cr) + 1)
    return text, codec


def check_po(path: str | Path, *, max_bytes: int = MAX_PO_BYTES) -> CheckedPo:
    """Run every check on a PO/POT file without building polib objects (the fast gate)."""
    path = Path(path)
    data = _read(path, max_bytes)
    text, codec = decode(data, path)
    del data  # the bytes are not needed once decoded (a big catalog's second copy)
    entries, header = strict.parse(str(path), text)
    charset = _header_charset(header)
    used = "utf-8" if charset is None or charset.lower() in _PLACEHOLDER_CHARSETS else \
        _codec(charset, path)
    if used != codec:
        raise InputError(f"the header's charset ({charset or 'none'}) is not the charset "
                         f"the file was read with ({codec}); is Content-Type outside the header?",
                         path=path, line=entries[0].line)
    return CheckedPo(path, text, codec, tuple(entries), header)


def _header_charset(header: dict[str, str]) -> str | None:
    m = re.search(r"charset=([^\s;]+)", header.get("Content-Type", ""), re.IGNORECASE)
    return m.group(1) if m else None


def load_po(path: str | Path, *, max_bytes: int = MAX_PO_BYTES) -> polib.POFile:
    """A polib POFile for `path`, after `check_po` passed; InputError with file:line otherwise.

    The polib result is compared with the strict parse entry by entry, so a file polib reads
    differently (or one that changed while being read) is an error, never silently wrong data.
    """
    checked = check_po(path, max_bytes=max_bytes)
    try:
        po = polib.pofile(str(checked.path), encoding=checked.encoding, wrapwidth=0)
    except (OSError, ValueError) as exc:  # polib raises IOError for syntax it rejects
        m = re.search(r"line (\d+)", str(exc))
        raise InputError(f"malformed PO file: {exc}", path=checked.path,
                         line=int(m.group(1)) if m else None) from None
    _agree(checked, po)
    return po


def _agree(checked: CheckedPo, po: polib.POFile) -> None:
    """Fail if polib's entries differ from the strict parse (a polib quirk or a changed file)."""
    mine = checked.entries[1:]
    if len(po) != len(mine):
        raise InputError(f"polib read {len(po)} entries but the file has {len(mine)}; was it "
                         "changed while being read?", path=checked.path)
    for ours, theirs in zip(mine, po, strict=True):
        strs = (tuple(theirs.msgstr_plural[i] for i in sorted(theirs.msgstr_plural))
                if theirs.msgid_plural else (theirs.msgstr,))
        if (ours.msgctxt, ours.msgid, ours.msgid_plural or "", ours.msgstr) != \
                (theirs.msgctxt, theirs.msgid, theirs.msgid_plural or "", strs):
            raise InputError("polib reads this entry differently from the file's text; "
                             "re-save the file with Poedit or msgcat", path=checked.path,
                             line=ours.line)
