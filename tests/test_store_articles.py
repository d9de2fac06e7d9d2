"""Saving and loading articles through the store."""

from __future__ import annotations

import pytest

from pipeline.errors import NotFound
from pipeline.store import Store
from pipeline.store.articles import load_article
from pipeline.store.reports import status_counts
from tests.factories import add_article

PARTS = [("title", "A title"), ("paragraph", "First."), ("paragraph", "First."),
         ("paragraph", "Second.")]


def test_save_and_load_round_trip(store: Store) -> None:
    res = add_article(store, "a-title", PARTS, category="News", tags=("x", "y"))
    assert (res.added, res.unchanged) == (4, False)
    art = load_article(store, "a-title")
    assert [u.text for u in art.units] == [t for _, t in PARTS]
    assert len({u.id for u in art.units}) == 4  # repeats stay distinct
    assert art.tags == ("x", "y") and art.category == "News"
    assert status_counts(store, ["fa"])["fa"]["untranslated"] == 4


def test_resave_identical_is_a_no_op(store: Store) -> None:
    add_article(store, "a-title", PARTS)
    again = add_article(store, "a-title", PARTS)
    assert again.unchanged and again.added == 0


def test_removed_unit_is_obsoleted_not_deleted(store: Store) -> None:
    add_article(store, "a-title", PARTS)
    res = add_article(store, "a-title", PARTS[:2])
    assert res.obsoleted == 2
    assert store.db.table("units").count == 4
    assert len(load_article(store, "a-title").units) == 2


def test_missing_article(store: Store) -> None:
    with pytest.raises(NotFound, match="nope"):
        load_article(store, "nope")
