"""Site chrome in text dumps, recognised by shape and repetition rather than by any site's strings.

Signals: bullet menus, breadcrumb lines, copyright lines, share-button strings, comment counters,
widget headings common to blog engines, lines repeated within a page, and runs of short lines
repeated across the pages of one run (the site template).
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from itertools import compress, repeat

from pipeline.extract.textlines import true_runs
from pipeline.textnorm import squash

#: A list item's bullet; `o`, `#` and `@` are lynx's bullets of nested lists (three levels down
#: and more, so indented four columns at least: a paragraph is indented three).
BULLET = re.compile(r"^\s*[•◦▪▫●○■□‣⁃∙·*]\s*\S|^\s+[+\-]\s+\S|^\s{4,}[o#@]\s+\S")
#: A list item that is only a link (a text browser's numbered link list): never article text.
LINK_ITEM = re.compile(r"^\s*(?:\d{1,4}[.)]|[•◦▪·*+\-])?\s*(?:https?://|www\.)\S+$", re.I)
NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+\S")
COUNTER = re.compile(
    r"(?:^|\s)(?:\d+|no)\s+(?:comments?|responses?|replies|reactions?)\b|^comments?\s*\(\d+\)"
    r"|\bcomments?\s+(?:are\s+)?(?:off|closed)\b",
    re.I,
)
COPYRIGHT = re.compile(r"^(?:©|\(c\)\s|copyright\b)|\ball rights reserved\b|©\s*(?:19|20)\d\d", re.I)
URL = re.compile(r"^(?:https?://|www\.)\S+$", re.I)
REFERENCE = re.compile(r"^\[\d{1,3}\]\s*\S")
CAMEL_RUN = re.compile(r"^(?:[A-Z][a-z]+|[A-Z]{2,}(?=[A-Z][a-z]|$)){3,}$")
_CAMEL_PIECE = re.compile(r"[A-Z][a-z]+|[A-Z]{2,}(?=[A-Z][a-z]|$)")
_SEPARATORS = ("»", "›", ">", "→", "|", "/", "::", "•", "·")
SEPARATORS = _SEPARATORS  # (what every ANY_SEP match starts with: see chromescan.Rule.starts)
ANY_SEP = re.compile("|".join(re.escape(x) for x in _SEPARATORS))
_HOME_CRUMB = re.compile(r"^(?:home|start|front page)\s*(?:»|›|>|→|/|\|)\s*\S", re.I)
#: Counters and tools printed around articles: reading time, views, print/font buttons.
_TOOLS = re.compile(
    r"^(?:\d+\s*(?:min(?:ute)?s?|mins?)\s+read|(?:views?|reads?)\s*:?\s*[\d,.]+[km]?|[\d,.]+[km]?\s+"
    r"(?:views?|reads?|shares?)|print(?:\s+this)?|font\s+size|a\s*a\s*a|listen(?:\s+to\s+this)?"
    r"(?:\s+article)?)$",
    re.I,
)
TERMINAL = tuple(".!?…;:,\"”’'»؟۔")

#: Share targets and verbs: the vocabulary of share-button rows on any site.
SHARE_WORDS = frozenset(
    "share shares tweet facebook twitter x linkedin whatsapp telegram email e-mail mail print "
    "pinterest reddit skype tumblr messenger viber vk copy link pocket threads bluesky".split()
)
#: Widget headings and links that blog engines print around articles (not a site's own strings).
WIDGET_PHRASES = (
    "leave a comment", "leave a reply", "post a comment", "add comment", "comments",
    "you may also like", "you might also like", "related posts", "related articles",
    "related stories", "read more", "continue reading", "read the rest", "more stories",
    "recent posts", "recent comments", "popular posts", "most read", "newer posts",
    "older posts", "previous post", "next post", "previous article", "next article",
    "back to top", "scroll to top", "skip to content", "subscribe", "sign up", "log in",
    "login", "search", "menu", "advertisement", "share this", "share this article",
    "follow us", "tags", "filed under", "posted in", "categories", "archives", "load more",
    "related", "share", "share this story", "about the author", "story continues below",
    "article continues below", "continue reading below", "skip advertisement", "sponsored",
)
#: Widgets that close an article: nothing after them in the same post is article text.
CLOSING_PHRASES = (
    "share this", "share this article", "share this story", "share", "related", "related posts",
    "related articles", "related stories", "you may also like", "you might also like",
    "leave a comment", "leave a reply", "post a comment", "comments", "recent posts",
    "popular posts", "more stories", "newer posts", "older posts", "previous post", "next post",
    "previous article", "next article", "about the author", "more from",
)
TEASER_PHRASES = ("continue reading", "read more", "read the rest", "read full article",
                  "full story", "more »", "[…]", "[...]")
MAX_SHORT_WORDS = 15  # tuned on the corpus: headings/captions/bylines are <= 14 words
MAX_SHORT_CHARS = 140


def key(line: str) -> str:
    """Matching key of a line: white space squashed, case folded (cheap: called on every line)."""
    return squash(line).casefold()


def is_short(text: str) -> bool:
    """Short enough to be a menu item, heading, caption or byline rather than a paragraph."""
    return len(text) <= MAX_SHORT_CHARS and text.count(" ") < MAX_SHORT_WORDS


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(TERMINAL)


def is_bullet(raw: str) -> bool:
    return bool(BULLET.match(raw))


@lru_cache(maxsize=16384)  # asked for every line by several rules (chrome, nav, header)
def is_breadcrumb(text: str) -> bool:
    """`Home » Section » Title`: two or more of the same separator between short segments."""
    if not any(map(text.__contains__, _SEPARATORS)):  # (= ANY_SEP.search; str.find is faster)
        return False
    if _HOME_CRUMB.match(text):
        return True
    for sep in _SEPARATORS:
        if text.count(sep) < 2:
            continue
        parts = text.split(f" {sep} ") if sep in "/|>•·" else text.split(sep)
        if len(parts) >= 3 and all(p.strip() for p in parts) and len(parts[0].split()) <= 4:
            return True
    return False


def breadcrumb_tail(text: str) -> str | None:
    for sep in _SEPARATORS:
        parts = text.split(f" {sep} ") if sep in "/|>•·" else text.split(sep)
        if len(parts) >= 3:
            return parts[-1].strip()
    return None


def is_share(text: str) -> bool:
    """A row of share buttons: `FacebookTwitterEmail` or `Share Tweet Email`."""
    if len(text) > 160:
        return False
    words = text.split()
    if len(words) > 12:
        return False
    # Buttons run together are one "word" (`ShareTweetEmail`): with a space between, words of
    # mixed case are names and labels (`HarbourMaster Office`, `ERPnext Expertin`). On dumps of
    # trafilatura's evaluation pages, splits lynx/w3m/browser 19/21/36 -> 13/17/26, body F1
    # dev +.0019/+.0021/.0000, check +.0009/-.0015/+.0010. Its pieces are then held to the
    # rule of a spaced row (`SuMoTuWeThFrSa` is a calendar, `CookieDauerBeschreibung` a table
    # header): splits 8/12/21 -> 7/12/20, F1 dev -.0003/-.0000/+.0019, check .0000/-.0003/+.0001.
    if len(words) == 1 and CAMEL_RUN.match(text):
        low = [w.lower() for w in _CAMEL_PIECE.findall(text)]
    elif words[0].strip(":|·•,").lower() not in SHARE_WORDS:  # a share row starts with one
        return False
    else:
        low = [w.strip(":|·•,").lower() for w in words]
        low = [w for w in low if w]
    return len(low) >= 2 and sum(
        w in SHARE_WORDS for w in low) >= max(2, int(0.7 * len(low)) + (len(low) > 3))


def _phrase_re(phrases: Iterable[str]) -> re.Pattern[str]:
    alts = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?:{alts})(?:$|[ :])")


_WIDGET_RE = _phrase_re(WIDGET_PHRASES)
_TEASER_RE = _phrase_re(TEASER_PHRASES)
_CLOSING_RE = _phrase_re(CLOSING_PHRASES)
_PHRASE_STRIP = " :»›>|-–—()0123456789"


def is_widget(text: str) -> bool:
    """A blog-engine widget heading or link (`Leave a Comment`, `Older Posts`, `Tags: ...`).

    Also a row of them: `Posted in News | Leave a comment`.
    """
    if len(text) <= 60 and text.count(" ") < 6 \
            and _WIDGET_RE.match(text.casefold().strip(_PHRASE_STRIP)):
        return True
    if len(text) > 120 or not _ROW_SEP.search(text):
        return False
    parts = _ROW_SEP.split(text)
    return any(len(p) <= 60 and p.count(" ") < 6
               and _WIDGET_RE.match(p.casefold().strip(_PHRASE_STRIP)) for p in parts)


_ROW_SEP = re.compile(r"\s[|·•]\s")


def is_closing(text: str) -> bool:
    """A widget that ends the article (`Share this:`, `Related`, `Leave a Reply`).

    Also a labelled link after the article: `Related: <headline>`, `See also: <headline>`.
    """
    if not is_short(text):  # neither form is paragraph-length: skip the folding
        return False
    low = text.casefold().strip(_PHRASE_STRIP)
    if len(text) <= 60 and text.count(" ") < 6 and _CLOSING_RE.match(low):
        return True
    return _labelled_link(low)


def is_link_label(text: str) -> bool:
    """A labelled link to another story: `Read more: <headline>`, `See also: <headline>`.

    Under an article it closes it; between two paragraphs it is an inline pointer to elsewhere.
    """
    return is_short(text) and _labelled_link(text.casefold().strip(_PHRASE_STRIP))


def _labelled_link(low: str) -> bool:
    label, colon, rest = low.partition(":")
    return (bool(colon) and bool(rest.strip()) and not ends_sentence(low)
            and label.strip() in _LINK_LABELS)


_LINK_LABELS = frozenset(CLOSING_PHRASES) | {"see also", "read also", "also read", "read more",
                                             "more", "next", "previous"}


@lru_cache(maxsize=16384)  # pure in the line's text, asked by several rules per line
def is_teaser_link(text: str) -> bool:
    """`Continue Reading`, `Read more »`: the page shows only the start of the article."""
    return (len(text) <= 60 and text.count(" ") < 6
            and bool(_TEASER_RE.match(text.casefold().strip(_PHRASE_STRIP))))


def is_teaser_end(text: str) -> bool:
    """A line that is only a teaser link (`Read more »`): it ends a post on a listing page."""
    return len(text) <= 40 and text.casefold().strip(_PHRASE_STRIP + "…→.") in _TEASER_SET


_TEASER_SET = frozenset(p.strip("[]…. »") for p in TEASER_PHRASES) - {""}


def is_meta(text: str) -> bool:
    """A post footer line such as `August 8, 2018 0 comments`."""
    return len(text) <= 120 and text.count(" ") < 12 and bool(COUNTER.search(text))


def is_copyright(text: str) -> bool:
    low = text.lower()
    return ("©" in text or "(c)" in low or "copyright" in low or "rights reserved" in low) \
        and bool(COPYRIGHT.search(text))


#: What text browsers print for form controls, frames and ads: `(BUTTON)`, `[ ]`, `[X]`,
#: input fields (`____`), `IFRAME: url`, `[INS: :INS]` (not image names: images sit in articles).
_CONTROL = re.compile(r"\(BUTTON\)|\[[ X]?\]|_{4,}|^IFRAME:.*|\[INS:[^\]]*\]")


def is_control(text: str) -> bool:
    """A line of form controls or embeds with at most three words of label around them."""
    if len(text) > 160 or not ("(" in text or "[" in text or "__" in text or "IFRAME" in text):
        return False
    rest, n = _CONTROL.subn(" ", text)
    return n > 0 and len(rest.split()) <= 3


def is_tool(text: str) -> bool:
    """A reading-time or view counter, or a print/font/listen button (`5 min read`)."""
    return len(text) <= 40 and bool(_TOOLS.match(text))


def is_hard_chrome(raw: str, text: str, *, footer_checked: bool = False) -> bool:
    """Chrome whatever its position: copyright, share rows, comment counters, breadcrumbs, widgets.

    `footer_checked` skips the share/counter tests when the caller has just made them.
    """
    return (
        is_copyright(text) or is_breadcrumb(text) or is_widget(text) or is_control(text)
        or is_tool(text) or (not footer_checked and (is_share(text) or is_meta(text)))
    )


def _hash(text: str) -> int:
    # (Python's own string hash: 64 bits, so fewer collisions than a CRC-32 among 200k lines,
    # and free for a key that a set or dict has hashed already. It varies between processes,
    # but a RunContext lives and dies in one.)
    return hash(key(text))


class RunContext:
    """Short lines seen across the pages of one run, to find the site template.

    Holds one hash (`_hash`) per distinct short line and page count (bounded by `max_entries`;
    when full, lines seen once are dropped), so memory stays flat as the run grows.
    """

    def __init__(self, max_entries: int = 200_000) -> None:
        self.counts: Counter[int] = Counter()
        self.pages = 0
        self.max_entries = max_entries
        self._page_hashes: set[int] = set()

    def add_page(self, text: str) -> None:
        """Count the page's distinct short lines (identical pages count once)."""
        page_hash = zlib.crc32(text.encode("utf-8", "surrogatepass"))
        if page_hash in self._page_hashes:
            return
        self._page_hashes.add(page_hash)
        self.pages += 1
        # (is_short inlined: this runs on every line of every page of the run.)
        shorts = [t for t in map(str.strip, text.splitlines())
                  if t and len(t) <= MAX_SHORT_CHARS and t.count(" ") < MAX_SHORT_WORDS]
        if shorts:
            # key() of every short line: squashed first only when one needs it, in one call
            # over the lines joined by NUL (no white space), see textnorm.squash; a line holding
            # NUL is unprintable, and keyed on its own. Then case folded line by line (the ASCII
            # fast path for most lines, where the page in one string takes the slow one).
            whole = "".join(shorts)
            if whole.isprintable() and "  " not in whole:
                keys = list(map(str.casefold, shorts))
            elif "\0" not in whole:
                keys = list(map(str.casefold, " ".join("\0".join(shorts).split()).split("\0")))
            else:
                keys = list(map(key, shorts))
            self.counts.update(set(map(hash, set(keys))))  # = map(_hash, ...), see _hash
        if len(self.counts) > self.max_entries:
            # (Rebuilt, not deleted from: Counter's __delitem__ is Python code per entry.)
            self.counts = Counter({h: n for h, n in self.counts.items() if n >= 2})

    def shared(self, text: str) -> bool:
        """The line occurs on at least two distinct pages of the run."""
        return self.counts.get(_hash(text), 0) >= 2


def template_lines(
    texts: list[str], blocks: list[int], ctx: RunContext | None,
    breakers: list[bool] | None = None, *, keys: list[str] | None = None,
) -> set[int]:
    """Indices (into the non-blank lines `texts`, in blocks `blocks`) of the site template.

    A template run is three or more consecutive short lines that all occur on other pages of the
    run. Up to two small blocks (one or two lines each) ending a run are spared: that is where a
    repeated article's [caption] category / title sit when one article is on two pages.
    """
    if ctx is None or ctx.pages < 2:
        return set()
    # Lines already known as chrome (`breakers`: share rows, counters) end a run, so a post's
    # header right after a footer is judged on its own lines.
    # (`keys`: the texts' ch.key, when the caller has them, so no line is folded twice.)
    counts = ctx.counts
    if keys is None:
        keys = list(map(key, texts))
    # (is_short inlined, and the hash taken only of the short lines that are no breakers, and
    # looked up in maps of C functions.)
    short = [k for k, t in enumerate(texts) if len(t) <= MAX_SHORT_CHARS
             and t.count(" ") < MAX_SHORT_WORDS and not (breakers and breakers[k])]
    flags = [False] * len(texts)
    seen = map(counts.get, map(hash, map(keys.__getitem__, short)), repeat(0))  # (_hash)
    for k in compress(short, map((2).__le__, seen)):
        flags[k] = True
    out: set[int] = set()
    for i, j in true_runs(flags):
        if j - i >= 3:
            end = j
            for _ in range(2):
                start = end
                while start > i and blocks[start - 1] == blocks[end - 1]:
                    start -= 1
                if end - start > 2:
                    break
                end = start
            out.update(range(i, end))
    return out
