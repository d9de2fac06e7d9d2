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
    """The non-blank lines of a page, white space squashed (NBSP too), with block numbers."""
    out: list[Line] = []
    block = 0
    for raw in text.splitlines():
        t = " ".join(raw.replace("\u00a0", " ").split())
        if not t:
            block += 1
            continue
        out.append(Line(raw, t, block))
    return out


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
