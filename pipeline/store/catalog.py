"""Queries of the catalogs stage: units with their current translation for PO export and import."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, NamedTuple

from pipeline.store import Store
from pipeline.store.exports import Given


class CatalogRow(NamedTuple):
    """One live unit and its translation in one language, in article order.

    A named tuple (immutable like the frozen dataclasses): an export builds one per unit, and
    a frozen dataclass of 21 fields costs several times more to build.
    """

    unit_id: str
    article: str
    source_file: str
    position: int
    kind: str
    source_text: str
    text: str | None
    status: str
    revision: int
    origin: str | None
    engine: str | None
    package: str | None
    package_version: str | None
    suggestion: str | None
    reason: str | None
    translated_by: str | None
    reviewed_by: str | None
    updated_at: str | None
    flags: str  # JSON list
    source_before: str | None = None  # stale: the English the text was made from (#| msgid)
    suggestion_meta: str | None = None  # set when `suggestion` is a machine's text (JSON)


def export_rows(store: Store, lang: str | None) -> Iterator[CatalogRow]:
    """Every live unit with its `lang` translation (untranslated when it has none; lang None: all).

    Articles come newest first (as `article_slugs` lists them), units in reading order.
    Streamed: articles are walked in the `articles_order` index (CROSS JOIN keeps them the
    outer loop), so SQLite sorts one article's units at a time, never the whole catalog.
    """
    cur = store.conn.execute(
        "SELECT u.id, u.article_id, a.source, u.position, u.kind, u.source_text, t.text,"
        " coalesce(t.status, 'untranslated'), coalesce(t.revision, 0), t.origin, t.engine,"
        " t.package, t.package_version, t.suggestion, t.reason, t.translated_by, t.reviewed_by,"
        " t.updated_at, coalesce(t.flags, '[]'), t.source_before, t.suggestion_meta"
        " FROM articles a CROSS JOIN units u ON u.article_id = a.id"
        " LEFT JOIN translations t ON t.unit_id = u.id AND t.lang = ?"
        " WHERE u.obsolete = 0"
        " ORDER BY coalesce(a.date_iso, '') DESC, a.id, u.position",
        (lang,),
    )
    yield from map(CatalogRow._make, cur)


def export_stamp(store: Store, lang: str) -> str:
    """The newest updated_at among the rows `export_rows(store, lang)` gives ("" if none).

    What `exports.snapshot_of` computes from those rows, in one query, so an export can write
    the stamp in its header before it streams the rows once.
    """
    row = store.conn.execute(
        "SELECT coalesce(max(t.updated_at), '')"
        " FROM units u JOIN articles a ON a.id = u.article_id"
        " LEFT JOIN translations t ON t.unit_id = u.id AND t.lang = ?"
        " WHERE u.obsolete = 0", (lang,)).fetchone()
    return str(row[0]) if row else ""


def latest_change(store: Store, lang: str | None) -> str | None:
    """The newest updated_at of the units (lang None) or of the language's translations."""
    if lang is None:
        row = store.conn.execute("SELECT max(updated_at) FROM units WHERE obsolete = 0").fetchone()
    else:
        row = store.conn.execute(
            "SELECT max(updated_at) FROM translations WHERE lang = ?", (lang,)
        ).fetchone()
    return row[0] if row else None


class ImportTarget(NamedTuple):
    """What an imported entry is compared against: the unit's source and its translation.

    A named tuple (immutable like the frozen dataclasses) because an import builds one per
    entry, and a tuple is several times cheaper to build.
    """

    unit_id: str
    source_text: str
    obsolete: bool
    text: str | None
    status: str | None  # None when the unit has no row in the language
    revision: int
    translated_by: str | None
    origin: str | None = None
    flags: str = "[]"  # JSON list
    claimed_by: str | None = None
    claim_expires: str | None = None
    by_person: bool = False  # a person wrote or approved the text (translations.Read.by_person)
    rowid: int | None = None  # of the translation row (translations.Read.rowid)
    #: What an export gave out at the row's revision now (`import_targets(given_in=...)`).
    given: Given | None = None


_TARGETS = (
    "SELECT u.id, u.source_text, u.obsolete, t.text, t.status, coalesce(t.revision, 0),"
    " t.translated_by, t.origin, coalesce(t.flags, '[]'), t.claimed_by, t.claim_expires,"
    " t.translated_by IS NOT NULL OR t.published_text IS NOT NULL, t.rowid"
    " FROM units u LEFT JOIN translations t ON t.unit_id = u.id AND t.lang = ?"
)
_WIDTH = 13  # the columns of _TARGETS
#: With `given_in`: the export record at the row's revision, its text only where it differs.
_GIVEN = (
    ", x.revision IS NOT NULL, x.text IS t.text, CASE WHEN x.text IS t.text THEN NULL ELSE"
    " x.text END, x.fuzzy"
)
_GIVEN_JOIN = (
    " LEFT JOIN exported x ON x.format = ? AND x.lang = t.lang AND x.unit_id = u.id"
    " AND x.revision = t.revision"
)


def import_targets(store: Store, lang: str, unit_ids: list[str],
                   sources: Mapping[str, str] | None = None,
                   given_in: str | None = None, by_key: bool = False
                   ) -> dict[str, ImportTarget]:
    """The units named by a PO file's msgctxts (missing ids are simply absent).

    A file that names at least half of the units is matched in one scan of the units (about
    twice as fast as looking 100k ids up by key); a smaller one by key, a chunk at a time.
    `sources` (unit -> the source text the caller holds, such as the file's msgid): a unit's
    source equal to it is held as that same string, so a big file's sources are in memory once.
    `given_in` (an export format): each target also carries what an export of that format gave
    out at the row's current revision, the base of every entry of a file exported since the
    row last changed (in the same scan: a second pass over the export records costs more).
    `by_key`: always by key (a streamed file's chunk, where the units need not be counted).
    """
    out: dict[str, ImportTarget] = {}
    same = (sources or {}).get
    # tuple.__new__ is what `_make` calls, without a Python call and a length check per row.
    new, target, given = tuple.__new__, ImportTarget, Given
    rows, wanted = _target_rows(store, lang, unit_ids, given_in, by_key)
    for row in rows:
        uid, source = row[0], row[1]
        if wanted is not None and uid not in wanted:
            continue
        held = same(uid)
        if held is not None and held == source:
            source = held
        # After _TARGETS' columns: recorded, text as the row's, the recorded text otherwise,
        # fuzzy (`_GIVEN`).
        if given_in is not None and row[_WIDTH]:
            out[uid] = new(target, (uid, source, *row[2:_WIDTH], new(given, (
                uid, row[5], row[3] if row[_WIDTH + 1] else row[_WIDTH + 2],
                bool(row[_WIDTH + 3])))))
        else:
            out[uid] = new(target, (uid, source, *row[2:_WIDTH], None))
    return out


def _target_rows(store: Store, lang: str, unit_ids: list[str], given_in: str | None,
                 by_key: bool = False) -> tuple[Iterable[tuple[Any, ...]], set[str] | None]:
    """The rows of `_TARGETS` (and `_GIVEN`) for the units, and the set of them to keep when
    the rows are a scan of every unit (None: the rows are only theirs)."""
    args: tuple[str, ...] = (lang,)
    select = _TARGETS
    if given_in is not None:
        head, tail = _TARGETS.split(" FROM ", 1)
        select, args = f"{head}{_GIVEN} FROM {tail}{_GIVEN_JOIN}", (lang, given_in)
    if by_key:
        return _by_key(store, select, args, unit_ids), None
    total = store.conn.execute("SELECT count(*) FROM units").fetchone()[0]
    if unit_ids and 2 * len(unit_ids) >= total:
        return store.conn.execute(select, args), set(unit_ids)
    return _by_key(store, select, args, unit_ids), None


def _by_key(store: Store, select: str, args: tuple[str, ...],
            unit_ids: list[str]) -> Iterator[tuple[Any, ...]]:
    chunk = 900  # stays under SQLite's default limit of bound parameters
    for i in range(0, len(unit_ids), chunk):
        ids = unit_ids[i:i + chunk]
        marks = ",".join("?" * len(ids))
        yield from store.conn.execute(f"{select} WHERE u.id IN ({marks})", (*args, *ids))


#: Page cache for a bulk write, in MiB (SQLite's default is 2 MiB). Only a ceiling: the cache
#: grows as pages are touched and is given back when the write ends. Tuned on a 20k-entry PO
#: import: 2 MiB spills hot index pages again and again (2.07 s CPU), 16 MiB holds them (1.79 s,
#: the same as 256 MiB's 1.77 s) while peak memory stays 23 MiB lower.
BULK_CACHE_MIB = 16


@contextmanager
def bulk_cache(store: Store, mib: int = BULK_CACHE_MIB) -> Iterator[None]:
    """A larger page cache on this connection while a big write runs, then the old size again.

    With the default 2 MiB, a transaction that rewrites 100k rows spills the same dirty index
    pages to the WAL again and again before COMMIT. cache_size is a per-connection setting: it
    changes no durability guarantee (WAL and synchronous stay as they are).
    """
    old = store.conn.execute("PRAGMA cache_size").fetchone()[0]
    if old < 0 and -old >= mib * 1024:  # already as large (the store's CACHE_MIB): never shrink
        yield
        return
    store.conn.execute(f"PRAGMA cache_size = {-int(mib) * 1024}")
    try:
        yield
    finally:
        store.conn.execute(f"PRAGMA cache_size = {int(old)}")


#: Page cache while an export streams the catalog (XLIFF). One pass reads each page about
#: once, so the store's 64 MiB buys nothing there and was most of a 100k-unit export's memory
#: (the cache fills as the pages go by). Tuned on scripts/bench_interchange.py at 100k units:
#: 4 MiB costs no CPU measurable against 64 MiB (the sort of scattered translation pages the
#: index walk reads stays in it) and keeps peak memory the same at 10k and 100k units.
STREAM_CACHE_MIB = 4


@contextmanager
def stream_cache(store: Store, mib: int = STREAM_CACHE_MIB) -> Iterator[None]:
    """A small page cache on this connection while one pass streams the catalog, then the old
    size again (per connection: no durability guarantee changes)."""
    old = store.conn.execute("PRAGMA cache_size").fetchone()[0]
    store.conn.execute(f"PRAGMA cache_size = {-int(mib) * 1024}")
    try:
        yield
    finally:
        store.conn.execute(f"PRAGMA cache_size = {int(old)}")


@contextmanager
def read_snapshot(store: Store) -> Iterator[None]:
    """A read transaction: every query inside sees the same database (WAL snapshot).

    An export that reads the rows twice (a header stamp first, then the units) gets the same
    rows both times even while others write.
    """
    if store.conn.in_transaction:
        yield
        return
    store.conn.execute("BEGIN")
    try:
        yield
    finally:
        if store.conn.in_transaction:
            store.conn.execute("COMMIT")
