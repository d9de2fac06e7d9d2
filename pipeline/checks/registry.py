"""The one ordered list of quality checks; built-ins and reports all read it."""

from __future__ import annotations

from pipeline.checks.base import Check
from pipeline.checks.glossary import DoNotTranslate, GlossaryTerms
from pipeline.checks.markup import LinksKept, MarkupStructure, PlaceholdersKept, ReferencesKept
from pipeline.checks.numbers import NumbersChanged
from pipeline.checks.provenance import PlaceholderModelText
from pipeline.checks.scripts import (
    ArabicLettersInPersian,
    BidiControls,
    PersianLettersInArabic,
    WrongScript,
)
from pipeline.checks.text import (
    DoubleSpace,
    EdgeWhitespace,
    EmptyTranslation,
    EndPunctuation,
    LengthRatio,
    SameAsSource,
)
from pipeline.errors import UsageError

#: Every check, in report order: gross failures first, then content, then form.
CHECKS: tuple[type[Check], ...] = (
    EmptyTranslation,
    PlaceholderModelText,
    SameAsSource,
    WrongScript,
    BidiControls,
    NumbersChanged,
    LinksKept,
    ReferencesKept,
    PlaceholdersKept,
    MarkupStructure,
    DoNotTranslate,
    GlossaryTerms,
    ArabicLettersInPersian,
    PersianLettersInArabic,
    EndPunctuation,
    EdgeWhitespace,
    DoubleSpace,
    LengthRatio,
)

CHECK_IDS: tuple[str, ...] = tuple(c.check_id for c in CHECKS)


def validate_ids(ids: tuple[str, ...] | list[str], *, where: str = "check id") -> None:
    """UsageError naming the first id no check has."""
    for check_id in ids:
        if check_id not in CHECK_IDS:
            raise UsageError(f"unknown {where} {check_id!r} (known: {', '.join(CHECK_IDS)})")


def enabled(lang: str, disabled: tuple[str, ...] = ()) -> list[Check]:
    """Instances of the checks that run for a target language."""
    validate_ids(disabled, where="disabled check")
    return [c() for c in CHECKS if c.check_id not in disabled and c().applies_to(lang)]
