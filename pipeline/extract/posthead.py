"""Where a post starts and ends in a text dump: its title line, datelines and bylines under it,
and the menu and link blocks around it (found by line shape, not by any site's strings)."""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import repeat
from typing import Protocol

from pipeline.extract import chrome as ch
from pipeline.extract.dates import find_date
from pipeline.extract.textlines import BY as _BY
from pipeline.extract.textlines import Line, blocks_of

BY_NAME = re.compile(r"\bby\s+([^|,;]+?)\s*(?:[|,;]|$)", re.I)
_DATELINE_WORDS = {"posted", "published", "updated", "on", "date:", "posted:", "published:"}


class HeadPage(Protocol):
    """What these rules read of a page: its lines and their chrome and bullet flags."""

    lines: list[Line]
    hard: list[bool]
    bullet: list[bool]


@lru_cache(maxsize=16384)  # pure in the line's text, asked by many rules per line
def date_only(text: str) -> bool:
    """A line that is a date and little else (`March 3, 2024`, `Posted 3 May 2024`)."""
    if len(text) > 48:  # (a line without digits is refused by find_date's own first test)
        return False
    found = find_date(text)
    return found is not None and len(text.split()) <= len(found[0].split()) + 2


@lru_cache(maxsize=16384)  # pure in the line's text, asked by many rules per line
def texty(text: str) -> bool:
    """Paragraph text: a long line, or a sentence of eight words or more."""
    return not ch.is_short(text) or (ch.ends_sentence(text) and len(text.split()) >= 8)


def texty_chars(texts: list[str]) -> list[int]:
    """Per text: its length if it is paragraph text (texty), else 0; for a page's squashed
    lines (single spaces, no white space at the ends), in one pass without a call per line.

    >>> texty_chars(["Short line", "A sentence of eight words or more here.", "x " * 80 + "x"])
    [0, 39, 161]
    """
    # Squashed, a line's words are its spaces + 1 and it ends where its text does.
    short, words, end = ch.MAX_SHORT_CHARS, ch.MAX_SHORT_WORDS, ch.TERMINAL
    return [n if n > short or c >= words or (c >= 7 and t.endswith(end)) else 0
            for t, n, c in zip(texts, map(len, texts), map(str.count, texts, repeat(" ")),
                               strict=True)]


_NAME_WORD = re.compile(r"^(?:[A-Z][\w'’.-]*|van|von|de|da|al-\w+|and|&)$")
_TIME_WORD = re.compile(r"^(?:at|\d{1,2}[:.]\d\d|[ap]\.?m\.?|gmt|utc|[a-z]{2,4}t|[|·•,–—-])$", re.I)


def person(text: str) -> bool:
    """A bare byline: two to six capitalised words (`Ann Lee`, `Ann Lee, health reporter`)."""
    name = text.split(",")[0].split()
    return (2 <= len(name) <= 6 and len(text.split()) <= 9 and not ch.ends_sentence(text)
            and all(_NAME_WORD.match(w) for w in name) and not any(c.isdigit() for c in text)
            and name[0][0].isupper())


def heading_like(page: HeadPage, i: int) -> bool:
    """Could be a title: short, not a sentence, not chrome, a date or a credit line."""
    return not page.hard[i] and not page.bullet[i] and heading_text(page.lines[i].text)


@lru_cache(maxsize=16384)  # pure in the line's text, asked by many rules per line
def heading_text(t: str) -> bool:
    """heading_like's tests of the line's text (the page's chrome flags aside)."""
    return (ch.is_short(t) and not t.endswith((".", ",", ";", ":")) and not date_only(t)
            and not _BY.match(t) and not header_meta(t) and not ch.URL.match(t))


def label(page: HeadPage, i: int) -> bool:
    """Could be a category label: six words or fewer, not a sentence, not chrome or a date."""
    t = page.lines[i].text
    return (len(t.split()) <= 6 and not ch.ends_sentence(t) and not page.hard[i]
            and not page.bullet[i] and not date_only(t))


def meta_anchor(page: HeadPage, s: int, stop: int, *, with_category: bool) -> tuple[int | None, int] | None:
    """(category, title) of a post whose title sits over a byline/dateline, or None.

    The first `By NAME`/`Published DATE`/bare-date line a few lines above the first paragraph
    fixes the title: the nearest heading-like line above it (over a bare name next to the
    date). A short label alone just above the title (its own block, or the first line of the
    title's block) is the category. Everything above belongs to the page, not the post.
    """
    lines = page.lines
    j: int | None = None
    for k in range(max(s, stop - 5), min(len(lines), stop + 2)):
        if credit_or_date(lines[k].text):
            j = k
            break
        if k > stop:  # a second paragraph: the body has begun
            break
    if j is None or j <= s:
        return None
    # A dateline above the title: [category] date, then the title alone over the first
    # paragraph (the line above the date is no headline).
    k = j + 1
    while k < stop and (credit_or_date(lines[k].text) or person(lines[k].text)):
        k += 1
    if (k == stop - 1 and lines[k].block != lines[j].block and heading_like(page, k)
            and (j - 1 < s or len(lines[j - 1].text.split()) <= 6 or not heading_like(page, j - 1))):
        c = j - 1
        top = c >= s and label(page, c) and (c == s or lines[c - 1].block != lines[c].block)
        return (c if with_category and top else None), k
    # Over a standfirst (one sentence between title and dateline), the title is above it.
    t = j - 1 if j <= stop else stop - 1
    if t < s:
        return None
    if (person(lines[t].text) and t - 1 >= s and lines[t].block == lines[j].block
            and lines[t - 1].block != lines[t].block and heading_like(page, t - 1)):
        t -= 1
    if not heading_like(page, t):
        return None
    c = t - 1
    cat: int | None = None
    if with_category and c >= s and label(page, c) and (c == 0 or lines[c - 1].block != lines[c].block):
        cat = c
    return cat, t


def label_over_title(page: HeadPage, i: int, first_long: int) -> bool:
    """`Label / Title / first paragraph` in one block: the label is the post's category."""
    lines = page.lines
    return (i + 2 == first_long < len(lines) and lines[i].block == lines[first_long].block
            and label(page, i) and heading_like(page, i + 1)
            and len(lines[i].text.split()) < len(lines[i + 1].text.split()))


def credit_or_date(text: str) -> bool:
    """A header line under a title: `By NAME`, `Published DATE`, a bare date."""
    return header_meta(text) or (bool(_BY.match(text)) and len(text.split()) <= 8)


def link_block(page: HeadPage, b: list[int]) -> bool:
    """Three or more short lines with no sentence among them: a menu, share or link block."""
    lines = page.lines
    if len(b) < 3:
        return False
    texts = [lines[i].text for i in b]
    if any(not ch.is_short(t) or ch.ends_sentence(t) or header_meta(t) or _BY.match(t)
           for t in texts):
        return False
    texts = [_MARKER.sub("", t) for t in texts]  # `1. Headline`, `• Headline`
    few = sum(len(t.split()) <= 3 for t in texts)
    return few * 3 >= len(texts) * 2 or all(len(t.split()) <= 8 and t[:1].isupper() for t in texts)


_MARKER = re.compile(r"^(?:\d{1,2}[.)]|[•◦▪·*+\-–—])\s+")


def skip_nav_blocks(page: HeadPage, s: int, stop: int) -> int:
    """Past the last menu block (three or more short link-like lines) above the first paragraph.

    Only when a heading-like line is left between it and the paragraph (the title).
    """
    for b in reversed(blocks_of(page.lines, list(range(s, stop)))):
        if link_block(page, b) and any(heading_like(page, i) for i in range(b[-1] + 1, stop)):
            return b[-1] + 1
    return s


def trim_tail_blocks(page: HeadPage, s: int, e: int) -> int:
    """The end of a post before its trailing link blocks (share, related, most-read, footer)."""
    last_long = max((i for i in range(s, e) if texty(page.lines[i].text)), default=None)
    if last_long is None:
        return e
    for b in blocks_of(page.lines, list(range(last_long + 1, e))):
        if link_block(page, b):
            return b[0]
    return e


@lru_cache(maxsize=16384)  # pure in the line's text, asked by many rules per line
def header_meta(text: str) -> bool:
    """A dateline under a title: `March 3, 2024`, `Posted on March 3, 2024 by Ann Lee`."""
    if not ch.is_short(text) or len(text.split()) > 14:
        return False
    found = find_date(text)
    if found is None:
        return False
    rest_text = text.replace(found[0], " ")
    again = find_date(rest_text)  # `Published 3 May 2024 | Updated 4 May 2024`
    if again is not None:
        rest_text = rest_text.replace(again[0], " ")
    rest = [w for w in rest_text.split() if not _TIME_WORD.match(w)
            and w.lower().strip(":,.") not in _DAY_WORDS]
    return len(rest) <= 2 or bool(BY_NAME.search(text)) or (
        bool(rest) and rest[0].lower() in _DATELINE_WORDS)


#: Weekdays and dateline labels that may stand around a printed date.
_DAY_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs "
    "fri sat sun updated published posted modified last first on date".split()
)
