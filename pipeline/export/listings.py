"""Listing pages of an edition: the index and each tag and category, split into pages."""

from __future__ import annotations

import posixpath
from collections.abc import Sequence

from pipeline.export.pages import IndexEntry, Label

#: Directories of listing pages inside an edition (reserved: no article slug may be one).
TAGS = "tags"
CATEGORIES = "categories"
PAGES = "page"


def paginate(entries: Sequence[IndexEntry], size: int) -> list[Sequence[IndexEntry]]:
    """Pages of at most `size` entries; an empty listing is one empty page.

    >>> [len(p) for p in paginate(list(range(5)), 2)]  # type: ignore[arg-type]
    [2, 2, 1]
    """
    if not entries:
        return [entries]
    return [entries[i:i + size] for i in range(0, len(entries), size)]


def page_path(stem: str, n: int) -> str:
    """Where page `n` of a listing goes inside the edition directory.

    >>> page_path("index", 1), page_path("index", 3), page_path("tags/river", 2)
    ('index.html', 'page/3.html', 'tags/river/2.html')
    """
    if n <= 1:
        return f"{stem}.html"
    return f"{PAGES if stem == 'index' else stem}/{n}.html"


def link(from_rel: str, to_rel: str) -> str:
    """A relative href between two files of one edition directory.

    >>> link("page/2.html", "index.html"), link("index.html", "page/2.html")
    ('../index.html', 'page/2.html')
    """
    return posixpath.relpath(to_rel, posixpath.dirname(from_rel) or ".")


def _groups(entries: Sequence[IndexEntry], key: str) -> list[tuple[Label, list[IndexEntry]]]:
    found: dict[str, tuple[Label, list[IndexEntry]]] = {}
    for e in entries:
        labels = (e.category,) if key == "category" else e.tags
        for lab in labels:
            if lab is not None:
                found.setdefault(lab.slug, (lab, []))[1].append(e)
    return [found[slug] for slug in sorted(found)]


def by_tag(entries: Sequence[IndexEntry]) -> list[tuple[Label, list[IndexEntry]]]:
    """Each tag with its articles (index order), tags by slug."""
    return _groups(entries, "tags")


def by_category(entries: Sequence[IndexEntry]) -> list[tuple[Label, list[IndexEntry]]]:
    """Each category with its articles (index order), categories by slug."""
    return _groups(entries, "category")
