"""The page-wide chrome scan gives the per-line tests' answers on every line, hostile ones too
(and the one search for dated lines finds every line find_date finds a date in)."""

from __future__ import annotations

import pytest

from pipeline.extract import chrome as ch
from pipeline.extract.chromescan import (
    BULLET_START,
    FOOTER_RULES,
    HARD_RULES,
    SHORT_MAX,
    TEASER_LINK,
    PageScan,
    Rule,
)
from pipeline.extract.dates import YEAR_HINT, YEAR_STARTS, find_date

#: Letters that match ASCII ones under re.I or case folding without being them.
_ODD = {"i": ("ı", "İ"), "s": ("ſ",), "k": ("\u212a",), "st": ("ﬆ", "ﬅ"), "fi": ("ﬁ",),
        "ff": ("ﬀ",), "ss": ("ß",)}

_FIXED = [
    "3 comments", "No Responses", "Comments (4)", "comments are closed", "12 Replies",
    "August 8, 2018 0 comments", "2 reactions", "5 min read", "Views: 1,234", "2.3k shares",
    "Print this", "Font size", "A A A", "AAA", "Listen to this article", "(BUTTON) Search",
    "[ ] Remember me", "[X]", "IFRAME: https://example.org/embed", "[INS: :INS]", "Name ____",
    "© 2025 Hilltop Gazette", "(c) 2024 Site", "Copyright 2020 Site", "All Rights Reserved",
    "Home » News » Title", "Home / News / Title", "Start › Town", "a | b | c", "x :: y :: z",
    "FacebookTwitterEmail", "BoatsQuayCranes", "Boats QuayCranes", "Share Tweet Email",
    "Share: Facebook | Twitter", "X Facebook",
    "Read more »", "[…]", "Continue Reading →", "— Full story …", "Posted in News | Leave a comment",
    "Tags: one, two", "News · Sport · Weather", "Older Posts", "the word comments in a sentence.",
    "An ordinary paragraph of body text that is long enough to be a paragraph and says nothing "
    "about chrome at all, with a date 12 May 2024 and a (parenthesis).",
    # Over SHORT_MAX: only the copyright and breadcrumb tests can hold.
    "Home » " + "A very long breadcrumb trail segment » " * 5 + "Title",
    "© 2025 Hilltop Gazette. " + "All of this text is the site's own and may not be copied. " * 3,
]


def _variants(phrase: str) -> list[str]:
    out = [phrase, phrase.title(), phrase.upper(), f"{phrase}:", f"» {phrase} (3)",
           f"1 {phrase}", f"News | {phrase}", f"— {phrase} …", f"{phrase} and more words here"]
    for plain, odd in _ODD.items():
        for o in odd:
            out += [v.replace(plain, o) for v in out[:3] if plain in v]
    return out


def _lines() -> list[str]:
    phrases = [*ch.WIDGET_PHRASES, *ch.CLOSING_PHRASES, *ch.TEASER_PHRASES, *ch.SHARE_WORDS,
               *_FIXED]
    lines = [v for p in phrases for v in _variants(p)]
    return list(dict.fromkeys(" ".join(t.split()) for t in lines))  # squashed, as pages hold


def _expected(rules: tuple[Rule, ...], texts: list[str]) -> list[bool]:
    return [any(r.test(t) for r in rules) for t in texts]


@pytest.mark.parametrize("rules", [FOOTER_RULES, HARD_RULES, (TEASER_LINK,)],
                         ids=["footer", "hard", "teaser_link"])
def test_scan_flags_what_the_line_tests_flag(rules: tuple[Rule, ...]) -> None:
    texts = _lines()
    expected = _expected(rules, texts)
    assert sum(expected) > 50  # the table reaches the tests
    assert any(e and len(t) > SHORT_MAX for t, e in zip(texts, expected, strict=True)) \
        or rules is not HARD_RULES
    assert PageScan(texts).flags(rules) == expected
    # Each line alone too: a page without ı or İ relies on the prefilters only.
    for t, want in zip(texts, expected, strict=True):
        assert PageScan([t]).flags(rules) == [want], t


def test_long_lines_are_flagged_as_the_line_tests_flag_them() -> None:
    # Over SHORT_MAX the copyright and breadcrumb tests run only where a start string is in the
    # line's key: every table line, with paragraph text before or after it, keeps its answer.
    filler = "Text of a long paragraph that runs on and on " * 4
    texts = [v for t in _lines() for v in (f"{filler}{t}", f"{t} {filler}")]
    texts = [" ".join(t.split()) for t in texts]
    assert all(len(t) > SHORT_MAX for t in texts)
    expected = _expected(HARD_RULES, texts)
    assert sum(expected) > 20
    assert PageScan(texts).flags(HARD_RULES) == expected


def test_dotless_i_page_runs_the_re_i_tests_on_every_line() -> None:
    texts = ["Lead paragraph", "3 replıes", "5 mın read"]  # re.I takes ı for i
    assert ch.is_meta(texts[1]) and ch.is_tool(texts[2])
    assert PageScan(texts).flags(FOOTER_RULES) == [False, True, False]
    assert PageScan(texts).flags(HARD_RULES) == [False, False, True]


def test_scan_keys_are_the_lines_keys() -> None:
    texts = _lines() + ["Straße ﬆory", "İstanbul", "ΑΣ ΑΣ"]
    assert PageScan(texts).keys == [ch.key(t) for t in texts]
    assert PageScan([]).keys == [] and PageScan([]).flags(HARD_RULES) == []


def test_bullet_lines_start_with_a_bullet_the_scan_finds() -> None:
    raws = ["  • " + "A long item of a bulleted list that runs on for more words " * 4,
            "  • Home", "\t* Sport", "  + Weather", "   - Town", "\u00a0 ▪ x", "• x", "-x", "*",
            " -- rule", "Plain line", "  1. Numbered", "               o Harbour",
            "                    # Quay", "   o sea que no", "o Harbour"]
    texts = [" ".join(r.split()) for r in raws]
    found = set(PageScan(texts).bullet_candidates())
    assert found == set(PageScan(texts).matching_texts(BULLET_START))
    assert sorted(found) == PageScan(texts).bullet_candidates()
    assert {i for i, r in enumerate(raws) if ch.is_bullet(r)} <= found
    assert 0 in found and 10 not in found
    # lynx's bullets of nested lists; a paragraph (indented three) may start with the word "o".
    assert [ch.is_bullet(r) for r in raws[12:]] == [True, True, False, False]


def test_every_line_with_a_date_matches_the_year_hint() -> None:
    lines = ["August 8, 2018 0 comments", "Posted 3rd March 2024 by Ann", "25/12/2023",
             "2023/03/14", "Tuesday, 14 March, 2023 at 9:40 a.m.", "1.3.1999", "x 2019-01-02",
             "١٢ May ٢٠٢٤", "12 May 20٢٤", "May 1, 2024x", "no date 12 3 20 19", "in 2030s"]
    dated = [t for t in lines if find_date(t) is not None]
    assert len(dated) >= 7
    assert all(YEAR_HINT.search(t) for t in dated)
    found = set(PageScan(lines).matching_texts(YEAR_HINT))
    assert {i for i, t in enumerate(lines) if find_date(t)} <= found


@pytest.mark.parametrize("rule", [r for r in (*FOOTER_RULES, *HARD_RULES, TEASER_LINK)
                                  if r.starts],
                         ids=lambda r: r.test.__name__)
def test_lines_found_by_their_start_strings_are_the_prefilters_lines(rule: Rule) -> None:
    texts = _lines() + ["a » b", "x::y", "(C) 2024", "©", "Replies", "no such line"]
    scan = PageScan(texts)
    found = list(scan.candidates(rule.prefilter, rule.starts))
    assert found and found == list(scan.candidates(rule.prefilter))
    for t in texts:  # each line alone (the first and the last line of a page)
        assert list(PageScan([t]).candidates(rule.prefilter, rule.starts)) \
            == list(PageScan([t]).candidates(rule.prefilter)), t


def test_dated_lines_found_by_their_year_digits_are_the_year_hints_lines() -> None:
    texts = _lines() + ["in 2030s", "1999", "x 20199 y", "2024-05-01", "12 May 2024", "19 20 1920"]
    scan = PageScan(texts)
    found = list(scan.matching_texts(YEAR_HINT, YEAR_STARTS))
    assert len(found) >= 4 and found == list(scan.matching_texts(YEAR_HINT))
