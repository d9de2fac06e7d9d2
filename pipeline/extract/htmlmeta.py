"""An HTML page's own fields, read from its parsed tree: title without the site's suffix, date,
author, tags and section (meta tags, JSON-LD, `<time>`, `<h1>`); no second parse, no date guessing."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from pipeline.extract.dates import find_date, parse_iso

#: What separates a headline from the site's name in `<title>`: `Headline | Site`, `Headline -
#: Site`, `Site » Headline`. A hyphen or dash counts only with spaces around it; a colon never
#: (`Budget: what changes` is one headline).
_TITLE_SEP = re.compile(r"\s+[|–—·•»«›‹~-]\s+|\s*(?:\||::|»|·)\s*")
_CHROME = ("nav", "footer", "aside", "form", "header")
_DATE_META = ("article:published_time", "og:published_time", "datepublished", "pubdate",
              "publishdate", "date", "dc.date", "dc.date.issued", "dcterms.created",
              "sailthru.date", "parsely-pub-date", "article.published", "published_time",
              "publication_date", "citation_publication_date")
_AUTHOR_META = ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author",
                "byl", "citation_author")
_TAG_META = ("article:tag", "keywords", "news_keywords", "parsely-tags")
_SECTION_META = ("article:section", "parsely-section", "section")


@dataclass(frozen=True)
class PageMeta:
    """Fields of a page found in its head and markup (None when the page does not state them)."""

    title: str | None
    date_text: str | None
    date_iso: str | None
    author: str | None
    tags: tuple[str, ...]
    category: str | None
    h1: tuple[str, ...]


def squash(text: str | None) -> str:
    """`text` on one line with single spaces, in NFC, without soft hyphens.

    NFC (the W3C's form for web text): `u` + combining diaeresis and `ü` are one string, for
    unit ids, search and the glossary. A soft hyphen (U+00AD) only hints where a browser may
    break a word; left in, it splits words for search, glossary and MT.
    """
    text = " ".join((text or "").replace("\xad", "").split())
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def read_meta(tree: Any) -> PageMeta:
    """The page's fields from its `<head>` and markup."""
    metas: dict[str, str] = {}
    for m in tree.iter("meta"):
        name = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        content = squash(m.get("content"))
        if name and content and name not in metas:
            metas[name] = content
    ld = _json_ld(tree)
    h1 = tuple(t for el in tree.iter("h1")
               if not any(a.tag in _CHROME[:3] for a in el.iterancestors())
               and (t := squash(el.text_content())))
    title_el = tree.find(".//title")
    head_title = squash(title_el.text_content()) if title_el is not None else ""
    og = metas.get("og:title") or metas.get("twitter:title") or squash(ld.get("headline"))
    site = metas.get("og:site_name") or metas.get("application-name") or ""
    title = choose_title(head_title, og, h1, site)
    raw_date = next((metas[k] for k in _DATE_META if k in metas), None) \
        or ld.get("datePublished") or None
    date_text = date_iso = None
    times = [t for t in tree.iter("time")
             if not any(a.tag in _CHROME[:3] for a in t.iterancestors())]
    if raw_date:
        date_iso = parse_iso(str(raw_date))
    elif times:
        date_iso = parse_iso(times[0].get("datetime") or "") or parse_iso(times[0].text_content())
    if date_iso:
        date_text = date_iso
        for t in times:  # the date as the page prints it, when it prints this one
            found = find_date(squash(t.text_content()))
            if found and found[1] == date_iso:
                date_text = found[0]
                break
    author = next((metas[k] for k in _AUTHOR_META if k in metas and not metas[k].startswith("http")),
                  None) or _ld_author(ld)
    if author is None:
        el = next(iter(tree.xpath(".//*[@rel='author']")), None)
        author = squash(el.text_content()) or None if el is not None else None
    tags = tuple(t.strip() for t in (next((metas[k] for k in _TAG_META if k in metas), "")
                                     ).split(",") if t.strip())
    category = next((metas[k] for k in _SECTION_META if k in metas), None) \
        or (squash(str(ld["articleSection"])) if isinstance(ld.get("articleSection"), str) else None)
    return PageMeta(title or None, date_text, date_iso, author, tags, category or None, h1)


def choose_title(head_title: str, og_title: str, h1: tuple[str, ...], site: str = "") -> str:
    """The headline: agreement of `<title>`, og:title and the main `<h1>`, site suffix dropped.

    In order: the `<h1>` that og:title is (the page's own headline, as shown); the `<h1>` that is
    the longest part of `<title>` (the site's name is the shorter part, usually also an `<h1>`
    in the masthead); the part `<title>` and og:title share; either without the site's name;
    og:title; the longest part of `<title>`.
    """
    segs = _segments(head_title)
    if og_title:
        ok = _cmp(og_title)
        match = next((h for h in h1 if _cmp(h) == ok), None)
        if match:
            return match
    if len(segs) >= 2:
        longest = _cmp(max(segs, key=len))
        match = next((h for h in h1 if _cmp(h) == longest), None)
        if match:
            return match
    if og_title and head_title and _cmp(og_title) != _cmp(head_title):
        common = _common_part(og_title, head_title)
        if common:
            return common
    for t in (og_title, head_title):
        if t and (stripped := strip_site(t, site)) != t:
            return stripped
    if og_title:
        return og_title
    if len(segs) >= 2:
        return max(segs, key=len)
    return head_title or (h1[0] if h1 else "")


def _cmp(text: str) -> str:
    """Comparison key of a headline: case, white space, ellipsis and quote styles ignored."""
    return " ".join(text.replace("…", "...").translate(_QUOTES).split()).casefold()


_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})


def _segments(title: str) -> list[str]:
    return [s for s in (p.strip() for p in _TITLE_SEP.split(title)) if s]


def _common_part(a: str, b: str) -> str:
    """The headline two titles share: one whole, or the segments both start (or end) with."""
    if b.casefold().startswith(a.casefold()) or b.casefold().endswith(a.casefold()):
        return a
    if a.casefold().startswith(b.casefold()) or a.casefold().endswith(b.casefold()):
        return b
    sa, sb = _segments(a), _segments(b)
    shared = [s for s in sa if s.casefold() in {x.casefold() for x in sb}]
    return max(shared, key=len) if shared and len(sa) > 1 else ""


def strip_site(title: str, site: str) -> str:
    """`title` without a leading or trailing segment naming the site."""
    if not site:
        return title
    segs = _segments(title)
    sk = site.casefold()
    keep = [s for s in segs if s.casefold() != sk and not (sk in s.casefold() and len(s) <= len(site) + 12)]
    return max(keep, key=len) if keep and len(keep) < len(segs) else title


def _json_ld(tree: Any) -> dict[str, Any]:
    """The first JSON-LD object that describes an article (or the first object at all)."""
    first: dict[str, Any] = {}
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        for obj in _objects(data):
            kind = obj.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and k.endswith(("Article", "Posting", "Report")) for k in kinds):
                return obj
            first = first or obj
    return first


def _objects(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        return [o for o in data if isinstance(o, dict)]
    if isinstance(data, dict):
        graph = data.get("@graph")
        return [data, *(o for o in graph if isinstance(o, dict))] if isinstance(graph, list) else [data]
    return []


def _ld_author(ld: dict[str, Any]) -> str | None:
    a = ld.get("author")
    if isinstance(a, list):
        a = a[0] if a else None
    if isinstance(a, dict):
        a = a.get("name")
    return squash(a) or None if isinstance(a, str) else None
