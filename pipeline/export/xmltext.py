"""Text and attribute values for the XML files an edition writes (feeds, sitemaps)."""

from __future__ import annotations

import re

from pipeline.escaping import amp_lt_gt

#: Characters XML 1.0 forbids even escaped (C0 controls but tab/newline/CR, lone surrogates,
#: U+FFFE/U+FFFF): dropped, or the whole feed would fail to parse.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def text(value: str) -> str:
    """Element content: &, < and > escaped, characters XML cannot hold dropped.

    >>> text("a < b & \\x00c")
    'a &lt; b &amp; c'
    """
    return amp_lt_gt(_NOT_XML.sub("", value))


def attr(value: str) -> str:
    """A quoted attribute value.

    >>> attr('say "hi" & <go>')
    '\\'say "hi" &amp; &lt;go&gt;\\''
    """
    # xml.sax.saxutils.quoteattr, spelled out: the sitemaps call this for every link.
    value = amp_lt_gt(_NOT_XML.sub("", value))
    for char, entity in (("\n", "&#10;"), ("\r", "&#13;"), ("\t", "&#9;")):
        if char in value:
            value = value.replace(char, entity)
    if '"' in value:
        if "'" in value:
            return '"{}"'.format(value.replace('"', "&quot;"))
        return f"'{value}'"
    return f'"{value}"'
