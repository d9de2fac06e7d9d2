"""Queries for the editions export: articles, their units and translations, per-language tallies."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
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
        "SELECT id, title, date_iso, date_text, byline, category, tags FROM articles"
        " ORDER BY coalesce(date_iso, '') DESC, id"
    )
    return [
        ArticleMeta(slug=r[0], title=r[1], date_iso=r[2], date_text=r[3], byline=r[4],
                    category=r[5], tags=tuple(json.loads(r[6] or "[]")))
        for r in rows
    ]


def article(store: Store, slug: str) -> ArticleMeta | None:
    """One article's metadata (the editor's screen), or None."""
    r = store.conn.execute(
        "SELECT id, title, date_iso, date_text, byline, category, tags FROM articles WHERE id = ?",
        (slug,)).fetchone()
    if r is None:
        return None
    return ArticleMeta(slug=r[0], title=r[1], date_iso=r[2], date_text=r[3], byline=r[4],
                       category=r[5], tags=tuple(json.loads(r[6] or "[]")))


def tallies(store: Store, langs: Sequence[str], *,
            article: str | None = None) -> dict[str, dict[str, Tally]]:
    """slug -> lang -> Tally, in one grouped query (units without a row count as untranslated).

    With `article`, only that article (the editor's screen), through the units_article index.
    """
    out: dict[str, dict[str, Tally]] = {}
    one = "" if article is None else " AND article_id = ?"
    extra: tuple[str, ...] = () if article is None else (article,)
    totals = dict(store.conn.execute(
        f"SELECT article_id, count(*) FROM units WHERE obsolete = 0{one} GROUP BY article_id",
        extra,
    ).fetchall())
    for slug, total in totals.items():
        out[slug] = {lang: Tally(total=total) for lang in langs}
    marks = ",".join("?" for _ in langs)
    rows = store.conn.execute(
        "SELECT u.article_id, t.lang, t.status,"
        " (EXISTS (SELECT 1 FROM json_each(coalesce(t.flags, '[]')) WHERE value = ?)"
        f"  AND coalesce(t.origin, '') NOT IN ({','.join('?' * len(HUMAN_ORIGINS))}))"
        " AS test_model,"
        " (t.text IS NULL OR trim(t.text) = '') AS empty, count(*)"
        " FROM units u JOIN translations t ON t.unit_id = u.id"
        f" WHERE u.obsolete = 0 AND t.lang IN ({marks}){one.replace('article_id', 'u.article_id')}"
        " GROUP BY 1, 2, 3, 4, 5",
        (FLAG_TEST_MODEL, *HUMAN_ORIGINS, *langs, *extra),
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
    """One article's live units in order and their translations in `langs` (one query)."""
    marks = ",".join("?" for _ in langs)
    rows = store.conn.execute(
        f"SELECT u.id, u.kind, u.source_text, u.position, {_TR_COLS}"
        " FROM units u LEFT JOIN translations t ON t.unit_id = u.id"
        f" AND t.lang IN ({marks})"
        " WHERE u.article_id = ? AND u.obsolete = 0 ORDER BY u.position, t.lang",
        (*langs, meta.slug),
    )
    units: list[Unit] = []
    translations: dict[str, dict[str, Translation]] = {lang: {} for lang in langs}
    last = None
    for r in rows:
        if r[0] != last:
            units.append(Unit(id=r[0], kind=UnitKind(r[1]), text=r[2], position=r[3]))
            last = r[0]
        if r[4] is None:
            continue
        translations[r[4]][r[0]] = Translation(
            unit_id=r[0], lang=r[4], text=r[5], status=r[6], revision=r[7], origin=r[8],
            engine=r[9], package=r[10], package_version=r[11], pivot=r[12], score=r[13],
            flags=_flags(r[14]), translated_by=r[15], reviewed_by=r[16],
            updated_at=r[17],
        )
    return ArticleContent(meta=meta, units=tuple(units), translations=translations)


def _flags(raw: str | None) -> tuple[str, ...]:
    return () if raw in (None, "", "[]") else tuple(json.loads(raw))


def iter_contents(
    store: Store, metas: Sequence[ArticleMeta], langs: Sequence[str]
) -> Iterator[ArticleContent]:
    """Article contents one at a time, so memory stays flat for large editions."""
    for meta in metas:
        yield content(store, meta, langs)
