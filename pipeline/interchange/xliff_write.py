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
from pipeline.interchange.inline import Code, Piece, codes, split
from pipeline.interchange.langtags import tag_for
from pipeline.states import Status, XliffState, xliff_state
from pipeline.store import Store, exports
from pipeline.store.catalog import CatalogRow, export_rows, export_stamp, read_snapshot
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


@lru_cache(maxsize=4096)
def _code12(p: Code) -> str:
    """One code as XLIFF 1.2 (cached: the same markup codes come back in every unit)."""
    if p.role == "open":
        return f'<bpt id="{p.id}" rid="{p.pair}" ctype="{p.type}">{x.text(p.native)}</bpt>'
    if p.role == "close":
        return f'<ept id="{p.id}" rid="{p.pair}">{x.text(p.native)}</ept>'
    # 1.2 allows only image, pb, lb and x- names on placeholders
    ctype = p.type if p.type.startswith("x-") else "x-" + p.kind
    return f'<ph id="{p.id}" ctype="{ctype}">{x.text(p.native)}</ph>'


def inline12(pieces: Sequence[Piece]) -> str:
    text = x.text
    return "".join([text(p) if isinstance(p, str) else _code12(p) for p in pieces])


@lru_cache(maxsize=4096)
def _code20(p: Code) -> str:
    """One code as XLIFF 2.0 (its original text goes in `<originalData>`)."""
    if p.role == "open":
        return f'<sc id="{p.id}" dataRef="d{p.id}" canDelete="no"/>'
    if p.role == "close":
        return f'<ec startRef="{p.pair}" dataRef="d{p.id}" canDelete="no"/>'
    return f'<ph id="{p.id}" dataRef="d{p.id}" canDelete="no" disp="{x.attr(p.native)}"/>'


def inline20(pieces: Sequence[Piece]) -> str:
    text = x.text
    return "".join([text(p) if isinstance(p, str) else _code20(p) for p in pieces])


class _Writer:
    """Streams one XLIFF file, a unit at a time."""

    def __init__(self, out: BinaryIO, version: str, *, source: str, lang: str,
                 tags: Mapping[str, str], masker: Masker, project: str, as_of: str) -> None:
        self.out, self.version, self.masker = out, version, masker
        self.src_tag = x.attr(tag_for(source, tags))
        self.trg_tag = x.attr(tag_for(lang, tags))
        self.lang, self.project, self.as_of = lang, project, as_of
        self.group: str | None = None
        self.buf: list[str] = []
        # Notes repeat from unit to unit (the same translators, engines and states): each
        # distinct one is worded once.
        self._provenance: dict[tuple[str | None, ...], str] = {}

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

    def unit(self, row: CatalogRow) -> None:
        if row.article != self.group:
            if self.group is not None:
                self.buf.append("</group>\n")
            self.group = row.article
            gid = x.attr(row.article)
            name = "resname" if self.version == "1.2" else "name"
            self.buf.append(f'<group id="g-{gid}" {name}="{gid}">\n')
        x.check(row.source_text, f"unit {row.unit_id}")
        text = x.check(_text(row), f"the {self.lang} translation of unit {row.unit_id}")
        state = xliff_state(row.status)
        if not text and row.status != Status.UNTRANSLATED:
            state = xliff_state(Status.UNTRANSLATED)
        src = split(row.source_text, self.masker)
        trg = split(text, self.masker, codes(src)) if text else []
        where = f"{row.article}, {row.kind} {row.position + 1}"
        key = (row.status, row.origin, row.engine, row.package, row.package_version, row.reason,
               row.translated_by, row.reviewed_by, row.flags)
        origin = self._provenance.get(key)
        if origin is None:
            if len(self._provenance) > 4096:
                self._provenance.clear()
            origin = self._provenance[key] = provenance(row)
        if self.version == "1.2":
            self._unit12(row, state, src, trg, text, where, origin)
        else:
            self._unit20(row, state, src, trg, text, where, origin)
        if len(self.buf) > 2000:
            self.flush()

    def _unit12(self, row: CatalogRow, state: XliffState, src: list[Piece], trg: list[Piece],
                text: str, where: str, origin: str) -> None:
        uid = x.attr(row.unit_id)
        approved = f' approved="{"yes" if state.v12_approved else "no"}"' if text else ""
        b = self.buf
        b.append(f'<trans-unit id="{uid}" resname="{uid}" xml:space="preserve"{approved}'
                 f' pl:revision="{row.revision}"><source>{inline12(src)}</source>')
        if text and state.v12_state:
            qualifier = (f' state-qualifier="{state.v12_qualifier}"'
                         if state.v12_qualifier else "")
            b.append(f'<target state="{state.v12_state}"{qualifier}>{inline12(trg)}</target>')
        # The unit id as a location too: translate-toolkit's xliff2po turns it into a PO
        # reference and po2xliff back into a location, so the id survives a trip through PO.
        b.append(f'<context-group name="u-{uid}" purpose="location"><context'
                 f' context-type="sourcefile">{x.text(row.unit_id)}</context></context-group>')
        b.append(f'<note from="pipeline" annotates="source">{x.text(where)}</note>'
                 f'<note from="pipeline" annotates="target">{x.text(origin)}</note>'
                 "</trans-unit>\n")

    def _unit20(self, row: CatalogRow, state: XliffState, src: list[Piece], trg: list[Piece],
                text: str, where: str, origin: str) -> None:
        uid = x.attr(row.unit_id)
        b = self.buf
        b.append(f'<unit id="{uid}" name="{uid}" xml:space="preserve" pl:revision="{row.revision}">'
                 f'<notes><note category="location">{x.text(where)}</note>'
                 f'<note category="provenance">{x.text(origin)}</note></notes>')
        data: dict[int, str] = {}
        for c in (*codes(src), *codes(trg)):
            data.setdefault(c.id, c.native)
        if data:
            b.append("<originalData>" + "".join(
                f'<data id="d{i}">{x.text(native)}</data>' for i, native in sorted(data.items()))
                + "</originalData>")
        b.append(f'<segment state="{state.v20_state}" subState="{state.v20_substate}">'
                 f"<source>{inline20(src)}</source>")
        if text:
            b.append(f"<target>{inline20(trg)}</target>")
        b.append("</segment></unit>\n")

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
        given: list[exports.Out] = []
        with atomic_writer(path) as fh:
            with read_snapshot(store), cycle_collector_paused():
                # One read transaction, so the stamp in the header and the rows streamed after
                # it see the same database.
                as_of = export_stamp(store, lang)
                w = _Writer(fh, version, source=source, lang=lang, tags=tags,
                            masker=maskers[lang], project=project, as_of=as_of)
                w.head()
                for row in export_rows(store, lang):
                    w.unit(row)
                    given.append(_given(row))
                    if not _text(row):
                        counts["untranslated"] += 1
                    elif row.status in _CHECKED:
                        counts["checked"] += 1
                    else:
                        counts["unchecked"] += 1
                w.tail()
            # Recorded before the file replaces the old one: a kill between the two leaves a
            # record no file names (harmless), never a file whose base the import cannot find.
            exports.record(store, FORMAT, lang, as_of, given)
        log.info("wrote %s (%d units)", path, len(given))
        results.append(XliffExportResult(lang, version, path, len(given), counts["checked"],
                                         counts["unchecked"], counts["untranslated"]))
        if progress:
            progress(1)
    return results
