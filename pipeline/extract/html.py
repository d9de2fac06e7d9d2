"""HTML article pages: main content by trafilatura (menus, scripts, styles dropped), then units.

The page is parsed once (lxml, through trafilatura's loader); its own fields (title, date,
author, tags) come from that tree (htmlmeta), a listing of `<article>` posts is read directly
(htmllisting), and trafilatura finds the main content of an article page.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pipeline.errors import InputError
from pipeline.extract.draft import Draft
from pipeline.extract.htmllead import lead_blocks
from pipeline.extract.htmllisting import listing_posts, read_posts
from pipeline.extract.htmlmeta import headline_key, read_meta, squash
from pipeline.models import UnitKind

log = logging.getLogger(__name__)

_BLOCKS = {"p": UnitKind.PARAGRAPH, "head": UnitKind.HEADING, "item": UnitKind.LIST_ITEM,
           "quote": UnitKind.QUOTE, "cell": UnitKind.PARAGRAPH, "code": UnitKind.PARAGRAPH}
_CHROME = ("nav", "footer", "header", "aside")


def parse_html(text: str, path: Path | str = "<html>") -> list[Draft]:
    """The article of an HTML page (several for a listing of <article> elements).

    InputError if no main text can be found.
    """
    import trafilatura  # imported here: it is slow to load and only HTML needs it
    from lxml import etree

    from pipeline.extract.htmltree import parse_page, too_large

    # The whole page or an InputError, never a silent partial (lxml's depth and size limits).
    tree = parse_page(text, path)
    posts = listing_posts(tree)
    if posts:
        return read_posts(posts)
    meta = read_meta(tree)
    figures = _figcaptions(tree)
    try:
        # The tree is handed over (trafilatura works on a copy): no second parse. XML output
        # leaves the body as a tree and skips trafilatura's own text serialisation.
        doc = trafilatura.bare_extraction(
            tree, output_format="xml", include_comments=False, include_tables=True,
            include_images=False, include_formatting=False, include_links=True,
            with_metadata=False, deduplicate=False,
        )
    except (ValueError, etree.LxmlError) as exc:
        if too_large(exc):
            raise InputError("a block of text is over 10 MB, more than the HTML extractor "
                             "can hold; split it", path=path) from None
        raise InputError(f"cannot parse HTML: {exc}", path=path) from None
    body = getattr(doc, "body", None)
    parts: list[tuple[UnitKind, str]] = []
    links: list[float] = []
    if body is not None:
        for lb in body.iter("lb"):  # a line break inside a paragraph separates words
            lb.tail = " " + (lb.tail or "")
        _walk(body, parts, None, links)
        parts = _without_link_blocks(parts, links)
    captions = _in_main(figures, parts)
    if not parts and not captions:
        raise InputError("no article text found in the HTML page", path=path)
    title = meta.title or ""
    if parts and parts[0][0] is UnitKind.HEADING:
        first_key = headline_key(parts[0][1])
        if title and meta.site and first_key == headline_key(meta.site) != headline_key(title):
            parts.pop(0)  # the site's masthead, which trafilatura took for the body's heading
        elif not title or first_key == headline_key(title) or parts[0][1] in meta.h1:
            title = parts.pop(0)[1]
    first = next((t for k, t in parts if k is not UnitKind.CAPTION), "")
    leads = lead_blocks(tree, title, first, {t for _, t in parts})
    parts[:0] = [(UnitKind.PARAGRAPH, t) for t in leads]
    parts.extend((UnitKind.CAPTION, c) for c in captions if (UnitKind.CAPTION, c) not in parts)
    if not title:
        title = next((t for k, t in parts if k is not UnitKind.CAPTION), "")[:120]
    if not title:
        raise InputError("no title or article text found in the HTML page", path=path)
    return [Draft(title=title, parts=tuple(parts), category=meta.category, tags=meta.tags,
                  byline=meta.author, date=meta.date_text, date_iso=meta.date_iso)]


def _walk(el: Any, parts: list[tuple[UnitKind, str]], inherited: UnitKind | None,
          links: list[float]) -> None:
    """Units of trafilatura's body tree in reading order.

    Text may stand loose in a container (after a `<head>`, between `<lb/>`s, as the tail of a
    `<p>`): each run of it up to the next block or line break is a paragraph, never dropped.
    """
    loose: list[str] = [el.text or ""]
    loose_links = 0

    def flush() -> None:
        nonlocal loose_links
        text = squash("".join(loose))
        if text:
            parts.append((inherited or UnitKind.PARAGRAPH, text))
            links.append(min(1.0, loose_links / len(text)))
        loose.clear()
        loose_links = 0

    for child in el:
        tag = child.tag
        if tag == "graphic":
            # An image's alt text describes it for screen readers (often the file name or a
            # stock credit): the page's caption is its <figcaption>, read in _figcaptions.
            pass
        elif tag == "lb":
            flush()
        elif tag in ("list", "quote", "table", "row", "div", "main"):
            flush()
            kind_inside = UnitKind.QUOTE if tag == "quote" else inherited
            _walk(child, parts, kind_inside, links)
        elif (kind := _BLOCKS.get(tag)) is not None:
            flush()
            text = _text(child)
            if text and not (inherited is None and tag in ("p", "head") and _is_link_teaser(child)):
                parts.append((inherited or kind if kind is UnitKind.PARAGRAPH else kind, text))
                links.append(_link_share(child, text))
        else:  # inline markup (hi, ref, del, span) among loose text
            piece = _text(child, squashed=False)
            loose.append(piece)
            if tag == "ref":
                loose_links += len(squash(piece))
        loose.append(child.tail or "")
    flush()


#: A unit that is a link to another page: at least this share of its text inside a link, and at
#: most LINK_TITLE characters (a headline's length). Tuned on the dev half of trafilatura's
#: evaluation pages: units past 0.8 there are nearly all wholly links (0.95+), and of the
#: link-only units ending a body, those up to 100 characters were story teasers and "back to
#: the list" links, longer ones teaser paragraphs the annotators counted as text.
LINK_SHARE = 0.8
LINK_TITLE = 100


def _is_link_unit(kind: UnitKind, text: str, share: float) -> bool:
    return (kind is not UnitKind.HEADING and share >= LINK_SHARE and len(text) <= LINK_TITLE
            and not text.startswith(("http://", "https://", "www.")))  # a URL the text cites


def _without_link_blocks(parts: list[tuple[UnitKind, str]], links: list[float],
                         ) -> list[tuple[UnitKind, str]]:
    """The units without the site's link blocks: a run of links to other pages ending the body
    (with the heading above it: "Related stories"), and a heading over two or more such links
    up to the next heading. Links inside the text, and a body of nothing else, stay."""
    linky = [_is_link_unit(k, t, s) for (k, t), s in zip(parts, links, strict=True)]
    if all(linky):
        return parts
    drop = [False] * len(parts)
    end = len(parts)
    while end > 0 and linky[end - 1]:
        end -= 1
    if end < len(parts):
        drop[end:] = [True] * (len(parts) - end)
        if end > 1 and parts[end - 1][0] is UnitKind.HEADING:
            drop[end - 1] = True
    for i in range(1, len(parts)):
        if parts[i][0] is not UnitKind.HEADING:
            continue
        j = i + 1
        while j < len(parts) and linky[j]:
            j += 1
        if j - i > 2 and (j == len(parts) or parts[j][0] is UnitKind.HEADING):
            drop[i:j] = [True] * (j - i)
    return [p for p, d in zip(parts, drop, strict=True) if not d]


#: A "Read more: <link>" paragraph: a label of at most this many characters before a link that
#: ends the paragraph. Tuned on the development pages: such labels ("Lea también:", "Read
#: more:", "Czytaj też:", "LE PUEDE INTERESAR:") are 4-20 characters; past 30 the label is a
#: sentence of the article that ends in a link.
_TEASER_LABEL = 30
_LABEL_END = (":", "»", ">", "→")


def _is_link_teaser(el: Any) -> bool:
    """A paragraph that only points to another page: a short label ("Read more:", "See also »")
    then a link running to its end, the link most of the text. Such a line is the site's
    pointer to another story, not this article's text (nothing to translate)."""
    before: list[str] = []
    link: list[str] = []
    after: list[str] = []

    def visit(node: Any, in_link: bool) -> None:
        in_link = in_link or node.tag == "ref"
        (link if in_link else after if link else before).append(node.text or "")
        for sub in node:
            visit(sub, in_link)
            (link if in_link else after if link else before).append(sub.tail or "")

    visit(el, False)
    label, target, rest = squash("".join(before)), squash("".join(link)), squash("".join(after))
    return (0 < len(label) <= _TEASER_LABEL and label.endswith(_LABEL_END) and len(rest) <= 2
            and len(target) > len(label))


def _link_share(el: Any, text: str) -> float:
    """Share of `text` (the element's) inside links."""
    n = sum(len(_text(r)) for r in el.iter("ref") if not any(a.tag == "ref" for a in r.iterancestors()))
    return min(1.0, n / len(text))


def _text(el: Any, squashed: bool = True) -> str:
    """The text of an element (its line breaks already spaced by parse_html)."""
    text = "".join(el.itertext())
    return squash(text) if squashed else text


def _figcaptions(tree: Any) -> list[tuple[str, set[str]]]:
    """<figcaption> texts of the page (trafilatura drops them), chrome excluded, each with the
    paragraph texts around its figure (to tell the article's figures from a sidebar's)."""
    out: list[tuple[str, set[str]]] = []
    seen: set[str] = set()
    for fig in tree.iter("figcaption"):
        if any(a.tag in _CHROME for a in fig.iterancestors()):
            continue
        t = squash(fig.text_content())
        if not t or t in seen:
            continue
        seen.add(t)
        near: set[str] = set()
        el = fig.getparent()
        # Up to three levels above the figure: where the article's own paragraphs sit.
        for _ in range(3):
            if el is None or el.getparent() is None:
                break
            el = el.getparent()
            near.update(_key(p.text_content()) for p in el.iterchildren("p"))
            near.update(_key(p.text_content()) for c in el.iterchildren() for p in c.iterchildren("p"))
        near.discard("")
        out.append((t, near))
    return out


def _key(text: str) -> str:
    return squash(text)[:80]


def _in_main(figures: list[tuple[str, set[str]]], parts: list[tuple[UnitKind, str]]) -> list[str]:
    """Captions of the figures that stand among the paragraphs trafilatura chose."""
    body = {_key(t) for k, t in parts if k is UnitKind.PARAGRAPH}
    return [t for t, near in figures if near & body]
