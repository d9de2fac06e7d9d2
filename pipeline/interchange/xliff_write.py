"""XLIFF 1.2 and 2.0 export: one file per language, unit ids as ids, review status as XLIFF state.

States come from `states.XLIFF_STATES` (the table beside the PO flags); notes say where a unit
is and where its translation came from; protected spans are inline codes holding their original
text (1.2 `<ph>`/`<bpt>`/`<ept>`; 2.0 `<ph>`/`<sc>`/`<ec>` with `<originalData>`). The file
names the snapshot it was made from, and the store records what it gave out (`store.exports`),
which the import compares against.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from pipeline import __version__
from pipeline.catalogs.bulk import cycle_collector_paused
from pipeline.catalogs.export import provenance
from pipeline.errors import UsageError
from pipeline.interchange import xmltext as x
from pipeline.interchange.files import atomic_writer
from pipeline.interchange.inline import CODE_TYPES, Code, Piece, codes, split
from pipeline.interchange.langtags import tag_for
from pipeline.states import XLIFF_STATES, Status, XliffState
from pipeline.store import Store, exports
from pipeline.store.catalog import (
    CatalogRow,
    export_rows,
    export_stamp,
    read_snapshot,
    stream_cache,
)
from pipeline.translate.masking import Masker

log = logging.getLogger(__name__)

VERSIONS = ("1.2", "2.0")
#: Recorded in the store as the format of every XLIFF export (both versions give out the same).
FORMAT = "xliff"
NS = {"1.2": "urn:oasis:names:tc:xliff:document:1.2", "2.0": "urn:oasis:names:tc:xliff:document:2.0"}
#: Our own attributes (the snapshot, each unit's revision); both schemas allow foreign ones.
PL_NS = "urn:pipeline:interchange"


@dataclass(frozen=True)
class XliffExportResult:
    """One written XLIFF file and how its units break down."""

    lang: str
    version: str
    path: Path
    units: int
    checked: int  # translated or approved: a person checked them
    unchecked: int  # machine, stale, rejected: the translator's work
    untranslated: int


def xliff_path(out: Path, lang: str) -> Path:
    return out / f"articles.{lang}.xlf"


def _stamp(stamp: str | None) -> str:
    """xsd:dateTime from our ISO stamps (fixed dates keep re-exports byte-identical)."""
    return f"{stamp[:19]}Z" if stamp and len(stamp) >= 19 else "1970-01-01T00:00:00Z"


def _text(row: CatalogRow) -> str:
    return row.text if row.text is not None else (row.suggestion or "")


#: 1.2 `ctype` of a placeholder per kind of span: 1.2 allows only image, pb, lb and x- names.
_PH_CTYPE12 = {kind: t if t.startswith("x-") else "x-" + kind for kind, t in CODE_TYPES.items()}


@lru_cache(maxsize=1024)
def _pair12(p: Code) -> str:
    """An opening or closing code as XLIFF 1.2 (cached: the same markup comes back in every
    unit; placeholders, mostly links of their own, are rendered as they come)."""
    if p.role == "open":
        return f'<bpt id="{p.id}" rid="{p.pair}" ctype="{p.type}">{x.text(p.native)}</bpt>'
    return f'<ept id="{p.id}" rid="{p.pair}">{x.text(p.native)}</ept>'


def inline12(pieces: Sequence[Piece]) -> str:
    text = x.text
    out = []
    for p in pieces:
        if isinstance(p, str):
            out.append(text(p))
        elif p.role == "ph":
            ctype = _PH_CTYPE12.get(p.kind) or "x-" + p.kind
            out.append(f'<ph id="{p.id}" ctype="{ctype}">{text(p.native)}</ph>')
        else:
            out.append(_pair12(p))
    return "".join(out)


def inline20(pieces: Sequence[Piece]) -> str:
    """Pieces as XLIFF 2.0 markup (each code's original text goes in `<originalData>`)."""
    out = []
    for p in pieces:
        if isinstance(p, str):
            out.append(x.text(p))
        elif p.role == "ph":
            out.append(f'<ph id="{p.id}" dataRef="d{p.id}" canDelete="no"'
                       f' disp="{x.attr(p.native)}"/>')
        elif p.role == "open":
            out.append(f'<sc id="{p.id}" dataRef="d{p.id}" canDelete="no"/>')
        else:
            out.append(f'<ec startRef="{p.pair}" dataRef="d{p.id}" canDelete="no"/>')
    return "".join(out)


def _original_data(src: list[Piece], trg: list[Piece]) -> str:
    """2.0 `<originalData>`: the original text of every code of the unit, by id."""
    data: dict[int, str] = {}
    for p in src:
        if not isinstance(p, str):
            data.setdefault(p.id, p.native)
    ordered = True  # the source's ids run 1, 2, ...: usually no sort is needed
    for p in trg:
        if not isinstance(p, str) and p.id not in data:
            data[p.id] = p.native
            ordered = False
    if not data:
        return ""
    items = data.items() if ordered else sorted(data.items())
    text = x.text
    return ("<originalData>" + "".join([f'<data id="d{i}">{text(native)}</data>'
                                        for i, native in items]) + "</originalData>")


def _states12(state: XliffState) -> tuple[str, str]:
    """(the `approved` attribute, the `<target>` start tag or "") of a status in XLIFF 1.2."""
    approved = f' approved="{"yes" if state.v12_approved else "no"}"'
    if not state.v12_state:
        return approved, ""
    qualifier = f' state-qualifier="{state.v12_qualifier}"' if state.v12_qualifier else ""
    return approved, f'<target state="{state.v12_state}"{qualifier}>'


#: Per status (as the store spells it): what XLIFF writes for a unit that has a text.
_STATE12 = {s.value: _states12(st) for s, st in XLIFF_STATES.items()}
_SEGMENT20 = {s.value: f'<segment state="{st.v20_state}" subState="{st.v20_substate}">'
              for s, st in XLIFF_STATES.items()}
#: What a unit without a text is written as, whatever its status.
_EMPTY20 = _SEGMENT20[Status.UNTRANSLATED.value]


class _Writer:
    """Streams one XLIFF file, a unit at a time."""

    def __init__(self, out: BinaryIO, version: str, *, source: str, lang: str,
                 tags: Mapping[str, str], masker: Masker, project: str, as_of: str) -> None:
        self.out, self.version, self.masker = out, version, masker
        self.src_tag = x.attr(tag_for(source, tags))
        self.trg_tag = x.attr(tag_for(lang, tags))
        self.lang, self.project, self.as_of = lang, project, as_of
        self.group: str | None = None
        self.group_text = ""  # the group's article id as character data
        self.buf: list[str] = []
        # Notes repeat from unit to unit (the same translators, engines and states): each
        # distinct one is worded and escaped once.
        self._provenance: dict[tuple[str | None, ...], str] = {}
        self._kinds: dict[str, str] = {}
        self._unit = self._unit12 if version == "1.2" else self._unit20

    def head(self) -> None:
        v, date = self.version, _stamp(self.as_of)
        if v == "1.2":
            self.buf.append(
                f'<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" xmlns="{NS[v]}"'
                f' xmlns:pl="{PL_NS}">\n<file original="{x.attr(self.project)}/articles"'
                f' source-language="{self.src_tag}" target-language="{self.trg_tag}"'
                f' datatype="plaintext" tool-id="pipeline" date="{date}"'
                f' pl:as-of="{x.attr(self.as_of)}">\n<header><tool tool-id="pipeline"'
                f' tool-name="pipeline" tool-version="{__version__}"/></header>\n<body>\n')
        else:
            self.buf.append(
                f'<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="{NS[v]}"'
                f' xmlns:pl="{PL_NS}" version="2.0" srcLang="{self.src_tag}"'
                f' trgLang="{self.trg_tag}" pl:as-of="{x.attr(self.as_of)}">\n'
                f'<file id="f1" original="{x.attr(self.project)}/articles">\n')

    def _group(self, article: str) -> None:
        if self.group is not None:
            self.buf.append("</group>\n")
        self.group = article
        gid = x.attr(article)
        self.group_text = x.text(article)
        name = "resname" if self.version == "1.2" else "name"
        self.buf.append(f'<group id="g-{gid}" {name}="{gid}">\n')

    def unit(self, row: CatalogRow) -> None:
        if row.article != self.group:
            self._group(row.article)
        source = row.source_text
        text = row.text if row.text is not None else (row.suggestion or "")
        if x.ILLEGAL.search(source) or x.ILLEGAL.search(text):  # the message only if needed
            x.check(source, f"unit {row.unit_id}")
            x.check(text, f"the {self.lang} translation of unit {row.unit_id}")
        masker = self.masker
        src = split(source, masker)
        trg = split(text, masker, codes(src)) if text else []
        kind = self._kinds.get(row.kind)
        if kind is None:
            kind = self._kinds[row.kind] = x.text(row.kind)
        where = f"{self.group_text}, {kind} {row.position + 1}"
        key = (row.status, row.origin, row.engine, row.package, row.package_version, row.reason,
               row.translated_by, row.reviewed_by, row.flags)
        origin = self._provenance.get(key)
        if origin is None:
            if len(self._provenance) > 4096:
                self._provenance.clear()
            origin = self._provenance[key] = x.text(provenance(row))
        self._unit(row, src, trg, text, where, origin)
        if len(self.buf) > 2000:
            self.flush()

    def _unit12(self, row: CatalogRow, src: list[Piece], trg: list[Piece], text: str,
                where: str, origin: str) -> None:
        tid = x.text(row.unit_id)
        uid = x.attr(row.unit_id)
        if text:
            approved, target = _STATE12[row.status]
            if target:
                target = f"{target}{inline12(trg)}</target>"
        else:  # nothing to give: no target, no approval either way
            approved = target = ""
        # The unit id as a location too: translate-toolkit's xliff2po turns it into a PO
        # reference and po2xliff back into a location, so the id survives a trip through PO.
        self.buf.append(
            f'<trans-unit id="{uid}" resname="{uid}" xml:space="preserve"{approved}'
            f' pl:revision="{row.revision}"><source>{inline12(src)}</source>{target}'
            f'<context-group name="u-{uid}" purpose="location"><context'
            f' context-type="sourcefile">{tid}</context></context-group>'
            f'<note from="pipeline" annotates="source">{where}</note>'
            f'<note from="pipeline" annotates="target">{origin}</note></trans-unit>\n')

    def _unit20(self, row: CatalogRow, src: list[Piece], trg: list[Piece], text: str,
                where: str, origin: str) -> None:
        uid = x.attr(row.unit_id)
        segment = _SEGMENT20[row.status] if text else _EMPTY20
        target = f"<target>{inline20(trg)}</target>" if text else ""
        self.buf.append(
            f'<unit id="{uid}" name="{uid}" xml:space="preserve" pl:revision="{row.revision}">'
            f'<notes><note category="location">{where}</note>'
            f'<note category="provenance">{origin}</note></notes>'
            f"{_original_data(src, trg)}{segment}<source>{inline20(src)}</source>{target}"
            "</segment></unit>\n")

    def tail(self) -> None:
        if self.group is not None:
            self.buf.append("</group>\n")
        self.buf.append("</body>\n</file>\n</xliff>\n" if self.version == "1.2"
                        else "</file>\n</xliff>\n")
        self.flush()

    def flush(self) -> None:
        self.out.write("".join(self.buf).encode("utf-8"))
        self.buf.clear()


_CHECKED = frozenset({Status.TRANSLATED.value, Status.APPROVED.value})


def _given(row: CatalogRow) -> exports.Out:
    text = _text(row)
    checked = row.status in _CHECKED
    return exports.Out(row.unit_id, row.revision, text or None, bool(text) and not checked,
                       row.updated_at)


def export_xliff(store: Store, langs: Sequence[str], out: Path, *, version: str, source: str,
                 tags: Mapping[str, str], project: str, maskers: Mapping[str, Masker],
                 progress: Callable[[int], None] | None = None) -> list[XliffExportResult]:
    """Write `<out>/articles.<lang>.xlf` per language and record what each gave out."""
    if version not in VERSIONS:
        raise UsageError(f"--version {version} is not supported (choose 1.2 or 2.0)")
    results = []
    for lang in langs:
        path = xliff_path(out, lang)
        counts = {"checked": 0, "unchecked": 0, "untranslated": 0}
        with atomic_writer(path) as fh, stream_cache(store), ExitStack() as stack:
            with read_snapshot(store), cycle_collector_paused():
                # One read transaction, so the stamp in the header and the rows streamed after
                # it see the same database.
                as_of = export_stamp(store, lang)
                given = stack.enter_context(exports.Recording(store, FORMAT, lang, as_of))
                w = _Writer(fh, version, source=source, lang=lang, tags=tags,
                            masker=maskers[lang], project=project, as_of=as_of)
                w.head()
                for row in export_rows(store, lang):
                    w.unit(row)
                    given.add(_given(row))
                    if not _text(row):
                        counts["untranslated"] += 1
                    elif row.status in _CHECKED:
                        counts["checked"] += 1
                    else:
                        counts["unchecked"] += 1
                w.tail()
            # Recorded before the file replaces the old one: a kill between the two leaves a
            # record no file names (harmless), never a file whose base the import cannot find.
            given.commit()
        units = sum(counts.values())
        log.info("wrote %s (%d units)", path, units)
        results.append(XliffExportResult(lang, version, path, units, counts["checked"],
                                         counts["unchecked"], counts["untranslated"]))
        if progress:
            progress(1)
    return results
