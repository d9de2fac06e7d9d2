"""Builders for test data that go through the real store API (no hand-written SQL in tests)."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.ids import unit_id
from pipeline.models import Article, Unit, UnitKind
from pipeline.store import Store
from pipeline.store.articles import SaveResult, save_article


def make_article(
    slug: str,
    parts: Sequence[tuple[str, str]],
    *,
    source: str = "examples/x.txt",
    date_iso: str | None = "2024-05-01",
    **fields: object,
) -> Article:
    """An Article from (kind, text) pairs; the first title part is the title."""
    seen: dict[str, int] = {}
    units = []
    for pos, (kind, text) in enumerate(parts):
        n = seen.get(text, 0)
        seen[text] = n + 1
        units.append(Unit(id=unit_id(slug, text, n), kind=UnitKind(kind), text=text, position=pos,
                          sentences=((0, len(text)),)))
    title = next((t for k, t in parts if k == "title"), slug)
    return Article(slug=slug, source=source, title=title, units=tuple(units), date_iso=date_iso,
                   **fields)  # type: ignore[arg-type]


def add_article(
    store: Store,
    slug: str,
    parts: Sequence[tuple[str, str]],
    langs: Sequence[str] = ("fa", "ar", "sq"),
    **fields: object,
) -> SaveResult:
    """Save an article built by make_article."""
    return save_article(store, make_article(slug, parts, **fields), langs)


def publish_and_edit(store: Store, slug: str, parts: Sequence[tuple[str, str]], lang: str,
                     texts: Sequence[str], edits: dict[str, str]) -> dict[str, str]:
    """Approve a translation of every part, then re-extract with some English texts edited.

    Returns old English text -> the unit id it became after the edit (units of `edits` only).
    """
    from pipeline.states import Action
    from pipeline.store import translations as tr
    from pipeline.store.articles import load_article

    add_article(store, slug, parts, langs=(lang,))
    for unit, text in zip(load_article(store, slug).units, texts, strict=True):
        tr.change(store, unit.id, lang, Action.EDIT, who="mina", text=text, origin="human",
                  translated_by="mina")
        tr.change(store, unit.id, lang, Action.APPROVE, who="reza", reviewed_by="reza")
    new_parts = [(k, edits.get(t, t)) for k, t in parts]
    save_article(store, make_article(slug, new_parts), (lang,))
    by_text = {u.text: u.id for u in load_article(store, slug).units}
    return {old: by_text[new] for old, new in edits.items()}
