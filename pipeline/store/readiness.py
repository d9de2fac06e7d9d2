"""Queries for the editor's screen: one article's units in one language, for its checks."""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.store import Store
from pipeline.store.checks import CheckRow


def article_check_rows(store: Store, slug: str, lang: str) -> Iterator[CheckRow]:
    """The live units of one article in `lang`, in order (no row reads as untranslated)."""
    cur = store.conn.execute(
        "SELECT u.id, u.article_id, u.kind, u.source_text, ?,"
        " coalesce(t.status, 'untranslated'), t.text"
        " FROM units u LEFT JOIN translations t ON t.unit_id = u.id AND t.lang = ?"
        " WHERE u.article_id = ? AND u.obsolete = 0 ORDER BY u.position",
        (lang, lang, slug),
    )
    for row in cur:
        yield CheckRow(*row)
