"""The standfirst of an HTML article: text between the headline `<h1>` and the body trafilatura found.

trafilatura picks the one container that holds most of the body; the lead paragraph (standfirst,
deck, summary) often sits outside it, next to the `<h1>` in the article's header, and is lost.
What stands between the headline and the first body paragraph, in document order, is read back
when it has the shape of article text: a leaf block of a sentence or more, mostly not links,
outside navigation, figures and forms, not a byline, date or share row.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.extract import chrome as ch
from pipeline.extract.htmlmeta import squash

_BLOCKS = ("p", "div", "h2", "h3", "h4", "li", "blockquote", "section", "header", "td", "dd",
           "ul", "ol", "table", "article", "main", "figure", "form", "nav", "aside", "footer")
_LEAF_OK = ("p", "div", "h2", "h3", "h4", "blockquote", "li", "section", "dd")
_NOT_LEAD = ("nav", "aside", "footer", "form", "figure", "figcaption", "button", "address",
             "time", "label", "select", "noscript", "script", "style", "template", "a")
#: Shortest lead block, in characters and words. Tuned on the dev half of trafilatura's
#: evaluation pages (snippet F1, confirmed on the check half): bylines, datelines, reading times
#: and share rows there are under 60 characters or 8 words, standfirsts longer. 40/6 lost on both
#: halves (bylines and author lines taken, and headers with them past MAX_BLOCKS).
MIN_CHARS = 60
MIN_WORDS = 8
#: Most blocks read back. A header holds one standfirst, sometimes as two or three
#: paragraphs or a short bullet summary; more than this between the headline and the body is
#: another part of the page (a teaser list, an author box), so nothing is taken. Set from the
#: dev half, where every page that gained had 1-3 blocks.
MAX_BLOCKS = 4
#: Elements scanned after the headline before giving up on finding the body's first paragraph:
#: headers with share bars and image galleries run to a few hundred elements on the development
#: pages; past this the body is elsewhere on the page.
MAX_SCAN = 1500
#: A closing parenthesis with no full stop after it, around a short credit: how captions end.
_CREDIT_END = re.compile(r"\([^()]{1,40}\)$")
#: Largest share of a lead block's text inside links (a teaser or a menu is mostly links).
MAX_LINK_SHARE = 0.5


def lead_blocks(tree: Any, title: str, first_body: str, known: set[str]) -> list[str]:
    """Standfirst texts between the `<h1>` that is `title` and the block starting `first_body`.

    [] when there is no such `<h1>`, when the body does not follow it within MAX_SCAN
    elements, or when more than MAX_BLOCKS blocks of text stand between them. `known` holds
    texts already in the article (not taken twice).
    """
    if not title or not first_body:
        return []
    key = _cmp(title)
    h1 = next((h for h in tree.iter("h1") if _cmp(squash(h.text_content())) == key), None)
    if h1 is None:
        return []
    start = _cmp(first_body)[:60]
    found: list[str] = []
    skip_under: Any = None
    for n, el in enumerate(_following(h1)):
        if n > MAX_SCAN:
            return []
        if not isinstance(el.tag, str):
            continue
        if skip_under is not None and _is_under(el, skip_under):
            continue
        skip_under = None
        if el.tag in _NOT_LEAD:
            skip_under = el
            continue
        if el.tag not in _BLOCKS:
            continue
        if any(True for _ in el.iterdescendants(*_BLOCKS)):
            continue  # not a leaf: its blocks come next
        text = squash(el.text_content())
        if not text:
            continue
        if _cmp(text).startswith(start) or start.startswith(_cmp(text)[:60]):
            return found if len(found) <= MAX_BLOCKS else []
        if el.tag in _LEAF_OK and _is_lead(el, text, known):
            found.append(text)
    return []


def _following(el: Any) -> Any:
    """Elements after `el` in document order (its own descendants left out)."""
    node = el
    while node is not None:
        for sib in node.itersiblings():
            yield sib
            yield from sib.iterdescendants()
        node = node.getparent()


def _is_under(el: Any, top: Any) -> bool:
    return any(a is top for a in el.iterancestors())


def _is_lead(el: Any, text: str, known: set[str]) -> bool:
    if len(text) < MIN_CHARS or len(text.split()) < MIN_WORDS or text in known:
        return False
    if any(a.tag in _NOT_LEAD for a in el.iterancestors()):
        return False
    links = sum(len(squash(a.text_content())) for a in el.iter("a"))
    if links > MAX_LINK_SHARE * len(text):
        return False
    if "©" in text or _CREDIT_END.search(text):
        return False  # an image's caption ("... (Photo: Agency)", "... © Agency"), not a lead
    return not (ch.is_meta(text) or ch.is_share(text) or ch.is_copyright(text))



def _cmp(text: str) -> str:
    return " ".join(text.split()).casefold()
