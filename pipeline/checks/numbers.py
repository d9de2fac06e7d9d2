"""Numbers must keep their values across Latin, Persian and Arabic-Indic digits."""

from __future__ import annotations

import re
from collections import Counter

from pipeline.checks.base import Check, Severity, UnitContext
from pipeline.checks.langfacts import DIGIT_CHARS, NUMBER_SEPARATORS, TO_LATIN_DIGITS
from pipeline.checks.tokens import REFERENCE_RE, strip_code

_NUMBER = re.compile(rf"[{DIGIT_CHARS}]+(?:[{re.escape(NUMBER_SEPARATORS)}][{DIGIT_CHARS}]+)*")
_ANY_DIGIT = re.compile(rf"[{DIGIT_CHARS}]")
_SEPARATOR = re.compile(f"[{re.escape(NUMBER_SEPARATORS)}]")


def number_values(text: str) -> list[str]:
    """The numbers of a text as sorted digit strings: 1988, ۱۹۸۸ and ١٩٨٨ are all '1988'.

    Group and decimal separators are dropped (1,000 = 1.000 = ۱٬۰۰۰ and 2.5 = 2,5 = ۲٫۵), so
    locales that swap comma and point compare equal. URLs, tags, placeholders and reference
    markers are left to their own checks.

    >>> number_values("In ۱۹۸۸, 2.5% of ١٢٬٠٠٠ [3]")
    ['12000', '1988', '25']
    """
    if _ANY_DIGIT.search(text) is None:
        return []
    text = strip_code(text)
    if "[" in text:
        text = REFERENCE_RE.sub(" ", text)
    out = []
    for raw in _NUMBER.findall(text):
        digits = raw if raw.isdigit() else _SEPARATOR.sub("", raw)
        if not digits.isascii():
            digits = digits.translate(TO_LATIN_DIGITS)
        out.append(digits.lstrip("0") or "0")
    out.sort()
    return out


class NumbersChanged(Check):
    check_id = "numbers"
    name = "Numbers changed"
    description = (
        "A number of the source is missing from the translation or a new one appears; "
        "1988, ۱۹۸۸ and ١٩٨٨ are the same number."
    )
    severity = Severity.ERROR

    def check(self, source: str, target: str, ctx: UnitContext) -> str | None:
        want, got = number_values(source), number_values(target)
        if want == got:
            return None
        missing = sorted((Counter(want) - Counter(got)).elements())
        extra = sorted((Counter(got) - Counter(want)).elements())
        parts = []
        if missing:
            parts.append("missing " + ", ".join(missing))
        if extra:
            parts.append("not in the source " + ", ".join(extra))
        return "numbers differ: " + "; ".join(parts)
