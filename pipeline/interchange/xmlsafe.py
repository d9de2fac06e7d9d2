"""Reading untrusted TMX and XLIFF: streamed, no entities, no DTD, no network, bounded in size.

Files from agencies and CAT tools are parsed with lxml's iterparse (never a whole tree), with
entity resolution, DTD loading and network access off and libxml2's default limits on (depth,
text node size). A file that declares entities (an internal DTD subset, as "billion laughs" and
XXE attacks use) is refused before parsing; a DOCTYPE that only names a DTD, as TMX files do,
is fine. Every failure is an InputError naming the file and line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree

from pipeline.errors import InputError
from pipeline.inputfile import check_regular, open_regular

#: Largest file read (a 100k-unit XLIFF file is about 60 MB).
MAX_BYTES = 512 * 1024 * 1024
_PROLOG_BYTES = 64 * 1024
_ROOT = re.compile(r"<[A-Za-z_]")
_LINE = re.compile(r",? line \d+, column \d+$")
#: libxml2's advice to its own callers ("try XML_PARSE_HUGE"), which a user cannot act on.
_HUGE_HINT = re.compile(r",? (?:try|use) XML_PARSE_HUGE(?: option)?", re.IGNORECASE)


def check_file(path: Path, *, max_bytes: int | None = None) -> int:
    """The size of a readable regular file (at most max_bytes, default MAX_BYTES)."""
    size = check_regular(path, max_bytes=MAX_BYTES if max_bytes is None else max_bytes,
                         what="TMX or XLIFF")
    if size == 0:
        raise InputError("the file is empty", path=path)
    return size


def _prolog(head: bytes) -> tuple[str, bool]:
    """The text before the root element, and whether the root starts within `head`."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="replace")
    else:
        text = head.decode("utf-8", errors="replace")
    m = _ROOT.search(text)
    return (text[: m.start()], True) if m else (text, False)


def refuse_entities(path: Path, head: bytes) -> None:
    """InputError if the prolog declares entities or an internal DTD subset."""
    prolog, _ = _prolog(head)
    if "\x00" in prolog and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("not an XML file (binary data)", path=path, line=1)
    where = max(prolog.find("<!ENTITY"), -1)
    doctype = prolog.find("<!DOCTYPE")
    subset = prolog.find("[", doctype) if doctype >= 0 else -1
    if where >= 0 or subset >= 0:
        at = subset if subset >= 0 else where
        raise InputError("the file declares entities or an internal DTD subset, which TMX and "
                         "XLIFF files never need (refused: entity expansion attacks)",
                         path=path, line=prolog.count("\n", 0, at) + 1)


def _options() -> dict[str, Any]:
    return dict(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                huge_tree=False, remove_comments=True, remove_pis=True, recover=False)


def _syntax_error(exc: etree.XMLSyntaxError, path: Path, last: Any) -> InputError:
    message = _HUGE_HINT.sub("", _LINE.sub("", str(exc.msg or exc))).strip()
    if not exc.lineno and message == "no element found":
        message = "an undefined entity or a truncated file"
    return InputError(f"not well-formed XML: {message}", path=path,
                      line=exc.lineno or (last.sourceline if last is not None else None))


def _heads(fh: BinaryIO, path: Path, count: int) -> list[Any]:
    """The first `count` elements to start (the root, then its first child, ...: names,
    attributes and lines), read from the start of the file; None for those the file lacks.

    A small pull parse that stops at the last of them, so the streamed parse after it needs
    no start events (one event per unit instead of two).
    """
    parser = etree.XMLPullParser(events=("start",), **_options())
    found: list[Any] = []
    try:
        while chunk := fh.read(_PROLOG_BYTES):
            parser.feed(chunk)
            for _, elem in parser.read_events():
                found.append(elem)
                if len(found) == count:
                    return found
        parser.close()
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, path, None) from None
    if not found:
        raise InputError("not an XML file (no root element)", path=path)
    return found + [None] * (count - len(found))


def iterparse(path: Path, tags: Sequence[str], *,
              max_bytes: int | None = None, heads: int = 1) -> Iterator[Any]:
    """The root element first, then each element named in `tags` as it ends, streamed.

    The root comes from a look at the file's start (attributes and line, no children); with
    `heads` above 1, so do the elements that start after it (None for those the file lacks:
    an XLIFF 1.2 reader learns its languages from the first <file> before any unit). The
    elements after them are the parse's end events. The caller frees what it has used
    (`Releaser`).
    """
    # The shared safe opener: checked on the open descriptor, so a FIFO never blocks.
    fh = open_regular(path, max_bytes=MAX_BYTES if max_bytes is None else max_bytes,
                      what="TMX or XLIFF")
    if os.fstat(fh.fileno()).st_size == 0:
        fh.close()
        raise InputError("the file is empty", path=path)
    try:
        head = fh.read(_PROLOG_BYTES)
        refuse_entities(path, head)
        # Without a DOCTYPE libxml2 refuses an undefined entity itself; only with one does it
        # keep `&nbsp;` as a reference node that must be looked for.
        prolog, rooted = _prolog(head)
        references = "<!DOCTYPE" in prolog or not rooted
        fh.seek(0)
        yield from _heads(fh, path, heads)
        fh.seek(0)
        parser = etree.iterparse(fh, events=("end",), tag=list(tags), **_options())
        elem: Any = None  # libxml2 reports some errors (an undefined entity) without a line
        try:
            for _, elem in parser:
                if references:
                    _no_entity_references(elem, path)
                yield elem
        except etree.XMLSyntaxError as exc:
            raise _syntax_error(exc, path, elem) from None
    finally:
        fh.close()


def _no_entity_references(elem: Any, path: Path) -> None:
    # With a DOCTYPE naming an external DTD (as TMX files have), libxml2 accepts `&nbsp;`
    # undeclared and keeps it as a reference node, which text readers would store as the
    # literal "&nbsp;" or drop; no DTD is ever read, so such a reference has no text: refuse it.
    for ref in elem.iter(etree.Entity):
        raise InputError(f"the entity reference {ref.text} is not defined (no DTD is read); "
                         "write the character itself", path=path, line=ref.sourceline or
                         elem.sourceline)


class Releaser:
    """Frees processed elements so memory stays flat: each is cleared at once, and every 256th
    also removes the cleared ones before it (and before its ancestors) from the tree.

    Removing in batches costs a fraction of unlinking every element as it is done.
    """

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, elem: Any) -> None:
        elem.clear(keep_tail=True)
        self.count += 1
        if self.count & 255:
            return
        node = elem
        parent = node.getparent()
        while parent is not None:
            at = parent.index(node)
            if at:
                del parent[:at]
            node, parent = parent, parent.getparent()


_LOCAL: dict[str, str] = {}


def local(tag: Any) -> str:
    """An element's name without its namespace."""
    if not isinstance(tag, str):
        return ""
    name = _LOCAL.get(tag)
    if name is None:
        if len(_LOCAL) > 1024:  # a file with ever new names does not grow it without bound
            _LOCAL.clear()
        name = _LOCAL[tag] = tag.rsplit("}", 1)[-1]
    return name
