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
from typing import Any

from lxml import etree

from pipeline.errors import InputError
from pipeline.inputfile import check_regular, open_regular

#: Largest file read (a 100k-unit XLIFF file is about 60 MB).
MAX_BYTES = 512 * 1024 * 1024
_PROLOG_BYTES = 64 * 1024
_ROOT = re.compile(r"<[A-Za-z_]")
_LINE = re.compile(r",? line \d+, column \d+$")


def check_file(path: Path, *, max_bytes: int | None = None) -> int:
    """The size of a readable regular file (at most max_bytes, default MAX_BYTES)."""
    size = check_regular(path, max_bytes=MAX_BYTES if max_bytes is None else max_bytes,
                         what="TMX or XLIFF")
    if size == 0:
        raise InputError("the file is empty", path=path)
    return size


def _prolog(head: bytes) -> tuple[str, int]:
    """The text before the root element, and the line the root starts on."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="replace")
    else:
        text = head.decode("utf-8", errors="replace")
    m = _ROOT.search(text)
    before = text[: m.start()] if m else text
    return before, before.count("\n") + 1


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


def iterparse(path: Path, tags: Sequence[str], *, events: Sequence[str] = ("end",),
              max_bytes: int | None = None) -> Iterator[tuple[str, Any]]:
    """(event, element) for the named tags, streamed; the caller releases what it has used."""
    # The shared safe opener: checked on the open descriptor, so a FIFO never blocks.
    fh = open_regular(path, max_bytes=MAX_BYTES if max_bytes is None else max_bytes,
                      what="TMX or XLIFF")
    if os.fstat(fh.fileno()).st_size == 0:
        fh.close()
        raise InputError("the file is empty", path=path)
    try:
        refuse_entities(path, fh.read(_PROLOG_BYTES))
        fh.seek(0)
        parser = etree.iterparse(
            fh, events=tuple(events), tag=list(tags), resolve_entities=False, no_network=True,
            load_dtd=False, dtd_validation=False, huge_tree=False, remove_comments=True,
            remove_pis=True, recover=False,
        )
        last: Any = None  # libxml2 reports some errors (an undefined entity) without a line
        try:
            for last in parser:
                if last[0] == "end":
                    _no_entity_references(last[1], path)
                yield last
        except etree.XMLSyntaxError as exc:
            message = _LINE.sub("", str(exc.msg or exc)).strip()
            if not exc.lineno and message == "no element found":
                message = "an undefined entity or a truncated file"
            raise InputError(f"not well-formed XML: {message}", path=path,
                             line=exc.lineno or (last[1].sourceline if last else None)) from None
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


def release(elem: Any) -> None:
    """Free a processed element and the siblings before it, so memory stays flat."""
    elem.clear(keep_tail=True)
    parent = elem.getparent()
    if parent is not None:
        while elem.getprevious() is not None:
            del parent[0]


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
