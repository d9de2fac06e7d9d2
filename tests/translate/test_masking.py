"""Masking: protected spans become placeholders and come back exactly, or the loss is detected."""

from __future__ import annotations

import pytest

from pipeline.translate.masking import Masker, placeholder, protected_spans, unmask

CASES = [
    ("Read https://example.org/a?b=1 today.", ["https://example.org/a?b=1"]),
    ("Write to desk@news.example.com for tips.", ["desk@news.example.com"]),
    ("The report [12] said so [3].", ["[12]", "[3]"]),
    ("A <b>bold</b> claim.", ["<b>", "</b>"]),
    ("Use `pipeline check` and **stop**.", ["`pipeline check`", "**", "**"]),
    ("See www.example.org.", ["www.example.org"]),
    ("Nothing to protect here.", []),
]


@pytest.mark.parametrize(("text", "spans"), CASES)
def test_protected_spans(text: str, spans: list[str]) -> None:
    assert protected_spans(text) == spans


@pytest.mark.parametrize(("text", "spans"), CASES)
def test_mask_then_unmask_restores_the_text(text: str, spans: list[str]) -> None:
    m = Masker().mask(text)
    assert m.spans == tuple(spans)
    assert m.text.count("\u27e6") == len(spans)
    for span in spans:
        assert span not in m.text
    assert unmask(m.text, m) == text


@pytest.mark.parametrize("terms", [(), ("Nejat Society",)])
def test_spans_of_two_texts_are_each_texts_own_spans(terms: tuple[str, ...]) -> None:
    masker = Masker(terms)
    texts = [t for t, _ in CASES] + [
        "ends with *", "* starts the next", "a link to ht", "tp://x.org in two", "__",
        "Nejat Society met at <i>noon</i>", "[1] and desk@news.example.com",
    ]
    for first in texts:
        for second in texts:
            assert masker.spans_both(first, second) == (masker.spans(first),
                                                        masker.spans(second))


def test_glossary_terms_are_whole_words_longest_first() -> None:
    m = Masker(["Nejat", "Nejat Society", "UN"]).mask("The Nejat Society met UNESCO and the UN.")
    assert m.spans == ("Nejat Society", "UN")
    assert "UNESCO" in m.text


def test_placeholders_may_move_and_gain_spaces_in_translation() -> None:
    m = Masker().mask("See [1] and https://x.example/y")
    moved = f"و {placeholder(1)} را ببینید ⟦ 0 ⟧"
    assert unmask(moved, m) == "و https://x.example/y را ببینید [1]"


@pytest.mark.parametrize("broken", ["lost everything", "⟦0⟧ only", "⟦0⟧ ⟦1⟧ ⟦1⟧", "⟦0⟧ ⟦1⟧ ⟦7⟧"])
def test_lost_repeated_or_invented_placeholder_is_detected(broken: str) -> None:
    m = Masker().mask("See [1] and https://x.example/y")
    assert unmask(broken, m) is None


def test_text_already_holding_brackets_is_left_unmasked() -> None:
    m = Masker().mask("A ⟦strange⟧ text with https://x.example")
    assert not m.masked and unmask("anything", m) == "anything"
