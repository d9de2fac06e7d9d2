"""What a translator's screen shows for one unit: context, diffs, checks, suggestions, history.

Everything here is data: text comes back as lists of segments (a word diff, the source with its
glossary terms marked) so a template escapes every piece and never needs to trust stored text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from pipeline.models import Finding
from pipeline.review import comments
from pipeline.states import Action
from pipeline.store import Store
from pipeline.store import events as store_events
from pipeline.store import review as q
from pipeline.store.review import QueueItem
from pipeline.textnorm import fold

# Words, runs of space and single other characters: a diff at word level that keeps spacing.
_TOKENS = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Segment:
    """A piece of text with what it is: same/added/removed in a diff, text/term in a source."""

    text: str
    kind: str
    note: str | None = None  # for a term: its required translation


def word_diff(old: str | None, new: str | None) -> tuple[Segment, ...]:
    """The word-level difference of two texts as segments: same, removed, added.

    >>> [(s.kind, s.text) for s in word_diff("the big dog", "the red dog")]
    [('same', 'the '), ('removed', 'big'), ('added', 'red'), ('same', ' dog')]
    """
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    out: list[Segment] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            _append(out, "".join(a[i1:i2]), "same")
            continue
        if op in ("delete", "replace"):
            _append(out, "".join(a[i1:i2]), "removed")
        if op in ("insert", "replace"):
            _append(out, "".join(b[j1:j2]), "added")
    return tuple(out)


def _append(out: list[Segment], text: str, kind: str) -> None:
    if not text:
        return
    if out and out[-1].kind == kind:
        out[-1] = Segment(out[-1].text + text, kind)
    else:
        out.append(Segment(text, kind))


@dataclass(frozen=True)
class Term:
    """A glossary term found in the source, and whether the translation uses it."""

    term: str
    translation: str
    keep: bool
    used: bool  # the current translation contains the required form


def mark_terms(source: str, terms: Sequence[Term]) -> tuple[Segment, ...]:
    """The source with each occurrence of a term as a `term` segment (longest terms first)."""
    if not terms:
        return (Segment(source, "text"),) if source else ()
    by_key = {t.term.casefold(): t for t in terms}
    words = sorted(by_key, key=len, reverse=True)
    # Whole words, any spacing between the words of a term, any case.
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
        + r")(?!\w)", re.IGNORECASE)
    out: list[Segment] = []
    pos = 0
    for m in pattern.finditer(source):
        if m.start() > pos:
            out.append(Segment(source[pos:m.start()], "text"))
        hit = by_key.get(" ".join(m.group(0).split()).casefold())
        out.append(Segment(m.group(0), "term", hit.translation if hit else None))
        pos = m.end()
    if pos < len(source):
        out.append(Segment(source[pos:], "text"))
    return tuple(out)


@dataclass(frozen=True)
class Suggestion:
    """A text the translator may insert: from memory, the machine, or before the source changed."""

    text: str
    origin: str  # memory | machine | earlier


@dataclass(frozen=True)
class HistoryEntry:
    """One event with the word diff of the text it changed."""

    id: int
    at: str
    who: str | None
    action: str
    old_status: str | None
    new_status: str | None
    revision: int | None
    text: str | None  # the text the event left (what a revert restores)
    diff: tuple[Segment, ...]
    note: str | None = None  # a rejection's reason, a comment, the event a revert restored


@dataclass(frozen=True)
class UnitView:
    """Everything the one-unit screen shows."""

    item: QueueItem
    source_lang: str
    previous: dict[str, Any] | None
    next: dict[str, Any] | None
    source: tuple[Segment, ...]  # with glossary terms marked
    terms: tuple[Term, ...]
    old_source: str | None  # the English before it changed, when it did
    source_diff: tuple[Segment, ...]
    findings: tuple[Finding, ...]
    suggestions: tuple[Suggestion, ...]
    history: tuple[HistoryEntry, ...]
    comments: tuple[dict[str, Any], ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        d = asdict(self)
        d["item"] = self.item.as_dict()
        return d


def _note(event: dict[str, Any]) -> str | None:
    detail = event.get("detail") or {}
    if "comment" in detail:
        return str(detail["comment"])
    if "reason" in detail:
        return str(detail["reason"])
    if "reverted_to" in detail:
        return f"#{detail['reverted_to']}"
    return None


def history(store: Store, unit_id: str, lang: str,
            events: list[dict[str, Any]] | None = None) -> tuple[HistoryEntry, ...]:
    """Every event of the translation (or the given ones), newest first, each with its diff."""
    out = []
    for ev in reversed(events if events is not None else
                       store_events.history(store, unit_id, lang)):
        changed = ev["new_text"] is not None and ev["new_text"] != ev["old_text"]
        out.append(HistoryEntry(
            id=ev["id"], at=ev["at"], who=ev["who"], action=ev["action"],
            old_status=ev["old_status"], new_status=ev["new_status"], revision=ev["revision"],
            text=ev["new_text"],
            diff=word_diff(ev["old_text"], ev["new_text"]) if changed else (),
            note=_note(ev)))
    return tuple(out)


#: (unit_id, source, text) -> findings: `pipeline.checks.live.checker`, passed in by the caller
#: (the review stage does not import the checks stage).
Checker = Callable[[str, str, str], Sequence[Finding]]
#: (folded text, phrase) -> whether the phrase occurs in it, inflected or not.
Contains = Callable[[str, str], bool]


def unit_view(store: Store, unit_id: str, lang: str, *, source_lang: str,
              check: Checker | None = None, contains: Contains | None = None,
              text: str | None = None) -> UnitView:
    """The one-unit screen's data; `text` checks a draft instead of the stored text."""
    item = q.with_hints(store, [q.item(store, unit_id, lang)])[0]
    ctx = q.context(store, unit_id, lang)
    events = store_events.history(store, unit_id, lang)
    current = item.text if text is None else text
    folded = fold(current or "")
    has = contains or (lambda haystack, phrase: fold(phrase) in haystack)
    terms = tuple(Term(t, x, keep=(t == x), used=has(folded, x)) for t, x in item.glossary)
    old_source = None
    for ev in reversed(events):
        if ev["action"] == Action.SOURCE_CHANGED.value:
            old_source = (ev.get("detail") or {}).get("old_source")
            break
    suggestions: list[Suggestion] = [Suggestion(m, "memory") for m in item.memory]
    machine = next((ev["new_text"] for ev in reversed(events)
                    if ev["action"] == Action.MACHINE.value and ev["new_text"]), None)
    if machine and machine != item.text:
        suggestions.append(Suggestion(machine, "machine"))
    if item.suggestion and item.suggestion != item.text and item.suggestion != machine:
        suggestions.append(Suggestion(item.suggestion, "earlier"))
    findings = (tuple(check(unit_id, item.source, current or "")) if check is not None
                and current is not None else ())
    return UnitView(
        item=item, source_lang=source_lang, previous=ctx.get("previous"),
        next=ctx.get("next"), source=mark_terms(item.source, terms), terms=terms,
        old_source=old_source,
        source_diff=word_diff(old_source, item.source) if old_source else (),
        findings=findings, suggestions=tuple(suggestions),
        history=history(store, unit_id, lang, events),
        comments=tuple(comments.thread(store, unit_id, lang)))
