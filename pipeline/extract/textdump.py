"""Web pages saved as text: split listing pages into posts, drop chrome, find each post's fields.

A page is read as non-blank lines grouped into blocks (runs between blank lines). Post footers
(comment counters, share rows) split a listing page into posts; what follows the last footer is
page chrome. In a post, the first blocks hold [caption] category / title, the last blocks the
byline; body lines are classed by shape. No rule names a particular site.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left
from collections import Counter
from itertools import compress

from pipeline.extract import chrome as ch
from pipeline.extract.chromescan import (
    CRUMB_RULE,
    FOOTER_RULES,
    HARD_RULES,
    TEASER_LINK,
    PageScan,
)
from pipeline.extract.comments import comment_thread
from pipeline.extract.dates import YEAR_HINT, YEAR_STARTS, find_date
from pipeline.extract.draft import Draft
from pipeline.extract.headline import (
    dateline,
    echoed_headline,
    outdented_headline,
    title_above,
    title_shaped,
)
from pipeline.extract.postbody import INDENTED as _INDENTED
from pipeline.extract.postbody import byline as _byline
from pipeline.extract.postbody import classify as _classify
from pipeline.extract.posthead import (
    BY_NAME,
    credit_or_date,
    date_only,
    header_meta,
    heading_like,
    label,
    label_over_title,
    meta_anchor,
    person,
    skip_nav_blocks,
    texty,
    texty_chars,
    trim_tail_blocks,
)
from pipeline.extract.textlines import BY as _BY
from pipeline.extract.textlines import blocks_of, read_lines
from pipeline.extract.textregion import text_region
from pipeline.models import UnitKind

log = logging.getLogger(__name__)

_TAGS = re.compile(r"^(?:tags?|tagged|keywords|topics|filed under|posted in)\s*:\s*(.+)$", re.I)
_TAG_HEAD = re.compile(r"^(?:tags?|tagged|keywords|topics)\s*:?$", re.I)
_TRUNCATED_END = ("…", "...", "[…]", "[...]")
_LINK_RELS = re.compile(r"^\s*#[^\s#]")


_Seg = tuple[int, int, "tuple[int, int] | None"]


class _Page:
    """The lines of one page with the facts every rule needs."""

    def __init__(self, text: str, ctx: ch.RunContext | None) -> None:
        self.lines = read_lines(text)
        texts = [ln.text for ln in self.lines]
        # Each chrome test runs only on the lines its prefilter finds in one pass over the page.
        scan = PageScan(texts)
        self.keys = scan.keys  # = ch.key(t): texts are squashed already
        self.count = Counter(self.keys)
        # Footers: is_meta, is_share, is_teaser_end; hard chrome: footers and is_hard_chrome.
        self.is_footer = scan.flags(FOOTER_RULES)
        self.hard = scan.flags(HARD_RULES, into=list(self.is_footer))
        # `lynx -dump` prints the page's <link> elements first, as a block starting `#alternate`
        # or `#RSS 2.0 ...` (no space after the `#`, which a Markdown-style heading has).
        self.link_rels: list[int] = []
        if self.lines and _LINK_RELS.match(self.lines[0].raw):
            for i in range(len(self.lines)):
                if self.lines[i].block != self.lines[0].block:
                    break
                self.hard[i] = True
                self.link_rels.append(i)
        self.template = ch.template_lines(texts, [ln.block for ln in self.lines], ctx, self.hard,
                                          keys=self.keys)
        # The lines that are teaser links (`Read more »`): asked of every line of a post.
        self.teaser_links = {i for i in scan.candidates(TEASER_LINK.prefilter, TEASER_LINK.starts)
                             if ch.is_teaser_link(texts[i])}
        self.bullet = [False] * len(texts)
        # Per line: its length if it is paragraph text (texty), else 0; piece sizes are sums.
        self.text_chars = texty_chars(texts)
        for i in self.link_rels:  # (a list of feed names, however long, is no paragraph)
            self.text_chars[i] = 0
        for i in scan.bullet_candidates():
            self.bullet[i] = ch.is_bullet(self.lines[i].raw)
        self.text_start: int | None = None  # an article page: where its paragraph text starts
        self.text_end: int | None = None  # ... and where it ends
        self.dropped: set[int] = set()  # boxes inside the article's region (job ads, paywall)
        self.seg_start = 0  # an article page: where its piece starts, above the text's region
        # The lines that may hold a date (all others fail find_date, header_meta, date_only).
        self.year_lines = list(scan.matching_texts(YEAR_HINT, YEAR_STARTS))
        self.crumb_tail = next(
            (t for i in sorted([*scan.candidates(ch.ANY_SEP, ch.SEPARATORS),
                                *scan.long_candidates(CRUMB_RULE)])
             if ch.is_breadcrumb(texts[i])
             and (t := ch.breadcrumb_tail(texts[i]))), None,
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
            or i in self.teaser_links or date_only(ln.text)
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
        if i > 0 and date_only(page.lines[i - 1].text) and not page.footer(i - 1):
            start = i - 1
        groups.append((start, i + 1))
    segments: list[tuple[int, int, tuple[int, int] | None]] = []
    pos = 0
    for grp in groups:
        segments.append((pos, grp[0], grp))
        pos = grp[1]
    # (A line that is not short is paragraph text: text_chars rules out the others first.)
    tail_long = sum(1 for i in range(pos, n) if page.text_chars[i] and not page.bullet[i]
                    and not ch.is_short(page.lines[i].text))
    if not groups or tail_long >= 2:  # no footers, or real text after the last one
        segments.extend(_dateline_split(page, pos, n) if not groups else [(pos, n, None)])
    # One footer with text on both sides is no evidence of a listing (each post of one has its
    # footer): it is a stray counter or share row on an article page, whose text region is then
    # chosen from the whole page. On dumps of trafilatura's evaluation pages, splits
    # lynx/w3m/browser 13/17/26 -> 8/12/21, body F1 dev +.005/+.003/+.002, check
    # +.002/+.004/-.001; the corpus listings have a footer under every post.
    if len(groups) == 1 and len(segments) == 2:
        segments = [(0, n, None)]
    # A segment without any paragraph-length line is a header cut off by a share row: merge on.
    merged: list[tuple[int, int, tuple[int, int] | None]] = []
    carry: int | None = None
    for s, e, g in segments:
        s = carry if carry is not None else s
        has_text = any(page.text_chars[s:e])
        if not has_text and (s, e, g) != segments[-1] and _has_title(page, s, e):
            carry = s
            continue
        carry = None
        merged.append((s, e, g))
    kept = _without_comments(page, merged)
    drafts = _drafts(page, kept)
    if not drafts and len(kept) < len(merged):  # (a thread under a paywall's teaser: keep all)
        page.dropped.clear()
        page.text_start = page.text_end = None
        drafts = _drafts(page, merged)
    return drafts


def _drafts(page: _Page, merged: list[_Seg]) -> list[Draft]:
    """The posts of the page's pieces: one article when one piece is left or dominates."""
    merged = _dominant(page, merged)
    if len(merged) == 1:
        s, e, g = merged[0]
        page.seg_start = s
        merged = [(*text_region(page, s, e), g)]
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


#: On an article page, stray footers (a share row in a sidebar, a comment counter under a
#: teaser) cut off pieces that are not posts: when one piece holds more than this share of the
#: page's paragraph text, it is the article and the rest is chrome. Same rule and share as
#: htmllisting.DOMINANT_SHARE (tuned there); the corpus listings' posts hold 1/n each.
DOMINANT_SHARE = 2 / 3
#: ... or more than this many times the text of the next largest piece (a read-next list of
#: many short teasers, each with its dateline, under one article). Same rule and ratio as
#: htmllisting.TEASER_RATIO (tuned there).
TEASER_RATIO = 5


def _dominant(page: _Page, segs: list[_Seg]) -> list[_Seg]:
    if len(segs) < 2:
        return segs
    sizes = [sum(page.text_chars[s:e]) for s, e, _ in segs]
    total = sum(sizes)
    best = max(range(len(segs)), key=lambda k: sizes[k])
    second = max((sizes[k] for k in range(len(segs)) if k != best), default=0)
    if not total or (sizes[best] <= DOMINANT_SHARE * total
                     and sizes[best] <= TEASER_RATIO * second):
        return segs
    # A teaser with its `Continue reading` link is a post of a listing, however short, when the
    # large piece is a teaser too or the teaser has a post's footer (counter, share row); under
    # a whole article, bare `Read more` teasers are its "read next" list.
    def teaser(k: int) -> bool:
        s, e, g = segs[k]
        return not page.teaser_links.isdisjoint(range(s, g[1] if g else e))

    def post_footer(k: int) -> bool:
        g = segs[k][2]
        return g is not None and any(ch.is_meta(page.lines[i].text) or ch.is_share(page.lines[i].text)
                                     for i in range(*g))

    # (The large piece is a teaser when it has an excerpt, not a whole article, above its link.)
    s0, e0, _ = segs[best]
    best_teaser = teaser(best) and sum(map(bool, page.text_chars[s0:e0])) <= 2
    if any(teaser(k) and (post_footer(k) or best_teaser) for k in range(len(segs)) if k != best):
        return segs
    return [segs[best]]


#: A piece under this much paragraph text (characters) is no article that comments could
#: follow (a header or teaser cut off by a share row). Same as textregion.MIN_LEAD.
_ARTICLE_TEXT = 150


def _without_comments(page: _Page, segs: list[_Seg]) -> list[_Seg]:
    """The pieces but the comment threads that follow a piece of text (they are no posts)."""
    out: list[_Seg] = []
    text = 0
    for s, e, g in segs:
        if text >= _ARTICLE_TEXT and comment_thread(page, s, e):
            continue
        out.append((s, e, g))
        text += sum(page.text_chars[s:e])
    return out


def _dateline_split(page: _Page, s: int, e: int) -> list[_Seg]:
    """A page without post footers: split before each title that has a dateline under it.

    Fewer than two such titles means one article. A short label just above a title (its
    category) starts the post with it. Menu items and their dates are not titles.
    """
    lines = page.lines
    starts: list[int] = []
    years = page.year_lines  # (only a line with a year can be a dateline)
    for i in years[bisect_left(years, s + 1):bisect_left(years, e)]:
        t = i - 1
        if (header_meta(lines[i].text) and ch.is_short(lines[t].text)
                and not (page.bullet[i] or page.bullet[t] or page.hard[t]
                         or _INDENTED.match(lines[i].raw) or header_meta(lines[t].text))):
            start = t
            if (t - 1 >= s and (not starts or t - 1 > starts[-1]) and ch.is_short(lines[t - 1].text)
                    and len(lines[t - 1].text.split()) <= 6
                    and not ch.ends_sentence(lines[t - 1].text) and not page.nav(t - 1)):
                start = t - 1
            starts.append(start)
    # Comments under the article (`Ann says:` over its date, over the comment) are no posts:
    # the titles from the first one on start none (the thread stays with the piece above it,
    # whose text region leaves it out).
    text = sum(page.text_chars[s:starts[0]]) if starts else 0
    for k, a in enumerate(starts):
        if k and text >= _ARTICLE_TEXT and comment_thread(page, a, e):
            starts = starts[:k]
            break
        b = starts[k + 1] if k + 1 < len(starts) else e
        text += sum(page.text_chars[a:b])
    if len(starts) < 2:
        return [(s, e, None)]
    bounds = [*starts, e]
    posts: list[_Seg] = [(a, b, None) for a, b in zip(bounds, bounds[1:], strict=False)]
    # Before the first title is page chrome (menus, site name): it opens no article, unless
    # it holds most of the page's text (an article over a calendar or a list of events).
    head = _dominant(page, [(s, starts[0], None), *posts])
    return [(a, b, None) for a, b, _ in head] if len(head) == 1 else posts


def _first_text(page: _Page, s: int, e: int) -> int:
    """The first paragraph-text (texty) line in [s, e), else e (found in C: text_chars is
    non-zero exactly on such lines)."""
    return next(compress(range(s, e), page.text_chars[s:e]), e)


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
        first_long = _first_text(page, s, e)
        navs = [i for i in range(s, first_long) if page.nav(i)]
        if navs:
            s = navs[-1] + 1
        anchor = meta_anchor(page, s, first_long, with_category=not listing or bool(categories))
        if anchor is not None:  # a title over its byline/dateline: before it is chrome
            s = anchor[0] if anchor[0] is not None else anchor[1]
        else:
            s = skip_nav_blocks(page, s, first_long)
            while s < e and page.chromeish(s) and page.keys[s] not in categories \
                    and not label_over_title(page, s, first_long):
                s += 1
    # A closing widget after the first paragraph ends the post ("Share this:", "Related").
    # (On an article page, after the first paragraph of its main text: a `Share:` row under a
    # long byline line is above the text, not under it.)
    first_long = _first_text(page, s, e)
    if not listing and page.text_start is not None:
        first_long = max(first_long, min(page.text_start, e))
    inline: set[int] = set()
    for i in range(first_long, e):
        if not ch.is_closing(lines[i].text):
            continue
        if not listing and ch.is_link_label(lines[i].text) and _text_follows(page, i, e):
            inline.add(i)  # `Read more: <headline>` between paragraphs: the text goes on
            continue
        e = i
        break
    # Trailing chrome of a page without footers: widgets, menus, repeats after the body.
    if group is None:
        while e > s and (page.chromeish(e - 1) or ch.is_widget(lines[e - 1].text)):
            e -= 1
    if group is None or not listing:
        e = trim_tail_blocks(page, s, e)
    links = {i for i in range(s, e) if (page.bullet[i] or ch.NUMBERED.match(lines[i].raw))
             and ch.LINK_ITEM.match(lines[i].raw)}
    idx = [i for i in range(s, e) if not (page.hard[i] or i in page.template or i in links
                                          or i in page.dropped or i in inline)]
    # A widget box inside the article (`Sign up for ... / Email address / Subscribe`): a block of
    # three or more short non-sentence lines with a widget line among them.
    text_from = _first_text(page, s, e)
    boxed = {i for b in blocks_of(lines, list(range(text_from + 1, e)))
             if len(b) >= 3 and any(page.hard[i] for i in b) and all(
                 ch.is_short(lines[i].text) and not ch.ends_sentence(lines[i].text) for i in b)
             for i in b}
    if boxed:
        idx = [i for i in idx if i not in boxed]
    # The heading of a closing link list ("References" over bare URLs) goes with the list.
    if idx and idx[-1] + 1 in links and all(i in links for i in range(idx[-1] + 1, e)) \
            and ch.is_short(lines[idx[-1]].text) and not texty(lines[idx[-1]].text):
        idx.pop()
    teasers = {i for i in page.teaser_links if s <= i < e}
    truncated = bool(teasers)
    if group is not None:
        truncated = truncated or any(
            i in page.teaser_links for i in range(group[0], group[1]))
    idx = [i for i in idx if i not in teasers]
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
    if not listing and title_i is not None and not title_shaped(page, title_i):
        # The header rules found no real headline (a date, a name, an image placeholder,
        # a menu line): the headline is the nearest title-shaped line above the text.
        above = title_above(page, idx)
        if above is not None:
            caption, category, title_i = None, None, above
    if title_i is None:
        return None
    body_from, old_title = title_i + 1, title_i
    if not listing:
        title_i = outdented_headline(page, echoed_headline(page, idx, title_i))
        if title_i != old_title:
            # The body starts under the headline (an old choice below it stays body text when
            # it is text; a dateline there is taken as such below).
            caption = category = None
            body_from = title_i + 1
    # The headline comes before the text: paragraphs above the chosen line mean it is a
    # subheading (or a caption); the headline is the title-shaped line above the first one,
    # and the paragraphs stay body text either way.
    lead_in: list[int] = []
    if not listing:
        # (Not a notice above the page's menus: only text after the last menu or chrome line.)
        menu = max((i for i in range(s, title_i) if page.hard[i] or page.bullet[i]), default=-1)
        lead_in = [i for i in idx if menu < i < title_i and texty(lines[i].text)]
        if lead_in:
            above = title_above(page, idx)
            if above is not None and above < lead_in[0]:
                caption, category, title_i = None, None, above
                lead_in = []
            else:
                lead_in = [i for i in idx if lead_in[0] <= i < title_i]
    body = lead_in + [i for i in idx if i >= body_from and (i != old_title or texty(lines[i].text))]
    if caption is not None and body and page.keys[body[0]] == page.keys[caption]:
        body.pop(0)  # the caption's second copy, under the title
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
             if date_only(lines[i].text) or header_meta(lines[i].text) or page.is_footer[i]]
    for i in zone:
        found = find_date(lines[i].text)
        if found:
            date_text, date_iso = found
            break
    byline: str | None = None
    # Header date/byline lines right after the title (a bare name next to a dateline too).
    after_meta = False
    # A standfirst (one sentence between the title and its byline/dateline) stays body text.
    lead = [body.pop(0)] if len(body) >= 2 and texty(lines[body[0]].text) \
        and credit_or_date(lines[body[1]].text) else []
    while body and ch.is_short(lines[body[0]].text):
        t = lines[body[0]].text
        nxt = lines[body[1]].text if len(body) > 1 else ""
        # (A dateline in another language than find_date's is taken off the body too.)
        if header_meta(t) or dateline(t):
            found = find_date(t)
            if date_text is None and found:
                date_text, date_iso = found
            by = BY_NAME.search(t)
            if byline is None and by:
                byline = by.group(1).strip()
        elif byline is None and _BY.match(t) and len(t.split()) <= 8:
            byline = t
        elif byline is None and person(t) and (after_meta or header_meta(nxt)):
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
    if not listing:
        body = _without_repeated_labels(page, body, local)
    # A closing reference list ("References:", "[1] ...") comes after the byline: look before it.
    end = len(body)
    while end and ch.REFERENCE.match(lines[body[end - 1]].text):
        end -= 1
    if end < len(body) and end and lines[body[end - 1]].text.endswith(":"):
        end -= 1
    by_i = _byline(page, body[:end]) if byline is None else None
    if by_i is not None:
        byline = lines[by_i].text
    if not listing and page.text_end is not None:
        # Below the text only its byline, closing references and credits belong to it (tags
        # were taken above); the rest is the page's (share prompts, "more on", link labels).
        end_at = page.text_end
        # ... but short closing sentences and a list the text introduces (`... should:` over
        # its items) go on.
        seen_keys = {page.keys[i] for i in body if i < end_at}
        while end_at < e and not page.hard[end_at]:
            t = lines[end_at].text
            if page.keys[end_at] in seen_keys:  # an image's caption printed again
                end_at += 1
                continue
            if t.endswith(":") and end_at + 1 < e and _item(page, end_at + 1):
                end_at += 1
                while end_at < e and _item(page, end_at):
                    end_at += 1
            elif ch.ends_sentence(t) and not t.endswith((":", ",", ";")):
                end_at += 1
            else:
                break
        body = [i for i in body if i < end_at or ch.REFERENCE.match(lines[i].text)
                or (i == by_i and (_BY.search(lines[i].text) or i < end_at + 2))]
    if not listing:
        body = _without_lone_labels(page, body, by_i)
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


def _without_repeated_labels(page: _Page, body: list[int], local: Counter[str]) -> list[int]:
    """The body lines of an article page but its repeated labels.

    A short line with no sentence punctuation that the page prints again outside the article
    (or again inside it, but not as a block of its own) is a widget label, a button or a menu
    item (`Share`, `Read on`, a section name), in whatever language: a subheading is printed
    once, and an image's caption printed twice over (alt text and caption) stands alone in its
    block each time, and stays (postbody.classify makes it a caption). On lynx/w3m/browser dumps
    of trafilatura's evaluation pages, snippet F1 dev half .840/.826/.822 -> .842/.828/.826,
    check half .838/.828/.831 -> .839/.830/.833; dropping every repeated such line gains .001
    more but loses the corpus pages' repeated captions.
    """
    lines = page.lines

    def alone(i: int) -> bool:
        return (i == 0 or lines[i - 1].block != lines[i].block) and (
            i + 1 >= len(lines) or lines[i + 1].block != lines[i].block)

    keys, count = page.keys, page.count
    return [i for i in body
            if not (count[keys[i]] >= 2 and ch.is_short(lines[i].text)
                    and not ch.ends_sentence(lines[i].text)
                    and (count[keys[i]] > local[keys[i]] or not alone(i)))]


#: A label is a line of at most this many words (see _without_lone_labels). Tuned on the dev
#: half of trafilatura's evaluation pages (snippet F1, lynx/w3m/browser, without the caption
#: exception below): 2 words .8435/.8304/.8283, 3 words .8438/.8307/.8294; on the check half
#: 2 words gain on all three dumps and 3 words lose .0003 of it on lynx. With the caption
#: exception: dev .8419/.8280/.8256 -> .8423/.8287/.8262, check .8397/.8305/.8330 ->
#: .8410/.8319/.8344 (without it .001-.003 more, but a short caption over its credit goes).
LABEL_WORDS = 2


def _without_lone_labels(page: _Page, body: list[int], by_i: int | None) -> list[int]:
    """The body lines of an article page but its labels: a line of one or two words, no
    sentence, over no paragraph (`Newsletter`, `Related topics`, `Share article`, `Back`), in
    whatever language. A subheading is followed by text; one over a list (`Ingredients`)
    stays, and so does a caption over its credit or a second caption (two caption-shaped
    blocks in a row: postbody.classify makes them captions).
    """
    lines = page.lines

    def caption_shaped(i: int) -> bool:
        t = lines[i].text
        return ((i == 0 or lines[i - 1].block != lines[i].block)
                and (i + 1 >= len(lines) or lines[i + 1].block != lines[i].block)
                and ch.is_short(t) and not ch.ends_sentence(t) and not page.bullet[i])

    out = []
    for k, i in enumerate(body):
        t = lines[i].text
        nxt = body[k + 1] if k + 1 < len(body) else None
        if (i != by_i and len(t.split()) <= LABEL_WORDS and not ch.ends_sentence(t)
                and not (nxt is not None and (texty(lines[nxt].text) or _item(page, nxt)
                                              or (caption_shaped(i) and caption_shaped(nxt))))):
            continue
        out.append(i)
    return out


def _text_follows(page: _Page, i: int, e: int) -> bool:
    """Line i is a paragraph of its own and more paragraphs of the page's main text follow it
    (a heading may come between); a teaser's summary would sit in the link's own block."""
    lines = page.lines
    end = min(e, page.text_end) if page.text_end is not None else e
    alone = (i == 0 or lines[i - 1].block != lines[i].block) \
        and (i + 1 >= len(lines) or lines[i + 1].block != lines[i].block)
    return alone and any(texty(lines[j].text) for j in range(i + 1, min(end, i + 3)))


def _item(page: _Page, i: int) -> bool:
    return page.bullet[i] or bool(ch.NUMBERED.match(page.lines[i].raw))


def _header(page: _Page, idx: list[int], *, listing: bool) -> tuple[int | None, int | None, int | None]:
    """(caption, category, title) line indices at the start of a post."""
    lines = page.lines
    # A line that repeats around another (`caption / title / caption`) is an image's alt text
    # printed before and after the image's caption slot: the line between is the title, and a
    # short label above the first copy is the category.
    head = idx[:8]
    for p in range(len(head) - 2):
        x, y, z = head[p], head[p + 1], head[p + 2]
        if page.keys[x] == page.keys[z] != page.keys[y] and ch.is_short(lines[x].text) \
                and heading_like(page, y) and not texty(lines[y].text):
            cat = head[p - 1] if p >= 1 and label(page, head[p - 1]) else None
            return x, cat, y
    # A dateline under the title fixes the title (and a short label above it is the category).
    for p, i in enumerate(idx[:6]):
        if p >= 1 and header_meta(lines[i].text) and ch.is_short(lines[idx[p - 1]].text):
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
        or (len(blocks[1]) >= 2 and texty(lines[blocks[1][1]].text))
    ):
        t1 = lines[blocks[1][0]].text
        label_like = all(ch.is_short(lines[i].text) for i in b0) and len(b0) <= 2
        if not listing:  # a lone page: only a short label line before a title is a category
            label_like = label_like and len(b0) == 1 and len(lines[b0[0]].text.split()) <= 6 \
                and not ch.ends_sentence(lines[b0[0]].text)
        title_like = not t1.rstrip().endswith((".", ",", ";", ":"))  # titles rarely end so
        if label_like and title_like and ch.is_short(t1) and not date_only(t1) \
                and not _BY.match(t1):
            return (b0[0] if len(b0) == 2 else None), b0[-1], blocks[1][0]
    # label / title / first paragraph in one block (a compact listing post).
    if len(idx) >= 3 and len(b0) >= 3 and texty(lines[b0[2]].text) and label(page, b0[0]) \
            and heading_like(page, b0[1]) and not texty(lines[b0[1]].text) \
            and len(lines[b0[0]].text.split()) < len(lines[b0[1]].text.split()):
        return None, b0[0], b0[1]
    for i in idx[:3]:
        if ch.is_short(lines[i].text):
            return None, None, i
    return None, None, idx[0]
