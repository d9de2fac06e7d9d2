"""Glossary terms must be translated as agreed; do-not-translate terms must stay as written."""

from __future__ import annotations

from pipeline.checks.base import Check, Severity, UnitContext
from pipeline.textnorm import fold


class GlossaryTerms(Check):
    check_id = "glossary"
    name = "Glossary terms"
    description = "A glossary term of the source is not translated with the glossary's translation."
    severity = Severity.WARNING

    def check(self, source: str, target: str, ctx: UnitContext) -> str | None:
        terms = [t for t in ctx.glossary.found_in(source) if not t.do_not_translate and t.translation]
        if not terms:
            return None
        key = fold(target)
        wrong = [t for t in terms if not ctx.glossary.contains(key, t.translation or "")]
        if not wrong:
            return None
        return "glossary: " + "; ".join(f"translate {t.term!r} as {t.translation!r}" for t in wrong)


class DoNotTranslate(Check):
    check_id = "do_not_translate"
    name = "Do-not-translate terms"
    description = "A do-not-translate term of the source (a name or brand) is missing from the translation."
    severity = Severity.ERROR

    def check(self, source: str, target: str, ctx: UnitContext) -> str | None:
        terms = [t for t in ctx.glossary.found_in(source) if t.do_not_translate]
        if not terms:
            return None
        key = fold(target)
        missing = [t.term for t in terms if not ctx.glossary.contains(key, t.term)]
        if not missing:
            return None
        return "keep as written: " + ", ".join(repr(t) for t in missing)
