"""Saving and loading articles through the store."""

from __future__ import annotations

import gc

import pytest

from pipeline.errors import NotFound
from pipeline.states import Action
from pipeline.store import Store, revisions
from pipeline.store import translations as tr
from pipeline.store.articles import load_article
from pipeline.store.events import history
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


def test_resave_writes_only_the_units_that_changed(store: Store) -> None:
    add_article(store, "a-title", PARTS)
    before = {r["id"]: r for r in store.db["units"].rows}
    add_article(store, "a-title", [PARTS[0], ("paragraph", "New first."), *PARTS[1:]])
    after = {r["id"]: r for r in store.db["units"].rows}
    title = next(i for i, r in before.items() if r["kind"] == "title")
    assert after[title] == before[title]  # kept in its place: not written again
    for uid, row in before.items():
        if uid != title:  # moved down by the new paragraph
            assert after[uid]["position"] == row["position"] + 1
            assert after[uid]["updated_at"] > row["updated_at"]


def test_resave_gives_kept_units_rows_in_a_language_added_since(store: Store) -> None:
    add_article(store, "a-title", PARTS, langs=("fa",))
    add_article(store, "a-title", [*PARTS, ("paragraph", "Third.")], langs=("fa", "ar"))
    units = load_article(store, "a-title").units
    assert len(units) == 5
    assert {tr.get(store, u.id, "ar").status for u in units} == {"untranslated"}


def test_edits_carry_each_language_s_translation_in_one_save(store: Store) -> None:
    parts = [("title", "A title"), ("paragraph", "The ferry runs at night."),
             ("paragraph", "The council voted on Monday."), ("paragraph", "Boats wait at the quay.")]
    add_article(store, "a-title", parts, langs=("fa", "ar"))
    old = load_article(store, "a-title").units
    tr.change(store, old[1].id, "fa", Action.EDIT, who="mina", text="fa one", origin="human",
              translated_by="mina")
    tr.change(store, old[1].id, "fa", Action.APPROVE, who="reza", reviewed_by="reza")
    for unit, text in ((old[1], "ar one"), (old[2], "ar two")):
        tr.change(store, unit.id, "ar", Action.MACHINE, who=None, text=text, origin="mt")
    edited = [(k, t.replace(".", " again.") if k == "paragraph" else t) for k, t in parts]
    res = add_article(store, "a-title", edited, langs=("fa", "ar"))
    assert (res.added, res.obsoleted, res.carried) == (3, 3, 3)
    new = load_article(store, "a-title").units
    fa = tr.get(store, new[1].id, "fa")
    assert (fa.status, fa.text, fa.suggestion, fa.origin, fa.translated_by, fa.reviewed_by,
            fa.published_text, fa.published_source, fa.source_before, fa.revision) == (
        "stale", "fa one", "fa one", "stale", "mina", "reza", "fa one", parts[1][1],
        parts[1][1], 1)
    ar = tr.get(store, new[2].id, "ar")
    assert (ar.status, ar.text, ar.suggestion, ar.source_before) == (
        "stale", "ar two", "ar two", parts[2][1])
    assert tr.get(store, new[2].id, "fa").status == "untranslated"  # nothing to carry there
    assert {tr.get(store, new[3].id, lang).status for lang in ("fa", "ar")} == {"untranslated"}
    event = history(store, new[1].id, "ar")
    assert [(e["action"], e["old_status"], e["new_status"]) for e in event] == [
        ("source_changed", "machine", "stale")]
    assert event[0]["detail"]["from_unit"] == old[1].id
    assert tr.get(store, old[1].id, "fa").status == "approved"  # the old unit's history stays


def test_save_pauses_the_cycle_collector_and_restores_it_also_on_failure(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    real = revisions.record_revision

    def record(*args: object, **kwargs: object) -> int:
        seen.append(gc.isenabled())
        if len(seen) == 2:
            raise RuntimeError("disk on fire")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(revisions, "record_revision", record)
    add_article(store, "a-title", PARTS)
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        add_article(store, "a-title", PARTS[:2])
    assert seen == [False, False] and gc.isenabled()
    assert store.db.table("units").count_where("obsolete = 1") == 0  # the failed save rolled back
    gc.disable()  # a caller that paused it itself gets it back paused
    try:
        add_article(store, "b-title", PARTS)
        assert not gc.isenabled()
    finally:
        gc.enable()
