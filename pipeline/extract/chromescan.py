"""The chrome tests of chrome.py over a whole page at once: one regex pass finds the few lines
each test can hold on, and only those lines are tested (the same answers, a fraction of the cost).

Each rule pairs a test with a prefilter, a pattern that matches in every line the test holds on
(a necessary condition, so skipping the other lines changes no answer). The prefilters search the
page's case-folded lines up to SHORT_MAX long, each after a newline (`\\n` + line + ... + `\\n`),
so a pattern that must start a line begins with the newline and the regex engine jumps between
newlines instead of trying every character. Why case-folded keys serve every test:

- tests that case-fold (`is_widget`, `is_teaser_end`) see the same characters;
- tests that lower-case (`is_share`, `is_copyright`) too: a character whose lower case holds an
  ASCII letter (or `©`, `(`) has that same case folding;
- tests with `re.I` (`is_meta`, `is_tool`) match `ı` and `İ` as `i`, which case folding keeps
  apart: on a page holding either, those tests run on every line (`Rule.dotted_i`).

tests/extract/test_chromescan.py holds every test against its prefilter on hostile lines.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate, compress, repeat
from operator import add, getitem, not_
from typing import NamedTuple

from pipeline.extract import chrome as ch


def _words(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _chars(chars: str) -> str:
    return "".join(re.escape(c) for c in chars)


class Rule(NamedTuple):
    """A line test and the prefilter every line it holds on matches (in the case-folded keys)."""

    prefilter: re.Pattern[str]
    test: Callable[[str], bool]
    dotted_i: bool = False  # the test uses re.I: run it on every line of a page with ı or İ
    #: The test can hold on a line over SHORT_MAX: run it on those too (only where the
    #: prefilter matches them when the rule has `starts`, else on all of them).
    long_lines: bool = False
    #: Strings every match of the prefilter starts with: its lines are then found with str.find
    #: (each hit confirmed by the prefilter), several times faster than the regex's own search
    #: for an alternation of words, which tries it at every character.
    starts: tuple[str, ...] = ()


#: The longest line any rule but `long_lines` ones can hold on (is_share, is_control: 160).
#: Only lines up to this long are searched: paragraphs are most of a page's text, and a search
#: through them costs more than testing them directly with the two rules that need it.
SHORT_MAX = 160


_STRIP = _chars(ch._PHRASE_STRIP)
_TEASER_STRIP = _chars(ch._PHRASE_STRIP + "…→.")

FOOTER_RULES: tuple[Rule, ...] = (
    # Every alternative of COUNTER names comments, responses, replies or reactions.
    Rule(re.compile(r"comment|respons|repl|reaction"), ch.is_meta, dotted_i=True,
         starts=("comment", "respons", "repl", "reaction")),
    # A share row starts with a share word (past `:|·•,`), or is one or two words of ASCII
    # letters run together (`FacebookTwitterEmail`).
    Rule(re.compile(rf"\n[:|·•,]*(?:{_words(ch.SHARE_WORDS)})|\n[a-z]+(?: [a-z]+)?(?=\n)"),
         ch.is_share),
    # The whole line is a teaser link once the strip characters are gone.
    Rule(re.compile(rf"\n[{_TEASER_STRIP}]*(?:{_words(ch._TEASER_SET)})[{_TEASER_STRIP}]*\n"),
         ch.is_teaser_end),
)
#: Breadcrumbs (a hard-chrome rule; the page's breadcrumb is looked for with it too).
CRUMB_RULE = Rule(ch.ANY_SEP, ch.is_breadcrumb, long_lines=True, starts=ch.SEPARATORS)
HARD_RULES: tuple[Rule, ...] = (
    Rule(re.compile(r"©|\(c\)|copyright|rights reserved"), ch.is_copyright, long_lines=True,
         starts=("©", "(c)", "copyright", "rights reserved")),
    CRUMB_RULE,
    # A widget phrase where the line starts, or where a part of a `a | b` row starts.
    Rule(re.compile(rf"\n[{_STRIP}]*(?:{_words(ch.WIDGET_PHRASES)})"), ch.is_widget),
    Rule(re.compile(rf"[|·•] [{_STRIP}]*(?:{_words(ch.WIDGET_PHRASES)})"), ch.is_widget,
         starts=("| ", "· ", "• ")),
    # What _CONTROL matches, case-folded.
    Rule(re.compile(r"\(button\)|\[[ x]?\]|____|\niframe:|\[ins:"), ch.is_control,
         starts=("(button)", "[", "____", "\niframe:")),
    # How each alternative of _TOOLS starts (the whole line must match it).
    Rule(re.compile(r"\n(?:[\d,.]|view|read|print|font|a ?a ?a\n|listen)"), ch.is_tool,
         dotted_i=True),
)
#: A teaser link (`Read more »`) holds one of the teaser phrases, case-folded (textdump finds
#: a page's teaser links with it once, where several rules ask about each line of a post).
TEASER_LINK = Rule(re.compile(_words(ch.TEASER_PHRASES)), ch.is_teaser_link,
                   starts=tuple(ch.TEASER_PHRASES))
#: A bullet line's squashed text starts with its bullet (BULLET allows only space before it).
BULLET_START = re.compile(r"\n(?:[•◦▪▫●○■□‣⁃∙·*+\-]|[o#@] )")
#: BULLET_START as a line's first character or first two (PageScan.bullet_candidates).
_BULLET_FIRST = frozenset("•◦▪▫●○■□‣⁃∙·*+-")
_BULLET_PAIRS = frozenset(("o ", "# ", "@ "))
_FIRST, _FIRST_TWO = slice(0, 1), slice(0, 2)


class PageScan:
    """A page's squashed texts and their case-folded keys (ch.key), joined once for the
    prefilters."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = texts
        joined = "\n" + "\n".join(texts) + "\n"
        self._joined = joined
        # (Line by line: case folding has a fast path for ASCII text, which most lines are;
        # folding the page in one string would take the slow path for all of it.)
        self.keys: list[str] = list(map(str.casefold, texts))
        # The lines up to SHORT_MAX long (`short`), their keys joined, and where each one's
        # leading newline is (and the closing one's).
        lens = list(map(len, texts))
        is_long = list(map(SHORT_MAX.__lt__, lens))
        self.short = list(compress(range(len(texts)), map(not_, is_long)))
        self.long = list(compress(range(len(texts)), is_long))
        short_keys = list(compress(self.keys, map(not_, is_long)))
        self._short_keys = "\n" + "\n".join(short_keys) + "\n"
        self._short_starts = list(accumulate(map(add, map(len, short_keys), repeat(1)), initial=0))
        # (The long lines' keys too, searched only with str.find for a rule's `starts`: a find
        # runs through paragraphs many times faster than a regex, or than a test a line.)
        long_keys = list(compress(self.keys, is_long))
        self._long_keys = "\n" + "\n".join(long_keys) + "\n"
        self._long_starts = list(accumulate(map(add, map(len, long_keys), repeat(1)), initial=0))
        self._starts = list(accumulate(map(add, lens, repeat(1)), initial=0))
        self._dotted_i = "ı" in joined or "İ" in joined

    def candidates(self, pattern: re.Pattern[str], starts: tuple[str, ...] = ()) -> Iterator[int]:
        """Indices of the lines up to SHORT_MAX long where `pattern` matches in their keys, in
        order, each once (`starts`: see Rule.starts)."""
        short = self.short
        found = (_holding(pattern, starts, self._short_keys, self._short_starts) if starts
                 else _matching(pattern, self._short_keys, self._short_starts))
        for k in found:
            yield short[k]

    def long_candidates(self, rule: Rule) -> Iterable[int]:
        """Indices of the lines over SHORT_MAX long that `rule` must be tested on, in order."""
        if not rule.starts:
            return self.long
        long = self.long
        return [long[k] for k in _holding(rule.prefilter, rule.starts, self._long_keys,
                                          self._long_starts)]

    def bullet_candidates(self) -> list[int]:
        """Indices of the lines BULLET_START matches (their text starts with a bullet), in
        order: found by their first characters, set lookups mapped over the page's lines (a
        wrapped dump's menus make half its lines such: cheaper than the regex's search)."""
        texts, n = self.texts, range(len(self.texts))
        ones = compress(n, map(_BULLET_FIRST.__contains__, map(getitem, texts, repeat(_FIRST))))
        twos = compress(n, map(_BULLET_PAIRS.__contains__, map(getitem, texts, repeat(_FIRST_TWO))))
        return sorted([*ones, *twos])  # (no line is in both: o, # and @ are no bullets alone)

    def matching_texts(self, pattern: re.Pattern[str], starts: tuple[str, ...] = ()) -> Iterator[int]:
        """Indices of all lines where `pattern` matches in their texts, in order, each once
        (`starts`: see Rule.starts)."""
        if starts:
            return iter(_holding(pattern, starts, self._joined, self._starts))
        return _matching(pattern, self._joined, self._starts)

    def flags(self, rules: Iterable[Rule], into: list[bool] | None = None) -> list[bool]:
        """Per line: does any rule's test hold (tested only where its prefilter matches)."""
        out = into if into is not None else [False] * len(self.texts)
        texts = self.texts
        for rule in rules:
            lines: Iterable[int] = (range(len(texts)) if rule.dotted_i and self._dotted_i
                                    else self.candidates(rule.prefilter, rule.starts))
            test = rule.test
            for k in lines:
                if not out[k] and test(texts[k]):
                    out[k] = True
            if rule.long_lines:
                for k in self.long_candidates(rule):
                    if not out[k] and test(texts[k]):
                        out[k] = True
        return out


def _matching(pattern: re.Pattern[str], joined: str, starts: list[int]) -> Iterator[int]:
    """Indices of the lines of `joined` (each after a newline, at `starts`) where `pattern`
    matches."""
    n = len(starts) - 1
    pos = 0
    while (m := pattern.search(joined, pos)) is not None:
        k = bisect_right(starts, m.start()) - 1
        if k >= n:  # (the closing newline)
            return
        yield k
        pos = starts[k + 1]  # on to the next line: one match a line is enough


def _holding(pattern: re.Pattern[str], starts: tuple[str, ...], joined: str,
             line_starts: list[int]) -> list[int]:
    """_matching's lines, for a pattern whose every match starts with one of `starts`."""
    n = len(line_starts) - 1
    out: set[int] = set()
    match = pattern.match
    for s in starts:
        p = joined.find(s)
        while p >= 0:
            if match(joined, p) is None:
                p = joined.find(s, p + 1)
                continue
            k = bisect_right(line_starts, p) - 1
            if k >= n:  # (the closing newline)
                break
            out.add(k)
            p = joined.find(s, line_starts[k + 1])  # on to the next line
    return sorted(out)
