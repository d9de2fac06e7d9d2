"""The README's table of checks is the registry's, so the documentation cannot drift."""

from __future__ import annotations

from pathlib import Path

from pipeline.checks.reports import checks_table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_checks_table_matches_the_registry() -> None:
    text = README.read_text(encoding="utf-8")
    start = text.index("<!-- checks-table:start -->\n") + len("<!-- checks-table:start -->\n")
    end = text.index("<!-- checks-table:end -->")
    assert text[start:end] == checks_table("markdown"), (
        "README checks table is out of date: replace it with the output of "
        "`pipeline check --list-checks --format markdown`"
    )
