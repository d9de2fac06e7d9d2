"""Text and attribute values for the XML files an edition writes (feeds, sitemaps)."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

#: Characters XML 1.0 forbids even escaped (C0 controls but tab/newline/CR, lone surrogates,
#: U+FFFE/U+FFFF): dropped, or the whole feed would fail to parse.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def text(value: str) -> str:
    """Element content: &, < and > escaped, characters XML cannot hold dropped.

    >>> text("a < b & \\x00c")
    'a &lt; b &amp; c'
    """
    return escape(_NOT_XML.sub("", value))


def attr(value: str) -> str:
    """A quoted attribute value.

    >>> attr('say "hi" & <go>')
    '\\'say "hi" &amp; &lt;go&gt;\\''
    """
    return quoteattr(_NOT_XML.sub("", value))
