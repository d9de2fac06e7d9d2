"""What one edition page shows, built from the store's rows and the policy, before any format."""

from __future__ import annotations

import gettext
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from pipeline import languages
from pipeline.export import dates
from pipeline.export.policy import (
    CORRECTION_PENDING,
    MACHINE_WITH_NOTICE,
    ORIGINAL,
    Decision,
    Policy,
)
from pipeline.ids import slugify
from pipeline.models import Translation, Unit, UnitKind
from pipeline.states import Status
from pipeline.store.editions import (
    ArticleContent,
    ArticleDates,
    ArticleMeta,
    Credit,
    Note,
    is_placeholder,
)
from pipeline.textnorm import fold

#: A byline's leading "By" (the editions print their own word for it).
_BY = re.compile(r"^\s*by\s+", re.IGNORECASE)
# Plain strings: an enum's .value costs a descriptor call per unit on the hot path.
_MACHINE, _APPROVED, _UNTRANSLATED = (Status.MACHINE.value, Status.APPROVED.value,
                                      Status.UNTRANSLATED.value)
_TITLE, _PARAGRAPH = UnitKind.TITLE.value, UnitKind.PARAGRAPH.value
#: Characters of the first paragraph kept as a page's description (Open Graph, feeds).
DESCRIPTION_CHARS = 200


@dataclass(frozen=True)
class Site:
    """What every page of every edition shares: the name, the logo, what the listings hold."""

    name: str | None = None
    name_by_lang: Mapping[str, str] = field(default_factory=dict)
    logo: str | None = None  # path of the logo under --out (assets/...), None: no logo
    logo_bytes: bytes | None = None
    credit_translators: bool = True
    page_size: int = 50
    feed_size: int = 20

    def name_in(self, lang: str) -> str | None:
        return self.name_by_lang.get(lang) or self.name


@dataclass(frozen=True)
class Edition:
    """One language edition: its language facts and its own words (gettext)."""

    lang: str
    source: str
    languages: tuple[str, ...]  # every edition of the workspace, source first
    translations: gettext.NullTranslations
    calendar: str = "gregorian"
    base_url: str | None = None  # where the editions are published; None: relative links
    site: Site = Site()
    #: Languages whose pages this run writes (the others are linked only if they exist in --out).
    written: tuple[str, ...] = ()

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
    changed: bool = False  # the English changed; the text shown is for the older English


@dataclass(frozen=True)
class NoteView:
    """A correction or update note at the foot of an article, as the edition shows it."""

    unit_id: str
    label: str  # correction | update
    text: str
    fallback: bool  # shown in the source language until its translation is approved
    date_iso: str
    date_display: str | None


@dataclass(frozen=True)
class UnitView:
    """One unit with everything a publishing system may want (the JSON edition)."""

    id: str
    kind: str
    source: str
    text: str
    status: str
    fallback: bool
    translation: Translation | None  # the row shown, None for the original or a fallback
    changed: bool = False

    @property
    def provenance(self) -> dict[str, Any]:
        """Who or what made the text shown (built when asked: only the JSON edition asks)."""
        return {} if self.translation is None else _provenance(self.translation)


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
    #: UnitView's fields of every unit, in order: `units` builds the views when asked (only the
    #: JSON edition asks; 180,000 objects nobody reads in an HTML export of 10,000 articles).
    unit_rows: tuple[tuple[Any, ...], ...]
    alternates: tuple[str, ...]  # languages that publish this article, in edition order
    machine: int = 0  # units of unreviewed machine text
    unreviewed: int = 0  # units nobody reviewed (machine or human)
    fallback: int = 0  # units shown in the source language
    test_model: bool = False  # some text is placeholder output of a random-weight test model
    changed: int = 0  # units whose English changed since the text shown was approved
    source_updated_iso: str | None = None  # when the English last changed (for the notice)
    source_updated_display: str | None = None
    updated_iso: str | None = None  # "Updated": the last approved correction
    updated_display: str | None = None
    date_modified: str | None = None  # the last approved change (dateModified, lastmod)
    notes: tuple[NoteView, ...] = ()
    byline: str | None = None  # the byline printed above the text (None: a unit shows it)
    author: str | None = None  # the author's name as the source writes it (no "By")
    category: Label | None = None
    tags: tuple[Label, ...] = ()
    credit: Credit = Credit()
    modified_iso: str | None = None  # the last approved change, else the article's date
    source_title: str = ""  # the original's headline (isBasedOn)
    description: str = ""  # the start of the first paragraph, as the edition shows it

    @property
    def correction_pending(self) -> bool:
        return self.status == CORRECTION_PENDING

    @cached_property
    def units(self) -> tuple[UnitView, ...]:
        """Every unit with everything a publishing system may want (the JSON edition)."""
        return tuple(UnitView(*row) for row in self.unit_rows)


@dataclass(frozen=True)
class Label:
    """A category or tag: its name as the source writes it and the slug of its listing page."""

    name: str
    slug: str


@dataclass(frozen=True)
class IndexEntry:
    """An article as listed on an edition's index (and its feeds and sitemaps)."""

    slug: str
    title: str
    date_iso: str | None
    date_display: str | None
    status: str
    test_model: bool
    modified_iso: str | None = None
    byline: str | None = None
    description: str = ""
    title_fallback: bool = False
    category: Label | None = None
    tags: tuple[Label, ...] = ()
    credit: Credit = Credit()
    alternates: tuple[str, ...] = ()


@lru_cache(maxsize=4096)
def label(name: str) -> Label:
    """A category or tag with the slug of its page (ASCII; a short hash for other scripts)."""
    return Label(name, slugify(name, max_length=60))


def labels(meta: ArticleMeta) -> tuple[Label | None, tuple[Label, ...]]:
    """The article's category and tags, each tag once (by slug)."""
    category = label(meta.category) if meta.category and meta.category.strip() else None
    tags: dict[str, Label] = {}
    for name in meta.tags:
        if name.strip():
            tag = label(name.strip())
            tags.setdefault(tag.slug, tag)
    return category, tuple(tags.values())


def author_name(meta: ArticleMeta) -> str | None:
    """The author's name from the article's byline, without a leading "By"."""
    name = _BY.sub("", meta.byline or "").strip()
    return name or None


def byline_name(meta: ArticleMeta, units: tuple[Unit, ...]) -> str | None:
    """The byline an edition prints above the text, or None when a byline unit already shows it.

    Text dumps often carry the byline as a unit (translated and shown in place); HTML and
    Markdown put it in the article's fields, which no unit holds.
    """
    if any(u.kind is UnitKind.BYLINE for u in units):
        return None
    return author_name(meta)


def repeated_captions(units: tuple[Unit, ...]) -> set[str]:
    """Caption units that repeat another caption (an image's alt text and its figcaption).

    A caption whose folded text equals or is contained in another caption is dropped; of two
    equal ones the first stays. Decided on the source text, so every edition drops the same.
    """
    caps = [(u.id, fold(u.text)) for u in units if u.kind is UnitKind.CAPTION]
    drop = set()
    for i, (uid, key) in enumerate(caps):
        for j, (_, other) in enumerate(caps):
            if i != j and (key in other and (key != other or j < i)):
                drop.add(uid)
                break
    return drop


def display_date(meta: ArticleMeta, edition: Edition) -> str | None:
    """The article's date in the edition's language and digits (the printed date if unparseable)."""
    day = dates.parse_iso(meta.date_iso)
    if day is None:
        return meta.date_text
    return dates.format_day(day, edition.lang, edition.calendar)


def stamp_display(stamp: str | None, edition: Edition) -> str | None:
    """A stored timestamp's day in the edition's language, digits and calendar."""
    day = dates.parse_iso(stamp)
    return None if day is None else dates.format_day(day, edition.lang, edition.calendar)


def _provenance(tr: Translation) -> dict[str, Any]:
    provenance = {
        "origin": tr.origin, "engine": tr.engine, "package": tr.package,
        "package_version": tr.package_version, "pivot": tr.pivot, "score": tr.score,
        "flags": list(tr.flags), "translated_by": tr.translated_by,
        "reviewed_by": tr.reviewed_by, "revision": tr.revision, "updated_at": tr.updated_at,
    }
    return {k: v for k, v in provenance.items() if v not in (None, [])}


def _shown(tr: Translation | None, policy: Policy) -> bool:
    return (tr is not None and tr.text is not None and tr.text.strip() != ""
            and policy.publishable(tr.status))


def _correction(tr: Translation | None, unit_text: str, added: bool,
                policy: Policy) -> tuple[str, str] | None:
    """(text, how) for a unit whose English changed while its edition keeps it, else None.

    How: "approved" (the last approved text, for the older English) or "machine" (the
    machine's text for the new English, under on_source_change = machine_with_notice).
    """
    if tr is None or not policy.keeps_published:
        return None
    machine = policy.on_source_change == MACHINE_WITH_NOTICE
    if (tr.status != Status.APPROVED.value and tr.published_text
            and tr.published_text.strip() and tr.published_source != unit_text):
        if machine and tr.has_machine_suggestion and tr.suggestion and tr.suggestion.strip():
            return tr.suggestion, "machine"
        return tr.published_text, "approved"
    if (machine and added and tr.status == Status.MACHINE.value and tr.text
            and tr.text.strip()):
        return tr.text, "machine"
    return None


@dataclass(frozen=True)
class _Facts:
    """What article_page derives from an article whatever the edition: worked out once for
    its three or four editions (publish builds them one after the other)."""

    content: ArticleContent
    units: tuple[tuple[Unit, str], ...]  # (unit, kind) without repeated captions
    category: Label | None
    tags: tuple[Label, ...]
    byline: str | None
    author: str | None


_last_facts: list[_Facts] = []  # one slot: the article publish is building pages of


def _facts(content: ArticleContent) -> _Facts:
    last = _last_facts[0] if _last_facts else None
    if last is not None and last.content is content:
        return last
    repeats = repeated_captions(content.units)
    category, tags = labels(content.meta)
    facts = _Facts(content, tuple((u, u.kind.value) for u in content.units if u.id not in repeats),
                   category, tags, byline_name(content.meta, content.units),
                   author_name(content.meta))
    _last_facts[:] = [facts]
    return facts


def article_page(
    content: ArticleContent, decision: Decision, edition: Edition, policy: Policy,
    alternates: tuple[str, ...], credit: Credit | None = None, *,
    article_dates: ArticleDates | None = None, source_changed: str | None = None,
) -> ArticlePage:
    """Pick, unit by unit, the text the edition shows under the policy."""
    meta = content.meta
    facts = _facts(content)
    rows = content.translations.get(edition.lang, {})
    views: list[tuple[Any, ...]] = []  # UnitView's fields (ArticlePage.unit_rows)
    machine = unreviewed = fallback = changed = 0
    test_model = False
    pending = decision.status == CORRECTION_PENDING
    shown_statuses = policy.shown_statuses
    for unit, kind in facts.units:
        if edition.is_source:
            views.append((unit.id, kind, unit.text, unit.text, ORIGINAL, False, None, False))
            continue
        tr = rows.get(unit.id)
        # _shown, inlined: this loop runs for every unit of every page.
        if (tr is None or tr.text is None or tr.status not in shown_statuses
                or not tr.text.strip()):
            corr = _correction(tr, unit.text, unit.id in content.added, policy) \
                if pending else None
            if corr is not None and tr is not None:
                text, how = corr
                changed += 1
                if how == "machine":
                    machine += 1
                    unreviewed += 1
                views.append((unit.id, kind, unit.text, text, tr.status, False, tr, True))
                continue
            fallback += 1
            views.append((unit.id, kind, unit.text, unit.text,
                          tr.status if tr else _UNTRANSLATED, True, None,
                          pending and unit.id in content.added))
            continue
        status = tr.status
        if status == _MACHINE:
            machine += 1
        if status != _APPROVED:
            unreviewed += 1
        if tr.flags and is_placeholder(tr.flags, tr.origin):
            test_model = True
        views.append((unit.id, kind, unit.text, tr.text, status, False, tr, False))
    # (id, kind, source, text, status, fallback, translation, changed)
    title_view = next((v for v in views if v[1] == _TITLE), None)
    blocks = tuple(Block(v[0], v[1], v[3], v[5], v[7]) for v in views if v is not title_view)
    notes = tuple(_note(n, rows.get(n.unit_id), edition, policy) for n in content.notes)
    updated = article_dates.updated if article_dates else None
    first = next((b.text for b in blocks if b.kind == _PARAGRAPH), "")
    return ArticlePage(
        slug=meta.slug, lang=edition.lang,
        title=title_view[3] if title_view else meta.title,
        title_fallback=title_view[5] if title_view else not edition.is_source,
        date_iso=meta.date_iso, date_display=display_date(meta, edition), status=decision.status,
        blocks=blocks, unit_rows=tuple(views), alternates=alternates, machine=machine,
        unreviewed=unreviewed, fallback=fallback, test_model=test_model, changed=changed,
        source_updated_iso=source_changed if pending else None,
        source_updated_display=stamp_display(source_changed, edition) if pending else None,
        updated_iso=(updated or "")[:10] or None, updated_display=stamp_display(updated, edition),
        date_modified=article_dates.date_modified if article_dates else meta.date_iso,
        notes=notes,
        byline=facts.byline, author=facts.author, category=facts.category, tags=facts.tags,
        credit=credit if credit and edition.site.credit_translators and not edition.is_source
        else Credit(),
        modified_iso=(article_dates.date_modified if article_dates else meta.date_iso)
        or (meta.added_at or "")[:10] or None,
        source_title=meta.title, description=describe(first),
    )


def _note(note: Note, tr: Translation | None, edition: Edition, policy: Policy) -> NoteView:
    shown = not edition.is_source and _shown(tr, policy)
    text = tr.text if shown and tr is not None and tr.text is not None else note.text
    return NoteView(note.unit_id, note.label, text, not edition.is_source and not shown,
                    note.at[:10], stamp_display(note.at, edition))


def describe(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """The start of a paragraph, cut at a word boundary, for previews.

    >>> describe("one two three", 8)
    'one two…'
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(" ,;:،؛") + "…"


def index_entry(page: ArticlePage) -> IndexEntry:
    """The index line of an article page."""
    return IndexEntry(page.slug, page.title, page.date_iso, page.date_display, page.status,
                      page.test_model, page.modified_iso, page.author, page.description,
                      page.title_fallback, page.category, page.tags, page.credit, page.alternates)


#: An IndexEntry as plain tuples and strings (`index_row`): what a worker process sends its parent
#: for each page. Unpickling 30,000 frozen dataclasses (with their labels and credits) cost the
#: parent a second; the same fields as tuples, a tenth of that with the rebuilding.
IndexRow = tuple[Any, ...]


def index_row(page: ArticlePage) -> IndexRow:
    """index_entry(page)'s fields, labels and credit as tuples (see `entry_of_row`)."""
    category = page.category
    return (page.slug, page.title, page.date_iso, page.date_display, page.status,
            page.test_model, page.modified_iso, page.author, page.description,
            page.title_fallback, (category.name, category.slug) if category else None,
            tuple((t.name, t.slug) for t in page.tags),
            (page.credit.translators, page.credit.reviewers), page.alternates)


def entry_of_row(row: IndexRow, labels: dict[tuple[str, str], Label],
                 credits: dict[tuple[Any, ...], Credit]) -> IndexEntry:
    """The IndexEntry `index_row` flattened; `labels` and `credits` share equal objects."""
    (slug, title, date_iso, date_display, status, test_model, modified_iso, byline,
     description, title_fallback, category, tags, credit, alternates) = row

    def lab(pair: tuple[str, str]) -> Label:
        found = labels.get(pair)
        if found is None:
            found = labels[pair] = Label(*pair)
        return found

    shared = credits.get(credit)
    if shared is None:
        shared = credits[credit] = Credit(*credit)
    return IndexEntry(slug, title, date_iso, date_display, status, test_model, modified_iso,
                      byline, description, title_fallback,
                      lab(category) if category is not None else None,
                      tuple(lab(t) for t in tags), shared, alternates)
