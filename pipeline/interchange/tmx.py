"""TMX 1.4b: writing approved translations as translation memory, and reading TMX files streamed.

One `<tu>` per unit (segtype paragraph) and, where the translation splits into as many sentences
as the source, one per sentence pair (segtype sentence). Protected spans are `<ph>`, or
`<bpt>`/`<ept>` for paired markup, holding the original text, so tools that read only text get
the exact text back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from lxml import etree

from pipeline import __version__
from pipeline.errors import InputError
from pipeline.extract.segment import sentences as split_sentences
from pipeline.interchange import xmltext as x
from pipeline.interchange.files import atomic_writer
from pipeline.interchange.inline import Code, Piece, split
from pipeline.interchange.langtags import match, tag_for
from pipeline.interchange.xmlsafe import Releaser, iterparse, local
from pipeline.store.interchange import TmTarget, TmUnit
from pipeline.translate.masking import Masker

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def tmx_date(stamp: str | None) -> str | None:
    """TMX's date form (YYYYMMDDThhmmssZ) of our ISO stamps.

    >>> tmx_date("2024-05-01T12:30:05.123456Z")
    '20240501T123005Z'
    """
    if not stamp or len(stamp) < 19:
        return None
    return f"{stamp[0:4]}{stamp[5:7]}{stamp[8:10]}T{stamp[11:13]}{stamp[14:16]}{stamp[17:19]}Z"


def _render_code(p: Code) -> str:
    """One code as TMX."""
    if p.role == "open":
        return f'<bpt i="{p.pair}" x="{p.id}" type="{p.type}">{x.text(p.native)}</bpt>'
    if p.role == "close":
        return f'<ept i="{p.pair}">{x.text(p.native)}</ept>'
    return f'<ph x="{p.id}" type="{p.type}">{x.text(p.native)}</ph>'


#: Cached: the same markup and term codes come back in every unit. Links (most of the other
#: codes) are new in each unit, so they are rendered as they come instead of churning the cache.
_code = lru_cache(maxsize=4096)(_render_code)
_REPEATING = frozenset({"tag", "emphasis", "term", "ref"})


def seg(pieces: Sequence[Piece]) -> str:
    """The content of a `<seg>`: text and TMX inline codes."""
    text = x.text
    return "".join([text(p) if isinstance(p, str) else _code(p) for p in pieces])


def segment(text: str, masker: Masker, match: Sequence[Code] = (), match_xml: Sequence[str] = ()
            ) -> tuple[str, Sequence[Code], Sequence[str]]:
    """`seg(split(text, masker, match))`, the codes, and each code as TMX.

    A target is given its source's codes and their TMX (`match_xml`): one that keeps them in
    order, as most translations do, reuses both instead of being split and rendered again.
    """
    found = masker.protected(text)
    esc = x.text
    if not found:
        return esc(text), (), ()
    if match and len(match) == len(found):
        out: list[str] = []
        pos = 0
        for c, (a, b, kind), xml in zip(match, found, match_xml, strict=True):
            if c.kind != kind or c.native != text[a:b]:
                break  # not the source's codes in order: split it (below)
            if a > pos:
                out.append(esc(text[pos:a]))
            out.append(xml)
            pos = b
        else:
            if pos < len(text):
                out.append(esc(text[pos:]))
            return "".join(out), match, match_xml
    out = []
    codes: list[Code] = []
    xmls: list[str] = []
    for p in split(text, masker, match, found):
        if isinstance(p, str):
            out.append(esc(p))
            continue
        xml = _code(p) if p.kind in _REPEATING else _render_code(p)
        codes.append(p)
        xmls.append(xml)
        out.append(xml)
    return "".join(out), codes, xmls


@lru_cache(maxsize=4096)
def _prop(kind: str, value: str) -> str:
    """A `<prop>` (cached: an article's id and a unit's kind come back unit after unit)."""
    return f'<prop type="{kind}">{x.text(value)}</prop>'


@dataclass
class TmxWriteResult:
    """What a TMX export wrote."""

    path: Path
    units: int = 0
    sentences: int = 0
    by_lang: dict[str, int] = field(default_factory=dict)


class TmxWriter:
    """Writes one TMX document to a binary stream, a `<tu>` at a time."""

    def __init__(self, out: BinaryIO, *, source: str, tags: Mapping[str, str],
                 maskers: Mapping[str, Masker], source_masker: Masker, date: str | None) -> None:
        self.out, self.source, self.tags = out, source, tags
        self.maskers, self.source_masker = maskers, source_masker
        self.date = date
        self._buf: list[str] = []
        self._src_tag = x.attr(tag_for(source, tags))
        self._heads: dict[tuple[str | None, ...], tuple[str, str]] = {}

    def head(self) -> None:
        date = f' creationdate="{self.date}"' if self.date else ""
        self.out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<tmx version="1.4">\n'
            f'<header creationtool="pipeline" creationtoolversion="{__version__}"'
            f' segtype="paragraph" o-tmf="pipeline" adminlang="en"'
            f' srclang="{x.attr(tag_for(self.source, self.tags))}" datatype="plaintext"{date}/>\n'
            "<body>\n".encode())

    def _tu(self, tuid: str, segtype: str, unit: TmUnit, src: str,
            targets: Sequence[tuple[TmTarget, str]], extra: str = "") -> None:
        # Characters XML cannot hold are looked for once per flush, in all the buffered text.
        src_xml, codes, code_xml = segment(src, self.source_masker)
        b = self._buf
        created = tmx_date(unit.created_at)
        b.append(f'<tu tuid="{x.attr(tuid)}" segtype="{segtype}"'
                 + (f' creationdate="{created}"' if created else "") + ">"
                 + _prop("x-article", unit.article)
                 + f'<prop type="x-unit">{x.text(unit.unit_id)}</prop>'
                 + _prop("x-kind", unit.kind) + extra
                 + f'<tuv xml:lang="{self._src_tag}"><seg>{src_xml}</seg></tuv>')
        for t, text in targets:
            head = self._heads.get((t.lang, t.translated_by, t.reviewed_by, t.origin))
            if head is None:
                head = self._head(t)
            when = tmx_date(t.updated_at)
            dates = f' creationdate="{when}" changedate="{when}"' if when else ""
            xml = segment(text, self.maskers.get(t.lang, self.source_masker), codes, code_xml)[0]
            b.append(f"{head[0]}{dates}{head[1]}<seg>{xml}</seg></tuv>")
        b.append("</tu>\n")

    def _head(self, t: TmTarget) -> tuple[str, str]:
        """A target tuv's markup before and after its dates (the same for many units)."""
        attrs = [f'<tuv xml:lang="{x.attr(tag_for(t.lang, self.tags))}"']
        if t.translated_by:
            attrs.append(f'creationid="{x.attr(t.translated_by)}"')
        if t.reviewed_by:
            attrs.append(f'changeid="{x.attr(t.reviewed_by)}"')
        origin = _prop("x-origin", t.origin) if t.origin else ""
        if len(self._heads) > 4096:
            self._heads.clear()
        head = self._heads[(t.lang, t.translated_by, t.reviewed_by, t.origin)] = (
            " ".join(attrs), f">{origin}")
        return head

    def unit(self, unit: TmUnit, result: TmxWriteResult) -> None:
        """The unit's paragraph tu, and its sentence-pair tus where the sentences line up."""
        self._tu(unit.unit_id, "paragraph", unit, unit.source,
                 [(t, t.text) for t in unit.targets])
        result.units += 1
        for t in unit.targets:
            result.by_lang[t.lang] = result.by_lang.get(t.lang, 0) + 1
        spans = [s for s in unit.sentences if unit.source[s[0]:s[1]].strip()] if len(
            unit.sentences) > 1 else ()
        if len(spans) > 1:
            per_lang = [(t, split_sentences(t.text, t.lang)) for t in unit.targets]
            for i, (a, b) in enumerate(spans):
                pairs = [(t, t.text[ts[i][0]:ts[i][1]]) for t, ts in per_lang
                         if len(ts) == len(spans)]
                if not pairs:
                    break
                self._tu(f"{unit.unit_id}.s{i + 1}", "sentence", unit, unit.source[a:b], pairs,
                         f'<prop type="x-sentence">{i + 1}</prop>')
                result.sentences += 1
        if len(self._buf) > 2000:
            self.flush()

    def flush(self) -> None:
        data = "".join(self._buf)
        bad = x.ILLEGAL.search(data)
        if bad is not None:
            x.check(bad.group(), self._where(data, bad.start()))
        self.out.write(data.encode("utf-8"))
        self._buf.clear()

    def _where(self, data: str, at: int) -> str:
        """Which unit, and which of its texts, the buffered TMX at `at` belongs to."""
        tu = data.rfind("<tu ", 0, at)
        unit = data.find('<prop type="x-unit">', tu) + len('<prop type="x-unit">')
        what = f"unit {data[unit:data.find('<', unit)]}"
        tuv = data.rfind('<tuv xml:lang="', tu, at)
        if tuv < 0:
            return what
        tag = data[tuv + 15:data.find('"', tuv + 15)]
        if tag == self._src_tag:
            return what
        codes = {x.attr(tag_for(code, self.tags)): code for code in self.maskers}
        return f"the {codes.get(tag, tag)} translation of {what}"

    def tail(self) -> None:
        self.flush()
        self.out.write(b"</body>\n</tmx>\n")


def write_tmx(path: Path, units: Iterator[TmUnit], *, source: str, tags: Mapping[str, str],
              maskers: Mapping[str, Masker], source_masker: Masker, date: str | None,
              progress: Callable[[int], None] | None = None) -> TmxWriteResult:
    """Write `units` as a TMX 1.4b file at `path`, atomically."""
    result = TmxWriteResult(path)
    with atomic_writer(path) as fh:
        w = TmxWriter(fh, source=source, tags=tags, maskers=maskers, source_masker=source_masker,
                      date=date)
        w.head()
        for n, unit in enumerate(units, 1):
            w.unit(unit, result)
            if progress and n % 1000 == 0:
                progress(1000)
        w.tail()
    return result


# ---- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TmxHeader:
    """What a TMX header says about the whole file."""

    srclang: str | None
    tool: str | None  # creationtool and creationtoolversion


class TmxVariant(NamedTuple):
    """One `<tuv>`: its language tag, the segment's text, and where it is.

    A named tuple (immutable like the frozen dataclasses): an import builds several per tu.
    """

    tag: str
    text: str
    line: int
    changed_by: str | None
    changed_at: str | None


class TmxUnit(NamedTuple):
    """One `<tu>` as read."""

    line: int
    tuid: str | None
    variants: tuple[TmxVariant, ...]
    changed_at: str | None
    changed_by: str | None


def seg_text(elem: Any) -> str:
    """The text of a `<seg>`: its characters and the original text inside its codes."""
    if not len(elem):  # no inline codes, as most tools' segments: the text node is all of it
        return elem.text or ""
    return str(etree.tostring(elem, method="text", encoding="unicode", with_tail=False))


#: Builds a named tuple from its fields without its Python-level __new__ (several per tu).
_new = tuple.__new__


def read_tmx(path: Path, on_header: Callable[[TmxHeader], None]) -> Iterator[TmxUnit]:
    """The tus of a TMX file, streamed; `on_header` gets the header before the first tu."""
    seen_header = False
    elements = iterparse(path, ["header", "tu"])
    root = next(elements)
    name = local(root.tag)
    if name != "tmx":
        raise InputError(f"not a TMX file (the root element is <{name}>)", path=path,
                         line=root.sourceline)
    version = root.get("version") or ""
    if not version.startswith("1."):
        raise InputError(f"TMX version {version or '(none)'} is not supported (1.x is)",
                         path=path, line=root.sourceline)
    release = Releaser()
    for elem in elements:
        if elem.tag == "header":
            if not seen_header:
                tool = " ".join(v for v in (elem.get("creationtool"),
                                            elem.get("creationtoolversion")) if v) or None
                on_header(TmxHeader(elem.get("srclang"), tool))
                seen_header = True
            continue
        if not seen_header:
            raise InputError("a <tu> before the <header>; not a TMX file", path=path,
                             line=elem.sourceline)
        variants = []
        get = elem.get
        for tuv in elem.iterchildren("tuv"):
            # The DTD puts <seg> last, after any notes and props: looked for only if not there.
            s = tuv[-1] if len(tuv) else None
            if s is not None and s.tag != "seg":
                s = next(tuv.iterchildren("seg"), None)
            at = tuv.get
            tag = at(XML_LANG) or at("lang")
            if s is None or not tag:
                raise InputError("a <tuv> without xml:lang or <seg>", path=path,
                                 line=tuv.sourceline)
            variants.append(_new(TmxVariant, (tag, seg_text(s), tuv.sourceline or 0,
                                              at("changeid") or at("creationid"),
                                              at("changedate") or at("creationdate"))))
        yield _new(TmxUnit, (elem.sourceline or 0, get("tuid"), tuple(variants),
                             get("changedate") or get("creationdate"),
                             get("changeid") or get("creationid")))
        release(elem)


class LanguageSorter:
    """Sorts a tu's variants into the source, the wanted targets and the others.

    TMX variants are equals: whatever the header's srclang, the one in our source language is
    the source (the first, if there are several). What each tag means is looked up once per
    tag (a file has a handful), not once per variant.
    """

    def __init__(self, source: str, targets: Sequence[str]) -> None:
        self.source, self.targets = source, tuple(targets)
        self._tags: dict[str, tuple[bool, str | None]] = {}

    def _meaning(self, tag: str) -> tuple[bool, str | None]:
        if len(self._tags) > 1024:  # a file with ever new tags does not grow it without bound
            self._tags.clear()
        found = self._tags[tag] = (match(tag, [self.source]) is not None,
                                   match(tag, self.targets))
        return found

    def __call__(self, unit: TmxUnit
                 ) -> tuple[TmxVariant | None, dict[str, TmxVariant], list[str]]:
        """The unit's source variant, its variant per wanted target, and the tags of the others."""
        src: TmxVariant | None = None
        found: dict[str, TmxVariant] = {}
        others: list[str] = []
        tags = self._tags
        for v in unit.variants:
            is_source, lang = tags.get(v.tag) or self._meaning(v.tag)
            if is_source and src is None:
                src = v
            elif lang is None:
                others.append(v.tag)
            elif lang not in found:
                found[lang] = v
        return src, found, others


def languages_of(unit: TmxUnit, source: str, targets: Sequence[str]
                 ) -> tuple[TmxVariant | None, dict[str, TmxVariant], list[str]]:
    """The unit's source variant, its variant per wanted target, and the tags of the others."""
    return LanguageSorter(source, targets)(unit)
