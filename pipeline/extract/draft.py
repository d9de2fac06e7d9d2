"""What every input format produces (a Draft) and how a Draft becomes a stored Article."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.extract.segment import sentences
from pipeline.ids import SLUG_RE, slugify, unit_id, unreserved
from pipeline.models import Article, Unit, UnitKind


@dataclass(frozen=True)
class Draft:
    """An article as a format parser found it: fields plus its parts in reading order."""

    title: str
    parts: tuple[tuple[UnitKind, str], ...]
    category: str | None = None
    tags: tuple[str, ...] = ()
    byline: str | None = None
    date: str | None = None
    date_iso: str | None = None
    truncated: bool = False
    slug: str | None = None


def build(draft: Draft, *, source: str, fmt: str, lang: str = "en") -> Article:
    """The Article for a draft: stable slug, title unit first, unit ids, sentence boundaries."""
    # `slug: index` in front matter becomes index-2: the edition's own names are reserved.
    slug = unreserved(draft.slug if draft.slug and SLUG_RE.match(draft.slug)
                      else slugify(draft.title))
    seen: dict[str, int] = {}
    units: list[Unit] = []
    captions: list[str] = []
    for kind, text in ((UnitKind.TITLE, draft.title), *draft.parts):
        text = text.strip()
        if not text:
            continue
        if kind is UnitKind.CAPTION:
            captions.append(text)
        group = _GROUP.get(kind, 0)
        key = f"{group}\x1f{text}"  # same text as title and as paragraph: two units
        n = seen.get(key, 0)
        seen[key] = n + 1
        occurrence = n + 1000 * group
        units.append(Unit(id=unit_id(slug, text, occurrence), kind=kind, text=text,
                          position=len(units), sentences=sentences(text, lang)))
    return Article(
        slug=slug, source=source, title=draft.title.strip(), units=tuple(units),
        category=draft.category, tags=draft.tags, byline=draft.byline, date=draft.date,
        date_iso=draft.date_iso, truncated=draft.truncated, captions=tuple(captions), format=fmt,
    )


# Body kinds share id space 0, so ids equal unit_id(slug, text, n) and a paragraph re-read as a
# heading keeps its id; title, caption and byline get their own space (a caption repeated as a
# paragraph is two units).
_GROUP = {UnitKind.TITLE: 1, UnitKind.CAPTION: 2, UnitKind.BYLINE: 3}
