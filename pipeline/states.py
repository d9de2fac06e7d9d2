"""Review statuses as one enum, the allowed transitions, and the one mapping to PO and XLIFF."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from pipeline.errors import TransitionError


class Status(StrEnum):
    """Where a translation is on its way to publication, least done first."""

    UNTRANSLATED = "untranslated"
    MACHINE = "machine"  # MT or TM, nobody has looked at it
    TRANSLATED = "translated"  # a person wrote or edited it, awaiting review
    APPROVED = "approved"
    REJECTED = "rejected"  # with a reason; back in the queue
    STALE = "stale"  # the source changed; the old text is kept as a suggestion


class Action(StrEnum):
    """Things that change a translation's status."""

    MACHINE = "machine"  # machine translation or translation memory filled it
    EDIT = "edit"  # a person wrote or changed the text
    APPROVE = "approve"
    REJECT = "reject"
    SOURCE_CHANGED = "source_changed"
    REVERT = "revert"  # an earlier text restored by a person
    SUGGEST = "suggest"  # machine text for a stale unit a person wrote or approved: kept beside it
    CONFIRM = "confirm"  # "still correct": the text stands for the changed source


S = Status
TRANSITIONS: dict[Action, dict[Status, Status]] = {
    # Machines only ever fill what no person has touched (or what went stale/was rejected).
    Action.MACHINE: {S.UNTRANSLATED: S.MACHINE, S.STALE: S.MACHINE, S.MACHINE: S.MACHINE},
    Action.EDIT: {s: S.TRANSLATED for s in Status},
    Action.REVERT: {s: S.TRANSLATED for s in Status},
    Action.APPROVE: {S.MACHINE: S.APPROVED, S.TRANSLATED: S.APPROVED, S.STALE: S.APPROVED},
    Action.REJECT: {S.MACHINE: S.REJECTED, S.TRANSLATED: S.REJECTED, S.APPROVED: S.REJECTED,
                    S.STALE: S.REJECTED},
    Action.SOURCE_CHANGED: {s: S.STALE for s in Status if s is not S.UNTRANSLATED},
    # A machine's text for a stale unit with human or approved text is only a suggestion: the
    # unit stays stale (top of the queue) and its text stays what a person last gave it.
    Action.SUGGEST: {S.STALE: S.STALE},
    Action.CONFIRM: {S.STALE: S.APPROVED},
}

#: Statuses whose text a machine must never replace.
HUMAN_STATUSES = frozenset({S.TRANSLATED, S.APPROVED})

#: Statuses the machine translator fills.
MACHINE_FILLABLE = frozenset(TRANSITIONS[Action.MACHINE])

#: Actions after which the text matches the current source: the stale bookkeeping ends.
SETTLES_SOURCE = frozenset({Action.MACHINE, Action.EDIT, Action.REVERT, Action.APPROVE,
                            Action.CONFIRM})

#: Queue order: most urgent first.
URGENCY = {S.STALE: 0, S.REJECTED: 0, S.MACHINE: 1, S.TRANSLATED: 2, S.UNTRANSLATED: 3,
           S.APPROVED: 9}


def transition(current: Status | str, action: Action | str) -> Status:
    """The status after `action`, or TransitionError if the action is not allowed now.

    >>> transition("machine", "approve")
    <Status.APPROVED: 'approved'>
    """
    cur, act = Status(current), Action(action)
    try:
        return TRANSITIONS[act][cur]
    except KeyError:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[act])) or "nothing"
        raise TransitionError(
            f"cannot {act.value} a translation that is {cur.value} (allowed from: {allowed})"
        ) from None


def po_flags(status: Status | str) -> list[str]:
    """PO flags for a status: everything not checked by a person is fuzzy."""
    st = Status(status)
    return [] if st in (S.APPROVED, S.TRANSLATED) else ["fuzzy"]


class XliffState(NamedTuple):
    """How one status is written in XLIFF: 1.2 `state`/`state-qualifier`/`approved`, 2.0
    `state`/`subState` (the subState keeps our exact status, for tools that show it)."""

    v12_state: str | None  # None: no <target> is written (nothing to translate from)
    v12_qualifier: str | None
    v12_approved: bool
    v20_state: str
    v20_substate: str


#: The one mapping of review statuses to XLIFF states, beside po_flags. What no person has
#: checked is 1.2 needs-* / 2.0 initial (the XLIFF twins of PO's fuzzy).
XLIFF_STATES: dict[Status, XliffState] = {
    S.UNTRANSLATED: XliffState(None, None, False, "initial", "pipeline:untranslated"),
    S.MACHINE: XliffState("needs-review-translation", "leveraged-mt", False, "initial",
                          "pipeline:machine"),
    S.TRANSLATED: XliffState("translated", None, False, "translated", "pipeline:translated"),
    S.APPROVED: XliffState("signed-off", None, True, "final", "pipeline:approved"),
    S.REJECTED: XliffState("needs-translation", "rejected-inaccurate", False, "initial",
                           "pipeline:rejected"),
    S.STALE: XliffState("needs-review-translation", "fuzzy-match", False, "initial",
                        "pipeline:stale"),
}

#: XLIFF states that mean a person has checked the target (PO: not fuzzy).
XLIFF_CHECKED = {"1.2": frozenset({"translated", "signed-off", "final"}),
                 "2.0": frozenset({"translated", "reviewed", "final"})}


def xliff_state(status: Status | str) -> XliffState:
    """The XLIFF states of a status (see XLIFF_STATES)."""
    return XLIFF_STATES[Status(status)]


def xliff_checked(version: str, state: str | None, approved: str | None = None) -> bool:
    """True if an XLIFF target's state says a person checked it (the import applies only those).

    >>> xliff_checked("1.2", "needs-review-translation"), xliff_checked("2.0", "final")
    (False, True)
    >>> xliff_checked("1.2", None, approved="yes"), xliff_checked("1.2", None)
    (True, False)
    """
    if version.startswith("1"):
        return approved == "yes" or state in XLIFF_CHECKED["1.2"]
    return state in XLIFF_CHECKED["2.0"]
