"""Listing pages in HTML: when top-level `<article>` elements are the page's posts, and reading them.

A few teaser `<article>` elements (related stories, "more from") on an article page do not make
a listing: the page is one article when one `<article>` holds most of the text, or when more
text stands outside them than in the largest (the real body is elsewhere).
"""

from __future__ import annotations

from typing import Any

from pipeline.extract import chrome as ch
from pipeline.extract.dates import parse_iso
from pipeline.extract.draft import Draft
from pipeline.models import UnitKind

_CHROME = ("nav", "aside", "footer", "header", "form")
_TEXT_TAGS = ("p", "li", "blockquote", "pre", "dd")
#: A listing's posts share the page: when one `<article>` holds more than this share of the
#: text in all of them it is the page's article and the others are teasers. Tuned on the
#: development pages (trafilatura's evaluation set, all single-article pages; 0.6 to 0.8 split
#: none of them) and on the listing fixtures in tests/extract (equal-length posts: 1/n each).
DOMINANT_SHARE = 2 / 3
#: Teasers around one article: when the largest `<article>` holds more than this many times the
#: text of the next largest, the others are teasers (a page of 40-85 "more from" cards is no
#: listing even though no single card dominates the total). Tuned on the development pages:
#: their single-article pages that pass the share test have ratios of 39 and 41, the one real
#: listing (13 full posts) 1.2; 5 leaves room both ways, and above a ratio of 2 two posts
#: already fail the share test.
TEASER_RATIO = 5
_DROP = ("script", "style", "noscript", "template", "nav", "aside", "footer", "form", "iframe",
         "button", "svg", "object", "embed")
_BLOCK_TAGS = {"h1": UnitKind.HEADING, "h2": UnitKind.HEADING, "h3": UnitKind.HEADING,
               "h4": UnitKind.HEADING, "h5": UnitKind.HEADING, "h6": UnitKind.HEADING,
               "p": UnitKind.PARAGRAPH, "li": UnitKind.LIST_ITEM, "blockquote": UnitKind.QUOTE,
               "figcaption": UnitKind.CAPTION}


def _text_len(el: Any, skip: set[Any] | None = None) -> int:
    """Characters of paragraph-like text under `el` (outside chrome and the `skip` elements)."""
    n = 0
    for p in el.iter(*_TEXT_TAGS):
        if any(a.tag in _TEXT_TAGS for a in p.iterancestors()):
            continue  # counted with its parent
        if skip is not None and any(a in skip or a.tag in _CHROME for a in p.iterancestors()):
            continue
        n += len(" ".join(p.text_content().split()))
    return n


def listing_posts(tree: Any) -> list[Any]:
    """The posts of a listing page (top-level `<article>` elements outside chrome), or [].

    [] unless there are two or more, each with a heading, sharing the text (none holds more than
    DOMINANT_SHARE of it, nor TEASER_RATIO times the next one) and holding more text than stands
    outside them. On a page with a `<main>` element only the `<article>`s inside it count (the
    others are dialogs and sidebars: login forms, "most read").
    """
    posts = [a for a in tree.iter("article")
             if not any(p.tag == "article" or p.tag in _CHROME for p in a.iterancestors())]
    main = next(tree.iter("main"), None)
    if main is not None:
        posts = [a for a in posts if any(p is main for p in a.iterancestors())]
    if len(posts) < 2 or not all(next(a.iter("h1", "h2", "h3"), None) is not None for a in posts):
        return []
    sizes = sorted((_text_len(a) for a in posts), reverse=True)
    total = sum(sizes)
    if not total or sizes[0] > DOMINANT_SHARE * total or sizes[0] > TEASER_RATIO * sizes[1]:
        return []
    body = tree.find("body")
    outside = _text_len(body if body is not None else tree, skip=set(posts))
    return [] if outside > sizes[0] else posts


def read_posts(posts: list[Any]) -> list[Draft]:
    """One draft per post; each `<article>` is its post's main content, so it is read directly
    (scripts, styles, menus and forms inside it dropped). Changes the tree."""
    drafts = []
    for art in posts:
        for bad in list(art.iter(*_DROP)):
            bad.drop_tree()
        parts: list[tuple[UnitKind, str]] = []
        truncated = any(ch.is_teaser_link(t) or ch.is_teaser_end(t)
                        for a in art.iter("a") if (t := " ".join(a.text_content().split())))
        for el in art.iter(*_BLOCK_TAGS, "img"):
            if el.tag == "img":
                alt = " ".join((el.get("alt") or "").split())
                if alt:
                    parts.append((UnitKind.CAPTION, alt))
                continue
            if any(p.tag in _BLOCK_TAGS for p in el.iterancestors()):
                continue  # a <p> inside an <li> or <blockquote> is read with its parent
            t = " ".join(el.text_content().split())
            if not t:
                continue
            if ch.is_teaser_link(t) or ch.is_teaser_end(t):
                truncated = True
                continue
            if ch.is_meta(t) or ch.is_share(t):
                continue
            parts.append((_BLOCK_TAGS[el.tag], t))
        title_i = next((k for k, (kind, _) in enumerate(parts) if kind is UnitKind.HEADING), None)
        if title_i is None:
            continue
        title = parts.pop(title_i)[1]
        date_text = date_iso = None
        time_el = art.find(".//time")
        if time_el is not None:
            date_text = " ".join(time_el.text_content().split()) or time_el.get("datetime")
            date_iso = parse_iso(time_el.get("datetime") or "") or parse_iso(date_text or "")
        author = art.find(".//*[@rel='author']")
        byline = " ".join(author.text_content().split()) if author is not None else None
        parts = [(k, t) for k, t in parts if t not in (date_text, byline)]
        drafts.append(Draft(title=title, parts=tuple(parts), byline=byline or None,
                            date=date_text, date_iso=date_iso, truncated=truncated))
    return drafts
