"""Web pages saved as text: split listing pages into posts, drop chrome, find each post's fields.

A page is read as non-blank lines grouped into blocks (runs between blank lines). Post footers
(comment counters, share rows) split a listing page into posts; what follows the last footer is
page chrome. In a post, the first blocks hold [caption] category / title, the last blocks the
byline; body lines are classed by shape. No rule names a particular site.
"""

from __future__ import annotations

import logging
import re
from collections import Counter

from pipeline.extract import chrome as ch
from pipeline.extract.dates import find_date
from pipeline.extract.draft import Draft
from pipeline.extract.postbody import INDENTED as _INDENTED
from pipeline.extract.postbody import byline as _byline
from pipeline.extract.postbody import classify as _classify
from pipeline.extract.textlines import BY as _BY
from pipeline.extract.textlines import blocks_of, read_lines
from pipeline.models import UnitKind

log = logging.getLogger(__name__)

_BY_NAME = re.compile(r"\bby\s+([^|,;]+?)\s*(?:[|,;]|$)", re.I)
_DATELINE_WORDS = {"posted", "published", "updated", "on", "date:", "posted:", "published:"}
_TAGS = re.compile(r"^(?:tags?|tagged|keywords|topics|filed under|posted in)\s*:\s*(.+)$", re.I)
_TAG_HEAD = re.compile(r"^(?:tags?|tagged|keywords|topics)\s*:?$", re.I)
_TRUNCATED_END = ("…", "...", "[…]", "[...]")


def _date_only(text: str) -> bool:
    if len(text) > 48 or not any(c.isdigit() for c in text):
        return False
    found = find_date(text)
    return found is not None and len(text.split()) <= len(found[0].split()) + 2


class _Page:
    """The lines of one page with the facts every rule needs."""

    def __init__(self, text: str, ctx: ch.RunContext | None) -> None:
        self.lines = read_lines(text)
        texts = [ln.text for ln in self.lines]
        self.keys = [t.casefold() for t in texts]  # = ch.key(t): texts are squashed already
        self.count = Counter(self.keys)
        self.is_footer = [ch.is_meta(ln.text) or ch.is_share(ln.text) or ch.is_teaser_end(ln.text)
                          for ln in self.lines]
        self.hard = [f or ch.is_hard_chrome(ln.raw, ln.text, footer_checked=True)
                     for f, ln in zip(self.is_footer, self.lines, strict=True)]
        self.template = ch.template_lines(texts, [ln.block for ln in self.lines], ctx, self.hard)
        self.bullet = [ch.is_bullet(ln.raw) for ln in self.lines]
        self.crumb_tail = next(
            (t for ln in self.lines if ch.is_breadcrumb(ln.text)
             and (t := ch.breadcrumb_tail(ln.text))), None,
        )

    def footer(self, i: int) -> bool:
        return self.is_footer[i]

    def nav(self, i: int) -> bool:
        """Navigation chrome: a menu item, breadcrumb, copyright line or site-template line."""
        t = self.lines[i].text
        return (self.bullet[i] or i in self.template or ch.is_breadcrumb(t)
                or ch.is_copyright(t))

    def chromeish(self, i: int) -> bool:
        """Chrome where no article is: menus, template, repeats, widgets, stray dates and links."""
        ln = self.lines[i]
        return (
            self.hard[i] or self.bullet[i] or i in self.template
            or (ch.is_short(ln.text) and self.count[self.keys[i]] >= 2)
            or ch.is_teaser_link(ln.text) or _date_only(ln.text)
        )


def split_page(text: str, ctx: ch.RunContext | None = None) -> list[Draft]:
    """The articles on one text-dump page, in page order (a listing page gives several)."""
    page = _Page(text, ctx)
    n = len(page.lines)
    anchors = [i for i in range(n) if page.footer(i)]
    # Group consecutive footer lines (with a date line just before them) into one boundary.
    groups: list[tuple[int, int]] = []
    for i in anchors:
        if groups and i == groups[-1][1]:
            groups[-1] = (groups[-1][0], i + 1)
            continue
        start = i
        if i > 0 and _date_only(page.lines[i - 1].text) and not page.footer(i - 1):
            start = i - 1
        groups.append((start, i + 1))
    segments: list[tuple[int, int, tuple[int, int] | None]] = []
    pos = 0
    for grp in groups:
        segments.append((pos, grp[0], grp))
        pos = grp[1]
    tail_long = sum(1 for i in range(pos, n) if not ch.is_short(page.lines[i].text)
                    and not page.bullet[i])
    if not groups or tail_long >= 2:  # no footers, or real text after the last one
        segments.extend(_dateline_split(page, pos, n) if not groups else [(pos, n, None)])
    # A segment without any paragraph-length line is a header cut off by a share row: merge on.
    merged: list[tuple[int, int, tuple[int, int] | None]] = []
    carry: int | None = None
    for s, e, g in segments:
        s = carry if carry is not None else s
        has_text = any(_texty(page.lines[i].text) for i in range(s, e))
        if not has_text and (s, e, g) != segments[-1] and _has_title(page, s, e):
            carry = s
            continue
        carry = None
        merged.append((s, e, g))
    listing = len(merged) > 1  # one post with a counter under it is an article page
    categories: set[str] = set()
    # Later posts first: their headers show which repeated lines are categories.
    order = list(range(1, len(merged))) + [0] if merged else []
    found: dict[int, Draft] = {}
    for k in order:
        s, e, g = merged[k]
        draft = _post(page, s, e, g, listing=listing, first=(k == 0), categories=categories)
        if draft is not None:
            found[k] = draft
            if draft.category:
                categories.add(ch.key(draft.category))
    return [found[k] for k in sorted(found)]


def _dateline_split(page: _Page, s: int, e: int) -> list[tuple[int, int, None]]:
    """A page without post footers: split before each title that has a dateline under it.

    Fewer than two such titles means one article. A short label just above a title (its
    category) starts the post with it. Menu items and their dates are not titles.
    """
    lines = page.lines
    starts: list[int] = []
    for i in range(s + 1, e):
        t = i - 1
        if (_header_meta(lines[i].text) and ch.is_short(lines[t].text)
                and not (page.bullet[i] or page.bullet[t] or page.hard[t]
                         or _INDENTED.match(lines[i].raw) or _header_meta(lines[t].text))):
            start = t
            if (t - 1 >= s and (not starts or t - 1 > starts[-1]) and ch.is_short(lines[t - 1].text)
                    and len(lines[t - 1].text.split()) <= 6
                    and not ch.ends_sentence(lines[t - 1].text) and not page.nav(t - 1)):
                start = t - 1
            starts.append(start)
    if len(starts) < 2:
        return [(s, e, None)]
    bounds = [*starts, e]
    # Before the first title is page chrome (menus, site name): it opens no article.
    return [(a, b, None) for a, b in zip(bounds, bounds[1:], strict=False)]


def _texty(text: str) -> bool:
    """Paragraph text: a long line, or a sentence of eight words or more."""
    return not ch.is_short(text) or (ch.ends_sentence(text) and len(text.split()) >= 8)


def _has_title(page: _Page, s: int, e: int) -> bool:
    return any(not page.chromeish(i) for i in range(s, e))


def _post(
    page: _Page, s: int, e: int, group: tuple[int, int] | None, *, listing: bool, first: bool,
    categories: set[str],
) -> Draft | None:
    lines = page.lines
    s0, e0 = s, e
    # Leading chrome: menus, template and repeats (but a known category starts a post).
    anchor: tuple[int | None, int] | None = None
    if first or not listing:
        # Site name and menus before the content: start after the last navigation line
        # (menu item, breadcrumb, copyright, template) that comes before the first paragraph.
        first_long = next((i for i in range(s, e) if _texty(page.lines[i].text)), e)
        navs = [i for i in range(s, first_long) if page.nav(i)]
        if navs:
            s = navs[-1] + 1
        anchor = _meta_anchor(page, s, first_long, with_category=not listing or bool(categories))
        if anchor is not None:  # a title over its byline/dateline: before it is chrome
            s = anchor[0] if anchor[0] is not None else anchor[1]
        else:
            s = _skip_nav_blocks(page, s, first_long)
            while s < e and page.chromeish(s) and page.keys[s] not in categories \
                    and not _label_over_title(page, s, first_long):
                s += 1
    # A closing widget after the first paragraph ends the post ("Share this:", "Related").
    first_long = next((i for i in range(s, e) if _texty(lines[i].text)), e)
    e = next((i for i in range(first_long, e) if ch.is_closing(lines[i].text)), e)
    # Trailing chrome of a page without footers: widgets, menus, repeats after the body.
    if group is None:
        while e > s and (page.chromeish(e - 1) or ch.is_widget(lines[e - 1].text)):
            e -= 1
    if group is None or not listing:
        e = _trim_tail_blocks(page, s, e)
    links = {i for i in range(s, e) if ch.LINK_ITEM.match(lines[i].raw)
             and (page.bullet[i] or ch.NUMBERED.match(lines[i].raw))}
    idx = [i for i in range(s, e) if not (page.hard[i] or i in page.template or i in links)]
    # A widget box inside the article (`Sign up for ... / Email address / Subscribe`): a block of
    # three or more short non-sentence lines with a widget line among them.
    text_from = next((i for i in range(s, e) if _texty(lines[i].text)), e)
    boxed = {i for b in blocks_of(lines, list(range(text_from + 1, e)))
             if len(b) >= 3 and any(page.hard[i] for i in b) and all(
                 ch.is_short(lines[i].text) and not ch.ends_sentence(lines[i].text) for i in b)
             for i in b}
    if boxed:
        idx = [i for i in idx if i not in boxed]
    # The heading of a closing link list ("References" over bare URLs) goes with the list.
    if idx and idx[-1] + 1 in links and all(i in links for i in range(idx[-1] + 1, e)) \
            and ch.is_short(lines[idx[-1]].text) and not _texty(lines[idx[-1]].text):
        idx.pop()
    truncated = any(ch.is_teaser_link(lines[i].text) for i in range(s, e))
    if group is not None:
        truncated = truncated or any(
            ch.is_teaser_link(lines[i].text) for i in range(group[0], group[1]))
    idx = [i for i in idx if not ch.is_teaser_link(lines[i].text)]
    if not idx:
        return None
    caption: int | None
    category: int | None
    title_i: int | None
    if anchor is not None and anchor[1] in idx:
        caption, title_i = None, anchor[1]
        category = anchor[0] if anchor[0] in idx else None
    else:
        caption, category, title_i = _header(page, idx, listing=listing)
    if title_i is None:
        return None
    body = idx[idx.index(title_i) + 1:]
    tags: tuple[str, ...] = ()
    for i in range(s0, e0):  # a tag line may sit among the closing widgets
        m = _TAGS.match(lines[i].text)
        if m and ch.is_short(lines[i].text):
            tags = tuple(t.strip() for t in re.split(r"[,;|]", m.group(1)) if t.strip())
            if i in body:
                body.remove(i)
        elif _TAG_HEAD.match(lines[i].text) and not tags:  # `Tags` over one tag a line
            j = i + 1
            while j < e0 and lines[j].block == lines[i].block and len(lines[j].text.split()) <= 4 \
                    and not ch.ends_sentence(lines[j].text):
                j += 1
            tags = tuple(lines[k].text for k in range(i + 1, j))
            body = [k for k in body if not i <= k < j]
    date_text = date_iso = None
    zone = list(range(group[0], group[1])) if group is not None else []
    # Then a dateline near the title (also one cut off as chrome, or a merged footer line).
    # (Not a masthead's "today" date far above the title, beyond the menus.)
    zone += [i for i in range(max(s0, min(s, title_i - 3)), min(e0, title_i + 3))
             if _date_only(lines[i].text) or _header_meta(lines[i].text) or page.is_footer[i]]
    for i in zone:
        found = find_date(lines[i].text)
        if found:
            date_text, date_iso = found
            break
    byline: str | None = None
    # Header date/byline lines right after the title (a bare name next to a dateline too).
    after_meta = False
    # A standfirst (one sentence between the title and its byline/dateline) stays body text.
    lead = [body.pop(0)] if len(body) >= 2 and _texty(lines[body[0]].text) \
        and _credit_or_date(lines[body[1]].text) else []
    while body and ch.is_short(lines[body[0]].text):
        t = lines[body[0]].text
        nxt = lines[body[1]].text if len(body) > 1 else ""
        if _header_meta(t):
            found = find_date(t)
            if date_text is None and found:
                date_text, date_iso = found
            by = _BY_NAME.search(t)
            if byline is None and by:
                byline = by.group(1).strip()
        elif byline is None and _BY.match(t) and len(t.split()) <= 8:
            byline = t
        elif byline is None and _person(t) and (after_meta or _header_meta(nxt)):
            byline = t
        else:
            break
        after_meta = True
        body.pop(0)
    body = lead + body
    # Repeats of other posts' lines (ads, widgets) are chrome; repeats within the post are kept.
    local = Counter(page.keys[i] for i in body)
    body = [i for i in body if not (ch.is_short(lines[i].text) and page.count[page.keys[i]]
                                    - local[page.keys[i]] >= 2 and not page.bullet[i])]
    # A closing reference list ("References:", "[1] ...") comes after the byline: look before it.
    end = len(body)
    while end and ch.REFERENCE.match(lines[body[end - 1]].text):
        end -= 1
    if end < len(body) and end and lines[body[end - 1]].text.endswith(":"):
        end -= 1
    by_i = _byline(page, body[:end]) if byline is None else None
    if by_i is not None:
        byline = lines[by_i].text
    kinds = _classify(page, body, caption, by_i)
    parts: list[tuple[UnitKind, str]] = []
    if caption is not None:
        parts.append((UnitKind.CAPTION, lines[caption].text))
    for i in body:
        parts.append((kinds[i], lines[i].text))
    if listing and parts and lines[body[-1]].text.endswith(_TRUNCATED_END) if body else False:
        truncated = True
    return Draft(
        title=lines[title_i].text, parts=tuple(parts),
        category=lines[category].text if category is not None else None, tags=tags,
        byline=byline, date=date_text, date_iso=date_iso, truncated=truncated,
    )


_NAME_WORD = re.compile(r"^(?:[A-Z][\w'’.-]*|van|von|de|da|al-\w+|and|&)$")
_TIME_WORD = re.compile(r"^(?:at|\d{1,2}[:.]\d\d|[ap]\.?m\.?|gmt|utc|[a-z]{2,4}t|[|·•,–—-])$", re.I)


def _person(text: str) -> bool:
    """A bare byline: two to six capitalised words (`Ann Lee`, `Ann Lee, health reporter`)."""
    name = text.split(",")[0].split()
    return (2 <= len(name) <= 6 and len(text.split()) <= 9 and not ch.ends_sentence(text)
            and all(_NAME_WORD.match(w) for w in name) and not any(c.isdigit() for c in text)
            and name[0][0].isupper())


def _heading_like(page: _Page, i: int) -> bool:
    """Could be a title: short, not a sentence, not chrome, a date or a credit line."""
    t = page.lines[i].text
    return (ch.is_short(t) and not t.endswith((".", ",", ";", ":")) and not page.hard[i]
            and not page.bullet[i] and not _date_only(t) and not _BY.match(t)
            and not _header_meta(t) and not ch.URL.match(t))


def _label(page: _Page, i: int) -> bool:
    t = page.lines[i].text
    return (len(t.split()) <= 6 and not ch.ends_sentence(t) and not page.hard[i]
            and not page.bullet[i] and not _date_only(t))


def _meta_anchor(page: _Page, s: int, stop: int, *, with_category: bool) -> tuple[int | None, int] | None:
    """(category, title) of a post whose title sits over a byline/dateline, or None.

    The first `By NAME`/`Published DATE`/bare-date line a few lines above the first paragraph
    fixes the title: the nearest heading-like line above it (over a bare name next to the
    date). A short label alone just above the title (its own block, or the first line of the
    title's block) is the category. Everything above belongs to the page, not the post.
    """
    lines = page.lines
    j: int | None = None
    for k in range(max(s, stop - 5), min(len(lines), stop + 2)):
        if _credit_or_date(lines[k].text):
            j = k
            break
        if k > stop:  # a second paragraph: the body has begun
            break
    if j is None or j <= s:
        return None
    # A dateline above the title: [category] date, then the title alone over the first
    # paragraph (the line above the date is no headline).
    k = j + 1
    while k < stop and (_credit_or_date(lines[k].text) or _person(lines[k].text)):
        k += 1
    if (k == stop - 1 and lines[k].block != lines[j].block and _heading_like(page, k)
            and (j - 1 < s or len(lines[j - 1].text.split()) <= 6 or not _heading_like(page, j - 1))):
        c = j - 1
        top = c >= s and _label(page, c) and (c == s or lines[c - 1].block != lines[c].block)
        return (c if with_category and top else None), k
    # Over a standfirst (one sentence between title and dateline), the title is above it.
    t = j - 1 if j <= stop else stop - 1
    if t < s:
        return None
    if (_person(lines[t].text) and t - 1 >= s and lines[t].block == lines[j].block
            and lines[t - 1].block != lines[t].block and _heading_like(page, t - 1)):
        t -= 1
    if not _heading_like(page, t):
        return None
    c = t - 1
    cat: int | None = None
    if with_category and c >= s and _label(page, c) and (c == 0 or lines[c - 1].block != lines[c].block):
        cat = c
    return cat, t


def _label_over_title(page: _Page, i: int, first_long: int) -> bool:
    """`Label / Title / first paragraph` in one block: the label is the post's category."""
    lines = page.lines
    return (i + 2 == first_long and lines[i].block == lines[first_long].block
            and _label(page, i) and _heading_like(page, i + 1)
            and len(lines[i].text.split()) < len(lines[i + 1].text.split()))


def _credit_or_date(text: str) -> bool:
    """A header line under a title: `By NAME`, `Published DATE`, a bare date."""
    return _header_meta(text) or (bool(_BY.match(text)) and len(text.split()) <= 8)


def _link_block(page: _Page, b: list[int]) -> bool:
    """Three or more short lines with no sentence among them: a menu, share or link block."""
    lines = page.lines
    if len(b) < 3:
        return False
    texts = [lines[i].text for i in b]
    if any(not ch.is_short(t) or ch.ends_sentence(t) or _header_meta(t) or _BY.match(t)
           for t in texts):
        return False
    texts = [_MARKER.sub("", t) for t in texts]  # `1. Headline`, `• Headline`
    few = sum(len(t.split()) <= 3 for t in texts)
    return few * 3 >= len(texts) * 2 or all(len(t.split()) <= 8 and t[:1].isupper() for t in texts)


_MARKER = re.compile(r"^(?:\d{1,2}[.)]|[•◦▪·*+\-–—])\s+")


def _skip_nav_blocks(page: _Page, s: int, stop: int) -> int:
    """Past the last menu block (three or more short link-like lines) above the first paragraph.

    Only when a heading-like line is left between it and the paragraph (the title).
    """
    for b in reversed(blocks_of(page.lines, list(range(s, stop)))):
        if _link_block(page, b) and any(_heading_like(page, i) for i in range(b[-1] + 1, stop)):
            return b[-1] + 1
    return s


def _trim_tail_blocks(page: _Page, s: int, e: int) -> int:
    """The end of a post before its trailing link blocks (share, related, most-read, footer)."""
    last_long = max((i for i in range(s, e) if _texty(page.lines[i].text)), default=None)
    if last_long is None:
        return e
    for b in blocks_of(page.lines, list(range(last_long + 1, e))):
        if _link_block(page, b):
            return b[0]
    return e


def _header_meta(text: str) -> bool:
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
    return len(rest) <= 2 or bool(_BY_NAME.search(text)) or (
        bool(rest) and rest[0].lower() in _DATELINE_WORDS)


#: Weekdays and dateline labels that may stand around a printed date.
_DAY_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs "
    "fri sat sun updated published posted modified last first on date".split()
)


def _header(page: _Page, idx: list[int], *, listing: bool) -> tuple[int | None, int | None, int | None]:
    """(caption, category, title) line indices at the start of a post."""
    lines = page.lines
    # A dateline under the title fixes the title (and a short label above it is the category).
    for p, i in enumerate(idx[:6]):
        if p >= 1 and _header_meta(lines[i].text) and ch.is_short(lines[idx[p - 1]].text):
            cat = idx[p - 2] if p >= 2 else None
            if cat is not None and not (len(lines[cat].text.split()) <= 6
                                        and not ch.ends_sentence(lines[cat].text)):
                cat = None
            return None, cat, idx[p - 1]
    if page.crumb_tail:
        tail = page.crumb_tail and " ".join(page.crumb_tail.split())
        for i in idx[:6]:
            if lines[i].text == tail or page.keys[i] == ch.key(tail):
                before = idx[: idx.index(i)]
                category = before[-1] if before and ch.is_short(lines[before[-1]].text) else None
                caption = before[-2] if len(before) >= 2 and category is not None else None
                return caption, category, i
    blocks = blocks_of(lines, idx[:8])
    b0 = blocks[0]
    # [caption] category, blank line, title alone (or title directly over the first paragraph).
    if len(blocks) >= 2 and (
        (len(blocks) >= 3 and len(blocks[1]) == 1)
        or (len(blocks[1]) >= 2 and _texty(lines[blocks[1][1]].text))
    ):
        t1 = lines[blocks[1][0]].text
        label_like = all(ch.is_short(lines[i].text) for i in b0) and len(b0) <= 2
        if not listing:  # a lone page: only a short label line before a title is a category
            label_like = label_like and len(b0) == 1 and len(lines[b0[0]].text.split()) <= 6 \
                and not ch.ends_sentence(lines[b0[0]].text)
        title_like = not t1.rstrip().endswith((".", ",", ";", ":"))  # titles rarely end so
        if label_like and title_like and ch.is_short(t1) and not _date_only(t1) \
                and not _BY.match(t1):
            return (b0[0] if len(b0) == 2 else None), b0[-1], blocks[1][0]
    # label / title / first paragraph in one block (a compact listing post).
    if len(idx) >= 3 and len(b0) >= 3 and _texty(lines[b0[2]].text) and _label(page, b0[0]) \
            and _heading_like(page, b0[1]) and not _texty(lines[b0[1]].text) \
            and len(lines[b0[0]].text.split()) < len(lines[b0[1]].text.split()):
        return None, b0[0], b0[1]
    for i in idx[:3]:
        if ch.is_short(lines[i].text):
            return None, None, i
    return None, None, idx[0]
