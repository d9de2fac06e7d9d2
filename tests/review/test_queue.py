"""Queue order, filters, hints, claims and leases."""

from __future__ import annotations

import pytest

from pipeline.errors import ConflictError, NotFound, UsageError
from pipeline.review import actions
from pipeline.review.queue import claim_many, claim_next, list_queue, parse_statuses, release
from pipeline.states import Action
from pipeline.store import Store
from pipeline.store import review as q
from pipeline.store import translations as tr
from tests.review.helpers import article_with_mt


def test_stale_and_rejected_come_before_machine_oldest_first(store: Store) -> None:
    ids = article_with_mt(store, "a1", ["One.", "Two.", "Three.", "Four."])
    actions.reject(store, ids[3], "fa", "too literal", who="ana")
    tr.change(store, ids[2], "fa", Action.SOURCE_CHANGED, who=None)
    items = list_queue(store, "fa", limit=10)
    order = [i.unit_id for i in items]
    assert order[:2] == [ids[3], ids[2]]  # rejected earlier than stale: oldest first
    assert order[2:] == [ids[0], ids[1], ids[4]]
    assert items[0].reason == "too literal"
    assert items[0].title == "Title of a1" and items[0].position == 3


def test_approved_and_obsolete_units_leave_the_queue(store: Store) -> None:
    ids = article_with_mt(store, "a1", ["One.", "Two."])
    actions.approve(store, ids[2], "fa", who="ana")
    from tests.factories import add_article

    add_article(store, "a1", [("title", "Title of a1"), ("paragraph", "Two.")])  # "One." gone
    left = {i.unit_id for i in list_queue(store, "fa")}
    assert left == {ids[0]}


def test_status_article_and_limit_filters(store: Store) -> None:
    a = article_with_mt(store, "a1", ["One.", "Two."])
    b = article_with_mt(store, "b2", ["Three."])
    actions.edit(store, a[1], "fa", "متن انسانی", who="ana")
    assert [i.unit_id for i in list_queue(store, "fa", statuses=parse_statuses(["translated"]))] \
        == [a[1]]
    assert {i.unit_id for i in list_queue(store, "fa", article="b2")} == set(b)
    assert len(list_queue(store, "fa", limit=2)) == 2
    with pytest.raises(NotFound, match="no article"):
        list_queue(store, "fa", article="nope")
    with pytest.raises(UsageError, match="not a status"):
        parse_statuses(["machine,bogus"])


def test_memory_and_glossary_hints(store: Store) -> None:
    a = article_with_mt(store, "a1", ["The talks in Tehran ended."])
    b = article_with_mt(store, "b2", ["The  talks in TEHRAN ended."])  # same folded key
    actions.edit(store, a[1], "fa", "گفتگوها در تهران پایان یافت.", who="ana")
    actions.approve(store, a[1], "fa", who="bob")
    store.db["glossary"].insert({"term": "Tehran", "lang": "fa", "translation": "تهران",
                                 "do_not_translate": 0})
    store.db["glossary"].insert({"term": "Teh", "lang": "fa", "translation": "x",
                                 "do_not_translate": 0})  # inside a word: no hint
    item = next(i for i in list_queue(store, "fa") if i.unit_id == b[1])
    assert item.memory == ("گفتگوها در تهران پایان یافت.",)
    assert item.glossary == (("Tehran", "تهران"),)


def test_claims_hand_out_distinct_units_and_hide_them_from_others(store: Store) -> None:
    ids = article_with_mt(store, "a1", ["One.", "Two."])
    first = claim_next(store, "fa", "ana", minutes=30)
    second = claim_next(store, "fa", "bob", minutes=30)
    assert first is not None and second is not None
    assert first.unit_id != second.unit_id
    assert first.unit_id not in {i.unit_id for i in list_queue(store, "fa", who="bob")}
    assert first.unit_id in {i.unit_id for i in list_queue(store, "fa", who="ana")}
    with pytest.raises(ConflictError, match="claimed by ana"):
        actions.approve(store, first.unit_id, "fa", who="bob")
    assert tr.get(store, first.unit_id, "fa").status == "machine"  # nothing changed
    assert len(claim_many(store, "fa", "cyd", 10, minutes=30)) == len(ids) - 2


def test_expired_claims_return_to_the_queue(store: Store) -> None:
    article_with_mt(store, "a1", ["One."])
    got = claim_many(store, "fa", "ana", 5, minutes=30)
    assert len(got) == 2 and claim_next(store, "fa", "bob", minutes=30) is None
    # A lease that ended a second ago counts as free.
    store.conn.execute("UPDATE translations SET claim_expires = ? WHERE unit_id = ?",
                       (q.lease_until(-1 / 60), got[0].unit_id))
    again = claim_next(store, "fa", "bob", minutes=30)
    assert again is not None and again.unit_id == got[0].unit_id


def test_release_gives_units_back(store: Store) -> None:
    article_with_mt(store, "a1", ["One."])
    claim_many(store, "fa", "ana", 5, minutes=30)
    assert release(store, "bob") == 0
    assert release(store, "ana", lang="fa") == 2
    assert claim_next(store, "fa", "bob", minutes=30) is not None


def test_action_ends_the_claim(store: Store) -> None:
    article_with_mt(store, "a1", ["One."])
    got = claim_next(store, "fa", "ana", minutes=30)
    assert got is not None
    actions.reject(store, got.unit_id, "fa", "wrong name", who="ana", revision=got.revision)
    row = store.conn.execute("SELECT claimed_by FROM translations WHERE unit_id = ? AND lang ="
                             " 'fa'", (got.unit_id,)).fetchone()
    assert row[0] is None


def test_four_eyes_queue_skips_own_translations(store: Store) -> None:
    ids = article_with_mt(store, "a1", ["One."])
    actions.edit(store, ids[1], "fa", "یک.", who="ana")
    actions.edit(store, ids[0], "fa", "عنوان", who="bob")
    mine = claim_many(store, "fa", "ana", 5, minutes=30, four_eyes=True)
    assert [i.unit_id for i in mine] == [ids[0]]


def test_context_and_unit_prefix(store: Store) -> None:
    ids = article_with_mt(store, "a1", ["One.", "Two."])
    ctx = q.context(store, ids[1], "fa")
    assert ctx["previous"] is not None and ctx["previous"]["unit_id"] == ids[0]
    assert ctx["next"] is not None and ctx["next"]["source"] == "Two."
    assert q.context(store, ids[0], "fa")["previous"] is None
    assert q.resolve_unit(store, ids[1][:8]) == ids[1]
    with pytest.raises(NotFound):
        q.resolve_unit(store, "zzzzzzzz")
