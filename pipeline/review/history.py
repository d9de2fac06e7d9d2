"""The history of one translation, as events a person can read or a script can parse."""

from __future__ import annotations

from typing import Any

from pipeline.store import Store
from pipeline.store import events as store_events
from pipeline.store import translations as tr


def unit_history(store: Store, unit_id: str, lang: str) -> list[dict[str, Any]]:
    """Every event of the translation, oldest first; NotFound when the unit has none in `lang`."""
    tr.get(store, unit_id, lang)  # raises NotFound with a clear message
    return store_events.history(store, unit_id, lang)


def describe(event: dict[str, Any]) -> str:
    """One line: id, time, who, action, status change."""
    who = event.get("who") or "-"
    change = f"{event.get('old_status') or '-'} -> {event.get('new_status') or '-'}"
    if event["action"] == "comment":  # a comment changes nothing; say whose status it saw
        change = f"(on {event.get('new_status') or '-'})"
    extra = ""
    detail = event.get("detail") or {}
    if "reason" in detail:
        extra = f"  reason: {detail['reason']}"
    elif "reverted_to" in detail:
        extra = f"  restored text of event {detail['reverted_to']}"
    return (f"#{event['id']:<6} {event['at'][:19].replace('T', ' ')}  {who:<14} "
            f"{event['action']:<15} {change}  (rev {event.get('revision')}){extra}")
