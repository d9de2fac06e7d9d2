"""Corrections to published stories: dated notes at an article's foot, withdrawals (retractions)."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.errors import UsageError
from pipeline.ids import unit_id
from pipeline.store import Store, now
from pipeline.store import corrections as q
from pipeline.store.corrections import NoteRow
from pipeline.textcheck import find_bad

#: What a note says it is; the edition prints the label in its own language.
LABELS = ("correction", "update")

#: Longest note or reason accepted (a note is a sentence or a short paragraph, not an article).
MAX_CHARS = 4000

__all__ = ["LABELS", "NoteRow", "add_note", "list_notes", "remove_note", "withdraw", "restore"]


def _text(value: str, what: str) -> str:
    text = (value or "").strip()  # stored as written, only the edges trimmed
    if not text:
        raise UsageError(f"the {what} is empty; say what was corrected or why")
    if len(text) > MAX_CHARS:
        raise UsageError(f"the {what} is {len(text)} characters; at most {MAX_CHARS} are allowed")
    bad = find_bad(text)  # the one text check: a control character would break the feeds' XML
    if bad is not None:
        raise UsageError(f"the {what} contains {bad[1]} at character {bad[0] + 1}, which cannot "
                         "be stored or published; remove it")
    return text


def add_note(store: Store, slug: str, note: str, *, langs: Sequence[str], who: str | None,
             label: str = "correction", source_lang: str = "en") -> NoteRow:
    """Append a dated correction or update note to an article, as a unit to translate.

    Until its translation is approved an edition prints it in the source language, marked as such.
    """
    from pipeline.extract.segment import sentences

    if label not in LABELS:
        raise UsageError(f"--kind {label!r} is not known (choose {' or '.join(LABELS)})")
    text = _text(note, "note")
    at = now()
    uid = unit_id(slug, f"\x1ecorrection\x1e{at}\x1e{text}")
    return q.add_note(store, slug, uid, text, sentences(text, source_lang), label=label, who=who,
                      langs=langs, at=at)


def list_notes(store: Store, slug: str | None = None, *,
               include_removed: bool = False) -> list[NoteRow]:
    """Notes of one article (or all), oldest first."""
    if slug is not None:
        from pipeline.store.articles import load_article

        load_article(store, slug)  # NotFound with a clear message
    return q.list_notes(store, slug, include_removed=include_removed)


def remove_note(store: Store, ref: str, *, who: str | None) -> NoteRow:
    """Take a note off its article (kept in the history); `ref` is its id or a unique prefix."""
    from pipeline.store.review import resolve_unit

    return q.remove_note(store, resolve_unit(store, ref), who=who)


def withdraw(store: Store, slug: str, *, reason: str, who: str | None) -> str:
    """Withdraw an article from every edition; the next export removes it. Returns when."""
    return q.set_withdrawn(store, slug, reason=_text(reason, "reason"), who=who)


def restore(store: Store, slug: str, *, who: str | None) -> str:
    """Publish a withdrawn article again (under the usual policy) from the next export."""
    return q.set_withdrawn(store, slug, reason=None, who=who)
