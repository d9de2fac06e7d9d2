"""The one check every text passes where it enters: no character that PO or XML cannot carry.

NUL bytes, the other C0 control characters except tab, line feed and carriage return, lone
surrogates and the non-characters U+FFFE/U+FFFF are refused at the boundary (extract, glossary,
review edits and batches, PO import), so nothing stored can later make an export unreadable.
So is a byte order mark (U+FEFF) after the start of a text: the decoders drop one at the start
of a file, and one further on is left over from joining files (or an invisible paste) that would
ride along, unseen, into every translation and edition.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from pipeline.errors import InputError

#: What XML 1.0 cannot hold at all (PO could escape some C0s, but XLIFF/TMX/HTML could not).
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufeff\ufffe\uffff]")


#: What str.splitlines() and editors take as a line break; a one-line field (a glossary term)
#: holding one is refused, since it would show as two lines.
LINE_BREAKS = frozenset("\n\r\x85\u2028\u2029")


def line_break_in(text: str) -> bool:
    """Whether `text` holds a line break of any kind (\\n, \\r, NEL, U+2028, U+2029)."""
    return not LINE_BREAKS.isdisjoint(text)


_BOM_NAME = "a byte order mark"
_BOM_WHY = ("in the middle of the text (were two files joined?); remove it, or write U+2060 "
            "WORD JOINER if a no-break is meant")


def _name(ch: str) -> str:
    code = ord(ch)
    if code == 0:
        return "a NUL byte (U+0000)"
    if 0xD800 <= code <= 0xDFFF:
        return f"a lone surrogate (U+{code:04X})"
    if code < 0x20:
        return f"the control character U+{code:04X}"
    if code == 0xFEFF:
        return "a byte order mark (U+FEFF)"
    return f"the non-character U+{code:04X} ({unicodedata.name(ch, 'unassigned')})"


def find_bad(text: str) -> tuple[int, str] | None:
    """(character offset, description) of the first character that cannot be stored, or None.

    >>> find_bad("ok\\ttext\\n")
    >>> find_bad("a\\x00b")
    (1, 'a NUL byte (U+0000)')
    """
    if len(text) > 256 and _clean(text):  # (a whole file's text, most often: no regex search)
        return None
    m = _BAD.search(text)
    return None if m is None else (m.start(), _name(m.group()))


#: Every byte but the C0 controls _BAD holds (tab, line feed and carriage return are fine).
_FINE_BYTES = bytes([9, 10, 13, *range(0x20, 0x100)])


def _clean(text: str) -> bool:
    """No character _BAD holds, told from the text's UTF-8 by two passes in C (the regex's
    search of its character class takes several times as long): no C0 control byte, none of
    U+FEFF, U+FFFE, U+FFFF encoded, and no lone surrogate (which does not encode)."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return (not data.translate(None, _FINE_BYTES) and b"\xef\xbb\xbf" not in data
            and b"\xef\xbf\xbe" not in data and b"\xef\xbf\xbf" not in data)


def check_text(text: str, *, what: str = "the text", path: str | Path | None = None,
               line: int | None = None) -> str:
    """`text` unchanged, or InputError naming the character and where it is."""
    bad = find_bad(text)
    if bad is not None:
        offset, name = bad
        if name.startswith(_BOM_NAME):
            raise InputError(f"{what} contains {name} at character {offset + 1}, {_BOM_WHY}",
                             path=path, line=line)
        raise InputError(f"{what} contains {name} at character {offset + 1}, which cannot be "
                         "stored or exported; remove it", path=path, line=line)
    return text


#: The longest text a person may enter by any path (a review edit, `review apply`, a comment or
#: reason, a translation in a PO or XLIFF file, the web): 2 MiB of UTF-8, what a long feature
#: story runs to a hundred times over. The web's request cap (pipeline.web.security.MAX_BODY)
#: is derived from it.
MAX_TEXT_BYTES = 2 * 2**20


def too_long(text: str) -> bool:
    """Whether `text` is over MAX_TEXT_BYTES of UTF-8 (encoded only when it could be)."""
    n = len(text)
    if n * 4 <= MAX_TEXT_BYTES:  # no UTF-8 character takes more than four bytes
        return False
    return n > MAX_TEXT_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_TEXT_BYTES


def check_human_text(text: str, *, what: str = "the text", path: str | Path | None = None,
                     line: int | None = None) -> str:
    """check_text for what a person wrote, which is also held to MAX_TEXT_BYTES."""
    if too_long(text):
        from pipeline.inputfile import size_text

        size = size_text(len(text.encode("utf-8", "surrogatepass")))
        raise InputError(f"{what} is {size} long, over the {size_text(MAX_TEXT_BYTES)} a text "
                         "may be; split it into smaller units", path=path, line=line)
    return check_text(text, what=what, path=path, line=line)


def check_decoded(text: str, data: bytes, *, path: str | Path, start: int = 0) -> None:
    """For a whole decoded input file: InputError naming the line and byte offset of a bad one.

    `data` is the file's bytes (UTF-8) that `text` was decoded from, starting at byte `start`
    of the file (after a byte order mark), for the offset a hex viewer shows.
    """
    bad = find_bad(text)
    if bad is None:
        return
    offset, name = bad
    if name.startswith(_BOM_NAME):
        byte = len(text[:offset].encode("utf-8", "surrogatepass"))
        raise InputError(f"{name} at byte offset {byte + start}, {_BOM_WHY}", path=path,
                         line=text.count("\n", 0, offset) + 1)
    if name.startswith("a NUL"):
        byte = data.find(b"\x00")
    else:
        byte = len(text[:offset].encode("utf-8", "surrogatepass"))
    raise InputError(f"{name} at byte offset {byte + start}; a text file cannot hold it (is this a "
                     "binary file?)", path=path, line=text.count("\n", 0, offset) + 1)
