"""Babel-backed language facts."""

from __future__ import annotations

import doctest

import pytest

import pipeline.extract.textlines
import pipeline.ids
import pipeline.languages
import pipeline.states
import pipeline.textnorm
from pipeline import languages
from pipeline.errors import ConfigError


@pytest.mark.parametrize(
    ("code", "direction", "name", "script"),
    [("fa", "rtl", "فارسی", "Arab"), ("ar", "rtl", "العربية", "Arab"), ("sq", "ltr", "shqip", "Latn"),
     ("en", "ltr", "English", "Latn")],
)
def test_language_facts(code: str, direction: str, name: str, script: str) -> None:
    assert languages.direction(code) == direction
    assert languages.native_name(code) == name
    assert languages.script(code) == script


def test_digits_and_plurals() -> None:
    assert languages.localize_digits("2018", "fa") == "۲۰۱۸"
    assert languages.localize_digits("2018", "ar") == "٢٠١٨"
    assert languages.localize_digits("2018", "sq") == "2018"
    assert languages.plural_forms("ar").startswith("nplurals=6")


def test_unknown_code() -> None:
    with pytest.raises(ConfigError, match="qq"):
        languages.validate("qq")


@pytest.mark.parametrize(
    "module",
    [pipeline.ids, pipeline.languages, pipeline.states, pipeline.textnorm,
     pipeline.extract.textlines],
)
def test_doctests(module: object) -> None:
    result = doctest.testmod(module)  # type: ignore[arg-type]
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize(
    ("code", "n", "form"),
    [
        ("fa", 0, 0), ("fa", 1, 0), ("fa", 2, 1), ("fa", 7, 1),
        ("sq", 1, 0), ("sq", 0, 1), ("sq", 2, 1),
        ("ar", 0, 0), ("ar", 1, 1), ("ar", 2, 2), ("ar", 3, 3), ("ar", 10, 3),
        ("ar", 11, 4), ("ar", 99, 4), ("ar", 100, 5), ("ar", 102, 5), ("ar", 111, 4),
    ],
)
def test_pinned_plural_forms_pick_the_cldr_form(code: str, n: int, form: int) -> None:
    # gettext evaluates the header's C expression; Arabic form 4 is "many" (11-99), 5 "other".
    import gettext

    expr = languages.plural_forms(code).split("plural=", 1)[1].rstrip(";")
    assert gettext.c2py(expr)(n) == form
    assert languages.nplurals(code) == (6 if code == "ar" else 2)


def test_plural_forms_do_not_follow_babel() -> None:
    # Whatever Babel is installed, the header we write is the pinned one.
    assert languages.plural_forms("fa") == "nplurals=2; plural=(n > 1);"
    assert languages.plural_forms("fa-IR") == languages.plural_forms("fa")
