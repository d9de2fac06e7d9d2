"""Parsing an HTML page whole, or refusing it: lxml's resource limits must never drop text silently.

By default libxml2 stops at 256 levels of nesting and at text nodes of 10 MB and, in its
forgiving HTML mode, quietly leaves out what lies past them (the article body). Pages are
parsed with those limits lifted (huge_tree); a page that still hits one (nesting past 2048,
or a parser resource limit) is an InputError naming the file, never a partial article.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from pipeline.errors import InputError

log = logging.getLogger(__name__)


def parse_page(text: str, path: Path | str) -> Any:
    """The lxml HTML tree of a page; InputError if the parser could not read all of it."""
    from lxml import etree
    from lxml import html as lhtml

    # Comments and processing instructions dropped as trafilatura's own loader does: left in,
    # they break up text runs and its scoring misses whole paragraphs on some pages.
    parser = lhtml.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True)
    # The text is already decoded (reader.decode_html honours the declaration); lxml refuses
    # a str that still carries `<?xml ... encoding=...?>`, so the declaration is dropped.
    text = _XML_DECL.sub("", text, count=1)
    text = _drop_controls(text, path)
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


_XML_DECL = re.compile(r"\A\ufeff?\s*<\?xml\b[^>]*\?>", re.I)


#: Characters XML cannot hold (C0 controls but tab and line breaks, U+FFFE/U+FFFF).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _drop_controls(text: str, path: Path | str) -> str:
    """`text` without the characters XML cannot hold, logged with the first one's line.

    trafilatura's XML tree cannot hold them (it finds nothing on such a page); they carry no
    text (a stray BEL in a footnote, NULs after an image tag), and browsers show nothing for them.
    """
    first = _CONTROLS.search(text)
    if first is None:
        return text
    n = len(_CONTROLS.findall(text))
    log.warning("%s: %d control character(s) dropped (first U+%04X at line %d); they cannot be "
                "stored or exported", path, n, ord(first.group()), text.count("\n", 0, first.start()) + 1)
    return _CONTROLS.sub("", text)


def xml_parser() -> Any:
    """The parser for trafilatura's XML output, with the same limits lifted."""
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def too_large(exc: Exception) -> bool:
    """True for lxml's "text node too long" and similar resource-limit errors."""
    text = str(exc).lower()
    return "resource limit" in text or "huge" in text or "too long" in text
