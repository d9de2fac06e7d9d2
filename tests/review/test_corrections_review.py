"""Reviewing a stale unit: still correct, the machine suggestion, and what a machine may not do."""

from __future__ import annotations

import pytest

from pipeline.errors import PolicyError, TransitionError
from pipeline.review import actions, batch, interactive
from pipeline.states import Action
from pipeline.store import Store
from pipeline.store import mt as store_mt
from pipeline.store import review as q
from pipeline.store import translations as tr
from pipeline.store.mt import MachineResult
from tests.factories import publish_and_edit
from tests.review.test_interactive import _term

PARTS = [("title", "Bridge approved"), ("paragraph", "Ten councillors voted for it.")]
FA = ["پل تصویب شد", "ده عضو شورا به آن رأی دادند."]
EDIT = {"Ten councillors voted for it.": "Eleven councillors voted for it."}


@pytest.fixture
def stale(store: Store) -> str:
    """The unit an approved paragraph became after its English was edited."""
    return publish_and_edit(store, "bridge", PARTS, "fa", FA, EDIT)["Ten councillors voted for it."]


def _suggest(store: Store, unit: str, text: str = "یازده عضو شورا به آن رأی دادند.") -> None:
    store_mt.write_machine(store, [MachineResult(unit, "fa", text, origin="mt",
                                                 engine="ctranslate2", package="translate-en_fa",
                                                 flags=("test_model",))], who="machine")


def test_edited_english_keeps_the_approved_text_as_published_and_stale(store: Store,
                                                                       stale: str) -> None:
    t = tr.get(store, stale, "fa")
    assert (t.status, t.text, t.published_text) == ("stale", FA[1], FA[1])
    assert t.published_source == t.source_before == "Ten councillors voted for it."


def test_machine_text_for_a_stale_human_unit_is_only_a_suggestion(store: Store, stale: str) -> None:
    _suggest(store, stale)
    t = tr.get(store, stale, "fa")
    assert (t.status, t.text, t.published_text) == ("stale", FA[1], FA[1])
    assert t.suggestion == "یازده عضو شورا به آن رأی دادند." and t.has_machine_suggestion
    assert t.suggestion_meta == {"engine": "ctranslate2", "flags": ["test_model"], "origin": "mt",
                                 "package": "translate-en_fa"}
    assert t.flags == () and t.origin == "stale"  # the row still describes the human text
    # It stays at the top of the queue, and is not translated again.
    assert q.queue(store, "fa", limit=1)[0].unit_id == stale
    assert store_mt.pending_units(store, "fa") == []


def test_the_write_path_refuses_machine_text_over_a_person_s_stale_text(store: Store,
                                                                       stale: str) -> None:
    with pytest.raises(TransitionError, match="suggestion"):
        tr.change(store, stale, "fa", Action.MACHINE, who="machine", text="ماشین", origin="mt")
    assert tr.get(store, stale, "fa").text == FA[1]


def test_confirm_approves_the_old_text_in_one_event(store: Store, stale: str) -> None:
    _suggest(store, stale)
    t = actions.confirm(store, stale, "fa", who="reza")
    assert (t.status, t.text, t.suggestion, t.suggestion_meta) == ("approved", FA[1], None, None)
    assert t.published_source == "Eleven councillors voted for it." and t.corrected_at
    last = store.conn.execute("SELECT action, detail FROM events WHERE unit_id = ?"
                              " ORDER BY id DESC LIMIT 1", (stale,)).fetchone()
    assert last[0] == "confirm" and "Ten councillors" in last[1]
    with pytest.raises(TransitionError, match="not stale"):
        actions.confirm(store, stale, "fa", who="reza")


def test_accept_approves_the_suggestion_with_its_provenance(store: Store, stale: str) -> None:
    with pytest.raises(TransitionError, match="no machine suggestion"):
        actions.accept_suggestion(store, stale, "fa", who="reza")
    _suggest(store, stale)
    t = actions.accept_suggestion(store, stale, "fa", who="reza")
    assert (t.status, t.text, t.origin, t.flags) == (
        "approved", "یازده عضو شورا به آن رأی دادند.", "mt", ("test_model",))
    assert t.published_text == t.text and t.translated_by is None and t.reviewed_by == "reza"


def test_four_eyes_applies_to_confirm(store: Store, stale: str) -> None:
    with pytest.raises(PolicyError, match="four-eyes"):
        actions.confirm(store, stale, "fa", who="mina", rules=actions.Rules(four_eyes=True))


def test_batch_confirms_and_accepts(store: Store) -> None:
    ids = publish_and_edit(store, "b2", PARTS, "fa", FA, {
        "Bridge approved": "Bridge finally approved", **EDIT})
    title, para = ids["Bridge approved"], ids["Ten councillors voted for it."]
    _suggest(store, para)
    steps = batch.parse([f'{{"unit": "{title}", "action": "confirm"}}',
                         f'{{"unit": "{para}", "action": "accept"}}'],
                        source="b.jsonl", default_lang="fa", langs=["fa"])
    done = batch.apply(store, steps, who="reza", source="b.jsonl")
    assert [t.status for t in done] == ["approved", "approved"]
    assert tr.get(store, para, "fa").text == "یازده عضو شورا به آن رأی دادند."


def test_review_next_shows_old_and_new_source_and_takes_c_for_still_correct(
        store: Store, stale: str) -> None:
    _suggest(store, stale)
    term, out = _term(["c", "q"])
    tally = interactive.run(store, term, lang="fa", source_lang="en", who="reza", minutes=30)
    screen = out[0]
    assert "OLD SOURCE" in screen and "NEW SOURCE" in screen
    assert "[-Ten-]{+Eleven+}" in screen and "MACHINE SUGGESTION" in screen
    assert interactive.STALE_KEYS in screen
    assert tally.approved == 1 and tr.get(store, stale, "fa").status == "approved"


def test_review_next_a_on_a_stale_unit_approves_the_suggestion(store: Store, stale: str) -> None:
    _suggest(store, stale)
    term, out = _term(["a", "q"])
    interactive.run(store, term, lang="fa", source_lang="en", who="reza", minutes=30)
    assert tr.get(store, stale, "fa").text == "یازده عضو شورا به آن رأی دادند."
    assert "suggestion approved." in out
