"""textnorm.fold: the fast paths give exactly what the plain definition gives."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from pipeline.textnorm import _FOLD_TABLE, fold

_MARKS = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff]")


def _reference(text: str) -> str:
    """The definition: NFKC, marks dropped, Arabic-script letters and digits folded, spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = _MARKS.sub("", text).translate(_FOLD_TABLE)
    return re.sub(r"\s+", " ", text).strip().casefold()


_ALPHABET = st.sampled_from(list("aZ 9.\t\n\u00a0\u2009\u200c\u200e\u202b\u2067\ufeff\u0643\u064a"
                                 "\u0649\u0640\u06f1\u0661\u00c9\u00df\ufb01\u1e9e\u3000\x1c"))


@given(st.text(alphabet=_ALPHABET, max_size=40) | st.text(max_size=40))
def test_fold_equals_its_definition(text: str) -> None:
    assert fold(text) == _reference(text)


def test_fold_of_ascii_and_persian() -> None:
    assert fold("  The  Ferry\tRuns ") == "the ferry runs"
    assert fold("\u200fكتاب ۱۹۸۸") == fold("کتاب 1988") == "\u06a9\u062a\u0627\u0628 1988"
