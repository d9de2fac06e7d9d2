"""Things a translation must carry over verbatim: URLs, e-mails, [n] markers, placeholders, tags."""

from __future__ import annotations

from collections import Counter

from pipeline.checks.base import Check, Severity, UnitContext
from pipeline.checks.langfacts import TO_LATIN_DIGITS
from pipeline.checks.tokens import REFERENCE_RE, TAG_RE, VOID_TAGS, emails, placeholders, urls


def _diff(want: Counter[str], got: Counter[str], what: str) -> str | None:
    if want == got:
        return None
    parts = []
    missing = list((want - got).elements())
    extra = list((got - want).elements())
    if missing:
        parts.append(f"missing {what} " + ", ".join(missing))
    if extra:
        parts.append(f"{what} not in the source " + ", ".join(extra))
    return "; ".join(parts)


class LinksKept(Check):
    check_id = "links"
    name = "URLs and e-mails kept"
    description = (
        "A URL or e-mail address of the source is missing or changed in the translation, or a "
        "new one appears."
    )
    severity = Severity.ERROR

    def check(self, source: str, target: str, ctx: UnitContext) -> str | None:
        want, got = urls(source) + emails(source), urls(target) + emails(target)
        if want == got:
            return None
        return _diff(Counter(want), Counter(got), "link")


def _references(text: str) -> Counter[str]:
    return Counter(f"[{m.translate(TO_LATIN_DIGITS)}]" for m in REFERENCE_RE.findall(text))


class ReferencesKept(Check):
    check_id = "references"
    name = "Reference markers kept"
    description = (
        "A reference marker like [1] of the source is missing from the translation, or a new one "
        "appears ([۱] counts as [1])."
    )
    severity = Severity.ERROR

    def check(self, source: str, target: str, ctx: UnitContext) -> str | None:
        if "[" not in source and "[" not in target:
            return None
        return _diff(_references(source), _references(target), "marker")


class PlaceholdersKept(Check):
    check_id = "placeholders"
    name = "Placeholders kept"
    description = (
        "A placeholder (%s, %(name)s, {name}) of the source is missing or changed in the "
        "translation, or a new one appears."
    )
    severity = Severity.ERROR

    def check(self, source: str, target: str, ctx: UnitContext) -> str | None:
        if "%" not in source and "{" not in source and "%" not in target and "{" not in target:
            return None
        want, got = Counter(placeholders(source)), Counter(placeholders(target))
        if ctx.plural_form:
            want &= got  # a plural form may omit a placeholder, but not change or add one
        return _diff(want, got, "placeholder")


def tag_structure(text: str) -> tuple[Counter[str], str | None]:
    """The elements of inline markup as 'parent/child' paths, and the first nesting error.

    >>> paths, error = tag_structure("<b>a <i>b</i></b>")
    >>> sorted(paths), error
    (['b', 'b/i'], None)
    >>> tag_structure("<b>a <i>b</b></i>")[1]
    'closes </b> while <i> is open'
    """
    paths: Counter[str] = Counter()
    stack: list[str] = []
    for closing, name, self_closing in TAG_RE.findall(text):
        name = name.lower()
        if self_closing or (name in VOID_TAGS and not closing):
            paths["/".join([*stack, name])] += 1
        elif not closing:
            stack.append(name)
            paths["/".join(stack)] += 1
        elif not stack:
            return paths, f"closes </{name}> that was never opened"
        elif stack[-1] != name:
            return paths, f"closes </{name}> while <{stack[-1]}> is open"
        else:
            stack.pop()
    if stack:
        return paths, f"leaves <{stack[-1]}> open"
    return paths, None


def _tags(text: str) -> Counter[str]:
    return Counter(f"{closing}{name.lower()}" for closing, name, _ in TAG_RE.findall(text))


class MarkupStructure(Check):
    check_id = "markup"
    name = "Inline markup"
    description = (
        "The translation's inline tags are unbalanced, or differ from the source's in elements "
        "or nesting."
    )
    severity = Severity.ERROR

    def check(self, source: str, target: str, ctx: UnitContext) -> str | None:
        if "<" not in source and "<" not in target:
            return None
        want, source_error = tag_structure(source)
        got, error = tag_structure(target)
        if source_error:
            # A unit cut out of a larger element (the source itself is unbalanced): the
            # translation must carry the same tags, nesting cannot be compared.
            want, got = _tags(source), _tags(target)
        elif error:
            return f"unbalanced markup: the translation {error}"
        if want == got:
            return None
        return "markup differs: " + (_diff(Counter({f"<{k}>": v for k, v in want.items()}),
                                           Counter({f"<{k}>": v for k, v in got.items()}),
                                           "element") or "")
