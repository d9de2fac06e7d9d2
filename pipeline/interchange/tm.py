"""`pipeline tm`: approved translations out as TMX, TMX files in as translation memory.

An import fills the memory `pipeline translate` consults before the model (origin `tm`); it
never changes a unit's text or status. Each file is one transaction: a malformed file adds
nothing, the others go on.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.catalogs.bulk import cycle_collector_paused
from pipeline.errors import InputError
from pipeline.inputfile import display_path
from pipeline.interchange.inline import masks_lost
from pipeline.interchange.tmx import (
    LanguageSorter,
    TmxHeader,
    TmxWriteResult,
    read_tmx,
    tmx_date,
    write_tmx,
)
from pipeline.store import Store
from pipeline.store.catalog import read_snapshot, stream_cache
from pipeline.store.interchange import TmEntry, approved_units, put_entries
from pipeline.store.mt import keep_terms
from pipeline.textnorm import fold
from pipeline.translate.masking import Masker

log = logging.getLogger(__name__)
#: Builds a named tuple from its fields without its Python-level __new__ (one per entry).
_new = tuple.__new__


def maskers(store: Store, langs: Sequence[str]) -> tuple[Masker, dict[str, Masker]]:
    """A masker for source texts (every language's kept terms) and one per language."""
    terms = {lang: keep_terms(store, lang) for lang in langs}
    every = sorted({t for ts in terms.values() for t in ts})
    return Masker(every), {lang: Masker(ts) for lang, ts in terms.items()}


def export_tm(store: Store, path: Path, langs: Sequence[str], *, source: str,
              tags: Mapping[str, str], progress: Callable[[int], None] | None = None
              ) -> TmxWriteResult:
    """Write the approved translations in `langs` to a TMX 1.4b file."""
    source_masker, per_lang = maskers(store, langs)
    marks = ",".join("?" * len(langs))
    # One snapshot for the header's date and the rows; a small page cache, since one pass
    # reads each page about once (the store's 64 MiB was most of a 100k-unit export's memory);
    # the cycle collector paused: many small objects per unit, none in cycles.
    with read_snapshot(store), stream_cache(store), cycle_collector_paused():
        latest = store.conn.execute(
            "SELECT max(updated_at) FROM translations WHERE status = 'approved'"
            f" AND lang IN ({marks})", tuple(langs)).fetchone()[0] if langs else None
        result = write_tmx(path, approved_units(store, langs), source=source, tags=tags,
                           maskers=per_lang, source_masker=source_masker,
                           date=tmx_date(latest), progress=progress)
    log.info("wrote %s: %d units, %d sentence pairs", path, result.units, result.sentences)
    return result


@dataclass(frozen=True)
class Refusal:
    """An entry of a file that was not imported, and why."""

    line: int
    reason: str


@dataclass
class TmImportResult:
    """What importing one TMX file did."""

    path: Path
    tool: str | None = None
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    by_lang: Counter[str] = field(default_factory=Counter)
    other_langs: Counter[str] = field(default_factory=Counter)  # tag -> variants skipped
    no_source: int = 0  # tus without a variant in the source language
    empty: int = 0
    refused: list[Refusal] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return sum(self.other_langs.values())


def _entries(path: Path, result: TmImportResult, *, source: str, targets: Sequence[str],
             per_lang: Mapping[str, Masker]) -> Iterator[TmEntry]:
    name = display_path(path.name)
    sort = LanguageSorter(source, targets)

    def on_header(header: TmxHeader) -> None:
        result.tool = header.tool

    for tu in read_tmx(path, on_header):
        src, found, others = sort(tu)
        if others:  # Counter.update costs as much as the rest of a tu: only when needed
            result.other_langs.update(others)
        if src is None:
            result.no_source += 1
            result.other_langs.update(found.keys())
            continue
        key = fold(src.text)
        if not key:
            result.empty += len(found)
            continue
        for lang, v in found.items():
            if not v.text.strip():
                result.empty += 1
                continue
            why = masks_lost(src.text, v.text, per_lang[lang])
            if why is not None:
                result.refused.append(Refusal(v.line, why))
                continue
            result.by_lang[lang] += 1
            yield _new(TmEntry, (lang, key, src.text, v.text, name, result.tool, tu.tuid,
                                 v.changed_at or tu.changed_at, v.changed_by or tu.changed_by))


def import_tm(store: Store, paths: Sequence[Path], *, source: str, targets: Sequence[str]
              ) -> list[TmImportResult]:
    """Import each TMX file into the translation memory, one transaction per file.

    A file that cannot be read raises InputError after the earlier files are stored; the
    CLI reports it and goes on with the next (see `import_tm_each`).
    """
    return [r for r in import_tm_each(store, paths, source=source, targets=targets)
            if isinstance(r, TmImportResult)]


def import_tm_each(store: Store, paths: Sequence[Path], *, source: str, targets: Sequence[str]
                   ) -> Iterator[TmImportResult | InputError]:
    """Per file, its result or the InputError that refused it (nothing of it stored)."""
    _, per_lang = maskers(store, targets)
    for path in paths:
        result = TmImportResult(Path(path))
        try:
            # A small page cache: with the store's 64 MiB, a 100k-unit file's inserts filled
            # it (99 MiB peak against 67 MiB at 10k); at 4 MiB the peak is the same at 10k and
            # 100k, and a 100k-unit import took no more CPU (4.0-5.6 s against 5.3-6.1 s).
            with stream_cache(store), cycle_collector_paused():
                put = put_entries(store, _entries(Path(path), result, source=source,
                                                  targets=targets, per_lang=per_lang))
        except InputError as exc:
            yield exc
            continue
        result.added, result.replaced, result.unchanged = put.added, put.replaced, put.unchanged
        log.info("imported %s: %d added, %d replaced, %d unchanged, %d skipped", path,
                 put.added, put.replaced, put.unchanged, result.skipped)
        yield result
