"""No check crashes on any text: each returns None or a message, for every language."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.checks.base import Glossary, GlossaryTerm, UnitContext
from pipeline.checks.registry import CHECKS

# Text drawn from the characters that matter here: ASCII, Arabic script, digits of three
# systems, bidi controls and marks, markup and placeholder punctuation.
ALPHABET = st.sampled_from(
    list("abcXYZ 019.,;:?!%{}()[]<>/\"'@#\n\t") + list("سلامیکيك۰۱۹٠١٩٫٬؟،؛«»")
    + ["\u200c", "\u200e", "\u202e", "\u2067", "\u00a0", "https://", "www.", "<b>", "</b>",
       "%(n)s", "{x}", "[1]", "EU"]
)
TEXT = st.lists(ALPHABET, max_size=40).map("".join)
CONTEXTS = [
    UnitContext(lang=lang, glossary=Glossary.of([GlossaryTerm("EU", "اتحادیه"),
                                                  GlossaryTerm("abc", None, True)]),
                plural_form=plural)
    for lang in ("fa", "ar", "sq") for plural in (False, True)
]


@settings(max_examples=300, deadline=None)
@given(source=TEXT, target=TEXT, which=st.integers(0, len(CONTEXTS) - 1))
def test_checks_return_none_or_a_message(source: str, target: str, which: int) -> None:
    ctx = CONTEXTS[which]
    for check_class in CHECKS:
        result = check_class().check(source, target, ctx)
        assert result is None or (isinstance(result, str) and result.strip())


@settings(max_examples=200, deadline=None)
@given(text=TEXT, which=st.integers(0, len(CONTEXTS) - 1))
def test_a_translation_equal_to_its_source_only_fails_copy_and_script_checks(
        text: str, which: int) -> None:
    # Identical texts keep every number, link, marker, placeholder, tag and white space.
    ctx = CONTEXTS[which]
    kept = {"numbers", "links", "references", "placeholders", "markup", "edge_whitespace",
            "double_space", "end_punctuation", "length_ratio", "do_not_translate"}
    for check_class in CHECKS:
        if check_class.check_id in kept:
            assert check_class().check(text, text, ctx) is None, (check_class.check_id, text)
