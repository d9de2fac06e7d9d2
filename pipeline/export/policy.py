"""The publishing policy: which articles a language edition shows, and why the others are held back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pipeline.ids import is_reserved, is_safe_slug
from pipeline.states import Status
from pipeline.store.editions import Tally
from pipeline.workspace import Settings

#: Article translation status, as the editions and their front matter name it.
ORIGINAL = "original"  # the source-language edition
APPROVED = "approved"  # every unit approved
UNREVIEWED = "unreviewed"  # some units are machine or human text nobody has reviewed yet
PARTIAL = "partial"  # some units are not publishable and are shown in the source language

#: Statuses a person has not reviewed, published only with --include machine.
UNREVIEWED_STATUSES = frozenset({Status.MACHINE.value, Status.TRANSLATED.value})


@dataclass(frozen=True)
class Policy:
    """The rules an export runs with; built from pipeline.toml and the command line."""

    include_machine: bool = False
    min_completeness_by_lang: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings, *, include_machine: bool | None = None) -> Policy:
        """The workspace's policy; `include_machine` from the command line wins when given."""
        return cls(
            include_machine=settings.include_machine if include_machine is None else include_machine,
            min_completeness_by_lang=dict(settings.min_completeness_by_lang),
        )

    def min_completeness(self, lang: str) -> float:
        """Percent of units that must be publishable; 100 unless pipeline.toml lowers it."""
        return float(self.min_completeness_by_lang.get(lang, 100.0))

    def publishable(self, status: str) -> bool:
        """Whether text with this status may appear in an edition."""
        if status == Status.APPROVED.value:
            return True
        return self.include_machine and status in UNREVIEWED_STATUSES


@dataclass(frozen=True)
class Decision:
    """Whether one article appears in one language edition, and why."""

    slug: str
    lang: str
    published: bool
    reason: str
    status: str = ""
    units: int = 0
    publishable: int = 0
    unreviewed: int = 0
    test_model: int = 0

    @property
    def completeness(self) -> float:
        """Percent of the article's units the edition can show in its language."""
        return 100.0 * self.publishable / self.units if self.units else 0.0


def decide_source(slug: str, lang: str, units: int) -> Decision:
    """The source-language edition publishes every article that has text, as written."""
    if not is_safe_slug(slug):
        return _unsafe(slug, lang)
    if units == 0:
        return Decision(slug, lang, False, "the article has no text", units=0)
    return Decision(slug, lang, True, "original text", ORIGINAL, units, units)


def decide(slug: str, lang: str, tally: Tally, policy: Policy) -> Decision:
    """Apply the policy to one article's counts in one target language."""
    if not is_safe_slug(slug):
        return _unsafe(slug, lang)
    total = tally.total
    if total == 0:
        return Decision(slug, lang, False, "the article has no text")
    ok = 0
    unreviewed = 0
    test_model = 0
    for status, n in tally.by_status.items():
        if not policy.publishable(status):
            continue
        usable = n - tally.empty_by_status.get(status, 0)
        ok += usable
        if status in UNREVIEWED_STATUSES:
            unreviewed += usable
        test_model += tally.test_model_by_status.get(status, 0)
    need = policy.min_completeness(lang)
    if ok == 0 or 100.0 * ok < need * total:
        return Decision(slug, lang, False, _held_reason(tally, policy, need, ok), "", total, ok,
                        unreviewed, test_model)
    if ok < total:
        status = PARTIAL
    elif unreviewed:
        status = UNREVIEWED
    else:
        status = APPROVED
    reason = {APPROVED: "all units approved",
              UNREVIEWED: f"{unreviewed} of {total} units not reviewed yet (--include machine)",
              PARTIAL: f"{ok} of {total} units translated, at least {need:g}% required"}[status]
    return Decision(slug, lang, True, reason, status, total, ok, unreviewed, test_model)


def _unsafe(slug: str, lang: str) -> Decision:
    if is_reserved(slug):  # stored before slugs were made around the edition's own names
        return Decision(slug, lang, False, f"the slug {slug!r} is a name the edition uses "
                        "itself (its page would be the edition's file); extract the article "
                        "again to rename it")
    return Decision(slug, lang, False,
                    "the slug is not safe as a file name (a-z, 0-9 and '-', at most 80 characters)")


def _held_reason(tally: Tally, policy: Policy, need: float, ok: int) -> str:
    wanted = "approved, machine or translated" if policy.include_machine else "approved"
    missing = []
    for status in Status:
        n = tally.by_status.get(status.value, 0)
        if not policy.publishable(status.value):
            if n:
                missing.append(f"{n} {status.value}")
        elif tally.empty_by_status.get(status.value):
            missing.append(f"{tally.empty_by_status[status.value]} {status.value} but empty")
    short = tally.total - ok
    if ok == 0:
        head = f"none of its {tally.total} units is {wanted}"
    else:
        head = f"{short} of {tally.total} units not {wanted}"
    hint = "" if policy.include_machine or not tally.by_status.get(Status.MACHINE.value) else (
        "; review them, or publish unreviewed text with --include machine")
    return f"{head} ({', '.join(missing)}); needs {need:g}%{hint}"
