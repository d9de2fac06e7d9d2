"""Articles and their units: saving an extraction, reading articles back."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.errors import NotFound
from pipeline.models import Article, Unit, UnitKind
from pipeline.store import Store, now
from pipeline.store import translations as tr
from pipeline.textnorm import fold


@dataclass(frozen=True)
class SaveResult:
    """What saving one article changed."""

    slug: str
    added: int
    kept: int
    obsoleted: int
    unchanged: bool


def content_hash(article: Article) -> str:
    """A digest of everything stored about the article, to skip unchanged re-extraction."""
    payload = json.dumps(
        [article.title, article.category, list(article.tags), article.byline, article.date,
         article.date_iso, article.truncated, list(article.captions),
         [(u.id, u.kind, u.text, u.position, list(map(list, u.sentences))) for u in article.units]],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def save_article(store: Store, article: Article, langs: Sequence[str]) -> SaveResult:
    """Insert or update one article and its units in one transaction.

    New units get `untranslated` rows in `langs`; units no longer present are marked obsolete
    (never deleted, their translations stay). Re-saving identical content changes nothing.
    """
    digest = content_hash(article)
    ts = now()
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT content_hash FROM articles WHERE id = ?", (article.slug,)
        ).fetchone()
        if row is not None and row[0] == digest:
            return SaveResult(article.slug, 0, len(article.units), 0, True)
        conn.execute(
            "INSERT INTO articles (id, source, format, title, category, tags, byline, date_text,"
            " date_iso, truncated, captions, content_hash, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET"
            " source=excluded.source, format=excluded.format, title=excluded.title,"
            " category=excluded.category, tags=excluded.tags, byline=excluded.byline,"
            " date_text=excluded.date_text, date_iso=excluded.date_iso,"
            " truncated=excluded.truncated, captions=excluded.captions,"
            " content_hash=excluded.content_hash, updated_at=excluded.updated_at",
            (article.slug, article.source, article.format, article.title, article.category,
             json.dumps(list(article.tags), ensure_ascii=False), article.byline, article.date,
             article.date_iso, int(article.truncated),
             json.dumps(list(article.captions), ensure_ascii=False), digest, ts, ts),
        )
        existing = {
            r[0]: bool(r[1])
            for r in conn.execute(
                "SELECT id, obsolete FROM units WHERE article_id = ?", (article.slug,)
            )
        }
        new_ids = [u.id for u in article.units if u.id not in existing]
        conn.executemany(
            "INSERT INTO units (id, article_id, position, kind, source_text, source_key,"
            " sentences, obsolete, created_at, updated_at) VALUES (?,?,?,?,?,?,?,0,?,?)"
            " ON CONFLICT(id) DO UPDATE SET position=excluded.position, kind=excluded.kind,"
            " obsolete=0, updated_at=excluded.updated_at",
            [(u.id, article.slug, u.position, str(u.kind), u.text, fold(u.text),
              json.dumps([list(s) for s in u.sentences]), ts, ts) for u in article.units],
        )
        present = {u.id for u in article.units}
        gone = [uid for uid, obsolete in existing.items() if uid not in present and not obsolete]
        conn.executemany(
            "UPDATE units SET obsolete = 1, updated_at = ? WHERE id = ?", [(ts, g) for g in gone]
        )
        tr.ensure_rows(store, langs, [u.id for u in article.units])
    return SaveResult(article.slug, len(new_ids), len(present) - len(new_ids), len(gone), False)


def _unit(row: dict[str, Any]) -> Unit:
    return Unit(
        id=row["id"], kind=UnitKind(row["kind"]), text=row["source_text"],
        position=row["position"],
        sentences=tuple(tuple(s) for s in json.loads(row["sentences"] or "[]")),
    )


def load_article(store: Store, slug: str) -> Article:
    """An article with its live units in order; NotFound if there is no such slug."""
    rows = list(store.db.query("SELECT * FROM articles WHERE id = ?", [slug]))
    if not rows:
        raise NotFound(f"no article {slug!r} (see `pipeline status`)")
    a = rows[0]
    units = tuple(
        _unit(r)
        for r in store.db.query(
            "SELECT * FROM units WHERE article_id = ? AND obsolete = 0 ORDER BY position", [slug]
        )
    )
    return Article(
        slug=a["id"], source=a["source"], title=a["title"], units=units, category=a["category"],
        tags=tuple(json.loads(a["tags"] or "[]")), byline=a["byline"], date=a["date_text"],
        date_iso=a["date_iso"], truncated=bool(a["truncated"]),
        captions=tuple(json.loads(a["captions"] or "[]")), format=a["format"] or "text",
    )


def article_slugs(store: Store) -> list[str]:
    """All article slugs, newest date first, then by slug."""
    return [
        r[0]
        for r in store.conn.execute(
            "SELECT id FROM articles ORDER BY coalesce(date_iso, '') DESC, id"
        )
    ]
