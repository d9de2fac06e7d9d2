"""The history of one translation or one article, as events a person can read or a script can parse."""

from __future__ import annotations

from typing import Any

from pipeline import textdiff
from pipeline.store import Store, revisions
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
    extra = ""
    detail = event.get("detail") or {}
    if "reason" in detail:
        extra = f"  reason: {detail['reason']}"
    elif "reverted_to" in detail:
        extra = f"  restored text of event {detail['reverted_to']}"
    elif event["action"] == "suggest":
        extra = "  machine suggestion stored beside the text"
    elif "accepted_suggestion" in detail:
        extra = "  machine suggestion approved"
    return (f"#{event['id']:<6} {event['at'][:19].replace('T', ' ')}  {who:<14} "
            f"{event['action']:<15} {change}  (rev {event.get('revision')}){extra}")


def article_history(store: Store, slug: str, lang: str | None = None) -> list[dict[str, Any]]:
    """The article's events (revisions, notes, withdrawals), oldest first.

    With `lang`, every event of its units' translations in that language (obsolete units too,
    so an edited paragraph's whole past is there) is merged in by time; each entry says whether
    it is an `article` or a `unit` event.
    """
    from pipeline.store.articles import article_exists, unit_ids

    if not article_exists(store, slug):
        from pipeline.errors import NotFound

        raise NotFound(f"no article {slug!r} (see `pipeline status`)")
    out = [{"scope": "article", **ev} for ev in revisions.history(store, slug)]
    if lang is not None:
        for uid in unit_ids(store, slug, include_obsolete=True):
            out.extend({"scope": "unit", **ev} for ev in store_events.history(store, uid, lang))
    out.sort(key=lambda ev: (ev["at"], ev["scope"] == "unit", ev["id"]))
    return out


def describe_article_event(event: dict[str, Any]) -> list[str]:
    """Lines for one article event: what changed, with a word diff of each edited unit."""
    who = event.get("who") or "-"
    head = f"{event['at'][:19].replace('T', ' ')}  {who:<14} {event['action']}"
    detail = event.get("detail") or {}
    action = event["action"]
    if action == revisions.EXTRACTED:
        return [f"{head}  ({detail.get('units', 0)} units)"]
    if action == revisions.REVISED:
        lines = [f"{head}  ({len(detail.get('edited', []))} edited, "
                 f"{len(detail.get('added', []))} added, {len(detail.get('removed', []))} removed)"]
        for e in detail.get("edited", []):
            lines.append(f"        edited  {e['old_unit']} -> {e['new_unit']}: "
                         f"{textdiff.inline(e['old'], e['new'])}")
        for a in detail.get("added", []):
            lines.append(f"        added   {a['unit']}: {a['text']}")
        for r in detail.get("removed", []):
            lines.append(f"        removed {r['unit']}: {r['text']}")
        return lines
    if action in (revisions.NOTE_ADDED, revisions.NOTE_REMOVED):
        return [f"{head}  {detail.get('unit', '')}: {detail.get('note', '')}"]
    if action == revisions.WITHDRAWN:
        return [f"{head}  reason: {detail.get('reason', '')}"]
    return [head]
