"""The three-way decision (base, database now, file) and the store's export records behind it."""

from __future__ import annotations

import pytest

from pipeline.catalogs.threeway import (
    Current,
    Given,
    Incoming,
    Named,
    Verdict,
    decide,
    resolve_bases,
)
from pipeline.store import Store, exports

G = Given("u", 2, "given", False)
G_FUZZY = Given("u", 2, "given", True)

CASES = [
    # (name, base, current, incoming, verdict)
    ("unchanged everywhere", G, Current(2, "given", "translated"), Incoming("given", True),
     Verdict.UNCHANGED),
    ("rejected since, file unchanged", G, Current(3, "given", "rejected"), Incoming("given", True),
     Verdict.UNCHANGED),
    ("file edited, database unchanged", G, Current(2, "given", "translated"),
     Incoming("mine", True), Verdict.APPLY),
    ("file edited, database edited since", G, Current(3, "theirs", "translated"),
     Incoming("mine", True), Verdict.CONFLICT),
    ("file edited, database approved since", G, Current(3, "given", "approved"),
     Incoming("mine", True), Verdict.CONFLICT),
    ("file edited, database only machine output", G, Current(5, "machine", "machine"),
     Incoming("mine", True), Verdict.APPLY),
    ("file kept what it was given, database newer", G, Current(3, "theirs", "translated"),
     Incoming("given", True), Verdict.UNCHANGED),
    ("base unknown, person's work in the database", None, Current(3, "theirs", "translated"),
     Incoming("mine", True), Verdict.CONFLICT),
    ("base unknown, only machine output", None, Current(1, "machine", "machine"),
     Incoming("mine", True), Verdict.APPLY),
    ("edited but left fuzzy", G_FUZZY, Current(2, "given", "machine"), Incoming("mine", False),
     Verdict.UNFINISHED),
    ("fuzzy cleared, text kept: confirmation", G_FUZZY, Current(2, "given", "machine"),
     Incoming("given", True), Verdict.APPLY),
    ("fuzzy cleared after a rejection in the database", G_FUZZY,
     Current(3, "given", "rejected"), Incoming("given", True), Verdict.UNCHANGED),
    ("given as done, nothing to confirm", G, Current(2, "given", "rejected"),
     Incoming("given", True), Verdict.UNCHANGED),
    ("empty in the file", G, Current(2, "given", "translated"), Incoming("", True),
     Verdict.UNCHANGED),
]


@pytest.mark.parametrize(("name", "base", "current", "incoming", "verdict"), CASES,
                         ids=[c[0] for c in CASES])
def test_three_way_verdicts(name: str, base: Given | None, current: Current, incoming: Incoming,
                            verdict: Verdict) -> None:
    assert decide(base, current, incoming).verdict is verdict


def test_conflict_reasons_name_the_revisions() -> None:
    d = decide(G, Current(7, "theirs", "translated"), Incoming("mine", True))
    assert "revision 7" in d.reason and "given 2" in d.reason and not d.base_is_current


def _record(store: Store, as_of: str, rows: list[exports.Out]) -> None:
    assert exports.record(store, "po", "fa", as_of, rows)


def test_snapshot_names_what_that_export_gave(store: Store) -> None:
    _record(store, "t1", [exports.Out("u", 1, "one", True, "t1")])
    _record(store, "t2", [exports.Out("u", 2, "two", False, "t2")])
    assert exports.given_as_of(store, "po", "fa", "t1")["u"] == Given("u", 1, "one", True)
    assert exports.given_as_of(store, "po", "fa", "t2")["u"].text == "two"
    assert not exports.record(store, "po", "fa", "t2", [])  # a snapshot is recorded once
    assert exports.known_snapshot(store, "po", "fa", "t1")
    assert not exports.known_snapshot(store, "xliff", "fa", "t1")


def test_bases_come_from_revision_then_snapshot_then_history(store: Store) -> None:
    _record(store, "t1", [exports.Out("a", 1, "a1", False, "t1"),
                          exports.Out("b", 1, "b1", False, "t1")])
    _record(store, "t2", [exports.Out("a", 2, "a2", False, "t2"),
                          exports.Out("b", 1, "b1", False, "t1")])
    # the entry's own revision wins over the header's snapshot
    bases = resolve_bases(store, "po", "fa", [Named("a", 1, "x")], "t2")
    assert bases["a"] is not None and bases["a"].revision == 1
    bases = resolve_bases(store, "po", "fa", [Named("a", None, "x")], "t1")
    assert bases["a"] is not None and bases["a"].revision == 1
    # no revision, no known snapshot: the text the entry still has, or the only one given out
    none = resolve_bases(store, "po", "fa", [Named("a", None, "a1"), Named("a2", None, "x"),
                                             Named("b", None, "edited")], "unknown")
    assert none["a"] is not None and none["a"].revision == 1
    assert none["b"] is not None and none["b"].revision == 1
    assert none["a2"] is None  # never given out
    ambiguous = resolve_bases(store, "po", "fa", [Named("a", None, "edited")], None)
    assert ambiguous["a"] is None  # two different revisions given out: cannot tell which


def test_docstring_examples_hold() -> None:
    import doctest

    from pipeline.catalogs import threeway

    result = doctest.testmod(threeway)
    assert result.attempted > 0 and result.failed == 0
