"""Queries for the editions export: articles, their units and translations, per-language tallies."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from pipeline.models import FLAG_TEST_MODEL, Translation, Unit, UnitKind
from pipeline.store import Store

#: Origins of text a person wrote (review edits, PO imports). A test_model flag left on such a row
#: describes the machine text it replaced, not the words now stored, so it raises no notice.
HUMAN_ORIGINS = ("human", "po")


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


@dataclass
class Tally:
    """Live units of one article in one language, counted by status and by the test-model flag."""

    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    test_model_by_status: dict[str, int] = field(default_factory=dict)
    empty_by_status: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ArticleContent:
    """An article's live units in order, with their translations by language."""

    meta: ArticleMeta
    units: tuple[Unit, ...]
    translations: dict[str, dict[str, Translation]]


def articles(store: Store) -> list[ArticleMeta]:
    """Every article, newest date first, then by slug (the order of an edition's index)."""
    rows = store.conn.execute(
        "SELECT id, title, date_iso, date_text, byline, category, tags, created_at FROM articles"
        " ORDER BY coalesce(date_iso, '') DESC, id"
    )
    return [
        ArticleMeta(slug=r[0], title=r[1], date_iso=r[2], date_text=r[3], byline=r[4],
                    category=r[5], tags=tuple(json.loads(r[6] or "[]")), added_at=r[7])
        for r in rows
    ]


def tallies(store: Store, langs: Sequence[str]) -> dict[str, dict[str, Tally]]:
    """slug -> lang -> Tally, in one grouped query (units without a row count as untranslated)."""
    out: dict[str, dict[str, Tally]] = {}
    totals = dict(store.conn.execute(
        "SELECT article_id, count(*) FROM units WHERE obsolete = 0 GROUP BY article_id"
    ).fetchall())
    for slug, total in totals.items():
        out[slug] = {lang: Tally(total=total) for lang in langs}
    marks = ",".join("?" for _ in langs)
    rows = store.conn.execute(
        "SELECT u.article_id, t.lang, t.status,"
        " (EXISTS (SELECT 1 FROM json_each(coalesce(t.flags, '[]')) WHERE value = ?)"
        "  AND coalesce(t.origin, '') NOT IN (?, ?)) AS test_model,"
        " (t.text IS NULL OR trim(t.text) = '') AS empty, count(*)"
        " FROM units u JOIN translations t ON t.unit_id = u.id"
        f" WHERE u.obsolete = 0 AND t.lang IN ({marks})"
        " GROUP BY 1, 2, 3, 4, 5",
        (FLAG_TEST_MODEL, *HUMAN_ORIGINS, *langs),
    )
    for slug, lang, status, test_model, empty, n in rows:
        tally = out[slug][lang]
        tally.by_status[status] = tally.by_status.get(status, 0) + n
        if test_model:
            tally.test_model_by_status[status] = tally.test_model_by_status.get(status, 0) + n
        if empty:
            tally.empty_by_status[status] = tally.empty_by_status.get(status, 0) + n
    for per_lang in out.values():
        for tally in per_lang.values():
            missing = tally.total - sum(tally.by_status.values())
            if missing:
                tally.by_status["untranslated"] = tally.by_status.get("untranslated", 0) + missing
    return out


_TR_COLS = (
    "t.lang, t.text, t.status, t.revision, t.origin, t.engine, t.package, t.package_version,"
    " t.pivot, t.score, t.flags, t.translated_by, t.reviewed_by, t.updated_at"
)


def content(store: Store, meta: ArticleMeta, langs: Sequence[str]) -> ArticleContent:
    """One article's live units in order and their translations in `langs`."""
    return next(iter_contents(store, [meta], langs), ArticleContent(meta, (), {lg: {} for lg in langs}))


def _flags(raw: str | None) -> tuple[str, ...]:
    return () if raw in (None, "", "[]") else tuple(json.loads(raw))


def iter_contents(
    store: Store, metas: Sequence[ArticleMeta], langs: Sequence[str]
) -> Iterator[ArticleContent]:
    """The contents of `metas`, one article at a time (memory stays flat), in slug order.

    One query streams every live unit with its translations: a query per article cost more than
    the rows themselves (10,000 round trips for 10,000 articles).
    """
    wanted = {m.slug: m for m in metas}
    if not wanted:
        return
    if langs:
        marks = ",".join("?" for _ in langs)
        join = f" LEFT JOIN translations t ON t.unit_id = u.id AND t.lang IN ({marks})"
        cols = _TR_COLS
    else:
        join, cols = "", ", ".join("NULL" for _ in _TR_COLS.split(","))
    where, params = ("u.article_id = ?", (metas[0].slug,)) if len(wanted) == 1 else ("1", ())
    rows = store.conn.execute(
        f"SELECT u.article_id, u.id, u.kind, u.source_text, u.position, {cols}"
        f" FROM units u{join} WHERE {where} AND u.obsolete = 0 ORDER BY u.article_id, u.position",
        (*langs, *params),
    )
    slug: str | None = None
    units: list[Unit] = []
    translations: dict[str, dict[str, Translation]] = {}
    last = None
    for r in rows:
        if r[0] != slug:
            if slug is not None and slug in wanted:
                yield ArticleContent(wanted[slug], tuple(units), translations)
            slug, units, translations, last = r[0], [], {lang: {} for lang in langs}, None
        if slug not in wanted:
            continue
        if r[1] != last:
            units.append(Unit(id=r[1], kind=UnitKind(r[2]), text=r[3], position=r[4]))
            last = r[1]
        if r[5] is None:
            continue
        translations[r[5]][r[1]] = Translation(
            unit_id=r[1], lang=r[5], text=r[6], status=r[7], revision=r[8], origin=r[9],
            engine=r[10], package=r[11], package_version=r[12], pivot=r[13], score=r[14],
            flags=_flags(r[15]), translated_by=r[16], reviewed_by=r[17], updated_at=r[18],
        )
    if slug is not None and slug in wanted:
        yield ArticleContent(wanted[slug], tuple(units), translations)


@dataclass(frozen=True)
class Credit:
    """Who wrote and who approved the text an edition shows, from the events."""

    translators: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()


#: Text a person wrote (edit, revert) and approvals that still stand (no change after them).
_CREDIT_SQL = (
    "SELECT u.article_id, e.lang, e.action, e.who, t.status, min(e.id)"
    " FROM events e JOIN translations t ON t.unit_id = e.unit_id AND t.lang = e.lang"
    " JOIN units u ON u.id = e.unit_id"
    " WHERE u.obsolete = 0 AND e.lang IN ({marks}) AND trim(coalesce(e.who, '')) != ''"
    " AND ((e.action IN ('edit', 'revert') AND e.new_text IS t.text)"
    "      OR (e.action = 'approve' AND e.revision = t.revision))"
    " GROUP BY 1, 2, 3, 4, 5 ORDER BY 6"
)


def credits(store: Store, langs: Sequence[str],
            shown: Callable[[str], bool]) -> dict[str, dict[str, Credit]]:
    """slug -> lang -> the people behind the text an edition shows, in the order they worked.

    Translators wrote the current text of a unit; reviewers approved it and nothing changed since.
    `shown(status)` says whether text of that status appears in the edition (the policy).
    """
    if not langs:
        return {}
    marks = ",".join("?" for _ in langs)
    people: dict[str, dict[str, tuple[dict[str, None], dict[str, None]]]] = {}
    for slug, lang, action, who, status, _ in store.conn.execute(
            _CREDIT_SQL.format(marks=marks), tuple(langs)):
        if not shown(status):
            continue
        per = people.setdefault(slug, {}).setdefault(lang, ({}, {}))
        per[1 if action == "approve" else 0][who.strip()] = None
    return {slug: {lang: Credit(tuple(t), tuple(r)) for lang, (t, r) in per_lang.items()}
            for slug, per_lang in people.items()}
