"""Queries for the editions export: articles, their units and translations, per-language tallies."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from pipeline.models import FLAG_TEST_MODEL, Translation, Unit, UnitKind
from pipeline.store import Store

#: Origins of text a person wrote (review edits, PO imports). A test_model flag left on such a row
#: describes the machine text it replaced, not the words now stored, so it raises no notice.
HUMAN_ORIGINS = ("human", "po", "xliff")


def is_placeholder(flags: tuple[str, ...], origin: str | None) -> bool:
    """True when the text is the output of a random-weight test model (placeholder words)."""
    return FLAG_TEST_MODEL in flags and origin not in HUMAN_ORIGINS


@dataclass(frozen=True)
class ArticleMeta:
    """What an edition needs to know about an article besides its units."""

    slug: str
    title: str
    date_iso: str | None
    date_text: str | None
    byline: str | None
    category: str | None
    tags: tuple[str, ...]
    added_at: str | None = None  # when the article was first extracted (UTC ISO)
    withdrawn_at: str | None = None  # an editor withdrew it from every edition (a retraction)
    withdrawn_by: str | None = None
    withdrawn_reason: str | None = None


@dataclass
class Tally:
    """Live units of one article in one language, counted by status and by the test-model flag.

    Correction notes are not in `total` (they never hold an article back); they are counted
    apart. `pending` units have a last approved text for an older English (`suggested`
    of them a machine suggestion too), by status; `added_by_status` counts units added after the article
    was first extracted that have no approved text yet.
    """

    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    test_model_by_status: dict[str, int] = field(default_factory=dict)
    empty_by_status: dict[str, int] = field(default_factory=dict)
    pending_by_status: dict[str, int] = field(default_factory=dict)
    suggested_by_status: dict[str, int] = field(default_factory=dict)
    added_by_status: dict[str, int] = field(default_factory=dict)
    notes_by_status: dict[str, int] = field(default_factory=dict)

    def add(self, status: str, test_model: bool, empty: bool, pending: bool, suggested: bool,
            added: bool, note: bool, n: int) -> None:
        """Count `n` units of one group of the tallies query (tallies, the edition stream)."""
        if note:
            key = "empty" if empty else status
            self.notes_by_status[key] = self.notes_by_status.get(key, 0) + n
            return
        self.by_status[status] = self.by_status.get(status, 0) + n
        if test_model:
            self.test_model_by_status[status] = self.test_model_by_status.get(status, 0) + n
        if empty:
            self.empty_by_status[status] = self.empty_by_status.get(status, 0) + n
        if pending:
            self.pending_by_status[status] = self.pending_by_status.get(status, 0) + n
            if suggested:
                self.suggested_by_status[status] = self.suggested_by_status.get(status, 0) + n
        elif added and status != "approved":
            self.added_by_status[status] = self.added_by_status.get(status, 0) + n

    def count_untranslated(self) -> None:
        """Live units without a translation row in this language count as untranslated."""
        missing = self.total - sum(self.by_status.values())
        if missing:
            self.by_status["untranslated"] = self.by_status.get("untranslated", 0) + missing


@dataclass(frozen=True)
class Note:
    """A correction or update note at the foot of an article, with its translation by language."""

    unit_id: str
    text: str
    at: str  # when the editor added it
    label: str  # correction | update


@dataclass(frozen=True)
class ArticleContent:
    """An article's live units in order, with their translations by language."""

    meta: ArticleMeta
    units: tuple[Unit, ...]
    translations: dict[str, dict[str, Translation]]
    added: frozenset[str] = frozenset()  # units added after the first extraction
    notes: tuple[Note, ...] = ()


def articles(store: Store) -> list[ArticleMeta]:
    """Every article, newest date first, then by slug (the order of an edition's index)."""
    rows = store.conn.execute(
        "SELECT id, title, date_iso, date_text, byline, category, tags, withdrawn_at,"
        " withdrawn_by, withdrawn_reason, created_at FROM articles"
        " ORDER BY coalesce(date_iso, '') DESC, id"
    )
    return [
        ArticleMeta(slug=r[0], title=r[1], date_iso=r[2], date_text=r[3], byline=r[4],
                    category=r[5], tags=tuple(json.loads(r[6] or "[]")), withdrawn_at=r[7],
                    withdrawn_by=r[8], withdrawn_reason=r[9], added_at=r[10])
        for r in rows
    ]


#: Unit kind of correction notes (models.UnitKind.CORRECTION).
NOTE_KIND = UnitKind.CORRECTION.value


def article(store: Store, slug: str) -> ArticleMeta | None:
    """One article's metadata (the editor's screen), or None."""
    r = store.conn.execute(
        "SELECT id, title, date_iso, date_text, byline, category, tags, withdrawn_at,"
        " withdrawn_by, withdrawn_reason FROM articles WHERE id = ?", (slug,)).fetchone()
    if r is None:
        return None
    return ArticleMeta(slug=r[0], title=r[1], date_iso=r[2], date_text=r[3], byline=r[4],
                       category=r[5], tags=tuple(json.loads(r[6] or "[]")), withdrawn_at=r[7],
                       withdrawn_by=r[8], withdrawn_reason=r[9])


#: (first slug, last slug): the articles between them, both included (a worker's share of an
#: export), read through the units_article index.
Span = tuple[str, str]


def _only(column: str, article: str | None, span: Span | None) -> tuple[str, tuple[str, ...]]:
    """The `AND <column> ...` clause and its parameters for one article, a span or all."""
    if article is not None:
        return f" AND {column} = ?", (article,)
    if span is not None:
        return f" AND {column} BETWEEN ? AND ?", span
    return "", ()


def _join(only: str) -> str:
    """The join from units to their rows: with no statistics SQLite would start from the
    translations of a language (tr_queue) and read every article's to keep a span's; CROSS JOIN
    makes it start from the span's units (units_article) as asked."""
    return "CROSS JOIN" if only else "JOIN"


def tallies(store: Store, langs: Sequence[str], *, article: str | None = None,
            span: Span | None = None) -> dict[str, dict[str, Tally]]:
    """slug -> lang -> Tally, in one grouped query (units without a row count as untranslated).

    With `article`, only that article (the editor's screen), with `span` only the articles of
    that span (an export worker's share), through the units_article index.
    """
    out: dict[str, dict[str, Tally]] = {}
    one, extra = _only("article_id", article, span)
    joined, _ = _only("u.article_id", article, span)
    totals = dict(store.conn.execute(
        f"SELECT article_id, count(*) FROM units WHERE obsolete = 0 AND kind != ?{one}"
        " GROUP BY article_id", (NOTE_KIND, *extra),
    ).fetchall())
    for slug, total in totals.items():
        out[slug] = {lang: Tally(total=total) for lang in langs}
    marks = ",".join("?" for _ in langs)
    # Grouped by everything the policy asks, so one pass over the rows answers it all.
    rows = store.conn.execute(
        "SELECT u.article_id, t.lang, t.status,"
        # instr first: json_each per row cost more than the rest of the query; flags are
        # written by json.dumps, so a row holding the flag holds its quoted name.
        " (instr(coalesce(t.flags, ''), ?) > 0"
        "  AND EXISTS (SELECT 1 FROM json_each(coalesce(t.flags, '[]')) WHERE value = ?)"
        f"  AND coalesce(t.origin, '') NOT IN ({','.join('?' * len(HUMAN_ORIGINS))}))"
        " AS test_model,"
        " (t.text IS NULL OR trim(t.text) = '') AS empty,"
        " (t.status != 'approved' AND trim(coalesce(t.published_text, '')) != ''"
        "  AND t.published_source IS NOT u.source_text) AS pending,"
        " (t.suggestion_meta IS NOT NULL) AS suggested,"
        " (u.created_at > a.created_at) AS added, u.kind = ? AS note, count(*)"
        f" FROM units u {_join(one)} translations t ON t.unit_id = u.id"
        " JOIN articles a ON a.id = u.article_id"
        f" WHERE u.obsolete = 0 AND t.lang IN ({marks}){joined}"
        " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9",
        (json.dumps(FLAG_TEST_MODEL), FLAG_TEST_MODEL, *HUMAN_ORIGINS, NOTE_KIND, *langs, *extra),
    )
    for slug, lang, *group in rows:
        out.setdefault(slug, {x: Tally() for x in langs})[lang].add(*group)
    for per_lang in out.values():
        for tally in per_lang.values():
            tally.count_untranslated()
    return out


#: Translation's fields in the order of its constructor (positional: keywords cost a third more
#: for 180,000 rows); reason and source_before are not shown by an edition and stay unread.
_TR_COLS = (
    "t.lang, t.text, t.status, t.revision, t.origin, t.engine, t.package, t.package_version,"
    " t.pivot, t.score, t.suggestion, NULL, t.flags, t.translated_by, t.reviewed_by,"
    " t.updated_at, t.published_text, t.published_source, t.published_at, t.corrected_at, NULL,"
    " t.suggestion_meta"
)


def content(store: Store, meta: ArticleMeta, langs: Sequence[str]) -> ArticleContent:
    """One article's live units in order and their translations in `langs` (one query).

    Correction notes come apart from the units, oldest first, in `notes`.
    """
    return next(iter_contents(store, [meta], langs),
                ArticleContent(meta, (), {lang: {} for lang in langs}))


#: UnitKind by value: a dict lookup, not an Enum call per unit.
_KINDS = {k.value: k for k in UnitKind}


def _flags(raw: str | None) -> tuple[str, ...]:
    return () if raw in (None, "", "[]") else tuple(json.loads(raw))


def content_rows(store: Store, metas: Sequence[ArticleMeta], langs: Sequence[str], *,
                 span: bool) -> sqlite3.Cursor:
    """Every live unit of `metas` (not empty) with its notes and its translations in `langs`,
    in article and position order: the one query behind iter_contents and the edition stream.
    With `span`, only the slugs from the first to the last of `metas` are read."""
    marks = ",".join("?" for _ in langs) or "NULL"
    where: str
    params: tuple[str, ...]
    if len(metas) == 1:
        where, params = "u.article_id = ?", (metas[0].slug,)
    elif span:
        slugs = [m.slug for m in metas]
        where, params = "u.article_id BETWEEN ? AND ?", (min(slugs), max(slugs))
    else:
        where, params = "1", ()
    return store.conn.execute(
        f"SELECT u.id, u.kind, u.source_text, u.position, {_TR_COLS},"
        " u.created_at > a.created_at, n.label, n.at, u.article_id"
        " FROM units u JOIN articles a ON a.id = u.article_id"
        " LEFT JOIN notes n ON n.unit_id = u.id"
        " LEFT JOIN translations t ON t.unit_id = u.id"
        f" AND t.lang IN ({marks})"
        f" WHERE {where} AND u.obsolete = 0 ORDER BY u.article_id, u.position",
        (*langs, *params),
    )


def iter_contents(
    store: Store, metas: Sequence[ArticleMeta], langs: Sequence[str], *, span: bool = False,
) -> Iterator[ArticleContent]:
    """The contents of `metas`, one article at a time (memory stays flat), in slug order.

    One query streams every live unit with its translations and notes: a query per article cost
    more than the rows themselves (10,000 round trips for 10,000 articles). With `span`, it reads
    only the slugs from the first to the last of `metas` (through the units_article index): the
    share of one worker process of an export.
    Correction notes come apart from the units, oldest first, in `notes`.
    """
    wanted = {m.slug: m for m in metas}
    if not wanted:
        return
    rows = content_rows(store, metas, langs, span=span)
    slug: str | None = None
    units: list[Unit] = []
    notes: list[Note] = []
    added: set[str] = set()
    translations: dict[str, dict[str, Translation]] = {}
    last = None
    for r in rows:
        if r[29] != slug:
            if slug is not None and slug in wanted:
                yield ArticleContent(meta=wanted[slug], units=tuple(units),
                                     translations=translations, added=frozenset(added),
                                     notes=tuple(notes))
            slug, last = r[29], None
            units, notes, added = [], [], set()
            translations = {lang: {} for lang in langs}
        if slug not in wanted:
            continue
        if r[0] != last:
            if r[1] == NOTE_KIND:
                notes.append(Note(r[0], r[2], r[28] or "", r[27] or "correction"))
            else:
                units.append(Unit(id=r[0], kind=_KINDS.get(r[1]) or UnitKind(r[1]), text=r[2], position=r[3]))
                if r[26]:
                    added.add(r[0])
            last = r[0]
        if r[4] is None:
            continue
        translations[r[4]][r[0]] = Translation(
            r[0], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], None,
            _flags(r[16]), r[17], r[18], r[19], r[20], r[21], r[22], r[23], None,
            json.loads(r[25]) if r[25] else None,
        )
    if slug is not None and slug in wanted:
        yield ArticleContent(meta=wanted[slug], units=tuple(units), translations=translations,
                             added=frozenset(added), notes=tuple(notes))


@dataclass(frozen=True)
class Credit:
    """Who wrote and who approved the text an edition shows, from the events."""

    translators: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()


#: Text a person wrote (edit, revert) and approvals that still stand (no change after them).
_CREDIT_SQL = (
    "SELECT u.article_id, e.lang, e.action, e.who, t.status, min(e.id)"
    " FROM units u {join} translations t ON t.unit_id = u.id"
    " {join} events e ON e.unit_id = t.unit_id AND e.lang = t.lang"
    " WHERE u.obsolete = 0 AND e.lang IN ({marks}){only} AND trim(coalesce(e.who, '')) != ''"
    " AND ((e.action IN ('edit', 'revert') AND e.new_text IS t.text)"
    "      OR (e.action = 'approve' AND e.revision = t.revision))"
    " GROUP BY 1, 2, 3, 4, 5 ORDER BY 6"
)


def credits(store: Store, langs: Sequence[str], shown: Callable[[str], bool], *,
            article: str | None = None, span: Span | None = None,
            ) -> dict[str, dict[str, Credit]]:
    """slug -> lang -> the people behind the text an edition shows, in the order they worked.

    Translators wrote the current text of a unit; reviewers approved it and nothing changed since.
    `shown(status)` says whether text of that status appears in the edition (the policy).
    With `article` or `span`, only those articles (see `tallies`).
    """
    if not langs:
        return {}
    marks = ",".join("?" for _ in langs)
    one, extra = _only("u.article_id", article, span)
    people: dict[str, dict[str, tuple[dict[str, None], dict[str, None]]]] = {}
    for slug, lang, action, who, status, _ in store.conn.execute(
            _CREDIT_SQL.format(marks=marks, only=one, join=_join(one)),
            (*langs, *extra)):
        if not shown(status):
            continue
        per = people.setdefault(slug, {}).setdefault(lang, ({}, {}))
        per[1 if action == "approve" else 0][who.strip()] = None
    return {slug: {lang: Credit(tuple(t), tuple(r)) for lang, (t, r) in per_lang.items()}
            for slug, per_lang in people.items()}


@dataclass(frozen=True)
class ArticleDates:
    """When an article was published, corrected and last changed, in one edition.

    `modified` is the last approved change (the translation edition) or the last change of the
    English (the source edition): what dateModified, sitemaps' lastmod and feeds should say.
    `updated` is set only after a correction: an approved change that replaced an earlier
    approved version, or an approved correction note (the source edition: a later revision).
    """

    published: str | None  # the article's own date (ISO), as extracted
    updated: str | None
    modified: str | None

    @property
    def date_modified(self) -> str | None:
        """dateModified / lastmod: the last approved change, else the publication date."""
        return self.modified or self.published


def article_dates(store: Store, source: str, langs: Sequence[str], *, article: str | None = None,
                  span: Span | None = None) -> dict[str, dict[str, ArticleDates]]:
    """slug -> language -> ArticleDates for the source edition and `langs` (two grouped queries).

    The library function the editions' feeds, sitemaps and JSON-LD use for dateModified/lastmod.
    With `article` or `span`, only those articles (see `tallies`).
    """
    from pipeline.store.revisions import SOURCE_CHANGES

    out: dict[str, dict[str, ArticleDates]] = {}
    marks = ",".join("?" * len(SOURCE_CHANGES))
    one, extra = _only("a.id", article, span)
    joined, _ = _only("u.article_id", article, span)
    for slug, date_iso, revised, changed in store.conn.execute(
        "SELECT a.id, a.date_iso,"
        f" (SELECT max(at) FROM article_events e WHERE e.article_id = a.id AND action IN ({marks})),"
        " (SELECT max(at) FROM article_events e WHERE e.article_id = a.id)"
        f" FROM articles a WHERE 1{one}", (*SOURCE_CHANGES, *extra),
    ):
        out[slug] = {source: ArticleDates(date_iso, revised, changed or revised)}
    if langs:
        lang_marks = ",".join("?" * len(langs))
        for slug, lang, modified, corrected, notes in store.conn.execute(
            "SELECT u.article_id, t.lang, max(t.published_at), max(t.corrected_at),"
            " max(CASE WHEN u.kind = ? AND t.status = 'approved' THEN t.published_at END)"
            f" FROM units u {_join(joined)} translations t ON t.unit_id = u.id"
            f" WHERE u.obsolete = 0{joined}"
            f" AND t.lang IN ({lang_marks}) GROUP BY 1, 2",
            (NOTE_KIND, *extra, *langs),
        ):
            published = out.get(slug, {}).get(source)
            updated = max((x for x in (corrected, notes) if x), default=None)
            out.setdefault(slug, {})[lang] = ArticleDates(
                published.published if published else None, updated, modified)
    return out


def date_modified(store: Store, slug: str, lang: str, source: str) -> str | None:
    """dateModified / lastmod of one article in one edition (see ArticleDates)."""
    langs = [] if lang == source else [lang]
    dates = article_dates(store, source, langs, article=slug).get(slug, {}).get(lang)
    return dates.date_modified if dates else None


@dataclass(frozen=True)
class PendingCorrection:
    """An article whose English changed after its translation in one language was approved."""

    slug: str
    lang: str
    changed: int  # units with a last approved text for an older English
    suggested: int  # of them, with a machine suggestion waiting
    notes: int  # correction notes not approved yet


def pending_corrections(store: Store, langs: Sequence[str]) -> list[PendingCorrection]:
    """Corrections waiting for review, per article and language (withdrawn articles left out)."""
    withdrawn = {r[0] for r in store.conn.execute(
        "SELECT id FROM articles WHERE withdrawn_at IS NOT NULL")}
    out = []
    for slug, per_lang in sorted(tallies(store, langs).items()):
        if slug in withdrawn:
            continue
        for lang in langs:
            t = per_lang[lang]
            changed = sum(t.pending_by_status.values())
            notes = sum(n for st, n in t.notes_by_status.items() if st != "approved")
            if changed or notes:
                out.append(PendingCorrection(slug, lang, changed,
                                             sum(t.suggested_by_status.values()), notes))
    return out
