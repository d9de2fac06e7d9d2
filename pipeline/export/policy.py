"""The publishing policy: which articles a language edition shows, and why the others are held back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pipeline.ids import is_reserved, is_safe_slug
from pipeline.states import Status
from pipeline.store.editions import ArticleMeta, Tally
from pipeline.workspace import Settings

#: Article translation status, as the editions and their front matter name it.
ORIGINAL = "original"  # the source-language edition
APPROVED = "approved"  # every unit approved
UNREVIEWED = "unreviewed"  # some units are machine or human text nobody has reviewed yet
PARTIAL = "partial"  # some units are not publishable and are shown in the source language
CORRECTION_PENDING = "correction_pending"  # the English changed; the translation shown is older

#: export.on_source_change: what an edition does while a change of the English is translated.
KEEP_WITH_NOTICE = "keep_with_notice"  # the last approved text, with a notice
WITHDRAW = "withdraw"  # the article is held back until the change is reviewed
MACHINE_WITH_NOTICE = "machine_with_notice"  # the machine's suggestion, with a notice

#: Statuses a person has not reviewed, published only with --include machine.
UNREVIEWED_STATUSES = frozenset({Status.MACHINE.value, Status.TRANSLATED.value})


@dataclass(frozen=True)
class Policy:
    """The rules an export runs with; built from pipeline.toml and the command line."""

    include_machine: bool = False
    min_completeness_by_lang: Mapping[str, float] = field(default_factory=dict)
    on_source_change: str = KEEP_WITH_NOTICE

    @classmethod
    def from_settings(cls, settings: Settings, *, include_machine: bool | None = None) -> Policy:
        """The workspace's policy; `include_machine` from the command line wins when given."""
        return cls(
            include_machine=settings.include_machine if include_machine is None else include_machine,
            min_completeness_by_lang=dict(settings.min_completeness_by_lang),
            on_source_change=settings.on_source_change,
        )

    @property
    def keeps_published(self) -> bool:
        """Whether an edited article stays in the edition while the change is translated."""
        return self.on_source_change != WITHDRAW

    def min_completeness(self, lang: str) -> float:
        """Percent of units that must be publishable; 100 unless pipeline.toml lowers it."""
        return float(self.min_completeness_by_lang.get(lang, 100.0))

    @cached_property
    def shown_statuses(self) -> frozenset[str]:
        """The statuses whose text may appear in an edition."""
        return frozenset({Status.APPROVED.value} | (UNREVIEWED_STATUSES if self.include_machine
                                                     else set()))

    def publishable(self, status: str) -> bool:
        """Whether text with this status may appear in an edition."""
        return status in self.shown_statuses


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
    pending: int = 0  # units showing their last approved text for an older English
    added: int = 0  # units added to the English since, not approved yet
    notes_pending: int = 0  # correction notes shown in the source language for now
    next_step: str = ""  # what to do about a held-back or correction-pending article

    @property
    def completeness(self) -> float:
        """Percent of the article's units the edition can show in its language."""
        return 100.0 * self.publishable / self.units if self.units else 0.0


def decide_source(slug: str, lang: str, units: int, meta: ArticleMeta | None = None) -> Decision:
    """The source-language edition publishes every article that has text, as written."""
    if not is_safe_slug(slug):
        return _unsafe(slug, lang)
    if meta is not None and meta.withdrawn_at:
        return _withdrawn(meta, lang)
    if units == 0:
        return Decision(slug, lang, False, "the article has no text", units=0)
    return Decision(slug, lang, True, "original text", ORIGINAL, units, units)


def decisions(
    settings: Settings, metas: Sequence[ArticleMeta], tallies: dict[str, dict[str, Tally]],
    policy: Policy,
) -> dict[str, dict[str, Decision]]:
    """slug -> lang -> Decision, for the source edition and every target language."""
    out: dict[str, dict[str, Decision]] = {}
    for meta in metas:
        per_lang = tallies.get(meta.slug) or {t: Tally() for t in settings.targets}
        total = next(iter(per_lang.values())).total if per_lang else 0
        out[meta.slug] = {settings.source: decide_source(meta.slug, settings.source, total, meta)}
        for lang in settings.targets:
            out[meta.slug][lang] = decide(meta.slug, lang, per_lang[lang], policy, meta)
    return out


def decide(slug: str, lang: str, tally: Tally, policy: Policy,
           meta: ArticleMeta | None = None) -> Decision:
    """Apply the policy to one article's counts in one target language."""
    if not is_safe_slug(slug):
        return _unsafe(slug, lang)
    if meta is not None and meta.withdrawn_at:
        return _withdrawn(meta, lang)
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
    pending = added = notes_pending = 0
    if policy.keeps_published:
        pending = _not_publishable(tally.pending_by_status, policy)
        added = _not_publishable(tally.added_by_status, policy)
        notes_pending = _not_publishable(tally.notes_by_status, policy)
        if policy.on_source_change == MACHINE_WITH_NOTICE:
            unreviewed += (_not_publishable(tally.suggested_by_status, policy)
                           + tally.added_by_status.get(Status.MACHINE.value, 0))
    need = policy.min_completeness(lang)
    covered = ok + pending + added
    counts: dict[str, Any] = dict(
        units=total, publishable=ok, unreviewed=unreviewed, test_model=test_model,
        pending=pending, added=added, notes_pending=notes_pending)
    if ok + pending == 0 or 100.0 * covered < need * total:
        d = Decision(slug, lang, False, _held_reason(tally, policy, need, ok), "", **counts)
        return _with_next_step(d, tally, policy)
    if pending or added or notes_pending:
        parts = [f"{n} {what}" for n, what in (
            (pending, "changed in English, showing the last approved translation"),
            (added, "new in English, shown in English"),
            (notes_pending, "correction note(s) not translated yet")) if n]
        d = Decision(slug, lang, True, "; ".join(parts), CORRECTION_PENDING, **counts)
        return _with_next_step(d, tally, policy)
    if ok < total:
        status = PARTIAL
    elif unreviewed:
        status = UNREVIEWED
    else:
        status = APPROVED
    reason = {APPROVED: "all units approved",
              UNREVIEWED: f"{unreviewed} of {total} units not reviewed yet (--include machine)",
              PARTIAL: f"{ok} of {total} units translated, at least {need:g}% required"}[status]
    return Decision(slug, lang, True, reason, status, **counts)


def _not_publishable(by_status: Mapping[str, int], policy: Policy) -> int:
    return sum(n for status, n in by_status.items() if not policy.publishable(status))


def _withdrawn(meta: ArticleMeta, lang: str) -> Decision:
    when = (meta.withdrawn_at or "")[:10]
    who = f" by {meta.withdrawn_by}" if meta.withdrawn_by else ""
    return Decision(meta.slug, lang, False,
                    f"withdrawn on {when}{who}: {meta.withdrawn_reason or 'no reason given'}",
                    next_step=f"`pipeline corrections restore {meta.slug}` publishes it again")


def _with_next_step(d: Decision, tally: Tally, policy: Policy) -> Decision:
    """The decision with what to do next, in commands the editor can run."""
    from dataclasses import replace

    where = f"--lang {d.lang} --article {d.slug}"
    untranslated = tally.by_status.get(Status.UNTRANSLATED.value, 0)
    unsuggested = (tally.pending_by_status.get(Status.STALE.value, 0)
                   - tally.suggested_by_status.get(Status.STALE.value, 0))
    stale_machine = (tally.by_status.get(Status.STALE.value, 0)
                     - tally.pending_by_status.get(Status.STALE.value, 0))
    notes_new = tally.notes_by_status.get(Status.UNTRANSLATED.value, 0)
    steps = []
    if untranslated or unsuggested > 0 or stale_machine > 0 or notes_new:
        steps.append(f"translate (`pipeline translate {where}`)")
    steps.append(f"review (`pipeline review queue {where}`)")
    tail = ""
    if tally.by_status.get(Status.STALE.value, 0):
        tail = ("; for a changed paragraph approve the suggestion (`pipeline review accept UNIT "
                f"--lang {d.lang}`), edit it, or keep it with `pipeline review confirm UNIT "
                f"--lang {d.lang}` if it is still correct")
    if not d.published and policy.on_source_change == WITHDRAW and tally.pending_by_status:
        tail += ("; export.on_source_change = \"withdraw\" holds an article back while its "
                 "English change is translated (\"keep_with_notice\" keeps it published)")
    return replace(d, next_step="next: " + ", then ".join(steps) + tail)


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
