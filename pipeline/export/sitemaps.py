"""Sitemaps for search engines: per edition (with hreflang alternates), Google News, the index
that lists them, and robots.txt. All need absolute URLs, so they exist only with a base URL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pipeline.export.dates import parse_iso
from pipeline.export.pages import IndexEntry
from pipeline.export.xmltext import attr, text

SITEMAP = "sitemap.xml"  # per edition (<lang>/sitemap.xml) and the index at the root
NEWS_SITEMAP = "news-sitemap.xml"
ROBOTS = "robots.txt"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
#: Google News reads articles of the last two days, at most 1,000 per sitemap.
NEWS_DAYS = 2
NEWS_MAX = 1000
#: The protocol's limit of URLs per sitemap file.
MAX_URLS = 50_000


def _lastmod(e: IndexEntry) -> str:
    day = parse_iso(e.modified_iso or e.date_iso)
    return f"<lastmod>{day.isoformat()}</lastmod>" if day else ""


def edition_sitemap(base: str, lang: str, source: str, entries: Sequence[IndexEntry]) -> bytes:
    """Every article of one edition with an `xhtml:link` to each edition that publishes it and
    `x-default` (the original), as Google documents for multilingual sites."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n',
           f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">\n']
    for e in entries[:MAX_URLS]:
        out.append(f"<url><loc>{text(f'{base}{lang}/{e.slug}.html')}</loc>{_lastmod(e)}")
        if len(e.alternates) > 1:
            for alt in e.alternates:
                href = attr(f"{base}{alt}/{e.slug}.html")
                out.append(f'<xhtml:link rel="alternate" hreflang="{alt}" href={href}/>')
            if source in e.alternates:
                href = attr(f"{base}{source}/{e.slug}.html")
                out.append(f'<xhtml:link rel="alternate" hreflang="x-default" href={href}/>')
        out.append("</url>\n")
    out.append("</urlset>\n")
    return "".join(out).encode("utf-8")


def news_entries(entries: Sequence[IndexEntry], today: dt.date) -> list[IndexEntry]:
    """The articles Google News takes: published in the last two days, newest first, <= 1,000."""
    since = today - dt.timedelta(days=NEWS_DAYS)
    fresh = [e for e in entries if (day := parse_iso(e.date_iso)) and since <= day <= today]
    return fresh[:NEWS_MAX]


def news_sitemap(base: str, lang: str, publication: str, entries: Sequence[IndexEntry]) -> bytes:
    """A Google News sitemap: `news:publication` (name, language), date and title per article."""
    pub = (f"<news:publication><news:name>{text(publication)}</news:name>"
           f"<news:language>{text(lang)}</news:language></news:publication>")
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n',
           f'<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">\n']
    for e in entries:
        day = parse_iso(e.date_iso)
        assert day is not None  # news_entries keeps dated articles only
        out.append(f"<url><loc>{text(f'{base}{lang}/{e.slug}.html')}</loc><news:news>{pub}"
                   f"<news:publication_date>{day.isoformat()}</news:publication_date>"
                   f"<news:title>{text(e.title)}</news:title></news:news></url>\n")
    out.append("</urlset>\n")
    return "".join(out).encode("utf-8")


def sitemap_index(base: str, sitemaps: Sequence[str]) -> bytes:
    """The root sitemap.xml: one `<sitemap>` per edition sitemap found in the output."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n', f'<sitemapindex xmlns="{SITEMAP_NS}">\n']
    out += [f"<sitemap><loc>{text(base + rel)}</loc></sitemap>\n" for rel in sitemaps]
    out.append("</sitemapindex>\n")
    return "".join(out).encode("utf-8")


def robots(base: str) -> bytes:
    """robots.txt allowing every crawler and naming the sitemap index.

    Crawlers read robots.txt only at the root of a host: when the base URL has a path, copy the
    Sitemap line into the host's own robots.txt.
    """
    return f"User-agent: *\nDisallow:\n\nSitemap: {base}{SITEMAP}\n".encode()
