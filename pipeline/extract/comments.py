"""Comment threads under an article in a text dump: dated headers (a commenter's name and the
date or time of the comment) repeated down a piece, each over the comment's text."""

from __future__ import annotations

import re
from typing import Protocol

from pipeline.extract.headline import dateline
from pipeline.extract.posthead import header_meta, texty
from pipeline.extract.textlines import Line

_TIME = re.compile(r"\b[0-2]?\d:[0-5]\d\b")
_NUM_DATE = re.compile(r"\b[0-3]?\d\.\s?[01]?\d\.\s?(?:19|20)?\d\d\b")

#: A piece holding at least COMMENT_HEADS dated headers is a comment thread (a post of a
#: listing has one dateline). Tuned on the dev half of trafilatura's evaluation pages, whose
#: single-article pages a comment counter splits in two: 3 removes most such splits; a comment
#: form as a sign of its own also removed articles under a search or newsletter form.
COMMENT_HEADS = 3
#: Headers of two comments are this many lines apart at least (a header, a name, the text).
COMMENT_GAP = 3
#: Paragraph text before the first dated header that makes a piece an article (characters;
#: as textregion.MIN_LEAD, a two-line lead).
LEAD_TEXT = 150


class CommentPage(Protocol):
    """What the comment rules read of a page: its lines."""

    lines: list[Line]


def dated_header(text: str) -> bool:
    """A short line with a date or a time and few other words: `Ann Lee 3. Mai 2024 um 10:15`."""
    return (len(text) <= 80 and any(c.isdigit() for c in text) and len(text.split()) <= 10
            and not texty(text)
            and (bool(_TIME.search(text)) or bool(_NUM_DATE.search(text)) or dateline(text)
                 or header_meta(text)))


def comment_thread(page: CommentPage, s: int, e: int) -> bool:
    """Lines [s, e) are comments on what is above them: COMMENT_HEADS dated headers or more,
    each over the text of its comment, the first before any paragraph of LEAD_TEXT characters
    (an article that lists dated items further down is no thread)."""
    heads = 0
    text = 0
    last = -COMMENT_GAP
    lines = page.lines
    for i in range(s, e):
        t = lines[i].text
        if i - last >= COMMENT_GAP and dated_header(t) \
                and any(texty(lines[j].text) for j in range(i + 1, min(e, i + 3))):
            heads += 1
            last = i
            if heads >= COMMENT_HEADS:
                return True
        elif heads == 0 and texty(t):
            text += len(t)
            if text >= LEAD_TEXT:
                return False
    return False
