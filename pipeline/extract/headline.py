"""The headline of a text-dump article page: a title-shaped line above the text, preferably the
one its lead paragraphs echo (a headline and its lead share key words; menus and notices do not)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import filterfalse
from typing import Protocol

from pipeline.extract import chrome as ch
from pipeline.extract.posthead import (
    HeadPage,
    credit_or_date,
    date_only,
    heading_text,
    person,
    texty,
)
from pipeline.extract.textlines import BY as _BY
from pipeline.extract.textlines import Line


class HeadlinePage(HeadPage, Protocol):
    """What the headline rules read of a page besides its lines and flags."""

    template: set[int]
    text_start: int | None  # where the page's main run of text starts
    text_end: int | None  # ... and where it ends
    seg_start: int  # where the article's piece starts, above the text's region

    def nav(self, i: int) -> bool: ...


_WORD = re.compile(r"\w{3,}")
_PLACEHOLDER = re.compile(r"^\[[^\]]*\]$|^\W*$")  # `[photo.jpg]`, `*`, `-`
#: A printed date in any language: day, month word, year (`29. November 2022`, `10 mayo, 2022`)
#: or month word, day, year; dates.find_date knows English month names only.
_ANY_DATE = re.compile(r"\b[0-3]?\d\.?\s+\w+\.?,?\s+(?:19|20)\d\d\b|\b\w+\.?\s+[0-3]?\d,?\s+(?:19|20)\d\d\b")

#: How far above the first paragraph a headline may sit when the lines between are a byline,
#: dates, share buttons and tag lists (seen up to ~20 lines in lynx dumps of news pages).
TITLE_LOOKBACK = 25
#: How far above the first paragraph an echoed headline is looked for: past share rows,
#: category lists, bylines and view counters (up to ~35 lines in lynx dumps of news pages).
ECHO_LOOKBACK = 40
#: How much of the text (characters of its first paragraphs) a headline is compared with.
LEAD_CHARS = 1200
#: The lead's echo of a headline (the share of its words the first paragraphs use) at which a
#: title-shaped line above the text replaces the header rules' choice, and by how much it must
#: beat that choice's own echo. Tuned on the dev half of trafilatura's evaluation pages (titles
#: equal to the HTML path's, lynx/w3m/browser, of ~430 each): 138/132/121 before; 0.3 and 0.2
#: give 188/183/171 (0.5 or margin 0.35: 177-185 lynx, 157-179 others; words of four letters or
#: more: no better), body F1 within +-.001; the check half goes 137/133/136 -> 184/177/181.
MIN_ECHO = 0.3
ECHO_MARGIN = 0.2
#: A line shaped like a headline but for its words (Title Case words that read as a name, a
#: question of eight words or more, a line over the short-line limit) is a headline only when
#: the lead echoes this share of its words at least (see loose_title). Tuned on trafilatura's
#: evaluation pages (titles equal to the HTML path's, lynx/w3m/browser, both halves): 2 to 30
#: words let categories and names the lead repeats in (`Google Chrome`, 60 titles lost); 4 to
#: 20 words at 0.5 gain 511->526, 404->419, 376->383 (dev +12/+11/+4, check +3/+4/+3), 13 lost.
LOOSE_ECHO = 0.5
LOOSE_MIN_WORDS = 4
LOOSE_MAX_WORDS = 20


def title_shaped(page: HeadlinePage, i: int) -> bool:
    """Could be a headline: heading-like, two words or more, not a name, date or placeholder."""
    return (not page.hard[i] and not page.bullet[i] and _title_text(page.lines[i].text)
            and not page.nav(i))


@lru_cache(maxsize=16384)  # pure in the line's text; asked of each line above the text by
def _title_text(t: str) -> bool:  # several rules
    """title_shaped's tests of the line's text (the page's chrome flags aside)."""
    return (heading_text(t) and len(t.split()) >= 2 and not person(t)
            and not credit_or_date(t) and not _PLACEHOLDER.match(t) and not texty(t)
            and not ch.is_widget(t) and not dateline(t) and not doubled(t)
            and not tag_list(t))


def loose_title(page: HeadlinePage, i: int) -> bool:
    """Could be a headline by its place and punctuation, words aside: two to LOOSE_MAX_WORDS
    words, not ending as a sentence with a period or as a label, not chrome, a list item, a
    credit, a date, a placeholder or a menu line."""
    return (not page.hard[i] and not page.bullet[i] and _loose_text(page.lines[i].text)
            and not page.nav(i))


@lru_cache(maxsize=16384)  # pure in the line's text, as _title_text
def _loose_text(t: str) -> bool:
    """loose_title's tests of the line's text (the page's chrome flags aside)."""
    n = len(t.split())
    return (LOOSE_MIN_WORDS <= n <= LOOSE_MAX_WORDS
            and not t.rstrip("\"'”’»").endswith((".", ",", ";", ":"))
            and not credit_or_date(t)
            and not date_only(t) and not _BY.match(t) and not ch.URL.match(t)
            and not _PLACEHOLDER.match(t) and not ch.is_widget(t)
            and not dateline(t) and not doubled(t) and not tag_list(t))


def doubled(text: str) -> bool:
    """The same words twice over (`Harbour at dusk Harbour at dusk`): an image's alt text and
    caption printed side by side, not a headline.

    >>> doubled("Harbour at dusk Harbour at dusk"), doubled("New York, New York")
    (True, False)
    """
    words = text.split()
    half = len(words) // 2
    return len(words) >= 2 and len(words) % 2 == 0 and words[:half] == words[half:]


def dateline(text: str) -> bool:
    """A date with at most four other words (`29. November 2022`, `von Ann Lee, 3. Mai 2024`).

    >>> dateline("Do 24. Mai 2018, 08:30"), dateline("Ten ferries for the islands in 2024")
    (True, False)
    """
    if "19" not in text and "20" not in text:  # (a date holds its year: most lines have none)
        return False
    m = _ANY_DATE.search(text)
    if m is None:
        return False
    rest = text[:m.start()] + " " + text[m.end():]
    return sum(1 for w in rest.split() if any(c.isalpha() for c in w)) <= 4


def tag_list(text: str) -> bool:
    """A list of tags or categories (`Harbour, Ferries, Town council`): three or more comma-
    separated items of at most three words each, none ending as a sentence. No headline: on
    lynx/w3m/browser dumps of trafilatura's evaluation pages, titles equal to the HTML path's
    529/420/389 -> 529/421/392; snippet F1 check half +.0004/+.0004/.0, dev half -.0003/.0/.0
    (one tag line of one page stays in its body once it is no longer taken for the title).

    >>> tag_list("Harbour, Ferries, Town council"), tag_list("Ferries, fares and the town")
    (True, False)
    """
    parts = text.split(", ")
    return len(parts) >= 3 and all(
        p.strip() and len(p.split()) <= 3 and not ch.ends_sentence(p) for p in parts)


def title_above(page: HeadlinePage, idx: list[int]) -> int | None:
    """The nearest title-shaped line above the first paragraph, past bylines, dates, buttons."""
    first = next((i for i in idx if texty(page.lines[i].text)), None)
    if first is None:
        return None
    for i in range(first - 1, max(-1, first - TITLE_LOOKBACK), -1):
        if texty(page.lines[i].text):
            return None  # another text above: this is no header
        if i not in page.template and title_shaped(page, i):
            return i
    return None


def echoed_headline(page: HeadlinePage, idx: list[int], title_i: int) -> int:
    """The headline of an article page whose post lines are `idx`: the header rules' choice
    `title_i`, unless a title-shaped line above the text shares clearly more words with the lead.

    The text is the post's first paragraph; when that echoes no title-shaped line (a notice or
    teaser over the headline), the page's main run of text.
    """
    lines = page.lines
    firsts = [next((i for i in idx if texty(lines[i].text)), None)]
    if page.text_start is not None:
        firsts.append(next((i for i in idx if i >= page.text_start and texty(lines[i].text)), None))
    for first_text in firsts:
        if first_text is None:
            continue
        # (Lazily: only the first LEAD_CHARS characters of the text are read.)
        lead = lead_words(lines, (i for i in idx if i >= first_text and texty(lines[i].text)))
        own = echo(lines[title_i].text, lead) \
            if title_i < first_text and title_shaped(page, title_i) else 0.0
        found = _best_echo(lines, page.seg_start, first_text, lead,
                           lambda i: i not in page.template and title_shaped(page, i),
                           loose=lambda i: i not in page.template and loose_title(page, i))
        if found is not None and found[1] >= MIN_ECHO and found[1] >= own + ECHO_MARGIN \
                and lines[found[0]].text != lines[title_i].text:  # (not a copy of the same)
            return found[0]
        if own >= MIN_ECHO:
            break
    return title_i


@lru_cache(maxsize=4096)  # the lead's lines are read for each first paragraph tried
def _words(text: str) -> frozenset[str]:
    # (C calls mapped over the words: no generator frame a word, on every line tried.)
    return frozenset(map(str.casefold, filterfalse(str.isdigit, _WORD.findall(text))))


def echo(title: str, lead: set[str]) -> float:
    """The share of the title's words (three letters or more, not numbers) the lead uses too.

    >>> echo("Pier rebuilt after storms", {"pier", "storms", "harbour"})
    0.5
    """
    words = _words(title)
    return len(words & lead) / len(words) if words else 0.0


def lead_words(lines: Sequence[Line], body: Iterable[int]) -> set[str]:
    """The words of the first LEAD_CHARS characters of the body's lines."""
    out: set[str] = set()
    size = 0
    for i in body:
        out |= _words(lines[i].text)
        size += len(lines[i].text)
        if size >= LEAD_CHARS:
            break
    return out


def _best_echo(
    lines: Sequence[Line], lo: int, first_text: int, lead: set[str],
    shaped: Callable[[int], bool], *, nearest: bool = False,
    loose: Callable[[int], bool] | None = None,
) -> tuple[int, float] | None:
    """(index, echo) of the shaped line in [first_text - ECHO_LOOKBACK, first_text) whose words
    the lead echoes most (the nearest of equals), or None when no such line has any echo
    (with `nearest`, the nearest shaped line then). A line only `loose` counts when its echo
    is LOOSE_ECHO or more."""
    best: tuple[int, float] | None = None
    for i in range(first_text - 1, max(lo, first_text - ECHO_LOOKBACK) - 1, -1):
        if shaped(i):
            score = echo(lines[i].text, lead)
        elif loose is not None and loose(i):
            score = echo(lines[i].text, lead)
            if score < LOOSE_ECHO:
                continue
        else:
            continue
        if (score > 0 or nearest) and (best is None or score > best[1]):
            best = (i, score)
    return best


def _indent(raw: str) -> int:
    return len(raw) - len(raw.lstrip())


def outdented_headline(page: HeadlinePage, title_i: int) -> int:
    """The headline of an article page whose paragraphs are indented (`lynx -dump` prints
    headings at the left margin, text three columns in): when the choice `title_i` is indented
    like the text, the title-shaped line above the text printed left of it that the lead echoes
    most (the nearest of equals), else `title_i`.

    (Menus are indented list items there; a kicker, a caption or a teaser line indented like the
    text is no headline.)
    """
    lines = page.lines
    if page.text_start is None or page.text_end is None:
        return title_i
    text = [i for i in range(page.text_start, page.text_end) if texty(lines[i].text)]
    if not text:
        return title_i
    margin = Counter(_indent(lines[i].raw) for i in text).most_common(1)[0][0]
    if margin == 0 or (title_i < text[0] and _indent(lines[title_i].raw) < margin):
        return title_i
    lead = lead_words(lines, text)
    found = _best_echo(lines, page.seg_start, text[0], lead,
                       lambda i: i not in page.template and _indent(lines[i].raw) < margin
                       and title_shaped(page, i), nearest=True)
    return title_i if found is None else found[0]
