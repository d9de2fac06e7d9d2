"""The editions' own escaping functions give exactly what the libraries they stand in for give."""

from __future__ import annotations

import itertools
from xml.sax.saxutils import escape, quoteattr

from markupsafe import escape as html_escape

from pipeline.export import xmltext
from pipeline.export.article_html import html_text

#: Every character the escapers treat specially, a plain letter and a Persian one.
CHARS = ["a", "&", "<", ">", '"', "'", "\n", "\r", "\t", "\x00", "\ufffe", "ش"]


def _strings(longest: int = 4) -> list[str]:
    return ["".join(c) for n in range(longest + 1) for c in itertools.product(CHARS, repeat=n)]


def test_html_text_is_markupsafe_escape() -> None:
    for value in _strings():
        assert html_text(value) == str(html_escape(value)), repr(value)


def test_xml_text_and_attr_are_saxutils_after_dropping_what_xml_cannot_hold() -> None:
    for value in _strings():
        clean = "".join(c for c in value if c not in ("\x00", "\ufffe"))
        assert xmltext.text(value) == escape(clean), repr(value)
        assert xmltext.attr(value) == quoteattr(clean), repr(value)
