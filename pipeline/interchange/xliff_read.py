"""Reading XLIFF 1.2 and 2.0 files, streamed, into compact entries (unit id, texts, state, line).

Inline codes are read back into the text they stand for: 1.2 `<ph>`/`<bpt>`/`<ept>`/`<it>`
hold it; 2.0 codes point into `<originalData>`. A tool that split a 2.0 unit into several
segments gets them joined again. Structure errors name the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, NamedTuple, NoReturn

from lxml import etree

from pipeline.errors import InputError
from pipeline.interchange.langtags import match
from pipeline.interchange.xliff_write import NS, PL_NS
from pipeline.interchange.xmlsafe import Releaser, iterparse, local
from pipeline.states import xliff_checked
from pipeline.textcheck import check_human_text

_HEX = re.compile(r"[0-9A-Fa-f]{1,6}")
_REV = f"{{{PL_NS}}}revision"
_AS_OF = f"{{{PL_NS}}}as-of"
#: Namespace -> the reading rules; translate-toolkit still writes 1.2 files in the 1.1 namespace.
_VERSION_OF = {**{ns: v for v, ns in NS.items()}, "urn:oasis:names:tc:xliff:document:1.1": "1.2"}


class XliffEntry(NamedTuple):
    """One unit of an XLIFF file."""

    line: int
    unit_id: str
    revision: int | None  # what our export wrote on it, if a tool kept it
    source: str
    target: str | None  # None: no target element
    checked: bool  # the state says a person checked it (not "fuzzy")


@dataclass(frozen=True)
class XliffFile:
    """A read XLIFF file: its version, languages and the snapshot it names (units go to a sink)."""

    path: Path
    version: str
    source_tag: str | None
    target_tag: str | None
    as_of: str | None

    def language(self, targets: Sequence[str], default: str | None = None) -> str:
        """The workspace target language the file is for (fa-IR and fa both mean fa).

        `default` (the command's --lang) stands in when the file names none, as files
        converted from PO by po2xliff do; if the file names one, they must agree.
        """
        if not self.target_tag:
            if default is not None:
                return default
            raise InputError("the file names no target language (trgLang / target-language); "
                             "pass --lang", path=self.path, line=2)
        if default is not None and match(self.target_tag, [default]) is None:
            raise InputError(f"the file is for language {self.target_tag!r}, not {default}",
                             path=self.path, line=2)
        lang = match(self.target_tag, targets)
        if lang is None:
            raise InputError(f"the file is for language {self.target_tag!r}, which is not a "
                             f"target of this workspace ({', '.join(targets)})", path=self.path,
                             line=2)
        return lang


def _text12(elem: Any) -> str:
    # Every 1.2 inline element that holds original text (ph, bpt, ept, it, sub) keeps it as
    # content; g and mrk hold translatable text; x, bx and ex hold nothing. libxml2 gathers the
    # text (several times faster than walking itertext() here).
    return str(etree.tostring(elem, method="text", encoding="unicode", with_tail=False))


#: What each inline element of a 2.0 segment stands for, by its name without namespace.
_KIND20 = {"ph": "code", "sc": "code", "ec": "code", "pc": "pc", "mrk": "mrk", "cp": "cp"}


@lru_cache(maxsize=8)
def _kinds20(ns: str) -> dict[str, str]:
    """`_KIND20` by qualified name in the file's namespace (no name split per inline code)."""
    return {f"{{{ns}}}{name}": kind for name, kind in _KIND20.items()}


def _text20(elem: Any, data: dict[str, str], path: Path, kinds: dict[str, str]) -> str:
    if not len(elem):
        return elem.text or ""  # no codes: the common case of a plain segment
    out: list[str] = [elem.text or ""]
    add = out.append
    for child in elem:
        tag = child.tag
        kind = kinds.get(tag) or _KIND20.get(local(tag))  # the file's namespace, or another
        if kind == "code":
            ref = child.get("dataRef")
            if ref is not None:
                add(data[ref] if ref in data else _no_data(child, "dataRef", ref, path))
        elif kind == "pc":
            add(_data(child, "dataRefStart", data, path))
            add(_text20(child, data, path, kinds))
            add(_data(child, "dataRefEnd", data, path))
        elif kind == "mrk":
            add(_text20(child, data, path, kinds))
        elif kind == "cp":
            hexa = child.get("hex") or ""
            try:  # XLIFF 2.0: hex digits only (int() would take " 41", "0x41", "4_1")
                if not _HEX.fullmatch(hexa):
                    raise ValueError(hexa)
                add(chr(int(hexa, 16)))
            except ValueError:
                raise InputError(f"<cp hex={child.get('hex')!r}> is not a code point",
                                 path=path, line=child.sourceline) from None
        tail = child.tail
        if tail:
            add(tail)
    return "".join(out)


def _data(elem: Any, attr: str, data: dict[str, str], path: Path) -> str:
    ref = elem.get(attr)
    if ref is None:
        return ""
    return data[ref] if ref in data else _no_data(elem, attr, ref, path)


def _no_data(elem: Any, attr: str, ref: str, path: Path) -> NoReturn:
    raise InputError(f"<{local(elem.tag)} {attr}={ref!r}> names no <data> of the unit's "
                     "originalData", path=path, line=elem.sourceline)


def _revision(elem: Any) -> int | None:
    value = elem.get(_REV)
    if value is None or not value.isdigit() or len(value) > 12:
        return None
    return int(value)


def read_xliff(path: Path) -> tuple[XliffFile, Iterator[XliffEntry]]:
    """An XLIFF file's version, languages and snapshot (from its start), and its entries,
    read and checked streamed as they are asked for (InputError on bad input as it comes).

    A 1.2 file's languages are its first <file>'s: every later <file> must agree.
    """
    path = Path(path)
    elements = iterparse(path, ["{*}file", "{*}trans-unit", "{*}unit"], heads=2)
    root, first = next(elements), next(elements)
    name = local(root.tag)
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if name != "xliff":
        raise InputError(f"not an XLIFF file (the root element is <{name}>)", path=path,
                         line=root.sourceline)
    version = _VERSION_OF.get(ns)
    said = root.get("version")
    if version is not None and said and said.split(".")[0] != version.split(".")[0]:
        version = None  # version="3.0" in the 2.0 namespace (2.1 and 2.2 share it)
    if version is None:
        raise InputError(f"XLIFF version {root.get('version') or ns or '(none)'} is not "
                         "supported (1.2 and 2.0 are)", path=path, line=root.sourceline)
    q_file = f"{{{ns}}}file"
    as_of = root.get(_AS_OF)
    if version == "2.0":
        head = XliffFile(path, version, root.get("srcLang"), root.get("trgLang"), as_of)
    elif first is None:
        head = XliffFile(path, version, None, None, as_of)
    elif first.tag != q_file:
        raise InputError(f"<{local(first.tag)}> where XLIFF 1.2 has <file>", path=path,
                         line=first.sourceline)
    else:
        # Read from its start tag, so units can be decided as they come.
        head = XliffFile(path, version, first.get("source-language"),
                         first.get("target-language"), first.get(_AS_OF) or as_of)
    return head, _entries(elements, head, ns, q_file)


def _entries(elements: Iterator[Any], head: XliffFile, ns: str,
             q_file: str) -> Iterator[XliffEntry]:
    path, version, target_tag = head.path, head.version, head.target_tag
    q_unit = f"{{{ns}}}trans-unit" if version == "1.2" else f"{{{ns}}}unit"
    read_unit = _unit12 if version == "1.2" else _unit20
    release = Releaser()
    for elem in elements:
        tag = elem.tag
        if tag == q_unit:
            entry = read_unit(elem, path, ns)
            release(elem)
            if entry is not None:
                yield entry
        elif tag == q_file and version == "1.2":
            if elem.get("target-language") != target_tag:
                raise InputError("the <file> elements are for different languages",
                                 path=path, line=elem.sourceline)
        # anything else: a foreign element that happens to share a name


def scan_xliff(path: Path, sink: Callable[[XliffEntry], None]) -> XliffFile:
    """Read and check an XLIFF file streamed, handing each entry to `sink` as it is read."""
    head, entries = read_xliff(path)
    for entry in entries:
        sink(entry)
    return head


def _id(elem: Any, path: Path) -> str:
    uid = elem.get("id")
    if not uid:
        raise InputError(f"<{local(elem.tag)}> without an id", path=path, line=elem.sourceline)
    return str(uid)


def _checked_text(text: str, path: Path, line: int) -> str:
    return check_human_text(text, what="the translation", path=path, line=line)


@lru_cache(maxsize=8)
def _names(ns: str) -> tuple[str, ...]:
    """The qualified names a unit's children are compared with, per namespace."""
    return tuple(f"{{{ns}}}{n}" for n in ("source", "target", "context-group", "context",
                                          "originalData", "data", "segment", "ignorable"))


_CONTEXTS = ("x-po-msgctxt", "sourcefile")


def _unit12(elem: Any, path: Path, ns: str) -> XliffEntry | None:
    line = elem.sourceline or 0
    if elem.get("restype") == "x-gettext-domain-header":
        return None  # the PO header po2xliff carries along: not a unit
    q_source, q_target, q_group, q_context = _names(ns)[:4]
    source = target = None
    msgctxt = location = None
    # One walk over the children (ElementPath's find() and a tag-filtered iterchildren() cost
    # more than the rest of the unit).
    for child in elem:
        tag = child.tag
        if tag == q_source:
            if source is None:
                source = child
        elif tag == q_target:
            if target is None:
                target = child
        elif tag == q_group:
            for ctx in child:
                if ctx.tag != q_context:
                    continue
                kind = ctx.get("context-type")
                if kind in _CONTEXTS:
                    value = (ctx.text or "").strip()
                    if not value:
                        continue
                    if kind == "sourcefile":
                        location = location or value
                    else:
                        msgctxt = msgctxt or value
    if source is None:
        raise InputError("<trans-unit> without <source>", path=path, line=line)
    if target is None:
        text = state = None
        checked = False
    else:
        text = _checked_text(_text12(target), path, target.sourceline)
        state = target.get("state")
        checked = xliff_checked("1.2", state, elem.get("approved"))
    # The unit a 1.2 trans-unit is for: a PO msgctxt context, else resname, else the location
    # our export writes (po2xliff numbers its trans-units but keeps locations), else id.
    uid = str(msgctxt or elem.get("resname") or location or _id(elem, path))
    return _entry((line, uid, _revision(elem), _text12(source), text, checked))


#: Builds an entry from its fields without the named tuple's Python-level constructor.
_entry = partial(tuple.__new__, XliffEntry)


def _unit20(elem: Any, path: Path, ns: str) -> XliffEntry:
    line = elem.sourceline or 0
    q_source, q_target, _, _, q_original, q_data, q_segment, q_ignorable = _names(ns)
    data: dict[str, str] = {}
    original = None
    parts: list[tuple[Any, bool]] = []  # (segment or ignorable, is a segment)
    # One walk over the children (ElementPath's find() costs more than the rest of the unit).
    for child in elem:
        tag = child.tag
        if tag == q_segment:
            parts.append((child, True))
        elif tag == q_ignorable:
            parts.append((child, False))
        elif tag == q_original:
            if original is None:
                original = child
        elif local(tag) in ("segment", "ignorable"):
            parts.append((child, local(tag) == "segment"))
    kinds = _kinds20(ns)
    if original is not None:
        for d in original:
            if d.tag == q_data:
                data[d.get("id") or ""] = (d.text or "" if not len(d)
                                           else _text20(d, {}, path, kinds))
    if not parts:
        raise InputError("<unit> without <segment>", path=path, line=line)
    if len(parts) == 1 and parts[0][1]:
        # One segment, the usual unit: nothing to join.
        part = parts[0][0]
        source, target = _source_target(part, q_source, q_target, path)
        src = _text20(source, data, path, kinds)
        if target is None:
            return _entry((line, _id(elem, path), _revision(elem), src, None, False))
        done = xliff_checked("2.0", part.get("state") or "initial")
        return _entry((line, _id(elem, path), _revision(elem), src,
                       _checked_text(_text20(target, data, path, kinds), path, line), done))
    sources: list[str] = []
    targets: list[str] = []
    has_target = False
    checked = True
    for part, segment in parts:
        source, target = _source_target(part, q_source, q_target, path)
        src = _text20(source, data, path, kinds)
        sources.append(src)
        if target is not None:
            has_target = True
            targets.append(_text20(target, data, path, kinds))
        else:
            # An ignorable part (white space between segments) stands for itself.
            targets.append("" if segment else src)
        if segment:
            checked = checked and xliff_checked("2.0", part.get("state") or "initial")
    text = _checked_text("".join(targets), path, line) if has_target else None
    return _entry((line, _id(elem, path), _revision(elem), "".join(sources), text,
                   checked and text is not None))


def _source_target(part: Any, q_source: str, q_target: str, path: Path) -> tuple[Any, Any]:
    """A segment's (or ignorable's) first <source> and first <target> (None if it has none)."""
    source = target = None
    for child in part:
        tag = child.tag
        if tag == q_source:
            if source is None:
                source = child
        elif tag == q_target and target is None:
            target = child
    if source is None:
        raise InputError(f"<{local(part.tag)}> without <source>", path=path,
                         line=part.sourceline)
    return source, target
