"""Queries of the catalogs stage: units with their current translation for PO export and import."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

from pipeline.store import Store


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
    """
    cur = store.conn.execute(
        "SELECT u.id, u.article_id, a.source, u.position, u.kind, u.source_text, t.text,"
        " coalesce(t.status, 'untranslated'), coalesce(t.revision, 0), t.origin, t.engine,"
        " t.package, t.package_version, t.suggestion, t.reason, t.translated_by, t.reviewed_by,"
        " t.updated_at, coalesce(t.flags, '[]'), t.source_before, t.suggestion_meta"
        " FROM units u JOIN articles a ON a.id = u.article_id"
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


_TARGETS = (
    "SELECT u.id, u.source_text, u.obsolete, t.text, t.status, coalesce(t.revision, 0),"
    " t.translated_by, t.origin, coalesce(t.flags, '[]'), t.claimed_by, t.claim_expires,"
    " t.translated_by IS NOT NULL OR t.published_text IS NOT NULL"
    " FROM units u LEFT JOIN translations t ON t.unit_id = u.id AND t.lang = ?"
)


def import_targets(store: Store, lang: str, unit_ids: list[str]) -> dict[str, ImportTarget]:
    """The units named by a PO file's msgctxts (missing ids are simply absent).

    A file that names at least half of the units is matched in one scan of the units (about
    twice as fast as looking 100k ids up by key); a smaller one by key, a chunk at a time.
    """
    out: dict[str, ImportTarget] = {}
    total = store.conn.execute("SELECT count(*) FROM units").fetchone()[0]
    if unit_ids and 2 * len(unit_ids) >= total:
        wanted = set(unit_ids)
        for row in store.conn.execute(_TARGETS, (lang,)):
            if row[0] in wanted:
                out[row[0]] = ImportTarget._make(row)
        return out
    chunk = 900  # stays under SQLite's default limit of bound parameters
    for i in range(0, len(unit_ids), chunk):
        ids = unit_ids[i:i + chunk]
        marks = ",".join("?" * len(ids))
        rows = store.conn.execute(f"{_TARGETS} WHERE u.id IN ({marks})", (lang, *ids))
        for row in rows:
            out[row[0]] = ImportTarget._make(row)
    return out

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
