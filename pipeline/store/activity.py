"""Queries for the dashboard: who approved, edited and rejected how much, week by week."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.states import Status
from pipeline.store import Store

#: Actions a person's weekly activity counts.
COUNTED = ("approve", "edit", "reject")


def weekly(store: Store, since: str, until: str) -> list[tuple[str, str, str, int]]:
    """(week's Monday, who, action, count) for events of people from `since` to before `until`
    (ISO dates or timestamps)."""
    marks = ",".join("?" * len(COUNTED))
    # 'weekday 0' moves to the coming Sunday (or stays on one); six days back is its Monday.
    rows = store.conn.execute(
        "SELECT date(substr(at, 1, 10), 'weekday 0', '-6 days') AS week, who, action, count(*)"
        f" FROM events WHERE at >= ? AND at < ? AND who IS NOT NULL AND action IN ({marks})"
        " GROUP BY week, who, action ORDER BY week DESC, who, action",
        (since, until, *COUNTED),
    )
    return [(str(w), str(who), str(a), int(n)) for w, who, a, n in rows]


def status_counts(store: Store, langs: Sequence[str]) -> dict[str, dict[str, int]]:
    """Per language, live units by status (no row counts as untranslated), for the dashboard.

    Counts every row of the language from the tr_queue index alone and takes away the rows of
    obsolete units (few), instead of joining each of the language's rows to its unit: on 100k
    units that join costs seconds, this a few milliseconds.
    """
    live = int(store.conn.execute("SELECT count(*) FROM units WHERE obsolete = 0").fetchone()[0])
    out: dict[str, dict[str, int]] = {}
    for lang in langs:
        counts = {s.value: 0 for s in Status}
        for status, n in store.conn.execute(
                "SELECT status, count(*) FROM translations WHERE lang = ? GROUP BY status",
                (lang,)):
            counts[status] = counts.get(status, 0) + int(n)
        for status, n in store.conn.execute(
                "SELECT t.status, count(*) FROM units u CROSS JOIN translations t"
                " ON t.unit_id = u.id AND t.lang = ? WHERE u.obsolete = 1 GROUP BY t.status",
                (lang,)):
            counts[status] -= int(n)
        counts[Status.UNTRANSLATED.value] += live - sum(counts.values())
        out[lang] = counts
    return out
