"""Checks on the text as a whole: empty, copied source, white space, end punctuation, length."""

from __future__ import annotations

import re

from pipeline.checks.base import Check, Severity, UnitContext
from pipeline.checks.langfacts import CLOSERS, END_MARKS, MEANING_NAMES, end_mark
from pipeline.textnorm import fold

_WORD = re.compile(r"[^\W\d_]{2,}")
# A letter outside ASCII; no such letter folds to ASCII, so an ASCII source cannot match it.
_NON_ASCII_LETTER = re.compile(r"[^\W\d_\x00-\x7f]")


class EmptyTranslation(Check):
    check_id = "empty"
    name = "Empty translation"
    description = "The translation is empty or only white space although the source has text."
    severity = Severity.ERROR

    def check(self, source: str, target: str, ctx: UnitContext) -> str | None:
        if target.strip() or not source.strip():
            return None
        return "the translation is empty" if not target else "the translation is only white space"


class SameAsSource(Check):
    check_id = "same_as_source"
    name = "Untranslated copy"
    description = (
        "The translation is the source text unchanged (three or more words, not all capitals), "
        "as when a machine engine returns its input."
    )
    severity = Severity.ERROR
    # Tuned: one- and two-word texts are often names, brands or loan words kept on purpose.
    MIN_WORDS = 3

    def check(self, source: str, target: str, ctx: UnitContext) -> str | None:
        if target != source:
            if source.isascii() and _NON_ASCII_LETTER.search(target):
                return None  # fast path: fold() costs ~20 µs and most pairs differ in script
            if fold(target) != fold(source):
                return None
        words = _WORD.findall(source)
        if len(words) < self.MIN_WORDS or all(w.isupper() for w in words):
            return None
        return "the translation is the source text copied unchanged"


class EdgeWhitespace(Check):
    check_id = "edge_whitespace"
    name = "Leading or trailing white space"
    description = (
        "The translation starts or ends with white space (or a new line) the source lacks, or the "
        "other way round."
    )
    severity = Severity.WARNING

    def check(self, source: str, target: str, ctx: UnitContext) -> str | None:
        if not target:
            return None
        problems = []
        if source[:1].isspace() != target[:1].isspace() or (
            source.startswith("\n") != target.startswith("\n")
        ):
            problems.append("starts")
        if source[-1:].isspace() != target[-1:].isspace() or (
            source.endswith("\n") != target.endswith("\n")
        ):
            problems.append("ends")
        if not problems:
            return None
        return f"the translation {' and '.join(problems)} with different white space than the source"


class DoubleSpace(Check):
    check_id = "double_space"
    name = "Double space"
    description = "The translation has two or more spaces in a row where the source has none."
    severity = Severity.WARNING

    def check(self, source: str, target: str, ctx: UnitContext) -> str | None:
        if "  " in target and "  " not in source:
            return "the translation has a double space"
        return None


def _ending(text: str) -> tuple[str | None, str]:
    """The meaning of the text's last punctuation mark (None if it ends in a letter) and the mark."""
    body = text.rstrip(CLOSERS)
    if body.endswith("..."):
        return "ellipsis", "..."
    last = body[-1:]
    return END_MARKS.get(last), last


class EndPunctuation(Check):
    check_id = "end_punctuation"
    name = "End punctuation mismatch"
    description = (
        "The translation ends with a different kind of punctuation than the source; ? and ؟ are "
        "the same kind, as are , and ، and ; and ؛."
    )
    severity = Severity.WARNING

    def check(self, source: str, target: str, ctx: UnitContext) -> str | None:
        if not source.strip() or not target.strip():
            return None
        want, _ = _ending(source)
        got, got_mark = _ending(target)
        if want == got:
            return None
        if want is None:
            return f"the source ends without punctuation but the translation ends with {got_mark!r}"
        mark = end_mark(want, ctx.lang)
        found = f"{got_mark!r}" if got else "no punctuation"
        return (f"the source ends with {MEANING_NAMES[want]}: end the translation with {mark!r}, "
                f"not {found}")


class LengthRatio(Check):
    check_id = "length_ratio"
    name = "Unusual length"
    description = (
        "The translation is far longer or shorter than the source "
        "(more than thresholds.length_ratio_max times, default 3)."
    )
    severity = Severity.WARNING
    # Tuned: below ~20 characters (titles, labels) ratios swing widely between languages.
    MIN_SOURCE_CHARS = 20

    def check(self, source: str, target: str, ctx: UnitContext) -> str | None:
        n_source, n_target = len(source.strip()), len(target.strip())
        if n_source < self.MIN_SOURCE_CHARS or not n_target:
            return None
        ratio = n_target / n_source
        limit = ctx.length_ratio_max
        if ratio > limit:
            return f"the translation is {ratio:.1f} times as long as the source (limit {limit:g})"
        if ratio < 1 / limit:
            return f"the translation is only {ratio:.2f} of the source length (limit 1/{limit:g})"
        return None
