"""Index upkeep of big writes: an index most of whose entries a write moves is built once after it.

A write that changes a sorted index's columns on one row deletes and inserts one index entry
(two B-tree searches); on 100k rows of a 100k-row table that is most of what the UPDATE costs.
Building the same index from scratch after the write sorts its keys once, several times cheaper.
Both happen inside the caller's transaction, so readers never see the table without its index
and an error puts the index back with everything else (rollback).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from pipeline.store import Store

#: Rebuild when the write touches at least this share of the table's rows. Tuned on the
#: 100k-entry PO import (translations: 100k rows, tr_queue): upkeep row by row cost 0.5-0.8 s
#: of CPU, dropping and building the index again 0.1 s, so the break-even is near a sixth of
#: the rows; a third leaves room for wider rows and busier machines.
REBUILD_SHARE = 1 / 3


def _moved_indexes(store: Store, table: str, columns: frozenset[str]) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the table's own full, non-unique indexes on `columns`.

    Unique indexes stay (they enforce a constraint during the write) and so do partial ones:
    a write pays for a partial index only on the rows it holds, and building it reads the whole
    table.
    """
    out: list[tuple[str, str]] = []
    conn = store.conn
    for _, name, unique, origin, partial in conn.execute(f"PRAGMA index_list('{table}')"):
        if unique or partial or origin != "c":
            continue
        keys = {row[2] for row in conn.execute(f"PRAGMA index_info('{name}')")}
        if keys & columns:
            sql = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
                               (name,)).fetchone()
            if sql and sql[0]:
                out.append((name, sql[0]))
    return out


@contextmanager
def indexes_rebuilt_after(store: Store, table: str, columns: Iterable[str],
                          rows: int) -> Iterator[None]:
    """Around a write of about `rows` rows of `table` that changes `columns`: when that is at
    least `REBUILD_SHARE` of the table, its indexes on those columns are dropped for the write
    and built again at its end, in one savepoint of the caller's transaction."""
    with store.transaction() as conn:
        top = conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
        # max(rowid) bounds the row count from above in one B-tree search (count(*) reads
        # a whole index): a table with gaps in its rowids is only rebuilt less often.
        moved = _moved_indexes(store, table, frozenset(columns)) \
            if rows and rows >= REBUILD_SHARE * top else []
        for name, _ in moved:
            conn.execute(f'DROP INDEX "{name}"')
        yield
        for _, sql in moved:
            conn.execute(sql)


@contextmanager
def indexes_rebuilt_once_big(store: Store, table: str,
                             columns: Iterable[str]) -> Iterator[Callable[[int], None]]:
    """`indexes_rebuilt_after` for a write whose size is learnt as it goes (a streamed file).

    Gives `wrote(rows)`, called with the rows written so far: once they reach `REBUILD_SHARE`
    of the table, the indexes are dropped for the rest of the write, and built again at its
    end, in one savepoint of the caller's transaction. The rows before pay the upkeep.
    """
    cols = frozenset(columns)
    with store.transaction() as conn:
        top = conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
        moved: list[tuple[str, str]] = []
        dropped = False

        def wrote(rows: int) -> None:
            nonlocal dropped
            if dropped or not rows or rows < REBUILD_SHARE * top:
                return
            dropped = True
            moved.extend(_moved_indexes(store, table, cols))
            for name, _ in moved:
                conn.execute(f'DROP INDEX "{name}"')

        yield wrote
        for _, sql in moved:
            conn.execute(sql)
