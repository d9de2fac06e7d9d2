"""Sentence boundaries inside a unit, with sentencex (rules for en, fa, ar, sq punctuation)."""

from __future__ import annotations

import re
from functools import lru_cache

from sentencex import segment

# A sentence can only end inside the text at one of these; without one the unit is one sentence.
_INNER_END = re.compile(r"[.!?؟۔…。!?]\W*\s+\S")


@lru_cache(maxsize=8)
def _lang(lang: str) -> str:
    return lang.split("-")[0].split("_")[0].lower() or "en"


def sentences(text: str, lang: str = "en") -> tuple[tuple[int, int], ...]:
    """(start, end) offsets of each sentence in `text`, trailing white space excluded.

    >>> t = "Hello there. How are you?"
    >>> [t[a:b] for a, b in sentences(t)]
    ['Hello there.', 'How are you?']
    >>> t = "سلام. حال شما چطور است؟ خوبم."
    >>> len(sentences(t, "fa"))
    3
    """
    if not _INNER_END.search(text):  # one sentence: skip the segmenter (most short units)
        a = len(text) - len(text.lstrip())
        b = len(text.rstrip())
        return ((a, b),) if b > a else ()
    out: list[tuple[int, int]] = []
    pos = 0
    for piece in segment(_lang(lang), text):
        start = text.find(piece, pos)
        if start < 0:  # the segmenter normalised something; fall back to the running offset
            start = pos
        end = start + len(piece)
        # Trim white space so offsets cover exactly the sentence's characters (str.strip()
        # strips what str.isspace() calls white space: one C call, not a loop a character).
        span = text[start:end]
        core = span.strip()
        if core:
            a = start + len(span) - len(span.lstrip())
            out.append((a, a + len(core)))
        pos = max(end, pos)
    if not out and text.strip():
        a = len(text) - len(text.lstrip())
        out.append((a, len(text.rstrip())))
    return tuple(out)
