"""What one edition page shows, built from the store's rows and the policy, before any format."""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from typing import Any

from pipeline import languages
from pipeline.export import dates
from pipeline.export.policy import ORIGINAL, Decision, Policy
from pipeline.models import UnitKind
from pipeline.states import Status
from pipeline.store.editions import ArticleContent, ArticleMeta, is_placeholder


@dataclass(frozen=True)
class Edition:
    """One language edition: its language facts and its own words (gettext)."""

    lang: str
    source: str
    languages: tuple[str, ...]  # every edition of the workspace, source first
    translations: gettext.NullTranslations
    calendar: str = "gregorian"
    base_url: str | None = None  # where the editions are published; None: relative links

    @property
    def dir(self) -> str:
        return languages.direction(self.lang)

    @property
    def is_source(self) -> bool:
        return self.lang == self.source


@dataclass(frozen=True)
class Block:
    """One unit as shown: its text, and whether it fell back to the source language."""

    unit_id: str
    kind: str
    text: str
    fallback: bool = False


@dataclass(frozen=True)
class UnitView:
    """One unit with everything a publishing system may want (the JSON edition)."""

    id: str
    kind: str
    source: str
    text: str
    status: str
    fallback: bool
    provenance: dict[str, Any]


@dataclass(frozen=True)
class ArticlePage:
    """One article in one edition."""

    slug: str
    lang: str
    title: str
    title_fallback: bool
    date_iso: str | None
    date_display: str | None
    status: str
    blocks: tuple[Block, ...]
    units: tuple[UnitView, ...]
    alternates: tuple[str, ...]  # languages that publish this article, in edition order
    machine: int = 0  # units of unreviewed machine text
    unreviewed: int = 0  # units nobody reviewed (machine or human)
    fallback: int = 0  # units shown in the source language
    test_model: bool = False  # some text is placeholder output of a random-weight test model


@dataclass(frozen=True)
class IndexEntry:
    """An article as listed on an edition's index."""

    slug: str
    title: str
    date_iso: str | None
    date_display: str | None
    status: str
    test_model: bool


def display_date(meta: ArticleMeta, edition: Edition) -> str | None:
    """The article's date in the edition's language and digits (the printed date if unparseable)."""
    day = dates.parse_iso(meta.date_iso)
    if day is None:
        return meta.date_text
    return dates.format_day(day, edition.lang, edition.calendar)


def article_page(
    content: ArticleContent, decision: Decision, edition: Edition, policy: Policy,
    alternates: tuple[str, ...],
) -> ArticlePage:
    """Pick, unit by unit, the text the edition shows under the policy."""
    meta = content.meta
    rows = content.translations.get(edition.lang, {})
    views: list[UnitView] = []
    machine = unreviewed = fallback = 0
    test_model = False
    for unit in content.units:
        tr = rows.get(unit.id)
        if edition.is_source:
            views.append(UnitView(unit.id, unit.kind.value, unit.text, unit.text, ORIGINAL, False, {}))
            continue
        usable = (tr is not None and tr.text is not None and tr.text.strip() != ""
                  and policy.publishable(tr.status))
        if tr is None or not usable:
            fallback += 1
            views.append(UnitView(unit.id, unit.kind.value, unit.text, unit.text,
                                  tr.status if tr else Status.UNTRANSLATED.value, True, {}))
            continue
        assert tr.text is not None
        if tr.status == Status.MACHINE.value:
            machine += 1
        if tr.status != Status.APPROVED.value:
            unreviewed += 1
        if is_placeholder(tr.flags, tr.origin):
            test_model = True
        provenance = {
            "origin": tr.origin, "engine": tr.engine, "package": tr.package,
            "package_version": tr.package_version, "pivot": tr.pivot, "score": tr.score,
            "flags": list(tr.flags), "translated_by": tr.translated_by,
            "reviewed_by": tr.reviewed_by, "revision": tr.revision, "updated_at": tr.updated_at,
        }
        views.append(UnitView(unit.id, unit.kind.value, unit.text, tr.text, tr.status, False,
                              {k: v for k, v in provenance.items() if v not in (None, [])}))
    title_view = next((v for v in views if v.kind == UnitKind.TITLE.value), None)
    blocks = tuple(Block(v.id, v.kind, v.text, v.fallback) for v in views if v is not title_view)
    return ArticlePage(
        slug=meta.slug, lang=edition.lang,
        title=title_view.text if title_view else meta.title,
        title_fallback=title_view.fallback if title_view else not edition.is_source,
        date_iso=meta.date_iso, date_display=display_date(meta, edition), status=decision.status,
        blocks=blocks, units=tuple(views), alternates=alternates, machine=machine,
        unreviewed=unreviewed, fallback=fallback, test_model=test_model,
    )


def index_entry(page: ArticlePage) -> IndexEntry:
    """The index line of an article page."""
    return IndexEntry(page.slug, page.title, page.date_iso, page.date_display, page.status,
                      page.test_model)
