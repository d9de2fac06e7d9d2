"""Word-level diffs of two versions of a text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.textdiff import as_json, inline, tokens, word_diff


@pytest.mark.parametrize("old, new, expected", [
    ("voted ten to two", "voted eleven to two", "voted [-ten-]{+eleven+} to two"),
    ("The plan.", "The new plan.", "The {+new +}plan."),
    ("Costs rose 10%.", "Costs rose 12%.", "Costs rose [-10-]{+12+}%."),
    ("same", "same", "same"),
    ("", "added", "{+added+}"),
    ("gone", "", "[-gone-]"),
    ("ده نفر رأی دادند", "یازده نفر رأی دادند", "[-ده-]{+یازده+} نفر رأی دادند"),
    ("a well-known fact", "a little-known fact", "a [-well-known-]{+little-known+} fact"),
])
def test_inline_marks_removed_and_added_words(old: str, new: str, expected: str) -> None:
    assert inline(old, new) == expected


def test_json_pieces_name_their_operation() -> None:
    assert as_json("ten to two", "eleven to two") == [
        {"op": "delete", "text": "ten"}, {"op": "insert", "text": "eleven"},
        {"op": "equal", "text": " to two"}]


@given(st.text(max_size=80), st.text(max_size=80))
def test_pieces_give_both_texts_back(old: str, new: str) -> None:
    pieces = word_diff(old, new)
    assert "".join(p.text for p in pieces if p.op != "insert") == old
    assert "".join(p.text for p in pieces if p.op != "delete") == new
    assert "".join(tokens(old)) == old
