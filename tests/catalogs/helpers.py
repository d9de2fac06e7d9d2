"""Shared test data for the catalogs tests, built through the real store API."""

from __future__ import annotations

from pipeline.states import Action
from pipeline.store import Store
from pipeline.store import translations as tr
from tests.factories import add_article

PARTS = [
    ("title", "Peace talks resume"),
    ("paragraph", "The talks resumed on Monday in Geneva."),
    ("paragraph", "Peace talks resume"),  # same text as the title: must stay a separate entry
    ("paragraph", 'He said "no" twice.\nThen he left.'),
]


def unit_ids(store: Store, slug: str = "peace-talks") -> list[str]:
    return [r[0] for r in store.conn.execute(
        "SELECT id FROM units WHERE article_id = ? ORDER BY position", (slug,))]


def seed(store: Store) -> list[str]:
    """One article: unit 0 machine, unit 1 approved, unit 2 untranslated, unit 3 machine."""
    add_article(store, "peace-talks", PARTS, source="articles/peace-talks.txt")
    ids = unit_ids(store)
    tr.change(store, ids[0], "fa", Action.MACHINE, who=None, text="مذاکرات صلح از سر گرفته شد",
              origin="mt", engine="ctranslate2", package="translate-en_fa",
              package_version="1.9")
    tr.change(store, ids[1], "fa", Action.EDIT, who="sara", text="مذاکرات دوشنبه در ژنو ادامه یافت.",
              origin="human", translated_by="sara")
    tr.change(store, ids[1], "fa", Action.APPROVE, who="ali", reviewed_by="ali")
    tr.change(store, ids[3], "fa", Action.MACHINE, who=None, text='گفت «نه».\nسپس رفت.',
              origin="tm")
    return ids
