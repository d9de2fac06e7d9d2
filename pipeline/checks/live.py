"""Checks on one text at a time, for the review screen: as the person types, and as a filter.

The same registry and context as `pipeline check`, so the screen and CI never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from pipeline.checks.base import Check, Glossary, GlossaryTerm, UnitContext
from pipeline.checks.registry import CHECKS, enabled, validate_ids
from pipeline.checks.run import CheckOptions
from pipeline.models import Finding
from pipeline.store import Store, glossary
from pipeline.store.checks import unit_suppressions


def load_glossary(store: Store, lang: str) -> Glossary:
    """The checks' glossary of one target language (its terms and the `*` ones).

    Reading the table is cheap; compiling its matchers is not (about 10 ms for 200 terms), so
    the compiled glossary is kept for as long as the table holds the same terms.
    """
    return _compiled(tuple(GlossaryTerm(t.term, t.translation, t.keep)
                           for t in glossary.load(store, lang)))


@lru_cache(maxsize=16)
def _compiled(terms: tuple[GlossaryTerm, ...]) -> Glossary:
    return Glossary.of(terms)


def _context(lang: str, options: CheckOptions, terms: Glossary) -> UnitContext:
    return UnitContext(lang=lang, source_lang=options.source_lang, glossary=terms,
                       length_ratio_max=options.length_ratio_max)


def checker(store: Store, lang: str, options: CheckOptions
            ) -> Callable[[str, str, str], list[Finding]]:
    """A function (unit_id, source, text) -> findings of every enabled check, built once.

    An empty text gets only the empty check, as in `pipeline check`; a unit's suppressed checks
    are left out.
    """
    ctx = _context(lang, options, load_glossary(store, lang))
    run = enabled(lang, options.disabled)

    def findings(unit_id: str, source: str, text: str) -> list[Finding]:
        quiet = unit_suppressions(store, unit_id, lang)
        out = []
        for c in (run if text.strip() else [c for c in run if c.check_id == "empty"]):
            if c.check_id in quiet:
                continue
            message = c.check(source, text, ctx)
            if message is not None:
                out.append(Finding(c.check_id, c.severity.value, message, unit_id=unit_id,
                                   lang=lang))
        return out

    return findings


def failing(store: Store, lang: str, check_id: str, options: CheckOptions
            ) -> Callable[[str, str | None], bool] | None:
    """A predicate (source, text) -> True when `text` fails the check; None when the check does
    not apply to `lang` (nothing fails it). UsageError for an unknown check id."""
    validate_ids([check_id])
    check: Check = next(c for c in CHECKS if c.check_id == check_id)()
    if not check.applies_to(lang):
        return None
    ctx = _context(lang, options, load_glossary(store, lang))

    def fails(source: str, text: str | None) -> bool:
        body = text or ""
        if not body.strip() and check_id != "empty":
            return False
        return check.check(source, body, ctx) is not None

    return fails
