"""`pipeline history`: every change of a unit's translation, or of an article and its units."""

from __future__ import annotations

from typing import Annotated

import typer

from pipeline.cli.common import JsonOpt, WorkspaceOpt, echo, print_json, settings
from pipeline.cli.review import _lang


def history(
    ref: Annotated[str, typer.Argument(
        help="A unit id (or unique prefix of 6+ characters), or an article slug.")],
    lang: Annotated[str | None, typer.Option(
        "--lang", "-l", help="Target language (needed for a unit; for an article, adds its "
                             "units' changes in that language).")] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show every change: of a unit's translation, or of an article (revisions of the English with
    word diffs, correction notes, withdrawals, and with --lang its translations' changes)."""
    from pipeline.errors import UsageError
    from pipeline.review.history import (
        article_history,
        describe,
        describe_article_event,
        unit_history,
    )
    from pipeline.review.interactive import isolate
    from pipeline.store import open_store
    from pipeline.store.articles import article_exists
    from pipeline.store.review import resolve_unit

    s = settings(workspace)
    code = _lang(lang, s) if lang is not None else None
    with open_store(s.database) as store:
        if article_exists(store, ref):
            events = article_history(store, ref, code)
            uid = None
        else:
            if code is None:
                raise UsageError("a unit's history needs --lang (or give an article slug)")
            uid = resolve_unit(store, ref)
            events = unit_history(store, uid, code)
    if as_json:
        print_json(events)
        return
    if not events:
        echo(f"no changes to {uid} ({code}) yet.")
    for ev in events:
        if ev.get("scope") == "article":
            for line in describe_article_event(ev):
                echo(line)
            continue
        prefix = f"{ev['unit_id']}  " if uid is None else ""
        echo(prefix + describe(ev))
        if ev["new_text"] is not None and ev["new_text"] != ev["old_text"]:
            echo(f"        text: {isolate(ev['new_text'], ev['lang'])}")
        suggestion = (ev.get("detail") or {}).get("suggestion")
        if ev["action"] == "suggest" and suggestion:
            echo(f"        suggestion: {isolate(suggestion, ev['lang'])}")
        if ev["action"] == "source_changed":
            d = ev.get("detail") or {}
            if d.get("old_source") and d.get("new_source"):
                from pipeline.textdiff import inline

                echo(f"        source: {inline(d['old_source'], d['new_source'])}")
