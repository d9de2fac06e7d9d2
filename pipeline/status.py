"""Workspace status: units by review status per language, for `pipeline status`."""

from __future__ import annotations

from typing import Any

from pipeline.store import open_store
from pipeline.store.reports import status_counts
from pipeline.workspace import Settings


def workspace_status(settings: Settings) -> dict[str, Any]:
    """Counts per target language, with the share approved (0 when there are no units)."""
    with open_store(settings.database) as store:
        articles = store.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        units = store.conn.execute("SELECT count(*) FROM units WHERE obsolete = 0").fetchone()[0]
        counts = status_counts(store, settings.targets)
    languages = {
        lang: {
            "counts": row,
            "approved_percent": round(100.0 * row["approved"] / units, 2) if units else 0.0,
        }
        for lang, row in counts.items()
    }
    return {"articles": articles, "units": units, "languages": languages}
