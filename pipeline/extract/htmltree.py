"""Parsing an HTML page whole, or refusing it: lxml's resource limits must never drop text silently.

By default libxml2 stops at 256 levels of nesting and at text nodes of 10 MB and, in its
forgiving HTML mode, quietly leaves out what lies past them (the article body). Pages are
parsed with those limits lifted (huge_tree); a page that still hits one (nesting past 2048,
or a parser resource limit) is an InputError naming the file, never a partial article.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.errors import InputError


def parse_page(text: str, path: Path | str) -> Any:
    """The lxml HTML tree of a page; InputError if the parser could not read all of it."""
    from lxml import etree
    from lxml import html as lhtml

    parser = lhtml.HTMLParser(huge_tree=True, remove_comments=False)
    try:
        tree = lhtml.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"cannot parse HTML: {exc}", path=path) from None
    limit = next((e for e in parser.error_log if e.type_name == "ERR_RESOURCE_LIMIT"), None)
    if limit is not None:
        what = ("elements nested too deeply" if "depth" in limit.message.lower()
                else "a parser resource limit was reached")
        raise InputError(f"cannot read the whole page: {what} ({limit.message.strip()}); "
                         "the text past that point would be lost", path=path, line=limit.line)
    return tree


def xml_parser() -> Any:
    """The parser for trafilatura's XML output, with the same limits lifted."""
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def too_large(exc: Exception) -> bool:
    """True for lxml's "text node too long" and similar resource-limit errors."""
    text = str(exc).lower()
    return "resource limit" in text or "huge" in text or "too long" in text
