"""The body of one post in a text dump: byline, captions, headings and the other unit kinds."""

from __future__ import annotations

import re
from collections import Counter
from typing import Protocol

from pipeline.extract import chrome as ch
from pipeline.extract.textlines import BY, CREDIT, CREDIT_TAIL, Line, blocks_of, true_runs
from pipeline.models import UnitKind

#: An indented line (spaces, tabs, NBSP): a quote, unless the whole page is indented.
INDENTED = re.compile(r"^[ \t\u00a0\u2000-\u200a]{2,}\S")


class PageLines(Protocol):
    """What the body rules read of a page: its lines, their keys and bullet flags."""

    lines: list[Line]
    keys: list[str]
    bullet: list[bool]


def _name_like(text: str) -> bool:
    return (ch.is_short(text) and len(text.split()) <= 9 and not ch.URL.match(text)
            and ":" not in text
            and not ch.REFERENCE.match(text) and not text.rstrip().endswith(tuple(".!?…:;\"”؟")))


def byline(page: PageLines, body: list[int]) -> int | None:
    """The byline among the last blocks of a post (see the rules below), or None."""
    if not body:
        return None
    lines = page.lines
    blocks = blocks_of(lines, body)
    tail = blocks[-3:]
    # 1. An explicit credit line: "By ...", "Translated by ...".
    for b in reversed(tail):
        for i in b:
            if len(b) == 1 and ch.is_short(lines[i].text) and BY.search(lines[i].text):
                return i
    last = tail[-1]
    # 2. The last block is one name-like line (not a label following a media link).
    if len(last) == 1 and _name_like(lines[last[0]].text):
        prev = blocks[-2] if len(blocks) >= 2 else None
        if not (prev and ch.URL.match(lines[prev[-1]].text)):
            return last[0]
    # 3. An author name in capitals just before the closing paragraph.
    for b in tail[-2:]:
        t = lines[b[0]].text
        if len(b) == 1 and t.isupper() and 1 < len(t.split()) <= 4 and _name_like(t):
            return b[0]
    # 4. A letter's signature: a closing line ending with a comma, then the name.
    for b in tail:
        for a, c in zip(b, b[1:], strict=False):
            if lines[a].text.endswith(",") and ch.is_short(lines[a].text) \
                    and _name_like(lines[c].text) and len(lines[c].text.split()) <= 4:
                return c
    return None


def classify(page: PageLines, body: list[int], caption: int | None, by_i: int | None) -> dict[int, UnitKind]:
    lines = page.lines
    kinds: dict[int, UnitKind] = {}
    blocks = blocks_of(lines, body)

    def candidate(b: list[int]) -> bool:
        t = lines[b[0]].text
        return (len(b) == 1 and b[0] != by_i and ch.is_short(t) and not ch.ends_sentence(t)
                and not ch.URL.match(t) and not ch.REFERENCE.match(t) and not page.bullet[b[0]]
                and not ch.NUMBERED.match(lines[b[0]].raw))

    # Where most body lines are indented (some text browsers indent everything), indentation
    # does not mark a quote.
    indented_page = sum(bool(INDENTED.match(lines[i].raw)) for i in body) * 2 > len(body)
    local = Counter(page.keys[i] for i in body)
    cap_keys = {page.keys[caption]} if caption is not None else set()
    cand = [candidate(b) for b in blocks]
    is_cap = [c and (local[page.keys[b[0]]] >= 2 or page.keys[b[0]] in cap_keys)
              for b, c in zip(blocks, cand, strict=True)]
    # Runs of two or more caption-shaped blocks inside the body (not its closing lines) are
    # image captions; so is a caption-shaped block next to a known caption.
    for k, j in true_runs(cand):
        run = range(k, j)
        closing = all(blocks[x][0] == by_i or cand[x] for x in range(j, len(blocks)))
        if (j - k >= 2 and not closing) or any(is_cap[x] for x in run):
            for x in run:
                is_cap[x] = True
    for bi, b in enumerate(blocks):
        for pos, i in enumerate(b):
            t, raw = lines[i].text, lines[i].raw
            if i == by_i:
                kinds[i] = UnitKind.BYLINE
            elif is_cap[bi] or CREDIT.match(t) or (ch.is_short(t) and CREDIT_TAIL.search(t)):
                kinds[i] = UnitKind.CAPTION
            elif ch.REFERENCE.match(t):
                kinds[i] = UnitKind.REFERENCE
            elif page.bullet[i] or ch.NUMBERED.match(raw):
                kinds[i] = UnitKind.LIST_ITEM
            elif INDENTED.match(raw) and not indented_page:
                kinds[i] = UnitKind.QUOTE
            elif _is_heading(lines, b, pos, blocks, bi):
                kinds[i] = UnitKind.HEADING
            else:
                kinds[i] = UnitKind.PARAGRAPH
    return kinds


def _is_heading(lines: list[Line], b: list[int], pos: int, blocks: list[list[int]], bi: int) -> bool:
    """A short line over body text: no closing punctuation, a dash-led item title, or capitals."""
    t = lines[b[pos]].text
    if not ch.is_short(t) or ch.URL.match(t) or t.startswith("—"):
        return False
    if t.isupper() and len(t.split()) >= 2:
        return True
    dash_led = t.startswith(("– ", "- "))
    return ((pos == 0 or dash_led)
            and (not ch.ends_sentence(t) or (t.endswith(":") and len(t.split()) <= 3) or dash_led)
            and _followed_by_text(lines, b[pos:], blocks, bi))


def _followed_by_text(lines: list[Line], b: list[int], blocks: list[list[int]], bi: int) -> bool:
    nxt = b[1] if len(b) > 1 else (blocks[bi + 1][0] if bi + 1 < len(blocks) else None)
    return nxt is not None and (not ch.is_short(lines[nxt].text)
                                or bool(ch.REFERENCE.match(lines[nxt].text)))
