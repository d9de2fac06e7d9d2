"""Comment threads: one per unit and language, each comment an event in the history."""

from __future__ import annotations

from typing import Any

from pipeline.errors import InputError, UsageError
from pipeline.store import Store
from pipeline.store import comments as store_comments
from pipeline.store.retry import with_retry
from pipeline.textcheck import check_human_text

#: Longest comment accepted, in characters: a note to a colleague, not a document.
MAX_CHARS = 4000


def add(store: Store, unit_id: str, lang: str, text: str, *, who: str | None) -> dict[str, Any]:
    """Add a comment to the unit's thread in `lang`; it does not touch the translation."""
    name = (who or "").strip()
    if not name:
        raise UsageError("nobody to record as the author: pass --reviewer NAME, set "
                         "PIPELINE_REVIEWER, or set git's user.name")
    body = text.strip()
    if not body:
        raise UsageError("the comment is empty")
    if len(body) > MAX_CHARS:
        raise UsageError(f"the comment is {len(body)} characters long; keep it under "
                         f"{MAX_CHARS}")
    if any(ord(c) < 32 and c not in "\n\t" for c in body):
        raise UsageError("the comment holds control characters; write plain text")
    try:  # the one boundary check: lone surrogates, non-characters, a stray byte order mark
        check_human_text(body, what="the comment")
    except InputError as exc:
        raise UsageError(exc.message) from None
    return with_retry(lambda: store_comments.add(store, unit_id, lang, body, who=name))


def thread(store: Store, unit_id: str, lang: str) -> list[dict[str, Any]]:
    """Every comment on the unit in `lang`, oldest first."""
    return store_comments.thread(store, unit_id, lang)
