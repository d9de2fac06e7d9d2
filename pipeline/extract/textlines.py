"""Text-dump lines grouped into blocks (runs between blank lines), and shared line patterns."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

#: A credit line: "By ...", "Translated by ...".
BY = re.compile(r"^(?:(?:written|translated|reported|words|text|story|report|posted) )?by\s+\S"
                r"|\b(?:translated|written|reporting|editing) by\b", re.I)
#: A photo credit or caption label: "Photo: ...".
CREDIT = re.compile(r"^(?:photo|image|picture|caption|credit|photograph)s?\s*:\s*\S", re.I)
#: A caption ending with its credit: "Boats in the harbour. Photo: Ann Lee/Agency".
CREDIT_TAIL = re.compile(
    r"(?:[.!?]\s+|\(|\s[|–—-]\s)(?:photo|image|picture|photograph|credit)s?\s*(?::|by)\s*[^.!?]{2,80}\)?$",
    re.I)


@dataclass(frozen=True)
class Line:
    """One non-blank line: raw text, squashed text, and the block (blank-separated run) it is in."""

    raw: str
    text: str
    block: int


def read_lines(text: str) -> list[Line]:
    """The non-blank lines of a page, white space squashed (NBSP too), with block numbers.

    A hard-wrapped dump (`lynx -dump`, `w3m -dump`: every paragraph broken at ~80 columns) has
    its wrapped lines joined back into one line per paragraph first (see `wrap_width`).
    """
    raws = text.splitlines()
    width = wrap_width(raws)
    # (raw pieces, text pieces, block) of each line; joined once at the end, so a paragraph
    # wrapped over many lines costs linear time.
    parts: list[tuple[list[str], list[str], int]] = []
    block = 0
    prev_raw = ""
    for raw in raws:
        t = " ".join(raw.split())  # str.split() splits on NBSP and the other spaces too
        if not t:
            block += 1
            prev_raw = ""
            continue
        if width and prev_raw and _continues(prev_raw, raw, t, width):
            parts[-1][0].append(t)
            parts[-1][1].append(t)
        else:
            parts.append(([raw], [t], block))
        prev_raw = raw
    return [Line(" ".join(r), " ".join(x), b) for r, x, b in parts]


#: The share of long lines that end near the longest common length, with text on the next
#: line, for a dump to count as hard-wrapped (and at least WRAP_MIN_LINES of them). Tuned on
#: lynx/w3m dumps (80 columns) of trafilatura's evaluation pages, where most lines over 40
#: characters are such, against few in browser "save as text" dumps and none in the corpus
#: pages (one line per paragraph); 4 is two paragraphs wrapped over three lines each.
WRAP_SHARE = 0.3
WRAP_MIN_LINES = 4
#: How far short of the width a wrapped line may end: the longest word that would not fit.
WRAP_SLACK = 16


def wrap_width(raws: list[str]) -> int:
    """The column a dump is hard-wrapped at, or 0 when its lines are not wrapped.

    Wrapped: a common right edge (the 95th percentile of the long lines' lengths) that many
    lines reach and that is followed by more text in the same paragraph (the next line is not
    blank), where a page of one-line paragraphs has a blank line after its long lines.
    """
    lengths = [n for r in raws if (n := len(r.rstrip())) >= 40]
    if len(lengths) < 5:
        return 0
    lengths.sort()
    width = lengths[int(len(lengths) * 0.95)]  # the common right edge, a few overlong lines aside
    if width > 200:
        return 0
    wrapped = sum(1 for r, nxt in zip(raws, raws[1:], strict=False)
                  if width - WRAP_SLACK <= len(r.rstrip()) <= width and nxt.strip())
    return width if wrapped >= max(WRAP_MIN_LINES, WRAP_SHARE * len(lengths)) else 0


def _indent(raw: str) -> int:
    return len(raw) - len(raw.lstrip())


_ITEM_START = re.compile(r"^\s*(?:[•◦▪▫●○■□‣⁃∙·*+\-–—]|\d{1,3}[.)]|\[\d+\])\s")


def _continues(prev_raw: str, raw: str, text: str, width: int) -> bool:
    """`raw` is the wrapped rest of `prev_raw`: the previous line ran to the right edge (this
    line's first word would not have fitted on it), and this line starts no list item and sits
    at the indentation of the previous line's text."""
    prev = prev_raw.rstrip()
    first_word = text.split(" ", 1)[0]
    if (len(prev) + 1 + len(first_word) <= width or _ITEM_START.match(raw)
            or not any(c.isalnum() for c in first_word)):  # a rule line (`_____`) is not text
        return False
    m = _ITEM_START.match(prev_raw)
    text_col = m.end() if m else _indent(prev_raw)
    return _indent(raw) in (text_col, _indent(prev_raw))


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
