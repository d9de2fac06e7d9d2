"""change_many: the bulk form of the one compare-and-set write."""

from __future__ import annotations

import pytest

from pipeline.errors import ConflictError, TransitionError
from pipeline.states import Action
from pipeline.store import Store
from pipeline.store import translations as tr
from pipeline.store.translations import Change
from tests.factories import add_article


def _units(store: Store, n: int) -> list[str]:
    add_article(store, "bulk", [("paragraph", f"Sentence number {i}.") for i in range(n)])
    return [r[0] for r in store.conn.execute(
        "SELECT id FROM units WHERE article_id = 'bulk' ORDER BY position")]


def test_bulk_fill_across_chunks_writes_rows_and_events(store: Store) -> None:
    ids = _units(store, 1203)  # more than two chunks
    changes = [Change(u, lang, Action.MACHINE, text=f"{lang}:{u}", fields={"origin": "mt"})
               for u in ids for lang in ("fa", "ar")]
    assert tr.change_many(store, changes) == len(changes)
    t = tr.get(store, ids[-1], "ar")
    assert (t.text, t.status, t.revision, t.origin) == (f"ar:{ids[-1]}", "machine", 1, "mt")
    assert store.conn.execute("SELECT count(*) FROM events").fetchone()[0] == len(changes)
    assert store.conn.execute(
        "SELECT count(*) FROM translations WHERE lang = 'sq' AND status = 'untranslated'"
    ).fetchone()[0] == len(ids)


def test_same_row_twice_applies_in_order(store: Store) -> None:
    uid = _units(store, 1)[0]
    tr.change_many(store, [
        Change(uid, "fa", Action.MACHINE, text="ماشین", fields={"origin": "mt"}),
        Change(uid, "fa", Action.EDIT, who="ana", text="انسان", fields={"translated_by": "ana"}),
        Change(uid, "fa", Action.APPROVE, who="bob", expected_revision=2),
    ])
    t = tr.get(store, uid, "fa")
    assert (t.text, t.status, t.revision, t.translated_by) == ("انسان", "approved", 3, "ana")


@pytest.mark.parametrize(
    ("bad", "error"),
    [(Change("?", "fa", Action.APPROVE, who="x"), TransitionError),
     (Change("?", "fa", Action.EDIT, who="x", text="t", expected_revision=5), ConflictError)],
)
def test_one_bad_change_rolls_back_the_whole_batch(store: Store, bad: Change,
                                                   error: type[Exception]) -> None:
    ids = _units(store, 600)
    changes = [Change(u, "fa", Action.MACHINE, text="x") for u in ids]
    changes.append(bad._replace(unit_id=ids[0]) if bad.action == Action.EDIT
                   else bad._replace(unit_id=ids[1], lang="ar"))
    with pytest.raises(error):
        tr.change_many(store, changes)
    assert store.conn.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    assert store.conn.execute(
        "SELECT count(*) FROM translations WHERE status != 'untranslated'").fetchone()[0] == 0


def test_a_row_read_by_the_writer_is_used_for_the_event(store: Store) -> None:
    uid = _units(store, 1)[0]
    tr.change(store, uid, "fa", Action.MACHINE, who=None, text="ماشین", origin="mt")
    read = tr.Read("machine", "ماشین", 1, False)
    tr.change_many(store, [Change(uid, "fa", Action.EDIT, who="ana", text="انسان", read=read)])
    t = tr.get(store, uid, "fa")
    assert (t.text, t.status, t.revision) == ("انسان", "translated", 2)
    assert store.conn.execute("SELECT old_text, new_text FROM events ORDER BY id DESC LIMIT 1"
                              ).fetchone() == ("ماشین", "انسان")


def test_a_stale_row_handed_over_is_a_conflict_and_writes_nothing(store: Store) -> None:
    uid = _units(store, 1)[0]
    tr.change(store, uid, "fa", Action.MACHINE, who=None, text="ماشین", origin="mt")
    stale = tr.Read("untranslated", None, 0, False)  # read before the machine text came
    with pytest.raises(ConflictError):
        tr.change_many(store, [Change(uid, "fa", Action.EDIT, who="ana", text="x", read=stale)])
    t = tr.get(store, uid, "fa")
    assert (t.text, t.revision) == ("ماشین", 1)
    assert store.conn.execute("SELECT count(*) FROM events").fetchone()[0] == 1


def test_a_row_handed_over_with_its_rowid_is_found_by_it(store: Store) -> None:
    uid = _units(store, 1)[0]
    tr.change(store, uid, "fa", Action.MACHINE, who=None, text="ماشین", origin="mt")
    rowid = store.conn.execute("SELECT rowid FROM translations WHERE unit_id = ? AND lang = 'fa'",
                               (uid,)).fetchone()[0]
    read = tr.Read("machine", "ماشین", 1, False, rowid)
    tr.change_many(store, [Change(uid, "fa", Action.EDIT, who="ana", text="انسان", read=read)])
    assert (tr.get(store, uid, "fa").text, tr.get(store, uid, "fa").revision) == ("انسان", 2)


def test_a_wrong_rowid_handed_over_writes_no_other_row(store: Store) -> None:
    """The rowid only finds the row: the key and the revision are still checked."""
    a, b = _units(store, 2)
    for uid in (a, b):
        tr.change(store, uid, "fa", Action.MACHINE, who=None, text="ماشین", origin="mt")
    rowid_b = store.conn.execute("SELECT rowid FROM translations WHERE unit_id = ? AND lang = 'fa'",
                                 (b,)).fetchone()[0]
    wrong = tr.Read("machine", "ماشین", 1, False, rowid_b)  # unit a's change, b's row
    with pytest.raises(ConflictError):
        tr.change_many(store, [Change(a, "fa", Action.EDIT, who="ana", text="x", read=wrong)])
    assert [tr.get(store, u, "fa").text for u in (a, b)] == ["ماشین", "ماشین"]
    assert store.conn.execute("SELECT count(*) FROM events").fetchone()[0] == 2
