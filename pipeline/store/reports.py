"""Aggregate queries for status reports and completeness."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.states import Status
from pipeline.store import Store


def status_counts(store: Store, langs: Iterable[str]) -> dict[str, dict[str, int]]:
    """Per language, live units by status (units without a row count as untranslated)."""
    out: dict[str, dict[str, int]] = {}
    total = store.conn.execute("SELECT count(*) FROM units WHERE obsolete = 0").fetchone()[0]
    for lang in langs:
        counts = {s.value: 0 for s in Status}
        rows = store.conn.execute(
            "SELECT t.status, count(*) FROM translations t JOIN units u ON u.id = t.unit_id"
            " WHERE t.lang = ? AND u.obsolete = 0 GROUP BY t.status",
            (lang,),
        )
        for status, n in rows:
            counts[status] = n
        counts[Status.UNTRANSLATED.value] += total - sum(counts.values())
        out[lang] = counts
    return out
