"""Safe reading of input files: expands directories, refuses binary, bad UTF-8, empty and huge files."""

from __future__ import annotations

import errno
import logging
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.errors import InputError
from pipeline.inputfile import charset_codec, decode_text, read_bytes
from pipeline.textcheck import check_decoded

log = logging.getLogger(__name__)

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
        try:
            os.stat(path)
        except OSError as exc:
            if exc.errno not in (errno.ENOENT, errno.ELOOP, errno.ENOTDIR):
                yield InputError(f"cannot read: {exc.strerror}", path=path)  # a 300-byte name
                continue
        if not path.exists():
            yield InputError(_missing(path), path=path)
        elif path.is_dir():
            found = False
            for item in _walk(path):
                found = True
                yield item
            if not found:
                yield InputError(f"no {', '.join(EXTENSIONS)} files in this directory", path=path)
        else:
            yield path


def _missing(path: Path) -> str:
    """Why an input path cannot be found: gone, a dangling link or a loop of links."""
    if not path.is_symlink():
        return "no such file or directory"
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "is a loop of symbolic links"
    return f"is a symbolic link to {os.readlink(path)}, which does not exist"


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
    """UTF-8 text from bytes (BOM dropped; UTF-16/32 with a BOM read); else an InputError.

    An HTML page (by its name or its first bytes) is decoded as it declares (`decode_html`).
    """
    if len(data) > MAX_BYTES:
        raise InputError(f"input over the {MAX_BYTES / 1e6:.0f} MB limit", path=path)
    if str(path).lower().endswith((".html", ".htm", ".xhtml")) or looks_like_html(data):
        return decode_html(data, path)  # its units are checked for controls after extraction
    text = decode_text(data, path)  # NUL, UTF-16/32 and UTF-8 errors with line and offset
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    check_decoded(text, data[bom:], path=path, start=bom)  # control characters anywhere
    if not text.strip():
        raise InputError("empty file: nothing to extract", path=path)
    return text


_HTML_HEAD = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|\?xml|head|meta)\b",
                        re.I | re.S)
#: How far to look for a `<meta charset>`: the WHATWG prescan reads 1024 bytes, but real pages
#: put the meta after long inline scripts and comments; 16 KiB found it on every development page
#: that declares one (trafilatura's evaluation pages) and costs nothing.
_PRESCAN = 16384
_META_CHARSET = re.compile(
    rb"<meta\s[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.I)
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*\bencoding\s*=\s*[\"']([A-Za-z0-9._:-]+)", re.I)
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
#: WHATWG: these labels mean windows-1252 (browsers decode 0x80-0x9f as curly quotes, dashes).
_AS_1252 = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii",
            "cp819", "ibm819", "iso-ir-100", "windows-1252", "cp1252", "x-cp1252"}


def looks_like_html(data: bytes) -> bool:
    """The bytes start like an HTML page (a doctype, <html>, <head> or an XML declaration)."""
    head = data[:1024]
    for bom, _ in _BOMS:
        if head.startswith(bom):
            head = head[len(bom):]
            break
    return bool(_HTML_HEAD.match(head)) or b"<body" in head.lower()


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares: BOM, then XML declaration, then `<meta charset>`/http-equiv."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    head = data[:_PRESCAN]
    m = _XML_DECL.match(head) or _META_CHARSET.search(head)
    return m.group(1).decode("ascii").lower() if m else None


def decode_html(data: bytes, path: Path | str) -> str:
    """An HTML page as text, in the charset it declares.

    Order: byte-order mark, then the XML declaration or `<meta charset>` (http-equiv too), then
    strict UTF-8, then charset-normalizer as the last resort. A UTF-8 page with a few bytes that
    are not is read as browsers read it, those bytes as U+FFFD, with a warning naming the file,
    byte offset and line; a page declared in a legacy charset whose bytes are all UTF-8, or
    declared UTF-8 without one UTF-8 character, is read as its bytes are, with a warning; bytes
    that fit no charset are an InputError naming the offset.
    """
    declared = declared_charset(data)
    has_bom = False
    for bom, _ in _BOMS:
        if data.startswith(bom):
            data = data[len(bom):]
            has_bom = True
            break
    name: str | None = None
    if declared:
        label = "windows-1252" if declared in _AS_1252 else declared
        name = charset_codec(label)  # None for base64, rot13, unicode_escape, utf-7 ...
        if name is None:
            log.warning("%s: unknown charset %r declared; guessing", path, declared)
        elif name.startswith(("utf-16", "utf-32")) and not has_bom:
            name = "utf-8"  # WHATWG: a UTF-16 label read in ASCII bytes means UTF-8
    if name is None or not name.startswith("utf-16"):
        nul = data.find(b"\x00", 0, 8192)
        if nul >= 0:
            raise InputError(f"binary file (NUL byte at offset {nul}); expected text", path=path)
    text: str | None = None
    if name is not None and not name.startswith("utf") and _UTF8_MULTIBYTE.search(data):
        # Declared a legacy charset, but the bytes are UTF-8 throughout (with non-ASCII text
        # in it): the declaration is stale (a template copied over, a re-saved file). Read as
        # declared, every accented letter would be two wrong ones; read as UTF-8, logged.
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            log.warning("%s: declared %s but the bytes are UTF-8; read as UTF-8", path, declared)
    if text is None and name is not None:
        try:
            text = data.decode(name)
        except UnicodeDecodeError as exc:
            if name == "cp1252":  # the five bytes cp1252 leaves undefined are C1 controls (WHATWG)
                text = data.decode("latin-1")
            elif name != "utf-8":
                log.warning("%s: not valid %s at byte offset %d as declared; guessing",
                            path, declared, exc.start)
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            if _UTF8_MULTIBYTE.search(data):
                text = _utf8_with_stray_bytes(data, path, exc)
            else:  # declared UTF-8 (or nothing) without one UTF-8 character in it
                text = _detect(data, path, exc, declared)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InputError("empty file: nothing to extract", path=path)
    return text


def _utf8_with_stray_bytes(data: bytes, path: Path | str, err: UnicodeDecodeError) -> str:
    """UTF-8 text (declared, or clearly UTF-8) with bytes that are not UTF-8, read as a browser
    reads it: each bad sequence is U+FFFD (the WHATWG decoder's replacement character).

    Guessing another charset for those bytes alone would mis-decode a truncated UTF-8 sequence
    into mojibake; the warning names the file, the first byte offset and line, and the count,
    so the source can be fixed (or its real charset declared) and extracted again.
    """
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    log.warning("%s: %d byte sequence(s) not valid UTF-8 as declared, first at byte offset %d "
                "(line %d); shown as U+FFFD as a browser shows them: fix the source or declare "
                "its charset", path, bad, err.start, data.count(b"\n", 0, err.start) + 1)
    return text


def _detect(data: bytes, path: Path | str, err: UnicodeDecodeError, declared: str | None = None,
            ) -> str:
    """Text in the charset charset-normalizer finds (no UTF-8 in it), or InputError if none fits.

    A page declared UTF-8 whose bytes hold no UTF-8 character at all is in some legacy charset
    (every é a U+FFFD otherwise): detected, with a warning naming the charset used.
    """
    from charset_normalizer import from_bytes

    found = from_bytes(data)
    best = found.best()
    if best is not None:
        # Equal scores (short text, the accents in both): windows-1252, which browsers fall back
        # to for most locales, rather than whichever Central European code page sorted first.
        ties = [m for m in found if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
        best = next((m for m in ties if "cp1252" in m.could_be_from_charset), best)
    if best is None or best.encoding is None:
        line = data.count(b"\n", 0, err.start) + 1
        raise InputError(
            f"no charset declared and not UTF-8 (byte 0x{data[err.start]:02x} at offset "
            f"{err.start}); add <meta charset=...> or save the file as UTF-8", path=path, line=line,
        )
    if declared:
        log.warning("%s: declared %s but not valid %s (byte offset %d); decoded as %s (detected)",
                    path, declared, declared, err.start, best.encoding)
    else:
        log.info("%s: no charset declared; decoded as %s (detected)", path, best.encoding)
    return str(best)
