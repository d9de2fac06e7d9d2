"""Text-dump lines: hard-wrapped paragraphs are found and joined back, other lines are kept."""

from __future__ import annotations

import textwrap

from pipeline.extract.textlines import read_lines, wrap_width

PARAS = [
    "The harbour board agreed on Monday to rebuild the north pier, which has been closed to "
    "boats since the storms of last winter damaged two of its piles and part of the deck.",
    "Work will start in April and should be finished before the summer season, when the ferry "
    "to the islands needs the pier for its larger boats and the crowds they bring along.",
]


def _menu(n: int) -> str:
    return "".join(f"     * Harbour services and timetables, section {k}\n" for k in range(n))


def _wrapped(paras: list[str]) -> str:
    return "\n\n".join(textwrap.fill(p, 78, initial_indent="   ", subsequent_indent="   ")
                       for p in paras) + "\n"


def test_wrapped_paragraphs_under_a_long_menu_are_joined_back() -> None:
    # The menu's long lines outnumber the wrapped ones: the lines at the right edge, each
    # followed by a word that would not have fitted there, still show the wrapping.
    page = _menu(40) + "\n" + _wrapped(PARAS * 2)
    assert wrap_width(page.splitlines()) > 0
    texts = [ln.text for ln in read_lines(page)]
    assert texts[-4:] == PARAS * 2
    assert texts.count("* Harbour services and timetables, section 3") == 1  # items stay apart


def test_one_paragraph_a_line_is_not_joined() -> None:
    # Paragraphs of many lengths, one a line with no blank line between (a browser's dump of
    # `<div>` text): no common right edge.
    paras = [" ".join([PARAS[k % 2]] * (1 + k % 3))[: 90 + 37 * k] for k in range(8)]
    page = _menu(40) + "\n" + "\n".join(paras) + "\n"
    assert wrap_width(page.splitlines()) == 0
    assert [ln.text for ln in read_lines(page)][-8:] == [" ".join(p.split()) for p in paras]
