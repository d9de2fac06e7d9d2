"""Queries of the interchange stage: approved translations for TMX, and the imported TM entries."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from pipeline.models import FLAG_TEST_MODEL
from pipeline.states import Status
from pipeline.store import Store, now


class TmTarget(NamedTuple):
    """One approved translation of a unit."""

    lang: str
    text: str
    translated_by: str | None
    reviewed_by: str | None
    updated_at: str
    origin: str | None


class TmUnit(NamedTuple):
    """A live unit with its approved translations in the languages asked for.

    A named tuple (immutable like the frozen dataclasses): an export builds one per unit.
    """

    unit_id: str
    article: str
    kind: str
    position: int
    source: str
    sentences: tuple[tuple[int, int], ...]
    created_at: str
    targets: tuple[TmTarget, ...]


#: Builds a named tuple from its fields without its Python-level __new__ (one per row of a
#: 100k-unit export).
_new = tuple.__new__


def approved_units(store: Store, langs: Sequence[str]) -> Iterator[TmUnit]:
    """Units with at least one approved translation in `langs`, in article order (streamed).

    Text a random-weight test model made is never given out, even when someone approved it.
    Streamed: the units are walked in the `units_article` index (CROSS JOIN keeps them the
    outer loop, each unit's translations found by key), so SQLite sorts only the rows of one
    position at a time, never every approved translation (that sort held 100k rows). A unit
    without approved text costs one probe of the small partial index `tr_approved` (its
    condition spelled as a literal, so SQLite may use it).
    """
    if not langs:
        return
    marks = ",".join("?" * len(langs))
    cur = store.conn.execute(
        "SELECT u.id, u.article_id, u.kind, u.position, u.source_text, u.sentences, u.created_at,"
        " t.lang, t.text, t.translated_by, t.reviewed_by, t.updated_at, t.origin, t.flags"
        " FROM units u INDEXED BY units_article"
        " CROSS JOIN translations t INDEXED BY tr_approved ON t.unit_id = u.id"
        f" WHERE u.obsolete = 0 AND t.status = '{Status.APPROVED.value}' AND t.lang IN ({marks})"
        " AND coalesce(t.text, '') != '' AND coalesce(t.flags, '') NOT LIKE ?"
        " ORDER BY u.article_id, u.position, u.id, t.lang",
        (*langs, f'%"{FLAG_TEST_MODEL}"%'),
    )
    head: Any = None
    targets: list[TmTarget] = []
    for row in cur:
        if head is not None and row[0] != head[0]:
            yield _unit(head, targets)
            targets = []
        head = row
        targets.append(_new(TmTarget, row[7:13]))
    if head is not None:
        yield _unit(head, targets)


def _spans(value: str | None) -> tuple[tuple[int, int], ...]:
    """The sentence spans of a unit, from their JSON (`[[0, 42]]`).

    >>> _spans("[[0, 42]]"), _spans("[[0, 5], [6, 9]]"), _spans("[]"), _spans(None)
    (((0, 42),), ((0, 5), (6, 9)), (), ())
    """
    if not value:
        return ()
    if value.count(",") == 1:  # one sentence, most units: no JSON parse
        a, b = value.strip("[] ").split(",")
        return ((int(a), int(b)),)
    return tuple((int(a), int(b)) for a, b in json.loads(value))


def _unit(row: Any, targets: list[TmTarget]) -> TmUnit:
    spans = _spans(row[5])
    return _new(TmUnit, (row[0], row[1], row[2], row[3], row[4], spans, row[6], tuple(targets)))


class TmEntry(NamedTuple):
    """One translation memory entry read from a TMX file."""

    lang: str
    source_key: str
    source: str
    text: str
    file: str
    tool: str | None
    tuid: str | None
    changed_at: str | None
    changed_by: str | None


@dataclass(frozen=True)
class PutResult:
    """What storing a file's entries did."""

    added: int
    replaced: int
    unchanged: int


def put_entries(store: Store, entries: Iterable[TmEntry]) -> PutResult:
    """Store entries in the caller's transaction; an entry for a known source replaces it."""
    added = replaced = unchanged = 0
    at = now()
    batch: list[TmEntry] = []

    def flush() -> None:
        nonlocal added, replaced, unchanged
        keys: dict[tuple[str, str], str] = {}
        by_lang: dict[str, list[str]] = {}
        for e in batch:
            by_lang.setdefault(e.lang, []).append(e.source_key)
        for lang, ks in by_lang.items():
            uniq = list(dict.fromkeys(ks))
            rows = store.conn.execute(
                f"SELECT source_key, text FROM tm_entries WHERE lang = ? AND source_key IN"
                f" ({','.join('?' * len(uniq))})", (lang, *uniq))
            keys.update(((lang, k), text) for k, text in rows)
        rows_out = []
        for e in batch:
            old = keys.get((e.lang, e.source_key))
            if old == e.text:
                unchanged += 1
            elif old is None:
                added += 1
            else:
                replaced += 1
            keys[(e.lang, e.source_key)] = e.text
            rows_out.append((*e, at))
        store.conn.executemany(
            "INSERT OR REPLACE INTO tm_entries (lang, source_key, source, text, file, tool, tuid,"
            " changed_at, changed_by, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?)", rows_out)
        batch.clear()

    with store.transaction():
        for e in entries:
            batch.append(e)
            if len(batch) >= 500:
                flush()
        if batch:
            flush()
    return PutResult(added, replaced, unchanged)


def memory_entries(store: Store, lang: str) -> dict[str, tuple[str, str, str | None]]:
    """Folded source -> (text, file, tool) of the imported entries in `lang`."""
    rows = store.conn.execute(
        "SELECT source_key, text, file, tool FROM tm_entries WHERE lang = ?", (lang,))
    return {key: (text, file, tool) for key, text, file, tool in rows}


def count_entries(store: Store) -> dict[str, int]:
    """Imported entries per language."""
    rows = store.conn.execute("SELECT lang, count(*) FROM tm_entries GROUP BY lang ORDER BY lang")
    return {lang: n for lang, n in rows}
