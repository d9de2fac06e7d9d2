"""The dashboard's figures: progress counts agree with `pipeline status`, weeks start on Monday."""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.review.activity import progress, weekly_activity
from pipeline.states import Action
from pipeline.store import Store
from pipeline.store import translations as tr
from pipeline.store.reports import status_counts
from pipeline.workspace import Settings
from tests.factories import add_article


def test_progress_counts_live_units_like_pipeline_status(workspace: Settings, store: Store) -> None:
    parts = [("title", "T"), ("paragraph", "One."), ("paragraph", "Two."), ("paragraph", "Three.")]
    add_article(store, "a", parts)
    ids = [r[0] for r in store.conn.execute("SELECT id FROM units ORDER BY position")]
    tr.change(store, ids[1], "fa", Action.EDIT, who="mina", text="یک")
    tr.change(store, ids[2], "fa", Action.EDIT, who="mina", text="دو")
    add_article(store, "a", parts[:2] + parts[3:])  # "Two." is gone: its unit is obsolete
    got = {p.lang: p.counts for p in progress(store, workspace.targets)}
    assert got == status_counts(store, workspace.targets)
    assert got["fa"]["translated"] == 1 and got["fa"]["untranslated"] == 2


def test_weekly_activity_groups_by_monday_and_person(workspace: Settings, store: Store) -> None:
    add_article(store, "a", [("title", "T"), ("paragraph", "One.")])
    ids = [r[0] for r in store.conn.execute("SELECT id FROM units ORDER BY position")]
    tr.change(store, ids[0], "fa", Action.EDIT, who="mina", text="یک")
    tr.change(store, ids[0], "fa", Action.APPROVE, who="reza")
    tr.change(store, ids[1], "ar", Action.EDIT, who="mina", text="واحد")
    rows = weekly_activity(store)
    assert {(r.who, tuple(r.counts.values())) for r in rows} == {("mina", (0, 2, 0)),
                                                                 ("reza", (1, 0, 0))}
    monday = datetime.strptime(rows[0].week, "%Y-%m-%d").replace(tzinfo=UTC)
    assert monday.weekday() == 0 and (datetime.now(UTC) - monday).days < 7
    assert weekly_activity(store, today=datetime(2000, 1, 1, tzinfo=UTC)) == []
