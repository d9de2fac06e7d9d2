"""Big writes rebuild the indexes they move once, after the write, inside its transaction."""

from __future__ import annotations

import pytest

from pipeline.states import Action
from pipeline.store import Store
from pipeline.store import translations as tr
from pipeline.store.articles import load_article
from pipeline.store.bulk_index import indexes_rebuilt_after, indexes_rebuilt_once_big
from pipeline.store.reports import status_counts
from tests.factories import add_article


def _index_sql(store: Store, name: str) -> str | None:
    row = store.conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
                             (name,)).fetchone()
    return None if row is None else str(row[0])


def _units(store: Store, n: int) -> list[str]:
    add_article(store, "a", [("paragraph", f"Paragraph number {i}.") for i in range(n)],
                langs=("fa",))
    return [u.id for u in load_article(store, "a").units]


def _edits(ids: list[str]) -> list[tr.Change]:
    return [tr.Change(uid, "fa", Action.EDIT, "mina", f"متن {i}", fields={"origin": "po"})
            for i, uid in enumerate(ids)]


def test_big_write_builds_the_queue_index_again_with_its_definition(store: Store) -> None:
    ids = _units(store, 30)
    before = _index_sql(store, "tr_queue")
    assert before is not None
    with store.transaction():
        with indexes_rebuilt_after(store, "translations", tr.WRITTEN, len(ids)):
            assert _index_sql(store, "tr_queue") is None  # maintained by nobody during the write
            tr.change_many(store, _edits(ids))
        assert _index_sql(store, "tr_queue") == before
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert status_counts(store, ["fa"])["fa"]["translated"] == 30


def test_small_write_keeps_the_index(store: Store) -> None:
    ids = _units(store, 30)
    with store.transaction():
        with indexes_rebuilt_after(store, "translations", tr.WRITTEN, 2):
            assert _index_sql(store, "tr_queue") is not None
            tr.change_many(store, _edits(ids[:2]))


def test_unique_partial_and_untouched_indexes_stay(store: Store) -> None:
    ids = _units(store, 10)
    with store.transaction():
        with indexes_rebuilt_after(store, "translations", tr.WRITTEN, len(ids)):
            during = {r[1] for r in store.conn.execute("PRAGMA index_list('translations')")}
    assert {"sqlite_autoindex_translations_1", "tr_flagged", "tr_approved", "tr_claims"} <= during
    assert "tr_queue" not in during


def test_failed_write_puts_the_index_back(store: Store) -> None:
    ids = _units(store, 10)
    before = _index_sql(store, "tr_queue")
    with pytest.raises(RuntimeError), store.transaction():
        with indexes_rebuilt_after(store, "translations", tr.WRITTEN, len(ids)):
            tr.change_many(store, _edits(ids))
            raise RuntimeError("disk trouble")
    assert _index_sql(store, "tr_queue") == before
    assert status_counts(store, ["fa"])["fa"]["translated"] == 0


def test_streamed_write_drops_the_index_once_it_is_big_and_builds_it_after(store: Store) -> None:
    ids = _units(store, 30)
    before = _index_sql(store, "tr_queue")
    seen: list[bool] = []
    with store.transaction():
        with indexes_rebuilt_once_big(store, "translations", tr.WRITTEN) as wrote:
            for n in range(1, len(ids) + 1):
                wrote(n)
                seen.append(_index_sql(store, "tr_queue") is not None)
            tr.change_many(store, _edits(ids))
        assert _index_sql(store, "tr_queue") == before
    # Kept while the write is under a third of the rows, dropped from then on.
    assert seen == [n < 10 for n in range(1, 31)]
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_small_streamed_write_keeps_the_index(store: Store) -> None:
    ids = _units(store, 30)
    with store.transaction():
        with indexes_rebuilt_once_big(store, "translations", tr.WRITTEN) as wrote:
            wrote(2)
            assert _index_sql(store, "tr_queue") is not None
            tr.change_many(store, _edits(ids[:2]))
