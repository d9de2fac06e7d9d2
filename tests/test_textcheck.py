"""The text check finds the first character that cannot be stored, in short and long texts."""

from __future__ import annotations

import pytest

from pipeline.textcheck import _BAD, find_bad

_BADS = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x0e", "\x1f", "\ud800", "\udfff", "\ufeff",
         "\ufffe", "\uffff"]
_FINE = ["\t", "\n", "\r", " ", "é", "\u200c", "\ufffd", "\uffef", "\ufefe", "\U0001f600", "\x7f",
         "\x85", "ﬆ"]


@pytest.mark.parametrize("size", [10, 300, 5000])
def test_find_bad_finds_the_first_bad_character_at_any_length(size: int) -> None:
    for bad in _BADS:
        for fine in _FINE:
            text = (fine + "text ") * (size // 6) + bad + "tail" + bad
            found = find_bad(text)
            assert found is not None and found[0] == text.index(bad), (bad, fine, size)
    for fine in _FINE:
        text = (fine + "text ") * (size // 6)
        assert find_bad(text) is None, (fine, size)
        assert _BAD.search(text) is None
