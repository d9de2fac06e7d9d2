"""The SQLite store: schema, pragmas, atomic writes, the compare-and-set change, history."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pipeline.errors import ConflictError, StoreError, TransitionError
from pipeline.ids import unit_id
from pipeline.states import Action, Status
from pipeline.store import SCHEMA_VERSION, Store, now, open_store
from pipeline.store import events as store_events
from pipeline.store import translations as tr
from pipeline.store.reports import status_counts


def _add_unit(store: Store, text: str = "Hello world.", article: str = "a1") -> str:
    uid = unit_id(article, text)
    ts = now()
    with store.transaction():
        store.db["articles"].insert(
            {"id": article, "source": "x.txt", "title": "T", "truncated": 0, "created_at": ts,
             "updated_at": ts}, ignore=True)
        store.db["units"].insert(
            {"id": uid, "article_id": article, "position": 0, "kind": "paragraph",
             "source_text": text, "source_key": text.lower(), "obsolete": 0, "created_at": ts,
             "updated_at": ts})
    return uid


def test_schema_version_and_pragmas(store: Store) -> None:
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert {"articles", "units", "translations", "events", "glossary", "suppressions"} <= set(
        store.db.table_names())


def test_reopen_does_not_migrate_again(workspace, store: Store) -> None:
    _add_unit(store)
    store.close()
    again = open_store(workspace.database)
    assert again.db["units"].count == 1
    again.close()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        open_store(db)


def test_garbage_file_is_store_error(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    db.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="x.db"):
        open_store(db)


def test_transaction_rolls_back_everything_on_error(store: Store) -> None:
    with pytest.raises(RuntimeError):
        with store.transaction():
            # sqlite-utils' insert_all nests as a savepoint inside our transaction
            store.db["glossary"].insert_all(
                [{"term": f"t{i}", "lang": "fa", "do_not_translate": 0} for i in range(500)],
                batch_size=50)
            raise RuntimeError("crash mid-way")
    assert store.db["glossary"].count == 0


def test_foreign_keys_enforced(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        with store.transaction():
            store.db["units"].insert(
                {"id": "u", "article_id": "missing", "position": 0, "kind": "paragraph",
                 "source_text": "x", "source_key": "x", "obsolete": 0})


def test_change_bumps_revision_and_records_event(store: Store) -> None:
    uid = _add_unit(store)
    assert tr.ensure_rows(store, ["fa"]) == 1
    assert tr.ensure_rows(store, ["fa"]) == 0
    t = tr.change(store, uid, "fa", Action.MACHINE, who=None, text="سلام", origin="mt",
                  engine="ctranslate2")
    assert (t.status, t.revision, t.origin) == (Status.MACHINE, 1, "mt")
    t = tr.change(store, uid, "fa", Action.APPROVE, who="ana", expected_revision=1)
    assert (t.status, t.revision, t.text) == (Status.APPROVED, 2, "سلام")
    hist = store_events.history(store, uid, "fa")
    assert [(e["action"], e["old_status"], e["new_status"]) for e in hist] == [
        ("machine", "untranslated", "machine"), ("approve", "machine", "approved")]
    assert hist[0]["detail"]["engine"] == "ctranslate2"


def test_stale_revision_is_a_conflict_and_changes_nothing(store: Store) -> None:
    uid = _add_unit(store)
    tr.ensure_rows(store, ["fa"])
    tr.change(store, uid, "fa", Action.EDIT, who="ana", text="one")
    with pytest.raises(ConflictError, match="revision"):
        tr.change(store, uid, "fa", Action.EDIT, who="bo", text="two", expected_revision=0)
    assert tr.get(store, uid, "fa").text == "one"
    assert len(store_events.history(store, uid, "fa")) == 1


def test_machine_cannot_overwrite_approved(store: Store) -> None:
    uid = _add_unit(store)
    tr.ensure_rows(store, ["fa"])
    tr.change(store, uid, "fa", Action.EDIT, who="ana", text="human")
    tr.change(store, uid, "fa", Action.APPROVE, who="bo")
    with pytest.raises(TransitionError):
        tr.change(store, uid, "fa", Action.MACHINE, who=None, text="machine")
    assert tr.get(store, uid, "fa").text == "human"


def test_status_counts_count_missing_rows_as_untranslated(store: Store) -> None:
    uid = _add_unit(store)
    _add_unit(store, "Second one.")
    tr.ensure_rows(store, ["fa"], [uid])
    tr.change(store, uid, "fa", Action.EDIT, who="ana", text="x")
    counts = status_counts(store, ["fa", "ar"])
    assert counts["fa"]["translated"] == 1 and counts["fa"]["untranslated"] == 1
    assert counts["ar"]["untranslated"] == 2


def test_writers_in_one_process_queue_on_one_lock_per_database(workspace) -> None:  # type: ignore[no-untyped-def]
    # Threads of one process (the web server's) wait on a Python lock, not SQLite's polling
    # busy handler; every write still lands, each in its own transaction.
    import threading

    from pipeline.store import _writer, open_store

    def write(n: int) -> None:
        with open_store(workspace.database) as s, s.transaction() as conn:
            conn.execute("INSERT INTO glossary (term, lang, do_not_translate) VALUES (?, '*', 1)",
                         (f"term{n}",))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    with open_store(workspace.database) as s:
        assert s.conn.execute("SELECT count(*) FROM glossary").fetchone()[0] == 16
    assert _writer(workspace.database) is _writer(workspace.root / "." / workspace.database.name)
