"""Review statuses and transitions."""

from __future__ import annotations

import pytest

from pipeline.errors import TransitionError
from pipeline.states import Action, Status, po_flags, transition


@pytest.mark.parametrize(
    ("status", "action", "expected"),
    [
        ("untranslated", "machine", "machine"),
        ("stale", "machine", "machine"),
        ("machine", "approve", "approved"),
        ("translated", "approve", "approved"),
        ("approved", "reject", "rejected"),
        ("rejected", "edit", "translated"),
        ("approved", "source_changed", "stale"),
    ],
)
def test_allowed_transitions(status: str, action: str, expected: str) -> None:
    assert transition(status, action) is Status(expected)


@pytest.mark.parametrize(
    ("status", "action"),
    [("approved", "machine"), ("translated", "machine"), ("untranslated", "approve"),
     ("rejected", "approve"), ("untranslated", "reject")],
)
def test_forbidden_transitions(status: str, action: str) -> None:
    with pytest.raises(TransitionError, match=f"cannot {action}"):
        transition(status, action)


def test_every_action_has_a_rule() -> None:
    from pipeline.states import TRANSITIONS

    assert set(TRANSITIONS) == set(Action)


def test_po_flags() -> None:
    assert po_flags("approved") == []
    assert po_flags("machine") == ["fuzzy"]
    assert po_flags("stale") == ["fuzzy"]
