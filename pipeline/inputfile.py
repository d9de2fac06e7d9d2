"""Opening any input file safely: regular files only, bounded size, bytes out, one-line errors.

Every reader of the product (extract inputs, PO, glossary CSV, review batches, pipeline.toml,
model archives, the export manifest) goes through `read_bytes` (or `check_regular` when a
library reads the file itself). The file is opened with O_NONBLOCK, so a FIFO never blocks the
open, and checked with fstat on the open descriptor, so what is checked is what is read. The
format's own decoder gets the bytes; `decode_text` is the shared one for plain-text formats.
"""

from __future__ import annotations

import codecs
import errno
import fcntl
import json
import os
import re
import stat
from pathlib import Path
from typing import Any, BinaryIO

from pipeline.errors import InputError

#: What fstat can find instead of a regular file, as a reader would say it.
_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"))


def display_path(path: str | Path) -> str:
    """A path as text that can be stored and printed: bytes of a file name that are not UTF-8
    (kept by Python as lone surrogates, which SQLite and UTF-8 output refuse) as escapes.

    >>> display_path(b"caf\\xe9.txt".decode("utf-8", "surrogateescape"))
    'caf\\\\xe9.txt'
    """
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def kind(mode: int) -> str:
    """What a non-regular file is, as a sentence says it ("a named pipe (FIFO)")."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _open(path: Path, nofollow: bool = False) -> int:
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    if nofollow:
        flags |= os.O_NOFOLLOW
    try:
        return os.open(path, flags)
    except FileNotFoundError:
        if os.path.islink(path):
            raise InputError(f"is a symbolic link to {os.readlink(path)}, which does not exist",
                             path=path) from None
        raise InputError("no such file", path=path) from None
    except OSError as exc:
        if nofollow and exc.errno == errno.ELOOP:
            raise InputError("is a symbolic link; refusing to read through it", path=path) \
                from None
        if exc.errno == errno.ELOOP:
            raise InputError("is a loop of symbolic links", path=path) from None
        try:  # a socket cannot be opened at all (ENXIO): say what it is
            mode = os.stat(path).st_mode
        except OSError:
            mode = 0
        if mode and not stat.S_ISREG(mode):
            raise InputError(f"is {kind(mode)}, not a regular file", path=path) from None
        raise InputError(f"cannot read: {exc.strerror or exc}", path=path) from None


def _checked(fd: int, path: Path, max_bytes: int, what: str) -> int:
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"is {kind(st.st_mode)}, not a regular file; give a {what} file",
                         path=path)
    if st.st_size > max_bytes:
        raise InputError(f"file too large ({size_text(st.st_size)}, over the "
                         f"{size_text(max_bytes)} limit for a {what} file)", path=path)
    return st.st_size


def size_text(n: int) -> str:
    """Bytes as people read them: 512 bytes, 3.2 KiB, 20.0 MiB."""
    if n < 1024:
        return f"{n} bytes"
    if n < 2**20:
        return f"{n / 1024:.1f} KiB"
    return f"{n / 2**20:.1f} MiB"


def check_regular(path: str | Path, *, max_bytes: int, what: str = "input") -> int:
    """The size of `path` after checking it is a regular file under the cap (for libraries
    that open the file themselves, such as zipfile)."""
    path = Path(path)
    fd = _open(path)
    try:
        return _checked(fd, path, max_bytes, what)
    finally:
        os.close(fd)


def open_regular(path: str | Path, *, max_bytes: int, what: str = "input") -> BinaryIO:
    """A binary file object for streaming readers, after the same checks as read_bytes.

    The check is made on the open descriptor (no window in which the path could be swapped
    for a FIFO); the descriptor is then switched back to blocking reads.
    """
    path = Path(path)
    fd = _open(path)
    try:
        _checked(fd, path, max_bytes, what)
        flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: str | Path, *, max_bytes: int, what: str = "input",
               nofollow: bool = False) -> bytes:
    """The bytes of a regular file of at most `max_bytes`; InputError naming the file otherwise.

    `nofollow` refuses a symbolic link (for files the product itself wrote, like the export
    manifest, where a link can only have been planted).
    """
    path = Path(path)
    fd = _open(path, nofollow)
    try:
        size = _checked(fd, path, max_bytes, what)
        chunks = []
        total = 0
        want = size + 1  # one more than fstat said: a file that grows is noticed
        while total <= max_bytes:
            try:
                chunk = os.read(fd, min(max(want - total, 1 << 16), max_bytes + 1 - total))
            except OSError as exc:
                raise InputError(f"cannot read: {exc.strerror or exc}", path=path) from None
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    finally:
        os.close(fd)
    if total > max_bytes:
        raise InputError(f"file too large (it grew over the {size_text(max_bytes)} limit "
                         "while being read)", path=path)
    return b"".join(chunks)


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
         (codecs.BOM_UTF8, "utf-8", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
         (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"))


#: Python codecs that no file can mean as its character set: they transform text (escapes, IDNA
#: labels, UTF-7's base64 runs, a charmap without a table) or fail by design. Together with the
#: bytes-to-bytes codecs (base64, zlib, rot13, ...), a declared charset naming one is refused.
_NOT_CHARSETS = frozenset({"punycode", "undefined", "idna", "unicode-escape",
                           "raw-unicode-escape", "utf-7", "charmap"})


def charset_codec(label: str) -> str | None:
    """The Python codec of a charset label a file declares, or None if it names no charset.

    >>> charset_codec("ISO-8859-1"), charset_codec("UTF8"), charset_codec("base64")
    ('iso8859-1', 'utf-8', None)
    >>> charset_codec("unicode_escape"), charset_codec("klingon")
    (None, None)
    """
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):  # ValueError: a label with a NUL
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None
    return info.name


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    return line, offset - (data.rfind(b"\n", 0, offset) + 1) + 1


def decode_text(data: bytes, path: str | Path, *, what: str = "text") -> str:
    """Text from bytes: UTF-8 (a BOM is dropped), or UTF-16/UTF-32 with a byte order mark.

    Anything else is an InputError naming the file, line and column: UTF-16/32 without a BOM,
    NUL bytes (binary data), and bytes that are not UTF-8 (a legacy code page).
    """
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            try:
                text = body.decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(f"invalid {name} at byte offset {exc.start + len(bom)}; save "
                                 "the file as UTF-8", path=path) from None
            if codec != "utf-8":
                return _no_nul(text, path, what)
            data = body
            break
    if len(data) >= 4 and (data[1:4:2] == b"\x00\x00" or data[0:3:2] == b"\x00\x00"):
        raise InputError(f"looks like UTF-16 or UTF-32 without a byte order mark; save the "
                         f"{what} file as UTF-8", path=path, line=1)
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = _line_col(data, nul)
        raise InputError(f"binary file (NUL byte at offset {nul}, column {col}); expected a "
                         f"{what} file", path=path, line=line)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data, exc.start)
        raise InputError(
            f"invalid UTF-8 at byte offset {exc.start} (byte 0x{data[exc.start]:02x}), column "
            f"{col}; save the file as UTF-8", path=path, line=line) from None


def _no_nul(text: str, path: str | Path, what: str) -> str:
    nul = text.find("\x00")
    if nul >= 0:
        raise InputError(f"binary file (a NUL character); expected a {what} file", path=path,
                         line=text.count("\n", 0, nul) + 1)
    return text


def read_text(path: str | Path, *, max_bytes: int, what: str = "text") -> str:
    """read_bytes then decode_text."""
    return decode_text(read_bytes(path, max_bytes=max_bytes, what=what), path, what=what)


def split_lines(text: str) -> list[str]:
    """Lines split on \\n (\\r\\n and a lone \\r too), never on U+2028/2029, NEL or form feed,
    which str.splitlines() also splits on but JSON strings and CSV cells may hold."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise _DuplicateKey(key)
        obj[key] = value
    return obj


def _no_constant(name: str) -> Any:
    # Python's json reads NaN, Infinity and -Infinity, which JSON does not have: a revision or
    # a threshold of NaN compares false with everything.
    raise _NotJsonConstant(name)


class _NotJsonConstant(Exception):
    pass


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE = re.compile("[\ud800-\udfff]")


def _has_lone_surrogate(value: Any) -> bool:
    """Whether any string (key or value) in a parsed JSON value holds a lone surrogate."""
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            if _LONE.search(item):
                return True
        elif isinstance(item, dict):
            todo.extend(item.keys())
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
    return False


def load_json(data: bytes | str, path: str | Path, *, line: int | None = None,
              what: str = "JSON") -> Any:
    """The JSON value of untrusted bytes or text; every way it can fail is one InputError.

    Bytes are decoded by `decode_text`. Refused with the line (`line` is that of the text's
    first line in its file) and column where known: malformed JSON, an object naming a key
    twice (which value was meant?), a number longer than Python converts (4300 digits), and
    nesting deeper than the parser's recursion.
    """
    text = data if isinstance(data, str) else decode_text(data, path, what=what)
    first = line or 1
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
        # Only a \uD800-\uDFFF escape can make one (decoded bytes never hold a surrogate).
        if _SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(value):
            raise InputError(f"the {what} holds a lone surrogate (a \\uD800-\\uDFFF escape "
                             "without its pair), which is no character", path=path, line=line)
        return value
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid {what} ({exc.msg}, column {exc.colno})", path=path,
                         line=first + exc.lineno - 1) from None
    except _NotJsonConstant as exc:
        raise InputError(f"not valid {what} ({exc} is not a JSON number)", path=path,
                         line=line) from None
    except _DuplicateKey as exc:
        raise InputError(f"the {what} names the key {exc.key!r} twice; keep one", path=path,
                         line=line) from None
    except ValueError:  # int() of a number over sys.get_int_max_str_digits()
        raise InputError(f"a number in the {what} is too long (over 4300 digits)", path=path,
                         line=line) from None
    except RecursionError:
        raise InputError(f"the {what} is nested too deeply", path=path, line=line) from None
