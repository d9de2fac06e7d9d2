"""Stable identifiers: article slugs and unit ids that survive re-extraction."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from pipeline.textnorm import fold

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


def slugify(text: str, *, max_length: int = 80) -> str:
    """An ASCII slug safe as a file name and URL part; non-Latin titles get a short hash.

    >>> slugify("Nuclear Deal: Is It Over?")
    'nuclear-deal-is-it-over'
    >>> slugify("../../etc/passwd")
    'etc-passwd'
    >>> slugify("خبر").startswith("a-")
    True
    >>> slugify("Index")
    'index-2'

    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")[:max_length].strip("-")
    if not slug:
        slug = "a-" + hashlib.sha1(fold(text).encode("utf-8")).hexdigest()[:10]
    return unreserved(slug)


#: Names an edition uses for its own files and directories (index pages, assets, feeds,
#: sitemaps, tag and category listings). An article must never be called one of them, or its
#: page would be the edition's file (or the other way round): slugs are made around them.
RESERVED_SLUGS = frozenset({
    "index", "assets", "static", "feed", "feeds", "atom", "rss", "sitemap", "robots",
    "tag", "tags", "category", "categories", "author", "authors", "archive", "archives",
    "search", "page", "404", "manifest", "news-sitemap",
})


def is_reserved(slug: str) -> bool:
    """True for a name the edition itself uses (`index`, `feed`, `tags`, ...)."""
    return slug in RESERVED_SLUGS


def unreserved(slug: str) -> str:
    """The slug, with `-2` added when the edition uses that name itself.

    >>> unreserved("index"), unreserved("index-of-prices")
    ('index-2', 'index-of-prices')
    """
    return f"{slug}-2" if is_reserved(slug) else slug


def is_safe_slug(slug: str) -> bool:
    """True when the slug can be a page's file name: no escaping its directory, not a name
    the edition uses itself."""
    return bool(SLUG_RE.match(slug)) and not is_reserved(slug)


def unit_id(article_slug: str, text: str, occurrence: int = 0) -> str:
    """A unit id from its article and folded text; `occurrence` tells repeats apart.

    >>> unit_id("a", "Hello  world") == unit_id("a", "hello world")
    True
    >>> unit_id("a", "x", 0) != unit_id("a", "x", 1)
    True
    """
    key = f"{article_slug}\x1f{fold(text)}\x1f{occurrence}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
