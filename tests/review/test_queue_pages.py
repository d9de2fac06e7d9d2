"""The web queue: keyset pages, filters, counts, bounded search and check filters, bulk approve."""

from __future__ import annotations

import pytest

from pipeline.errors import UsageError
from pipeline.models import FLAG_MASK_LOST, FLAG_TEST_MODEL
from pipeline.review import actions
from pipeline.review import queue as rq
from pipeline.review.queue import QueueQuery, approve_selection, queue_page
from pipeline.states import Action, Status
from pipeline.store import Store
from pipeline.store import queue_pages as qp
from pipeline.store import translations as tr
from pipeline.store.review import claim
from tests.review.helpers import article_with_mt


def _ids(page: rq.QueuePage) -> list[str]:
    return [i.unit_id for i in page.items]


def test_pages_follow_each_other_without_gaps_or_repeats(store: Store) -> None:
    ids = article_with_mt(store, "a1", [f"Paragraph {n}." for n in range(11)])
    actions.reject(store, ids[5], "fa", "wrong", who="bob")
    seen: list[str] = []
    after = None
    while True:
        page = queue_page(store, "fa", QueueQuery(), who="ana", after=after, limit=5)
        seen += _ids(page)
        assert page.total == 12
        if page.next is None:
            break
        after = page.next
    assert seen[0] == ids[5]  # rejected first
    assert sorted(seen) == sorted(ids) and len(seen) == len(set(seen))


def test_count_leaves_out_obsolete_units_and_units_held_by_others(store: Store) -> None:
    ids = article_with_mt(store, "a1", ["One.", "Two.", "Three."])
    claim(store, ids[2], "fa", "bob", minutes=30)
    assert queue_page(store, "fa", QueueQuery(), who="ana").total == 3
    assert queue_page(store, "fa", QueueQuery(), who="bob").total == 4  # own claims stay in
    from tests.factories import add_article

    add_article(store, "a1", [("title", "Title of a1"), ("paragraph", "Two."),
                              ("paragraph", "Three.")])  # "One." is gone
    page = queue_page(store, "fa", QueueQuery(), who="ana")
    assert page.total == 2 and _ids(page) == [ids[0], ids[3]]


def test_flag_filters_pick_test_model_and_mask_lost_output(store: Store) -> None:
    ids = article_with_mt(store, "a1", ["One.", "Two.", "Three."])
    tr.change(store, ids[1], "fa", Action.MACHINE, who=None, text="x", flags=[FLAG_TEST_MODEL])
    tr.change(store, ids[2], "fa", Action.MACHINE, who=None, text="y",
              flags=[FLAG_MASK_LOST, FLAG_TEST_MODEL])
    lost = queue_page(store, "fa", QueueQuery(flags=(FLAG_MASK_LOST,)), who="ana")
    assert _ids(lost) == [ids[2]] and lost.total == 1
    model = queue_page(store, "fa", QueueQuery(flags=(FLAG_TEST_MODEL,)), who="ana")
    assert set(_ids(model)) == {ids[1], ids[2]} and model.total == 2
    anyflag = queue_page(store, "fa", QueueQuery(flags=("*",)), who="ana")
    assert anyflag.total == 2
    in_article = queue_page(store, "fa", QueueQuery(flags=(FLAG_MASK_LOST,), article="a1"),
                            who="ana")
    assert in_article.total == 1


def test_search_matches_source_and_translation_folded(store: Store) -> None:
    ids = article_with_mt(store, "a1", ["Talks in TEHRAN ended.", "Nothing here."])
    actions.edit(store, ids[2], "fa", "گفتگو در تهران", who="ana")
    assert _ids(queue_page(store, "fa", QueueQuery(search="tehran"), who="ana")) == [ids[1]]
    assert _ids(queue_page(store, "fa", QueueQuery(search="تهران"), who="ana")) == [ids[2]]
    assert _ids(queue_page(store, "fa", QueueQuery(search="100%"), who="ana")) == []


def test_search_looks_at_a_bounded_window_and_goes_on_from_there(store: Store) -> None:
    ids = article_with_mt(store, "a1", [f"Paragraph {n}." for n in range(9)] + ["Needle."])
    f = qp.Filters(search="needle")
    first = qp.scan(store, "fa", f, who="ana", after=None, limit=5, window=4)
    assert first.rows == () and not first.exhausted and first.last is not None
    rest = first
    found = []
    while not rest.exhausted:
        rest = qp.scan(store, "fa", f, who="ana", after=rest.last, limit=5, window=4)
        found += [i.unit_id for _, i in rest.rows]
    assert found == [ids[-1]]


def test_check_filter_keeps_units_failing_that_check(store: Store) -> None:
    from pipeline.checks.live import failing
    from pipeline.checks.run import CheckOptions

    ids = article_with_mt(store, "a1", ["In 1988 it rained.", "It rained."], title="Weather")
    actions.edit(store, ids[1], "fa", "در سال ۱۹۷۷ باران آمد.", who="ana")
    actions.edit(store, ids[2], "fa", "باران آمد.", who="ana")
    actions.edit(store, ids[0], "fa", "عنوان", who="ana")
    fails = failing(store, "fa", "numbers", CheckOptions())
    page = queue_page(store, "fa", QueueQuery(failing=fails), who="ana")
    assert _ids(page) == [ids[1]]
    with pytest.raises(UsageError, match="unknown check id"):
        failing(store, "fa", "no-such-check", CheckOptions())


def test_bad_position_is_a_usage_error(store: Store) -> None:
    article_with_mt(store, "a1", ["One."])
    with pytest.raises(UsageError, match="not a queue position"):
        queue_page(store, "fa", QueueQuery(), who="ana", after="1~x")


def test_neighbours_step_through_the_queue_from_a_position(store: Store) -> None:
    ids = article_with_mt(store, "a1", ["One.", "Two.", "Three."])
    here = rq.position(store, ids[1], "fa")
    assert rq.neighbours(store, "fa", QueueQuery(), here, who="ana") == (ids[0], ids[2])
    actions.approve(store, ids[1], "fa", who="bob")
    assert rq.position(store, ids[1], "fa") is None  # approved: in no queue
    # The position it had still finds its neighbours (the web keeps it in the form).
    assert rq.neighbours(store, "fa", QueueQuery(), here, who="ana") == (ids[0], ids[2])


def test_bulk_approve_takes_exactly_what_was_seen(store: Store) -> None:
    ids = article_with_mt(store, "a1", ["One.", "Two.", "Three.", "Four."])
    actions.edit(store, ids[1], "fa", "متن من", who="sara")  # sara's own text
    claim(store, ids[2], "fa", "bob", minutes=30)
    seen = {i.unit_id: i.revision for i in queue_page(store, "fa", QueueQuery(), who="sara").items}
    tr.change(store, ids[3], "fa", Action.MACHINE, who=None, text="تازه")  # changed meanwhile
    result = approve_selection(store, "fa", list(seen.items()), who="sara", four_eyes=True)
    assert set(result.approved) == {ids[0], ids[4]}
    reasons = dict(result.skipped)
    assert "four-eyes" in reasons[ids[1]]
    assert ids[2] not in seen  # held by bob: not even in sara's queue
    assert "changed since you looked" in reasons[ids[3]]
    assert tr.get(store, ids[0], "fa").status == Status.APPROVED
    assert tr.get(store, ids[3], "fa").status == Status.MACHINE
    held = approve_selection(store, "fa", [(ids[2], 1)], who="sara")
    assert "bob" in dict(held.skipped)[ids[2]]
    assert tr.get(store, ids[0], "fa").reviewed_by == "sara"
