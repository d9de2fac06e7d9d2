"""Each edition's newest articles as an Atom feed (RFC 4287) and an RSS 2.0 feed."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import format_datetime

from pipeline.export.dates import parse_iso
from pipeline.export.pages import IndexEntry
from pipeline.export.xmltext import attr as quoteattr
from pipeline.export.xmltext import text as escape

ATOM = "feed.xml"
RSS = "rss.xml"
#: Feeds of a workspace without a base URL still need ids that never change: uuid5 in this space.
_ID_SPACE = uuid.UUID("3f5e8f0c-5a8e-4d59-9d0c-2f4d1c7a9b10")
#: A date every feed can show for an article that has none (the epoch; never "now", so re-runs
#: give the same bytes).
_NO_DATE = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class FeedInfo:
    """What a feed says about its edition; `base` is the edition's absolute URL or None."""

    lang: str
    title: str
    subtitle: str
    author: str  # the feed's author when an article has no byline (the site, or "The editors")
    base: str | None  # e.g. https://example.org/editions/fa/ ; None: links relative to the feed
    site: str  # the site's name or, without one, the edition path: keeps ids apart


def _day(value: str | None) -> dt.date:
    return parse_iso(value) or _NO_DATE


def rfc3339(value: str | None) -> str:
    """Midnight UTC of an ISO date, as Atom writes it.

    >>> rfc3339("2024-05-01")
    '2024-05-01T00:00:00Z'
    """
    return f"{_day(value).isoformat()}T00:00:00Z"


def rfc822(value: str | None) -> str:
    """Midnight UTC of an ISO date, as RSS 2.0 writes it (RFC 822, English names).

    >>> rfc822("2024-05-01")
    'Wed, 01 May 2024 00:00:00 +0000'
    """
    day = _day(value)
    return format_datetime(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC))


def entry_id(info: FeedInfo, slug: str) -> str:
    """A permanent id: the page's URL when the edition has one, else a name-based UUID URN."""
    if info.base:
        return f"{info.base}{slug}.html"
    return uuid.uuid5(_ID_SPACE, f"{info.site}\x1f{info.lang}/{slug}").urn


def _link(info: FeedInfo, rel: str) -> str:
    return f"{info.base}{rel}" if info.base else rel


def _updated(entries: Sequence[IndexEntry]) -> str | None:
    return max((e.modified_iso or e.date_iso or "" for e in entries), default=None) or None


def atom(info: FeedInfo, entries: Sequence[IndexEntry]) -> bytes:
    """An Atom feed of `entries` (newest first); every value XML-escaped."""
    lang = quoteattr(info.lang)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={lang}>\n',
        f"<title>{escape(info.title)}</title>\n",
        f"<subtitle>{escape(info.subtitle)}</subtitle>\n",
        f"<id>{escape(entry_id(info, 'index') if info.base is None else info.base)}</id>\n",
        f"<updated>{rfc3339(_updated(entries))}</updated>\n",
        f"<author><name>{escape(info.author)}</name></author>\n",
        f'<link rel="self" type="application/atom+xml" href={quoteattr(_link(info, ATOM))}/>\n',
        f'<link rel="alternate" type="text/html" hreflang={lang}'
        f" href={quoteattr(_link(info, 'index.html'))}/>\n",
        "<generator>pipeline</generator>\n",
    ]
    for e in entries:
        href = quoteattr(_link(info, f"{e.slug}.html"))
        out.append("<entry>\n")
        title_lang = ' xml:lang="en"' if e.title_fallback else ""
        out.append(f"<title{title_lang}>{escape(e.title)}</title>\n")
        out.append(f"<id>{escape(entry_id(info, e.slug))}</id>\n")
        out.append(f'<link rel="alternate" type="text/html" hreflang={lang} href={href}/>\n')
        out.append(f"<published>{rfc3339(e.date_iso or e.modified_iso)}</published>\n")
        out.append(f"<updated>{rfc3339(e.modified_iso or e.date_iso)}</updated>\n")
        if e.byline:
            out.append(f"<author><name>{escape(e.byline)}</name></author>\n")
        for name in (*e.credit.translators, *e.credit.reviewers):
            out.append(f"<contributor><name>{escape(name)}</name></contributor>\n")
        if e.category:
            out.append(f"<category term={quoteattr(e.category.slug)}"
                       f" label={quoteattr(e.category.name)}/>\n")
        for tag in e.tags:
            out.append(f"<category term={quoteattr(tag.slug)} label={quoteattr(tag.name)}/>\n")
        if e.description:
            out.append(f"<summary>{escape(e.description)}</summary>\n")
        out.append("</entry>\n")
    out.append("</feed>\n")
    return "".join(out).encode("utf-8")


def rss(info: FeedInfo, entries: Sequence[IndexEntry]) -> bytes:
    """An RSS 2.0 feed of `entries`; authors and translators as Dublin Core names (RSS's own
    <author> must be an e-mail address)."""
    self_link = quoteattr(_link(info, RSS))
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n',
        f"<title>{escape(info.title)}</title>\n",
        f"<link>{escape(_link(info, 'index.html'))}</link>\n",
        f"<description>{escape(info.subtitle)}</description>\n",
        f"<language>{escape(info.lang)}</language>\n",
        f"<lastBuildDate>{rfc822(_updated(entries))}</lastBuildDate>\n",
        "<generator>pipeline</generator>\n",
        f'<atom:link rel="self" type="application/rss+xml" href={self_link}/>\n',
    ]
    for e in entries:
        permalink = "true" if info.base else "false"
        out.append("<item>\n")
        out.append(f"<title>{escape(e.title)}</title>\n")
        out.append(f"<link>{escape(_link(info, f'{e.slug}.html'))}</link>\n")
        out.append(f'<guid isPermaLink="{permalink}">{escape(entry_id(info, e.slug))}</guid>\n')
        out.append(f"<pubDate>{rfc822(e.date_iso or e.modified_iso)}</pubDate>\n")
        if e.byline:
            out.append(f"<dc:creator>{escape(e.byline)}</dc:creator>\n")
        for name in (*e.credit.translators, *e.credit.reviewers):
            out.append(f"<dc:contributor>{escape(name)}</dc:contributor>\n")
        for name in ((e.category.name,) if e.category else ()) + tuple(t.name for t in e.tags):
            out.append(f"<category>{escape(name)}</category>\n")
        if e.description:
            out.append(f"<description>{escape(e.description)}</description>\n")
        out.append("</item>\n")
    out.append("</channel>\n</rss>\n")
    return "".join(out).encode("utf-8")
