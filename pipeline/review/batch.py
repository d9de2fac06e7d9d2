"""Batch review: JSON lines of actions, checked first, then applied all together or not at all."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pipeline.errors import InputError, PipelineError
from pipeline.inputfile import load_json
from pipeline.models import Translation
from pipeline.review import actions
from pipeline.store import Store
from pipeline.store import review as q
from pipeline.store.retry import with_retry
from pipeline.textcheck import check_human_text

_ACTIONS = ("approve", "edit", "reject", "revert", "confirm", "accept")
_KEYS = {"unit", "lang", "action", "text", "reason", "revision", "to", "confirm_placeholder"}
#: Revisions and event ids are SQLite integers (64-bit signed).
MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class Step:
    """One line of a batch: an action on one unit in one language."""

    line: int
    unit: str
    lang: str
    action: str
    text: str | None = None
    reason: str | None = None
    revision: int | None = None
    to: int | None = None
    confirm_placeholder: bool = False


def parse(lines: Iterable[str], *, source: str, default_lang: str | None,
          langs: Iterable[str]) -> list[Step]:
    """Read and check every line; the first bad one is an InputError naming its line."""
    known = set(langs)
    steps: list[Step] = []
    for n, raw in enumerate(lines, 1):
        if not raw.strip():
            continue

        def bad(msg: str, n: int = n) -> InputError:
            return InputError(msg, path=source, line=n)

        # The shared JSON reader: malformed JSON, a key named twice, 5000-digit numbers and
        # 100k nested brackets are each one line naming this line.
        obj: Any = load_json(raw, source, line=n)
        if not isinstance(obj, dict):
            raise bad("each line must be a JSON object")
        unknown = set(obj) - _KEYS
        if unknown:
            raise bad(f"unknown keys {sorted(unknown)}; allowed: {sorted(_KEYS)}")
        action, unit = obj.get("action"), obj.get("unit")
        lang = obj.get("lang", default_lang)
        if action not in _ACTIONS:
            raise bad(f"action must be one of {', '.join(_ACTIONS)}, not {action!r}")
        if not isinstance(unit, str) or not unit:
            raise bad("missing \"unit\"")
        if not isinstance(lang, str) or lang not in known:
            raise bad(f"\"lang\" must be one of {', '.join(sorted(known))} (or pass --lang)")
        for key in ("text", "reason"):
            if key in obj and not isinstance(obj[key], str):
                raise bad(f"\"{key}\" must be a string")
            if key in obj:
                check_human_text(obj[key], what=f"\"{key}\"", path=source, line=n)
        for key in ("revision", "to"):
            if key in obj and (not isinstance(obj[key], int) or isinstance(obj[key], bool)):
                raise bad(f"\"{key}\" must be a whole number")
            if key in obj and not 0 <= obj[key] <= MAX_ID:
                raise bad(f"\"{key}\" is out of range (0 to {MAX_ID})")
        if not isinstance(obj.get("confirm_placeholder", False), bool):
            raise bad("\"confirm_placeholder\" must be true or false")
        if action == "edit" and not obj.get("text"):
            raise bad("an edit needs \"text\"")
        if action == "reject" and not obj.get("reason"):
            raise bad("a reject needs \"reason\"")
        if action == "revert" and "to" not in obj:
            raise bad("a revert needs \"to\" (an event id)")
        steps.append(Step(line=n, unit=unit, lang=lang, action=action, text=obj.get("text"),
                          reason=obj.get("reason"), revision=obj.get("revision"),
                          to=obj.get("to"),
                          confirm_placeholder=obj.get("confirm_placeholder", False)))
    return steps


def apply(store: Store, steps: list[Step], *, who: str | None, source: str,
          rules: actions.Rules = actions.DEFAULT_RULES) -> list[Translation]:
    """Apply every step in one transaction; any failure names its line and applies nothing."""

    def run() -> list[Translation]:
        out: list[Translation] = []
        with store.transaction():
            for step in steps:
                try:
                    out.append(_one(store, step, who, rules))
                except PipelineError as exc:
                    raise type(exc)(f"{exc.message}; nothing was applied", path=source,
                                    line=step.line) from None
        return out

    return with_retry(run)


def _one(store: Store, step: Step, who: str | None, rules: actions.Rules) -> Translation:
    unit = q.resolve_unit(store, step.unit)
    if step.action == "approve":
        return actions.approve(store, unit, step.lang, who=who, revision=step.revision,
                               rules=rules, confirm_placeholder=step.confirm_placeholder)
    if step.action == "edit":
        return actions.edit(store, unit, step.lang, step.text or "", who=who,
                            revision=step.revision)
    if step.action == "reject":
        return actions.reject(store, unit, step.lang, step.reason or "", who=who,
                              revision=step.revision)
    if step.action == "confirm":
        return actions.confirm(store, unit, step.lang, who=who, revision=step.revision,
                               rules=rules)
    if step.action == "accept":
        return actions.accept_suggestion(store, unit, step.lang, who=who,
                                         revision=step.revision, rules=rules)
    return actions.revert(store, unit, step.lang, int(step.to or 0), who=who,
                          revision=step.revision)
