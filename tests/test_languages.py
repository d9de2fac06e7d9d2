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
