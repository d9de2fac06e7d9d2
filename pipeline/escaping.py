"""The one `&`, `<`, `>` escape that the HTML pages, feeds, sitemaps, TMX and XLIFF writers share."""

from __future__ import annotations


def amp_lt_gt(value: str) -> str:
    """`&`, `<` and `>` as entities (xml.sax.saxutils.escape), each replace only when needed.

    Spelled out because the writers call it for every value of 100k-unit files and 30k pages.

    >>> amp_lt_gt("a < b && c > d")
    'a &lt; b &amp;&amp; c &gt; d'
    """
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    return value
