"""Article revisions: what each extraction changed, recorded apart from the edit pairing."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from pipeline.store import Store, open_store, revisions
from pipeline.store.articles import save_article
from pipeline.store.schema import MIGRATIONS
from tests.factories import add_article, make_article

PARTS = [("title", "Bridge approved"), ("paragraph", "Ten councillors voted for it."),
         ("paragraph", "Work starts in June.")]


def test_each_changing_extraction_records_a_revision(store: Store) -> None:
    add_article(store, "bridge", PARTS)
    save_article(store, make_article("bridge", PARTS), ("fa",))  # unchanged: nothing recorded
    save_article(store, make_article("bridge", [
        PARTS[0], ("paragraph", "Eleven councillors voted for it."),
        ("paragraph", "The mayor welcomed the plan warmly.")]), ("fa",))
    events = revisions.history(store, "bridge")
    assert [e["action"] for e in events] == ["extracted", "revised"]
    assert events[0]["detail"] == {"units": 3} and events[0]["who"] == "extract"
    change = events[1]["detail"]
    assert [(e["old"], e["new"]) for e in change["edited"]] == [
        ("Ten councillors voted for it.", "Eleven councillors voted for it.")]
    assert [a["text"] for a in change["added"]] == ["The mayor welcomed the plan warmly."]
    assert [r["text"] for r in change["removed"]] == ["Work starts in June."]
    assert revisions.source_changed_at(store) == {"bridge": events[1]["at"]}


def test_from_pairing_takes_the_pairing_result_as_it_is() -> None:
    old = make_article("a", [("paragraph", "One two three."), ("paragraph", "Gone.")])
    new = make_article("a", [("paragraph", "One two four."), ("paragraph", "Fresh.")])
    rev = revisions.from_pairing(first=False, new_units=new.units,
                                 gone=[(u.id, u.text) for u in old.units],
                                 pairs=[(old.units[0].id, new.units[0])])
    assert [(e.old, e.new) for e in rev.edited] == [("One two three.", "One two four.")]
    assert rev.added == ((new.units[1].id, "Fresh."),)
    assert rev.removed == ((old.units[1].id, "Gone."),)


def test_migration_remembers_what_is_approved_as_published(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    for step in MIGRATIONS[:2]:  # a database from before corrections existed
        step(db)
    db.execute(f"PRAGMA user_version = {2}")
    db["articles"].insert({"id": "a", "source": "x", "title": "T", "truncated": 0,
                           "created_at": "t", "updated_at": "t"})
    db["units"].insert({"id": "u1", "article_id": "a", "position": 0, "kind": "title",
                        "source_text": "T", "source_key": "t", "obsolete": 0,
                        "created_at": "t", "updated_at": "t"})
    db["translations"].insert({"unit_id": "u1", "lang": "fa", "text": "ت", "status": "approved",
                               "revision": 2, "created_at": "t", "updated_at": "2024-05-02"})
    db.conn.commit()
    db.conn.close()
    with open_store(path) as store:
        row = store.conn.execute("SELECT published_text, published_source, published_at"
                                 " FROM translations").fetchone()
    assert row == ("ت", "T", "2024-05-02")
