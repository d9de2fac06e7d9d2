"""Text-dump lines grouped into blocks (runs between blank lines), and shared line patterns."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from itertools import accumulate, compress, repeat
from operator import not_
from typing import NamedTuple

from pipeline.textnorm import squash

#: A credit line: "By ...", "Translated by ...".
BY = re.compile(r"^(?:(?:written|translated|reported|words|text|story|report|posted) )?by\s+\S"
                r"|\b(?:translated|written|reporting|editing) by\b", re.I)
#: A photo credit or caption label: "Photo: ...".
CREDIT = re.compile(r"^(?:photo|image|picture|caption|credit|photograph)s?\s*:\s*\S", re.I)
#: A caption ending with its credit: "Boats in the harbour. Photo: Ann Lee/Agency".
CREDIT_TAIL = re.compile(
    r"(?:[.!?]\s+|\(|\s[|–—-]\s)(?:photo|image|picture|photograph|credit)s?\s*(?::|by)\s*[^.!?]{2,80}\)?$",
    re.I)


class Line(NamedTuple):
    """One non-blank line: raw text, squashed text, and the block (blank-separated run) it is in.

    (A named tuple, not a dataclass: one is made for every line of every page, and a frozen
    dataclass costs five times as much to make.)
    """

    raw: str
    text: str
    block: int


#: Makes a Line without the named tuple's Python-level __new__ (half the cost, same object).
_new_line = tuple.__new__


def squash_all(lines: list[str]) -> list[str]:
    """`" ".join(line.split())` of each line (white space squashed, ends stripped): the lines
    stripped, and the few that hold other white space than single spaces squashed (found with
    one test of the whole page: the stripped lines run together keep every such run).

    >>> squash_all(["  a \u00a0 b ", "", "\tc"])
    ['a b', '', 'c']
    """
    stripped = list(map(str.strip, lines))
    whole = "".join(stripped)  # (stripped lines cannot make a double space where they meet)
    if whole.isprintable() and "  " not in whole:  # every white space but " " is unprintable
        return stripped
    return list(map(squash, stripped))


def read_lines(text: str) -> list[Line]:
    """The non-blank lines of a page, white space squashed (NBSP too), with block numbers.

    A hard-wrapped dump (`lynx -dump`, `w3m -dump`: every paragraph broken at ~80 columns) has
    its wrapped lines joined back into one line per paragraph first (see `wrap_width`).
    """
    raws = text.splitlines()
    lens = list(map(len, map(str.rstrip, raws)))
    width = _wrap_width(raws, lens)
    texts = squash_all(raws)  # str.split() splits on NBSP and the other spaces too
    # Each line's block: the blank lines before it (a blank line has an empty text).
    blocks = list(accumulate(map(not_, texts), initial=0))
    nonblank = list(compress(range(len(texts)), texts))
    rests = _wrapped_rests(raws, texts, lens, nonblank, width) if width else []
    if rests:
        gone = set(rests)
        starts = [i for i in nonblank if i not in gone]
    else:
        starts = nonblank
    out = list(map(_new_line, repeat(Line), zip(map(raws.__getitem__, starts),
                                                 map(texts.__getitem__, starts),
                                                 map(blocks.__getitem__, starts), strict=True)))
    # Lines are made for all at once (no per-line Python code); then each line with wrapped
    # rests under it gets them joined on, in one join (linear in a paragraph's length).
    k, n = 0, len(rests)
    while k < n:
        first = last = rests[k]
        k += 1
        while k < n and rests[k] == last + 1:
            last = rests[k]
            k += 1
        a = first - 1
        at = bisect_left(starts, a)
        out[at] = _new_line(Line, (" ".join([raws[a], *texts[first:last + 1]]),
                                   " ".join(texts[a:last + 1]), blocks[a]))
    return out


def _wrapped_rests(raws: list[str], texts: list[str], lens: list[int], nonblank: list[int],
                   width: int) -> list[int]:
    """The lines (indices into `raws`, in order) that go on the non-blank line above them: it
    ran to the right edge, so this line's first word would not have fitted on it, and it starts
    no list item and sits at the indentation of the text above."""
    out: list[int] = []
    item, alnum = _ITEM_START.match, _ALNUM.search
    # (A line's first word is no longer than the line: a cheap first cut.)
    for i in [i for i in nonblank if i and texts[i - 1] and lens[i - 1] + len(texts[i]) >= width]:
        t = texts[i]
        sp = t.find(" ")
        if sp < 0:
            sp = len(t)
        if lens[i - 1] + 1 + sp <= width:
            continue
        raw = raws[i]
        prev = raws[i - 1]
        indent = len(raw) - len(raw.lstrip())
        if indent != len(prev) - len(prev.lstrip()):  # (the text of a list item above: past
            m = item(prev)  # its bullet; asked only when the indents differ)
            if m is None or indent != m.end():
                continue
        if item(raw) or not alnum(t, 0, sp):  # (a rule line, `_____`, is not text)
            continue
        out.append(i)
    return out


#: The share of long lines that end near the longest common length, with text on the next
#: line, for a dump to count as hard-wrapped (and at least WRAP_MIN_LINES of them). Tuned on
#: lynx/w3m dumps (80 columns) of trafilatura's evaluation pages, where most lines over 40
#: characters are such, against few in browser "save as text" dumps and none in the corpus
#: pages (one line per paragraph); 4 is two paragraphs wrapped over three lines each.
WRAP_SHARE = 0.3
WRAP_MIN_LINES = 4
#: How far short of the width a wrapped line may end: the longest word that would not fit.
WRAP_SLACK = 16
#: Else (a page whose menus are long lines) the share of the lines ending near that edge and
#: followed by text (not a list item) whose first word would not have fitted on them, when
#: they are also WRAP_BROKEN_SHARE of the long lines. Tuned on the same dumps (the pages the
#: first test misses; dev and check halves alike): 0.5 and 0.05 find 988/990 lynx and 975/990
#: w3m dumps wrapped (WRAP_SHARE alone: 978 and 951), three more browser dumps (their HTML is
#: hard-wrapped itself; browser F1 unchanged), but not a browser dump whose menu lines end near
#: the edge (3% of its long lines, the lynx/w3m pages 4-28%: joining its menu items made 24
#: articles of one) and none of the corpus pages.
WRAP_EDGE_SHARE = 0.5
WRAP_BROKEN_SHARE = 0.05


def wrap_width(raws: list[str]) -> int:
    """The column a dump is hard-wrapped at, or 0 when its lines are not wrapped.

    Wrapped: a common right edge (the 95th percentile of the long lines' lengths) that many
    lines reach and that is followed by more text in the same paragraph (the next line is not
    blank), where a page of one-line paragraphs has a blank line after its long lines.
    """
    return _wrap_width(raws, list(map(len, map(str.rstrip, raws))))


def _wrap_width(raws: list[str], lens: list[int]) -> int:
    """wrap_width, given each line's length without trailing white space."""
    lengths = [n for n in lens if n >= 40]
    if len(lengths) < 5:
        return 0
    lengths.sort()
    width = lengths[int(len(lengths) * 0.95)]  # the common right edge, a few overlong lines aside
    if width > 200:
        return 0
    low = width - WRAP_SLACK
    near = [k for k, n in enumerate(lens[:-1]) if low <= n <= width]
    wrapped = sum(1 for k in near if raws[k + 1].strip())
    if wrapped >= max(WRAP_MIN_LINES, WRAP_SHARE * len(lengths)):
        return width
    # A page with many long menu or link lines: most lines at the edge are still followed by
    # text whose first word would not have fitted on them.
    # (A list item or a blank line after a line tells nothing: it starts anew either way.)
    followed = broken = 0
    for k in near:
        nxt = raws[k + 1].split(None, 1)
        if nxt and not _ITEM_START.match(raws[k + 1]):
            followed += 1
            broken += lens[k] + 1 + len(nxt[0]) > width
    return width if broken >= max(WRAP_MIN_LINES, WRAP_EDGE_SHARE * followed,
                                  WRAP_BROKEN_SHARE * len(lengths)) else 0


_ITEM_START = re.compile(r"^\s*(?:[•◦▪▫●○■□‣⁃∙·*+\-–—]|\d{1,3}[.)]|\[\d+\])\s")


#: A letter or digit: `[^\W_]` is exactly the characters for which str.isalnum() is true.
_ALNUM = re.compile(r"[^\W_]")


def blocks_of(lines: list[Line], idx: list[int]) -> list[list[int]]:
    """The indices `idx` grouped by block, in order."""
    out: list[list[int]] = []
    for i in idx:
        if out and lines[out[-1][-1]].block == lines[i].block:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def true_runs(flags: Sequence[bool]) -> Iterator[tuple[int, int]]:
    """(start, end) of each maximal run of True values, in order.

    >>> list(true_runs([True, True, False, True]))
    [(0, 2), (3, 4)]
    """
    i, n = 0, len(flags)
    while i < n:
        if not flags[i]:
            i += 1
            continue
        j = i
        while j < n and flags[j]:
            j += 1
        yield i, j
        i = j
