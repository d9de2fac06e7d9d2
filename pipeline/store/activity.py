"""Queries for the dashboard: who approved, edited and rejected how much, week by week."""

from __future__ import annotations

from pipeline.store import Store

#: Actions a person's weekly activity counts.
COUNTED = ("approve", "edit", "reject")


def weekly(store: Store, since: str) -> list[tuple[str, str, str, int]]:
    """(week's Monday, who, action, count) for events of people since `since` (ISO date)."""
    marks = ",".join("?" * len(COUNTED))
    # 'weekday 0' moves to the coming Sunday (or stays on one); six days back is its Monday.
    rows = store.conn.execute(
        "SELECT date(substr(at, 1, 10), 'weekday 0', '-6 days') AS week, who, action, count(*)"
        f" FROM events WHERE at >= ? AND who IS NOT NULL AND action IN ({marks})"
        " GROUP BY week, who, action ORDER BY week DESC, who, action",
        (since, *COUNTED),
    )
    return [(str(w), str(who), str(a), int(n)) for w, who, a, n in rows]
