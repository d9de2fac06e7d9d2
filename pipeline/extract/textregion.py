"""Where the article's text is on a text-dump article page: the densest run of paragraph lines."""

from __future__ import annotations

from typing import Protocol

from pipeline.extract import chrome as ch
from pipeline.extract.headline import dateline
from pipeline.extract.posthead import credit_or_date, heading_like
from pipeline.extract.textlines import Line, blocks_of


class RegionPage(Protocol):
    """What region selection reads of a page (its lines and chrome flags) and what it records."""

    lines: list[Line]
    hard: list[bool]
    bullet: list[bool]
    text_chars: list[int]  # per line: its length if it is paragraph text (texty), else 0
    text_start: int | None
    text_end: int | None
    dropped: set[int]


#: Weights of the densest-text window of an article page: a paragraph line counts its length,
#: any other line costs SHORT_COST (chrome lines HARD_COST), so menus, link lists and widget
#: runs between the article and other text end the window; past it, more text after a gap
#: costing at most GAP_COST joins. HEAD_LINES leaves room above the text for [caption] category
#: / title / byline / date, TAIL_LINES below it for a byline, tags or a reference list (of the
#: tail only closing sentences, an introduced list, repeated captions, references and a byline
#: stay body text: see textdump._post). Tuned on lynx/w3m/browser dumps of trafilatura's
#: evaluation pages, on the half of them whose md5(file name) is even (snippet F1, lynx/browser):
#: SHORT_COST 20: .753/.749, 40: .760/.750, 80 with HARD_COST 200: .766/.761 (150 pages);
#: then on the dev half: tail kept whole .755/.752, only closing lines .795/.788; GAP_COST 0
#: .797/.787, 200 .794/.785, 400 .788/.782 (200 is the least that joins text across one
#: `Advertisement` line, which tests/extract pin); the corpus eval unchanged throughout.
SHORT_COST = 80
HARD_COST = 200
HEAD_LINES = 8
TAIL_LINES = 6
GAP_COST = 200
#: An earlier window that opens under a headline + dateline starts the article when the densest
#: window has no such header (a job-ad or paywall box cut the article in two): at most
#: LOOKBACK_WINDOWS back and holding at least MIN_LEAD characters of text (a lead paragraph,
#: not a teaser line); the boxes between, gaps over BOX_COST, are left out (but not what the
#: text introduces with a colon: code, a table, a list; lynx/browser check half +.0004/+.0001,
#: dev half unchanged). Dev half of the
#: evaluation pages: +.001/+.003 (lynx/browser); 150 characters is a two-line lead (100: the
#: same, 250: -.003 to -.005). LOOKBACK_WINDOWS 3 -> 6 (once datelines in any language anchor):
#: lynx/w3m/browser dev .8550/.8376/.8354 -> .8551/.8377/.8371, check .8471/.8341/.8364 ->
#: .8482/.8356/.8383 (10: the same as 6; an article cut by several boxes).
LOOKBACK_WINDOWS = 6
MIN_LEAD = 150
BOX_COST = 400

Window = tuple[int, int, int]


#: A run of teaser cards printed inline (a text browser joins each card's headline, printed
#: two or three times over as link, image alt text and title, with its date and excerpt): a
#: "paragraph" in which CARD_SHARE of its CARD_GRAM-word sequences occur twice or more. Prose
#: repeats no six-word sequence. On lynx/w3m/browser dumps of trafilatura's evaluation pages
#: (not swept: 6 words and a tenth, by the shape of the cards seen on the dev half) such lines
#: costing as a short line: F1 lynx .837->.839 (dev .838->.840, check .836->.838), w3m
#: .826->.827, browser unchanged; counting nothing (neither text nor a gap): .838.
CARD_GRAM = 6
CARD_SHARE = 0.1


def card_run(text: str) -> bool:
    """Text that repeats its own word sequences: headlines of teaser cards run together.

    >>> card_run("Pier to reopen in June after repairs " * 2 + "read more " * 3)
    True
    >>> card_run("The pier reopens in June, after repairs that took all winter and spring.")
    False
    """
    words = text.split()
    n = len(words) - CARD_GRAM + 1
    if n < 2 * CARD_GRAM:
        return False
    # Each repeated sequence starts with a repeated three-word one, which prose rarely has:
    # counting those first (half the work) settles most paragraphs.
    if len(words) - 2 - len(set(zip(words, words[1:], words[2:], strict=False))) < CARD_SHARE * n:
        return False
    # (built in C, not word by word; the shifted lists end early, so the zip stops at the last)
    grams = list(zip(*(words[k:] for k in range(CARD_GRAM)), strict=False))
    return len(grams) - len(set(grams)) >= CARD_SHARE * n


def windows(page: RegionPage, s: int, e: int) -> list[Window]:
    """(start, end, weight) of each maximal run of paragraph text in [s, e): max-sum windows
    split where a gap costs more than the text before it."""
    out: list[Window] = []
    best, best_a, best_b = 0, s, s
    run = 0
    a = s
    lines, hard, chars = page.lines, page.hard, page.text_chars
    for i in range(s, e):
        if run <= 0:
            if best > 0:
                out.append((best_a, best_b, best))
            best, run, a = 0, 0, i
        # A paragraph line counts its length (a run of teaser cards costs as a short line).
        n = chars[i]
        run += n if n and not card_run(lines[i].text) else -HARD_COST if hard[i] else -SHORT_COST
        if run > best:
            best, best_a, best_b = run, a, i + 1
    if best > 0:
        out.append((best_a, best_b, best))
    return out


def text_region(page: RegionPage, s: int, e: int) -> tuple[int, int]:
    """The part of [s, e) around the page's main run of paragraph text.

    Records on the page where that text starts and ends (`text_start`, `text_end`) and the boxes
    inside it (`dropped`).
    """
    wins = windows(page, s, e)
    if not wins:
        return s, e
    k = _main_window(page, wins, s, e)
    best_a, best_b, _ = wins[k]
    start = _headline_start(page, wins, k, s)
    if start is not None:
        for (_, b0, _), (a1, _, _) in zip(wins[start:k], wins[start + 1:k + 1], strict=True):
            if _gap_cost(page, b0, a1) > BOX_COST and not introduced(page, b0):
                page.dropped.update(range(b0, a1))
        best_a = wins[start][0]
    # Then outwards: more text past a cheap gap (a list, a table, a short passage between
    # headings, one advert line) belongs to the article too.
    a, b = best_a, best_b
    boxes = _boxes(page, s, e)
    for step, rng in ((1, range(best_b, e)), (-1, range(best_a - 1, s - 1, -1))):
        acc = 0
        seen: set[int] = set()
        for i in rng:
            if page.text_chars[i]:  # (= texty)
                acc = 0
                if step == 1:
                    b = i + 1
                else:
                    a = i
                continue
            blk = page.lines[i].block
            if blk in boxes:  # a widget box (`Sign up ... / Email / Subscribe`) costs one line
                acc += 0 if blk in seen else HARD_COST
                seen.add(blk)
            else:
                acc += HARD_COST if page.hard[i] else SHORT_COST
            if acc > GAP_COST:
                break
    page.text_start, page.text_end = a, b
    return max(s, a - HEAD_LINES), min(e, b + TAIL_LINES)


#: A form (FORM_LINES lines of input fields, check boxes or buttons within FORM_SPAN lines: a
#: comment or contact form) after a window of at least MIN_LEAD characters closes the article:
#: windows after it count FORM_FACTOR of their weight (sidebars, footers, comment threads and
#: "about the blog" boxes below a comment form often hold more text than a short article).
#: A search box is one line, a newsletter box two. Tuned on the dev half of the evaluation pages
#: (lynx/w3m; browser dumps print no form fields), choosing one window per page: factor 0.1,
#: .25, .5 gave +.00/+.02/+.01 of the "with" snippets in it; MIN_LEAD 150 against 300/600 alike.
FORM_LINES = 3
FORM_SPAN = 12
FORM_FACTOR = 0.25


def _main_window(page: RegionPage, wins: list[Window], s: int, e: int) -> int:
    """The index of the article's window: the heaviest, once windows below a form are damped."""
    ctrl = [i for i in range(s, e) if page.hard[i] and ch.is_control(page.lines[i].text)]
    form = next((ctrl[x] for x in range(len(ctrl) - FORM_LINES + 1)
                 if ctrl[x + FORM_LINES - 1] - ctrl[x] < FORM_SPAN
                 and any(b <= ctrl[x] and w >= MIN_LEAD for _, b, w in wins)), None)

    def score(n: int) -> float:
        a, _, w = wins[n]
        return w * FORM_FACTOR if form is not None and a > form else w

    return max(range(len(wins)), key=score)


def introduced(page: RegionPage, a: int) -> bool:
    """The lines from `a` on are what the text introduces (`... looks like this:` over code, a
    table or a list): the line before them or their first line ends with a colon."""
    lines = page.lines
    return any(lines[j].text.endswith(":") for j in (a - 1, a) if 0 <= j < len(lines))


def _gap_cost(page: RegionPage, a: int, b: int) -> int:
    return sum(HARD_COST if page.hard[i] else SHORT_COST for i in range(a, b)
               if not page.text_chars[i])  # (= not texty)


def _anchor_at(page: RegionPage, a: int, s: int) -> bool:
    """A headline (two words or more) next to its dateline/byline just above line a.

    (A dateline in any language: `Publié le 4 mars 2024`, which find_date, knowing English month
    names only, does not read. Dumps of trafilatura's evaluation pages, body F1 lynx/w3m/browser
    dev .8515/.8339/.8297 -> .8550/.8376/.8354, check .8465/.8338/.8347 -> .8465/.8338/.8359.)
    """
    lines = page.lines
    for j in range(max(s, a - 4), a + 1):
        if (credit_or_date(lines[j].text) or dateline(lines[j].text)) and not page.bullet[j]:
            for t in range(max(s, j - 2), min(a, j + 3)):
                if t != j and heading_like(page, t) and len(lines[t].text.split()) >= 2:
                    return True
    return False


def _headline_start(page: RegionPage, wins: list[Window], k: int, s: int) -> int | None:
    """The earlier window that opens under the article's headline, when window k has none."""
    if _anchor_at(page, wins[k][0], s):
        return None
    for n in range(k - 1, max(-1, k - 1 - LOOKBACK_WINDOWS), -1):
        if wins[n][2] >= MIN_LEAD and _anchor_at(page, wins[n][0], s):
            return n
    return None


def _boxes(page: RegionPage, s: int, e: int) -> set[int]:
    """Blocks of [s, e) that are widget boxes: three or more short non-sentence lines, one of
    them chrome (the shape textdump._post drops inside an article)."""
    out: set[int] = set()
    for b in blocks_of(page.lines, list(range(s, e))):
        if len(b) >= 3 and any(page.hard[i] for i in b) and all(
                ch.is_short(page.lines[i].text) and not ch.ends_sentence(page.lines[i].text)
                for i in b):
            out.add(page.lines[b[0]].block)
    return out
