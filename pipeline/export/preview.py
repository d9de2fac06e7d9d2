"""One article page of one edition, rendered exactly as `pipeline export` would write it, in memory.

The editor's screen shows it before publishing. Same policy, same decisions for every language
(so the switcher and hreflang links match), same HtmlExporter; nothing is written.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass

from pipeline.errors import NotFound
from pipeline.export import i18n
from pipeline.export.html import HtmlExporter
from pipeline.export.pages import Edition, article_page
from pipeline.export.policy import Decision, Policy, decisions
from pipeline.export.publish import site_of
from pipeline.store import Store
from pipeline.store import editions as rows
from pipeline.store.editions import Credit
from pipeline.store.revisions import source_changed_at
from pipeline.workspace import Settings


@dataclass(frozen=True)
class Preview:
    """The policy's decision for the page and, when it would be published, the page itself."""

    decision: Decision
    html: bytes | None
    decisions: dict[str, Decision]  # every language of the workspace, for the article


def stylesheet() -> bytes:
    """The editions' shared stylesheet (the file export writes as assets/edition.css)."""
    from pipeline.export.base import TEMPLATES

    return (TEMPLATES / "edition.css").read_bytes()


def find_meta(store: Store, slug: str) -> rows.ArticleMeta:
    """One article's metadata; NotFound when there is no such article."""
    meta = rows.article(store, slug)
    if meta is None:
        raise NotFound(f"no article {slug!r} (see `pipeline status`)")
    return meta


def article_decisions(settings: Settings, store: Store, slug: str,
                      policy: Policy) -> dict[str, Decision]:
    """lang -> the policy's decision for one article, source language included."""
    meta = find_meta(store, slug)
    tallies = rows.tallies(store, settings.targets, article=slug)
    return decisions(settings, [meta], tallies, policy)[slug]


def preview(settings: Settings, store: Store, slug: str, lang: str, *,
            include_machine: bool | None = None) -> Preview:
    """The page `pipeline export --lang LANG` would write for `slug`, or why it is held back."""
    if lang not in settings.languages:
        raise NotFound(f"{lang!r} is not a language of this workspace")
    policy = Policy.from_settings(settings, include_machine=include_machine)
    meta = find_meta(store, slug)
    decided = decisions(settings, [meta], rows.tallies(store, settings.targets, article=slug),
                        policy)[slug]
    d = decided[lang]
    if not d.published:
        return Preview(d, None, decided)
    # What a full `pipeline export` gives this page: the site's masthead, every edition written,
    # the credits, dates and correction state the export reads.
    site = site_of(settings)
    edition = Edition(lang=lang, source=settings.source, languages=settings.languages,
                      translations=(gettext.NullTranslations() if lang == settings.source
                                    else i18n.translations(lang)),
                      calendar=settings.persian_calendar, base_url=settings.base_url,
                      site=site, written=settings.languages)
    content_langs = [] if lang == settings.source else [lang]
    content = rows.content(store, meta, content_langs)
    alternates = tuple(x for x in settings.languages if decided[x].published)
    credits = (rows.credits(store, content_langs, policy.publishable, article=slug)
               if site.credit_translators else {})
    when = rows.article_dates(store, settings.source, content_langs, article=slug)
    page = article_page(content, d, edition, policy, alternates,
                        credits.get(slug, {}).get(lang, Credit()),
                        article_dates=when.get(slug, {}).get(lang),
                        source_changed=source_changed_at(store).get(slug))
    return Preview(d, HtmlExporter(edition).render_article(page), decided)
