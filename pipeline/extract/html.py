"""HTML article pages: main content by trafilatura (menus, scripts, styles dropped), then units."""

from __future__ import annotations

import copy
import logging
from pathlib import Path
from typing import Any

from pipeline.errors import InputError
from pipeline.extract.dates import find_date, parse_iso
from pipeline.extract.draft import Draft
from pipeline.models import UnitKind

log = logging.getLogger(__name__)

_BLOCKS = {"p": UnitKind.PARAGRAPH, "head": UnitKind.HEADING, "item": UnitKind.LIST_ITEM,
           "quote": UnitKind.QUOTE, "cell": UnitKind.PARAGRAPH, "code": UnitKind.PARAGRAPH}


def parse_html(text: str, path: Path | str = "<html>") -> list[Draft]:
    """The article of an HTML page (several for a listing of <article> elements).

    InputError if no main text can be found.
    """
    import trafilatura  # imported here: it is slow to load and only HTML needs it
    from lxml import etree

    from pipeline.extract.htmltree import parse_page, too_large, xml_parser

    page = parse_page(text, path)  # the whole page or an InputError, never a silent partial
    listing = _listing(copy.deepcopy(page))
    if listing:
        return listing
    try:
        xml = trafilatura.extract(
            copy.deepcopy(page), output_format="xml", include_comments=False, include_tables=True,
            include_images=True, include_formatting=False, include_links=False,
            with_metadata=True, deduplicate=False,
        )
    except (ValueError, etree.LxmlError) as exc:
        if too_large(exc):
            raise InputError("a block of text is over 10 MB, more than the HTML extractor "
                             "can hold; split it", path=path) from None
        raise InputError(f"cannot parse HTML: {exc}", path=path) from None
    if not xml:
        raise InputError("no article text found in the HTML page", path=path)
    doc = etree.fromstring(xml.encode("utf-8"), parser=xml_parser())
    main = doc.find("main")
    parts: list[tuple[UnitKind, str]] = []
    title = (doc.get("title") or "").strip()
    if main is not None:
        _walk(main, parts, None)
    if parts and parts[0][0] is UnitKind.HEADING and (not title or parts[0][1] == title):
        title = parts.pop(0)[1]
    captions = _captions(page)
    parts.extend((UnitKind.CAPTION, c) for c in captions if (UnitKind.CAPTION, c) not in parts)
    if not title:
        title = next((t for k, t in parts if k is not UnitKind.CAPTION), "")[:120]
    if not title:
        raise InputError("no title or article text found in the HTML page", path=path)
    raw_date = doc.get("date")
    date_text = date_iso = None
    if raw_date:
        # trafilatura guesses a date even from a copyright year; keep it only when the page
        # states it (in a meta tag or as printed text).
        date_iso = parse_iso(raw_date)
        found = find_date(text)
        if found and found[1] == date_iso:
            date_text = found[0]
        elif date_iso and date_iso in text:
            date_text = date_iso
        else:
            date_iso = None
    tags = tuple(t.strip() for t in (doc.get("tags") or "").split(",") if t.strip())
    category = (doc.get("categories") or "").split(",")[0].strip() or None
    return [Draft(title=title, parts=tuple(parts), category=category, tags=tags,
                  byline=doc.get("author") or None, date=date_text, date_iso=date_iso)]


def _walk(el: Any, parts: list[tuple[UnitKind, str]], inherited: UnitKind | None) -> None:
    for child in el:
        tag = child.tag
        if tag == "graphic":
            alt = (child.get("alt") or child.get("title") or "").strip()
            if alt:
                parts.append((UnitKind.CAPTION, " ".join(alt.split())))
            continue
        kind = _BLOCKS.get(tag)
        if tag in ("list", "quote", "table", "row", "div", "main"):
            kind_inside = UnitKind.QUOTE if tag == "quote" else inherited
            if len(child) == 0:  # a container holding bare text (<quote>text</quote>)
                text = " ".join("".join(child.itertext()).split())
                if text:
                    parts.append((kind_inside or UnitKind.PARAGRAPH, text))
                continue
            _walk(child, parts, kind_inside)
            continue
        if kind is None:
            continue
        text = " ".join("".join(child.itertext()).split())
        if text:
            parts.append((inherited or kind if kind is UnitKind.PARAGRAPH else kind, text))


def _captions(tree: Any) -> list[str]:
    """<figcaption> texts of the page (trafilatura drops them), scripts and styles excluded."""
    out: list[str] = []
    for fig in tree.iter("figcaption"):
        if any(a.tag in ("nav", "footer", "header", "aside") for a in fig.iterancestors()):
            continue
        t = " ".join(fig.text_content().split())
        if t and t not in out:
            out.append(t)
    return out


_DROP = ("script", "style", "noscript", "template", "nav", "aside", "footer", "form", "iframe",
         "button", "svg", "object", "embed")
_BLOCK_TAGS = {"h1": UnitKind.HEADING, "h2": UnitKind.HEADING, "h3": UnitKind.HEADING,
               "h4": UnitKind.HEADING, "h5": UnitKind.HEADING, "h6": UnitKind.HEADING,
               "p": UnitKind.PARAGRAPH, "li": UnitKind.LIST_ITEM, "blockquote": UnitKind.QUOTE,
               "figcaption": UnitKind.CAPTION}


def _listing(tree: Any) -> list[Draft]:
    """Posts of a listing page: two or more top-level <article> elements, each with a heading.

    Each <article> is already the main content of its post, so it is read directly; scripts,
    styles, menus and forms inside it are dropped. Returns [] for a single-article page.
    """
    from pipeline.extract import chrome as ch

    posts = [a for a in tree.iter("article")
             if not any(p.tag == "article" for p in a.iterancestors())]
    if len(posts) < 2 or not all(a.find(".//h1") is not None or a.find(".//h2") is not None
                                 or a.find(".//h3") is not None for a in posts):
        return []
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
