"""What a reviewer does to one translation: approve, edit, reject, revert, confirm, accept.

Every action goes through `store.translations.change` (the compare-and-set write that checks the
transition and appends the event), under the claim and four-eyes rules, and ends the claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.errors import PolicyError, TransitionError, UsageError
from pipeline.models import Translation
from pipeline.states import Action, Status
from pipeline.store import Store
from pipeline.store import review as q
from pipeline.store import translations as tr
from pipeline.store.editions import is_placeholder
from pipeline.store.retry import with_retry
from pipeline.textcheck import check_human_text


@dataclass(frozen=True)
class Rules:
    """Workspace rules the actions enforce (from Settings)."""

    four_eyes: bool = False


DEFAULT_RULES = Rules()


#: Revisions and event ids are SQLite integers (64-bit signed).
MAX_ID = 2**63 - 1


def _whole(value: int | None, what: str) -> int | None:
    """A revision or event id in SQLite's range, else a UsageError (not an OverflowError)."""
    if value is not None and not 0 <= value <= MAX_ID:
        raise UsageError(f"{what} {value if len(str(value)) < 30 else str(value)[:20] + '...'} "
                         f"is out of range (0 to {MAX_ID})")
    return value


def _require_who(who: str | None) -> str:
    if not who or not who.strip():
        raise UsageError(
            "nobody to record as the reviewer: pass --reviewer NAME, set PIPELINE_REVIEWER, "
            "or set git's user.name"
        )
    return who.strip()


def _claimed_change(store: Store, unit_id: str, lang: str, name: str, action: Action,
                    **change: Any) -> Translation:
    """The write every action ends with (inside its transaction): the unit must not be claimed
    by someone else, the change goes through `translations.change`, and the claim ends."""
    q.check_claim(store, unit_id, lang, name)
    out = tr.change(store, unit_id, lang, action, who=name, **change)
    q.clear_claim(store, unit_id, lang)
    return out


def approve(
    store: Store,
    unit_id: str,
    lang: str,
    *,
    who: str | None,
    revision: int | None = None,
    rules: Rules = DEFAULT_RULES,
    confirm_placeholder: bool = False,
) -> Translation:
    """Approve the current text. Under four-eyes, not text the same person wrote.

    Placeholder output of a random-weight test model (flag test_model) is approved only with
    `confirm_placeholder`: such words are not a translation.
    """
    name = _require_who(who)
    _whole(revision, "revision")

    def run() -> Translation:
        with store.transaction():
            cur = tr.get(store, unit_id, lang)
            if cur.text is None or not cur.text.strip():
                raise TransitionError(
                    f"unit {unit_id} ({lang}) has no text to approve; edit it first"
                )
            if is_placeholder(cur.flags, cur.origin) and not confirm_placeholder:
                raise PolicyError(
                    f"unit {unit_id} ({lang}) holds placeholder text of a random-weight test "
                    "model, not a translation; edit it, or confirm with --confirm-placeholder"
                )
            if rules.four_eyes and cur.translated_by == name:
                raise PolicyError(
                    f"four-eyes rule: {name} wrote this translation of {unit_id} ({lang}) and "
                    "cannot approve it; ask another reviewer"
                )
            return _claimed_change(store, unit_id, lang, name, Action.APPROVE,
                                   expected_revision=revision, reviewed_by=name)

    return with_retry(run)


def edit(
    store: Store,
    unit_id: str,
    lang: str,
    text: str,
    *,
    who: str | None,
    revision: int | None = None,
) -> Translation:
    """Replace the text with a person's own; the status becomes `translated` (awaiting review)."""
    name = _require_who(who)
    if not text.strip():
        raise UsageError("the new text is empty; to send a unit back, reject it with a reason")
    check_human_text(text, what="the new text")
    _whole(revision, "revision")

    def run() -> Translation:
        with store.transaction():
            return _claimed_change(store, unit_id, lang, name, Action.EDIT, text=text,
                                   expected_revision=revision, translated_by=name,
                                   origin="human")

    return with_retry(run)


def reject(
    store: Store,
    unit_id: str,
    lang: str,
    reason: str,
    *,
    who: str | None,
    revision: int | None = None,
) -> Translation:
    """Send the translation back to the queue; the reason is kept for the next translator."""
    name = _require_who(who)
    if not reason or not reason.strip():
        raise UsageError("a rejection needs a reason (--reason TEXT)")
    check_human_text(reason, what="the reason")
    _whole(revision, "revision")

    def run() -> Translation:
        with store.transaction():
            return _claimed_change(store, unit_id, lang, name, Action.REJECT,
                                   expected_revision=revision, reason=reason.strip(),
                                   reviewed_by=name, detail={"reason": reason.strip()})

    return with_retry(run)


def revert(
    store: Store,
    unit_id: str,
    lang: str,
    event_id: int,
    *,
    who: str | None,
    revision: int | None = None,
) -> Translation:
    """Restore the text an earlier event left, as a new `revert` event (history is kept)."""
    name = _require_who(who)
    _whole(event_id, "event id")
    _whole(revision, "revision")

    def run() -> Translation:
        with store.transaction():
            ev = q.event(store, event_id)
            if ev["unit_id"] != unit_id or ev["lang"] != lang:
                raise UsageError(
                    f"event {event_id} belongs to unit {ev['unit_id']} ({ev['lang']}), "
                    f"not {unit_id} ({lang})"
                )
            if ev["new_text"] is None:
                raise TransitionError(
                    f"event {event_id} left no text to restore; pick an event with a text"
                )
            return _claimed_change(store, unit_id, lang, name, Action.REVERT,
                                   text=ev["new_text"], expected_revision=revision,
                                   translated_by=name, origin="human",
                                   detail={"reverted_to": event_id})

    return with_retry(run)


def confirm(
    store: Store,
    unit_id: str,
    lang: str,
    *,
    who: str | None,
    revision: int | None = None,
    rules: Rules = DEFAULT_RULES,
) -> Translation:
    """"Still correct": the stale unit's current text stands for the changed English (approved).

    One action and one `confirm` event; a machine suggestion waiting beside it is dropped.
    """
    name = _require_who(who)

    def run() -> Translation:
        with store.transaction():
            cur = tr.get(store, unit_id, lang)
            if cur.status != Status.STALE.value:
                raise TransitionError(
                    f"unit {unit_id} ({lang}) is {cur.status}, not stale: nothing to confirm "
                    "(approve it instead)"
                )
            if cur.text is None or not cur.text.strip():
                raise TransitionError(
                    f"unit {unit_id} ({lang}) has no earlier text to confirm; edit it instead"
                )
            _four_eyes(rules, cur, name)
            return _claimed_change(
                store, unit_id, lang, name, Action.CONFIRM, expected_revision=revision,
                reviewed_by=name, suggestion=None,
                detail={"old_source": cur.source_before} if cur.source_before else None)

    return with_retry(run)


def accept_suggestion(
    store: Store,
    unit_id: str,
    lang: str,
    *,
    who: str | None,
    revision: int | None = None,
    rules: Rules = DEFAULT_RULES,
) -> Translation:
    """Approve the machine suggestion of a stale unit: it becomes the text, with its provenance."""
    name = _require_who(who)

    def run() -> Translation:
        with store.transaction():
            cur = tr.get(store, unit_id, lang)
            if not cur.has_machine_suggestion or cur.suggestion is None:
                raise TransitionError(
                    f"unit {unit_id} ({lang}) has no machine suggestion to approve; run "
                    "`pipeline translate`, or confirm or edit the current text"
                )
            _four_eyes(rules, cur, name)
            meta = dict(cur.suggestion_meta or {})
            flags = meta.pop("flags", [])
            fields = {k: meta.get(k) for k in ("origin", "engine", "package", "package_version",
                                               "pivot", "score")}
            return _claimed_change(
                store, unit_id, lang, name, Action.APPROVE, text=cur.suggestion,
                expected_revision=revision, flags=flags, reviewed_by=name, translated_by=None,
                suggestion=None, **fields,
                detail={"accepted_suggestion": dict(cur.suggestion_meta or {})})

    return with_retry(run)


def _four_eyes(rules: Rules, cur: Translation, name: str) -> None:
    if rules.four_eyes and cur.translated_by == name:
        raise PolicyError(
            f"four-eyes rule: {name} wrote this translation of {cur.unit_id} ({cur.lang}) and "
            "cannot approve it; ask another reviewer"
        )
