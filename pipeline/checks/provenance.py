"""Checks on where a translation came from rather than on its words: placeholder model output."""

from __future__ import annotations

from pipeline.checks.base import Check, Severity, UnitContext


class PlaceholderModelText(Check):
    check_id = "test_model"
    name = "Placeholder model output"
    description = (
        "The translation is output of a random-weight test model (flagged test_model, not "
        "written or confirmed by a person): placeholder words, never a translation to publish."
    )
    severity = Severity.ERROR

    def check(self, source: str, target: str, ctx: UnitContext) -> str | None:
        if not ctx.placeholder_text:
            return None
        return ("placeholder text of a random-weight test model; translate the unit with a real "
                "package (`pipeline models install`) or by hand")
