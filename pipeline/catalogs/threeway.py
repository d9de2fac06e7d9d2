"""Three-way import decisions, for every exchange format: what the file was given, the database
now, the file -> apply, unchanged, conflict or unfinished (with the reason).

`decide` is pure; `resolve_bases` finds what a file was given from the store's export records
(`pipeline.store.exports`), never from comments in the file alone, which tools such as msgmerge
drop. Formats (PO, XLIFF) only say, per entry, its unit, the revision it names if any, its text
and whether the translator marked it done.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import NamedTuple

from pipeline.states import Status
from pipeline.store import Store
from pipeline.store.exports import Given, given_as_of, given_at_revisions, given_ever, known_snapshot

__all__ = ["Current", "Decision", "Given", "Incoming", "Verdict", "decide", "resolve_bases",
           "Named"]


class Current(NamedTuple):
    """The translation in the database now."""

    revision: int
    text: str | None
    status: str


class Incoming(NamedTuple):
    """The entry in the file."""

    text: str
    done: bool  # the translator marked it finished (not fuzzy; XLIFF: translated/final)


class Verdict(StrEnum):
    """What an import does with one entry."""

    APPLY = "apply"  # write the file's text as a person's edit
    UNCHANGED = "unchanged"  # nothing to write (no event)
    CONFLICT = "conflict"  # reported, never applied
    UNFINISHED = "unfinished"  # changed but not marked done: reported, not applied


class Decision(NamedTuple):
    """The verdict, why, and whether the database is still what the file was given."""

    verdict: Verdict
    reason: str
    base_is_current: bool  # the database has not changed since the export (safe to approve)


class Named(NamedTuple):
    """One entry as `resolve_bases` needs it."""

    unit_id: str
    revision: int | None  # the revision the entry itself names (a PO note), if any
    text: str


#: Statuses whose text a person has not produced or checked: a person's edit always wins.
_MACHINE_SIDE = frozenset({Status.UNTRANSLATED, Status.MACHINE})
_DONE = frozenset({Status.TRANSLATED, Status.APPROVED})

#: Up to this many entries, `resolve_bases` looks their snapshot records up by unit.
_FEW = 2000

UNFINISHED_REASON = "changed but still fuzzy: not imported; clear the fuzzy flag to import it"


def _both(verdict: Verdict, reason: str) -> tuple[Decision, Decision]:
    """A decision whose reason is fixed, built once: (database changed, database current)."""
    return Decision(verdict, reason, False), Decision(verdict, reason, True)


# Indexed by whether the database is still at the file's base (an import decides 100k entries:
# the common decisions are not built again for each).
_CONFIRMED = _both(Verdict.APPLY, "confirmed by clearing the fuzzy flag")
_SAME = _both(Verdict.UNCHANGED, "")
_EMPTY = _both(Verdict.UNCHANGED, "empty in the file")
_KEPT = _both(Verdict.UNCHANGED, "not changed in the file; the database's newer text stays")
_UNFINISHED = _both(Verdict.UNFINISHED, UNFINISHED_REASON)
_APPLIED = _both(Verdict.APPLY, "")


def decide(base: Given | None, current: Current, incoming: Incoming) -> Decision:
    """The three-way verdict for one entry.

    - The file's text equals the database's: nothing changes (a status set in the database
      since, such as a rejection, is newer than the file), except that clearing the fuzzy flag
      of text the export gave out as fuzzy confirms it, if the database still has that revision.
    - The file still has what it was given: the database's (possibly newer) text stays.
    - The file changed the text: applied over machine output or an untouched row; over a
      person's work only if the database is still at the revision the file was given. An
      unknown base with a person's work in the database is a conflict, never an overwrite.
    >>> g = Given("u", 2, "old", False)
    >>> decide(g, Current(3, "old", "rejected"), Incoming("old", True)).verdict
    <Verdict.UNCHANGED: 'unchanged'>
    >>> decide(g, Current(3, "newer", "translated"), Incoming("mine", True)).verdict
    <Verdict.CONFLICT: 'conflict'>
    """
    now_text = current.text or ""
    same_revision = base is not None and base.revision == current.revision
    if incoming.text == now_text:
        if incoming.done and incoming.text and current.status not in _DONE and (
                (same_revision and base is not None and base.fuzzy)
                or (base is None and current.status == Status.MACHINE)):
            return _CONFIRMED[same_revision]
        return _SAME[same_revision]
    if not incoming.text.strip():  # "   " is no translation, as `review edit` says
        return _EMPTY[same_revision]
    if base is not None and incoming.text == (base.text or ""):
        return _KEPT[same_revision]
    if current.status not in _MACHINE_SIDE:
        if base is None:
            return Decision(Verdict.CONFLICT, (
                "no record of what this file was given for this unit, and a person has worked "
                "on it in the database; export again and redo this entry"), False)
        if not same_revision:
            return Decision(Verdict.CONFLICT, (
                f"a person changed this translation in the database after the export (revision "
                f"{current.revision}, the file was given {base.revision}); export again and "
                "redo this entry"), False)
    if not incoming.done:
        return _UNFINISHED[same_revision]
    return _APPLIED[same_revision]


def resolve_bases(store: Store, fmt: str, lang: str, entries: Sequence[Named],
                  as_of: str | None,
                  current: Mapping[str, str | None] | None = None) -> dict[str, Given | None]:
    """What the file was given per unit, from the store's export records.

    In order: the revision an entry names (exact); the snapshot the file's header names, if it
    was recorded here (exact); else, from every text ever given out, the one the entry still
    has, or the only one there was. None where the base cannot be known. `current` (unit ->
    the database's text, when the caller read it): a base equal to it shares that string.
    """
    bases: dict[str, Given | None] = {}
    named = {e.unit_id: e.revision for e in entries if e.revision is not None}
    if named:
        bases.update(given_at_revisions(store, fmt, lang, named, current))
    rest = [e for e in entries if e.unit_id not in bases]
    if rest and as_of and known_snapshot(store, fmt, lang, as_of):
        # A few entries (an import's chunk): only theirs; many: one pass over the snapshot.
        few = [e.unit_id for e in rest] if len(rest) <= _FEW else None
        snap = given_as_of(store, fmt, lang, as_of, current, few)
        for e in rest:
            if e.unit_id in snap:
                bases[e.unit_id] = snap[e.unit_id]
        rest = [e for e in rest if e.unit_id not in bases]
    if rest:
        ever = given_ever(store, fmt, lang, (e.unit_id for e in rest))
        for e in rest:
            given = ever.get(e.unit_id, [])
            same = [g for g in given if (g.text or "") == e.text]
            if same:
                bases[e.unit_id] = same[-1]
            elif len({g.revision for g in given}) == 1:
                bases[e.unit_id] = given[-1]
            else:
                bases[e.unit_id] = None
    return bases
