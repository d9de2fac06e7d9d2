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
_TITLE_SEP = re.compile(r"\s+[|–—·•»«›‹~:-]\s+|\s*(?:\||::|»|·|\u01c0)\s*")
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
    site: str = ""


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
    return PageMeta(title or None, date_text, date_iso, author, tags, category or None, h1, site)


def choose_title(head_title: str, og_title: str, h1: tuple[str, ...], site: str = "") -> str:
    """The headline: agreement of `<title>`, og:title and the main `<h1>`, site's name dropped.

    An `<h1>` that other fields confirm wins, as the page shows it: the one og:title is, the
    longest part of `<title>`, a part of og:title, the first part of `<title>` (headline-first
    is the common order; an `<h1>` matching a later part is the site's masthead), or what is left
    of og:title or `<title>` once the site's name (og:site_name) is cut off. Else: the part
    `<title>` and og:title share, either without the site's name, og:title, the longest part of
    `<title>`. The site's name itself is never chosen while anything else is there.
    """
    site_key = headline_key(site) if site else ""

    def masthead(text: str) -> bool:
        return bool(site_key) and headline_key(text) == site_key

    heads = {headline_key(h): h for h in reversed(h1) if not masthead(h)}

    def as_h1(text: str) -> str | None:
        return heads.get(headline_key(text)) if text else None

    segs = _segments(head_title)
    og_segs = _segments(og_title)
    confirmed = (
        [og_title]
        + ([max(segs, key=len)] if len(segs) >= 2 else [])
        + (og_segs if len(og_segs) >= 2 else [])
        + segs[:1]
        + [strip_site(t, site) for t in (og_title, head_title) if t]
    )
    for text in confirmed:
        if (match := as_h1(text)) is not None:
            return match
    if og_title and head_title and headline_key(og_title) != headline_key(head_title):
        common = _common_part(og_title, head_title)
        if common and not masthead(common):
            return common
    for t in (og_title, head_title):
        if t and (stripped := strip_site(t, site)) != t:
            parts = _segments(stripped)  # what is left may still hold a section: `X - Politics`
            return max(parts, key=len) if len(parts) > 1 else stripped
    if og_title and not masthead(og_title):
        return og_title
    rest = [s for s in segs if not masthead(s)]
    if len(segs) >= 2 and rest:
        return max(rest, key=len)
    return head_title or og_title or (h1[0] if h1 else "")


def headline_key(text: str) -> str:
    """Comparison key of a headline: case, white space, dashes, ellipsis and quote styles ignored."""
    return " ".join(text.replace("…", "...").translate(_QUOTES).split()).casefold()


_QUOTES = str.maketrans({"’": "'", "‘": "'", "′": "'", "“": '"', "”": '"', "„": '"', "«": '"',
                         "»": '"', "–": "-", "—": "-", "\u2011": "-"})


def _segments(title: str) -> list[str]:
    return [s for s in (p.strip() for p in _TITLE_SEP.split(title)) if s]


def _common_part(a: str, b: str) -> str:
    """The headline two titles share: one whole, or the segments both start (or end) with."""
    ka, kb = headline_key(a), headline_key(b)
    if kb.startswith(ka) or kb.endswith(ka):
        return a
    if ka.startswith(kb) or ka.endswith(kb):
        return b
    sa, sb = _segments(a), _segments(b)
    keys = {headline_key(x) for x in sb}
    shared = [s for s in sa if headline_key(s) in keys]
    return max(shared, key=len) if shared and len(sa) > 1 else ""


def strip_site(title: str, site: str) -> str:
    """`title` without a leading or trailing part naming the site (`Headline | Site`,
    `Site: Headline`; the site's name may itself hold a separator, `Ann Lee - Lady Blog`)."""
    if not site:
        return title
    ks = headline_key(site)
    low, sl = title.casefold(), site.casefold()
    if len(low) > len(sl) and low.endswith(sl):
        head = title[: len(title) - len(site)]
        if _SEP_BEFORE.search(head) and (cut := _SEP_BEFORE.sub("", head)):
            return cut
    if len(low) > len(sl) and low.startswith(sl):
        tail = title[len(site):]
        if _SEP_AFTER.match(tail) and (cut := _SEP_AFTER.sub("", tail, count=1)):
            return cut
    segs = _segments(title)
    keep = [s for s in segs
            if headline_key(s) != ks and not (ks in headline_key(s) and len(s) <= len(site) + 12)]
    return max(keep, key=len) if keep and len(keep) < len(segs) else title


#: What stands between a headline and the site's name cut off it: a separator of _TITLE_SEP, or
#: a colon (`Site: Headline`, since the site's name is known); never a hyphen inside a word
#: (`Privatkredit-Zinsen` with the site `Privatkredit`).
_SEP_BEFORE = re.compile(r"(?:\s*[|–—·•»«›‹~:\u01c0]|\s+-)\s*$")
_SEP_AFTER = re.compile(r"^(?:\s*[|–—·•»«›‹~:\u01c0]|\s+-\s)\s*")


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
