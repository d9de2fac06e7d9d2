"""Approve, edit, reject, revert: rules, conflicts, events."""

from __future__ import annotations

import pytest

from pipeline.errors import ConflictError, PolicyError, TransitionError, UsageError
from pipeline.review import actions
from pipeline.review.history import describe, unit_history
from pipeline.states import Action
from pipeline.store import Store
from pipeline.store import translations as tr
from tests.review.helpers import article_with_mt


@pytest.fixture
def unit(store: Store) -> str:
    return article_with_mt(store, "a1", ["The minister spoke."])[1]


def _events(store: Store, unit: str) -> list[str]:
    return [e["action"] for e in unit_history(store, unit, "fa")]


def test_approve_records_reviewer_and_event(store: Store, unit: str) -> None:
    t = actions.approve(store, unit, "fa", who="ana", revision=1)
    assert (t.status, t.reviewed_by, t.revision) == ("approved", "ana", 2)
    assert _events(store, unit) == ["machine", "approve"]
    last = unit_history(store, unit, "fa")[-1]
    assert (last["who"], last["old_status"], last["new_status"]) == ("ana", "machine", "approved")


def test_stale_revision_conflicts_and_changes_nothing(store: Store, unit: str) -> None:
    actions.edit(store, unit, "fa", "وزیر سخن گفت.", who="ana", revision=1)
    with pytest.raises(ConflictError, match="revision 2, you had 1"):
        actions.approve(store, unit, "fa", who="bob", revision=1)
    with pytest.raises(ConflictError):
        actions.reject(store, unit, "fa", "no", who="bob", revision=1)
    t = tr.get(store, unit, "fa")
    assert (t.status, t.text, t.revision) == ("translated", "وزیر سخن گفت.", 2)
    assert _events(store, unit) == ["machine", "edit"]


def test_edit_keeps_text_exactly_and_marks_the_author(store: Store, unit: str) -> None:
    text = "  وزیر\u200cها  سخن گفتند. "
    t = actions.edit(store, unit, "fa", text, who="ana")
    assert (t.text, t.status, t.translated_by, t.origin) == (text, "translated", "ana", "human")
    with pytest.raises(UsageError, match="empty"):
        actions.edit(store, unit, "fa", "   ", who="ana")


def test_reject_needs_a_reason_and_keeps_it(store: Store, unit: str) -> None:
    with pytest.raises(UsageError, match="reason"):
        actions.reject(store, unit, "fa", " ", who="ana")
    t = actions.reject(store, unit, "fa", "names are wrong", who="ana")
    assert (t.status, t.reason) == ("rejected", "names are wrong")
    assert unit_history(store, unit, "fa")[-1]["detail"]["reason"] == "names are wrong"
    assert "reason: names are wrong" in describe(unit_history(store, unit, "fa")[-1])
    with pytest.raises(TransitionError, match="cannot approve a translation that is rejected"):
        actions.approve(store, unit, "fa", who="bob")
    # An edit clears the reason: the text it was about is gone.
    assert actions.edit(store, unit, "fa", "متن تازه", who="bob").reason is None


def test_four_eyes_forbids_approving_own_text(store: Store, unit: str) -> None:
    actions.edit(store, unit, "fa", "وزیر سخن گفت.", who="ana")
    rules = actions.Rules(four_eyes=True)
    with pytest.raises(PolicyError, match="four-eyes"):
        actions.approve(store, unit, "fa", who="ana", rules=rules)
    assert tr.get(store, unit, "fa").status == "translated"
    assert actions.approve(store, unit, "fa", who="bob", rules=rules).status == "approved"
    # Without the rule, self-approval is allowed.
    actions.edit(store, unit, "fa", "دوباره", who="cyd")
    assert actions.approve(store, unit, "fa", who="cyd").status == "approved"


def test_machine_never_overwrites_human_work(store: Store, unit: str) -> None:
    actions.edit(store, unit, "fa", "ترجمه انسانی", who="ana")
    with pytest.raises(TransitionError):
        tr.change(store, unit, "fa", Action.MACHINE, who=None, text="ماشین")
    actions.approve(store, unit, "fa", who="bob")
    with pytest.raises(TransitionError):
        tr.change(store, unit, "fa", Action.MACHINE, who=None, text="ماشین")
    assert tr.get(store, unit, "fa").text == "ترجمه انسانی"


def test_untranslated_cannot_be_approved(store: Store) -> None:
    from tests.factories import add_article

    add_article(store, "b", [("paragraph", "Nothing yet.")])
    uid = store.conn.execute("SELECT id FROM units WHERE article_id = 'b'").fetchone()[0]
    with pytest.raises(TransitionError):
        actions.approve(store, uid, "fa", who="ana")


def test_revert_restores_an_earlier_text_as_a_new_event(store: Store, unit: str) -> None:
    actions.edit(store, unit, "fa", "نسخه یک", who="ana")
    first = unit_history(store, unit, "fa")[-1]["id"]
    actions.edit(store, unit, "fa", "نسخه دو", who="bob")
    t = actions.revert(store, unit, "fa", first, who="cyd")
    assert (t.text, t.status, t.translated_by) == ("نسخه یک", "translated", "cyd")
    hist = unit_history(store, unit, "fa")
    assert [e["action"] for e in hist] == ["machine", "edit", "edit", "revert"]
    assert hist[-1]["detail"]["reverted_to"] == first
    assert hist[-1]["old_text"] == "نسخه دو"


def test_revert_refuses_foreign_or_missing_events(store: Store, unit: str) -> None:
    from pipeline.errors import NotFound

    other = article_with_mt(store, "b", ["Else."])[1]
    foreign = unit_history(store, other, "fa")[-1]["id"]
    with pytest.raises(UsageError, match="belongs to unit"):
        actions.revert(store, unit, "fa", foreign, who="ana")
    with pytest.raises(NotFound, match="no event 99999"):
        actions.revert(store, unit, "fa", 99999, who="ana")
    assert _events(store, unit) == ["machine"]


def test_someone_must_be_named(store: Store, unit: str) -> None:
    with pytest.raises(UsageError, match="PIPELINE_REVIEWER"):
        actions.approve(store, unit, "fa", who=None)
