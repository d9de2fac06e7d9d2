"""Review test data: articles through the real store, machine output through the real change()."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.states import Action
from pipeline.store import Store
from pipeline.store import translations as tr
from tests.factories import add_article


def article_with_mt(store: Store, slug: str, paragraphs: Sequence[str],
                    langs: Sequence[str] = ("fa",), title: str | None = None) -> list[str]:
    """An article whose units all have machine output in `langs`; returns unit ids in order."""
    parts = [("title", title or f"Title of {slug}")] + [("paragraph", p) for p in paragraphs]
    add_article(store, slug, parts)
    ids = [r[0] for r in store.conn.execute(
        "SELECT id FROM units WHERE article_id = ? ORDER BY position", (slug,))]
    for uid in ids:
        for lang in langs:
            tr.change(store, uid, lang, Action.MACHINE, who=None, text=f"ماشین {uid[:6]}",
                      origin="mt", engine="ctranslate2")
    return ids
