"""The `review next` loop: show a claimed unit in context, take one key, act, repeat.

Terminal input and output are passed in as callables, so the loop holds no I/O of its own and
tests drive it with scripted answers against a real store.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pipeline import languages, textdiff
from pipeline.errors import ConflictError, InputError, PolicyError, TransitionError, UsageError
from pipeline.models import FLAG_MASK_LOST, FLAG_TEST_MODEL
from pipeline.review import actions
from pipeline.review.queue import claim_next, release
from pipeline.states import Status
from pipeline.store import Store
from pipeline.store import review as q
from pipeline.store.editions import is_placeholder
from pipeline.store.review import QueueItem

# Unicode isolates keep a right-to-left run from reordering the label and punctuation around it
# (and a left-to-right run inside an RTL line); PDI closes either.
RLI, PDI = "\u2067", "\u2069"

KEYS = "[a]pprove  [e]dit  [r]eject  [s]kip  [q]uit"
#: A stale unit: the English changed since its text was written.
STALE_KEYS = "[a]pprove suggestion  [c] still correct  [e]dit  [r]eject  [s]kip  [q]uit"
STALE_KEYS_NO_SUGGESTION = "[c] still correct  [e]dit  [r]eject  [s]kip  [q]uit"


def keys_for(item: QueueItem) -> str:
    """The keys this unit takes: a stale one can be confirmed as still correct."""
    if item.status != Status.STALE:
        return KEYS
    return STALE_KEYS if item.machine_suggestion is not None else STALE_KEYS_NO_SUGGESTION

#: What each flag tells the person deciding (shown wherever a person decides).
FLAG_TEXT = {
    FLAG_TEST_MODEL: "PLACEHOLDER: made by a random-weight test model; these words are not a "
                     "translation",
    FLAG_MASK_LOST: "the machine lost a protected part (link, number, markup or kept name); "
                    "check it against the source",
}


def flag_warnings(item: QueueItem) -> list[str]:
    """One line per flag of the unit that a reviewer must know about (`flags: ...`)."""
    out = []
    for flag in item.flags:
        if flag == FLAG_TEST_MODEL and not is_placeholder(item.flags, item.origin):
            continue  # a person's words replaced the test model's; the flag is history
        out.append(f"flag {flag}: {FLAG_TEXT.get(flag, 'see the history')}")
    return out


def isolate(text: str, lang: str) -> str:
    """Right-to-left `text` wrapped in an RLI...PDI isolate; left-to-right text as it is.

    A terminal line is a left-to-right context, so only RTL runs need isolating (inside them,
    Latin names and digits then stay in place).
    """
    if languages.direction(lang) == "rtl":
        return f"{RLI}{text}{PDI}"
    return text


def _block(label: str, text: str | None, lang: str, width: int = 88) -> list[str]:
    direction = "right-to-left" if languages.direction(lang) == "rtl" else "left-to-right"
    head = f"{label} ({lang}, {direction}):"
    if text is None:
        return [head, "    (no text yet)"]
    lines = []
    for para in text.splitlines() or [""]:
        for piece in textwrap.wrap(para, width) or [""]:
            lines.append("    " + isolate(piece, lang))
    return [head, *lines]


def render(item: QueueItem, ctx: dict[str, dict[str, Any] | None], source_lang: str,
           *, remaining: int | None = None) -> str:
    """The screen for one unit: article, neighbours, source, current text, hints, keys."""
    out = [
        "=" * 72,
        f"{item.title}  [{item.article} #{item.position + 1}, {item.kind}]",
        f"unit {item.unit_id}  {item.lang}  status {item.status}  revision {item.revision}"
        + (f"  (about {remaining} more in the queue)" if remaining is not None else ""),
    ]
    out.extend(f"!! {w}" for w in flag_warnings(item))
    if item.status == Status.REJECTED and item.reason:
        out.append(f"rejected by {item.reviewed_by or '?'}: {item.reason}")
    stale = item.status == Status.STALE
    if item.suggestion and not stale and item.suggestion != item.text:
        out.extend(_block("earlier translation (source has changed since)", item.suggestion,
                          item.lang))
    prev = ctx.get("previous")
    if prev:
        out.append("-" * 72)
        out.extend(_block("previous paragraph", prev["source"], source_lang))
        if prev.get("text"):
            out.extend(_block("  its translation", prev["text"], item.lang))
    out.append("-" * 72)
    if item.source_before is not None and item.source_before != item.source:
        out.extend(_block("OLD SOURCE", item.source_before, source_lang))
        out.extend(_block("NEW SOURCE", item.source, source_lang))
        out.extend(_block("CHANGE ([-removed-] {+added+})",
                          textdiff.inline(item.source_before, item.source), source_lang))
    else:
        out.extend(_block("SOURCE", item.source, source_lang))
    label = "TRANSLATION (of the old source)" if stale else "TRANSLATION"
    out.extend(_block(label, item.text, item.lang))
    if item.translated_by:
        out.append(f"    written by {item.translated_by}")
    if stale and item.published_text is not None and item.published_text != item.text:
        out.extend(_block("LAST APPROVED (published meanwhile)", item.published_text, item.lang))
    if item.machine_suggestion is not None:
        out.extend(_block("MACHINE SUGGESTION (for the new source)", item.machine_suggestion,
                          item.lang))
    for hint in item.memory:
        out.extend(_block("approved elsewhere (memory)", hint, item.lang))
    for term, translation in item.glossary:
        out.append(f"glossary: {term} -> {isolate(translation, item.lang)}")
    nxt = ctx.get("next")
    if nxt:
        out.append("-" * 72)
        out.extend(_block("next paragraph", nxt["source"], source_lang))
    out.append("-" * 72)
    out.append(keys_for(item))
    return "\n".join(out)


@dataclass
class Terminal:
    """What the loop needs from a terminal."""

    write: Callable[[str], None]
    ask: Callable[[str], str]  # one line of input; EOFError ends the session
    edit: Callable[[str], str | None]  # the edited text, or None if the person gave up


@dataclass
class Tally:
    """What one session did."""

    approved: int = 0
    edited: int = 0
    rejected: int = 0
    skipped: int = 0
    failed: int = 0
    seen: list[str] = field(default_factory=list)  # dealt with this session: not shown again


def run(store: Store, term: Terminal, *, lang: str, source_lang: str, who: str, minutes: float,
        rules: actions.Rules = actions.DEFAULT_RULES, statuses: Any = None,
        article: str | None = None) -> Tally:
    """Hand out units one at a time until the queue is empty or the person quits."""
    tally = Tally()
    size: int | None = None  # the queue when the session started, this unit included
    while True:
        item = claim_next(store, lang, who, minutes=minutes, statuses=statuses, article=article,
                          exclude=tally.seen, four_eyes=rules.four_eyes)
        if item is None:
            term.write("nothing left in the queue.")
            return tally
        if size is None:  # counted once (a count over a big queue is not free), then kept up
            size = q.queue_size(store, lang, who=who, statuses=statuses, article=article,
                                skip_own_translations=rules.four_eyes)
        tally.seen.append(item.unit_id)
        left = max(0, size - len(tally.seen))
        try:
            done = _handle(store, term, item, source_lang, who, rules, tally, left)
        except (EOFError, KeyboardInterrupt):
            release(store, who, lang=lang, unit_ids=[item.unit_id])
            term.write("")
            return tally
        if not done:
            return tally


def _handle(store: Store, term: Terminal, item: QueueItem, source_lang: str, who: str,
            rules: actions.Rules, tally: Tally, left: int | None = None) -> bool:
    """Show one unit and act on keys until it is dealt with; False when the person quits."""
    term.write(render(item, q.context(store, item.unit_id, item.lang), source_lang,
                      remaining=left))
    while True:
        key = term.ask("> ").strip().lower()[:1]
        stale = item.status == Status.STALE
        try:
            if stale and (key == "c" or (key == "a" and item.machine_suggestion is None)):
                actions.confirm(store, item.unit_id, item.lang, who=who, revision=item.revision,
                                rules=rules)
                tally.approved += 1
                term.write("confirmed: still correct (approved).")
                return True
            if stale and key == "a":
                actions.accept_suggestion(store, item.unit_id, item.lang, who=who,
                                          revision=item.revision, rules=rules)
                tally.approved += 1
                term.write("suggestion approved.")
                return True
            if key == "a":
                confirmed = False
                if is_placeholder(item.flags, item.origin):
                    answer = term.ask("this is placeholder text of a test model, not a "
                                      "translation; approve it anyway? [y/N] ")
                    if answer.strip().lower()[:1] != "y":
                        term.write("not approved; choose again.")
                        continue
                    confirmed = True
                actions.approve(store, item.unit_id, item.lang, who=who, revision=item.revision,
                                rules=rules, confirm_placeholder=confirmed)
                tally.approved += 1
                term.write("approved.")
                return True
            if key == "e":
                text = term.edit(item.machine_suggestion or item.text or item.suggestion or "")
                if text is None or not text.strip() or text == item.text:
                    term.write("no change; choose again.")
                    continue
                actions.edit(store, item.unit_id, item.lang, text, who=who,
                             revision=item.revision)
                tally.edited += 1
                term.write("saved as translated (awaiting review).")
                return True
            if key == "r":
                reason = term.ask("reason: ").strip()
                if not reason:
                    term.write("a rejection needs a reason; choose again.")
                    continue
                actions.reject(store, item.unit_id, item.lang, reason, who=who,
                               revision=item.revision)
                tally.rejected += 1
                term.write("rejected.")
                return True
            if key == "s":
                release(store, who, lang=item.lang, unit_ids=[item.unit_id])
                tally.skipped += 1
                return True
            if key == "q":
                release(store, who, lang=item.lang, unit_ids=[item.unit_id])
                return False
            term.write(keys_for(item))
        except (ConflictError, InputError, PolicyError, TransitionError, UsageError) as exc:
            # Someone else changed it, or a rule forbids this: tell, skip, keep going.
            term.write(f"not done: {exc}")
            release(store, who, lang=item.lang, unit_ids=[item.unit_id])
            tally.failed += 1
            return True
