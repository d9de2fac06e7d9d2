"""The examples in the checks' docstrings are true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["base", "langfacts", "markup", "numbers", "scripts"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"pipeline.checks.{name}")
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
