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
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")[:max_length].strip("-")
    if not slug:
        slug = "a-" + hashlib.sha1(fold(text).encode("utf-8")).hexdigest()[:10]
    return slug


def is_safe_slug(slug: str) -> bool:
    """True when the slug can be used as a path component without escaping its directory."""
    return bool(SLUG_RE.match(slug))


def unit_id(article_slug: str, text: str, occurrence: int = 0) -> str:
    """A unit id from its article and folded text; `occurrence` tells repeats apart.

    >>> unit_id("a", "Hello  world") == unit_id("a", "hello world")
    True
    >>> unit_id("a", "x", 0) != unit_id("a", "x", 1)
    True
    """
    key = f"{article_slug}\x1f{fold(text)}\x1f{occurrence}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
