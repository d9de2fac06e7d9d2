"""HTML article pages: main content by trafilatura (menus, scripts, styles dropped), then units."""

from __future__ import annotations

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
    """One article from an HTML page; InputError if no main text can be found."""
    import trafilatura  # imported here: it is slow to load and only HTML needs it
    from lxml import etree

    try:
        xml = trafilatura.extract(
            text, output_format="xml", include_comments=False, include_tables=True,
            include_images=True, include_formatting=False, include_links=False,
            with_metadata=True, deduplicate=False,
        )
    except (ValueError, etree.LxmlError) as exc:
        raise InputError(f"cannot parse HTML: {exc}", path=path) from None
    if not xml:
        raise InputError("no article text found in the HTML page", path=path)
    doc = etree.fromstring(xml.encode("utf-8"), parser=etree.XMLParser(resolve_entities=False,
                                                                       no_network=True))
    main = doc.find("main")
    parts: list[tuple[UnitKind, str]] = []
    title = (doc.get("title") or "").strip()
    if main is not None:
        _walk(main, parts, None)
    if parts and parts[0][0] is UnitKind.HEADING and (not title or parts[0][1] == title):
        title = parts.pop(0)[1]
    captions = _captions(text)
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
            _walk(child, parts, UnitKind.QUOTE if tag == "quote" else inherited)
            continue
        if kind is None:
            continue
        text = " ".join("".join(child.itertext()).split())
        if text:
            parts.append((inherited or kind if kind is UnitKind.PARAGRAPH else kind, text))


def _captions(html: str) -> list[str]:
    """<figcaption> texts of the page (trafilatura drops them), scripts and styles excluded."""
    from lxml import etree
    from lxml import html as lhtml

    try:
        tree = lhtml.fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    out: list[str] = []
    for fig in tree.iter("figcaption"):
        if any(a.tag in ("nav", "footer", "header", "aside") for a in fig.iterancestors()):
            continue
        t = " ".join(fig.text_content().split())
        if t and t not in out:
            out.append(t)
    return out
