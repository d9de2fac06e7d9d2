"""Folding of text into matching keys (TM, de-duplication, ids, checks); stored text is never folded."""

from __future__ import annotations

import re
import unicodedata

# Arabic-script letters that differ between Persian and Arabic keyboards, and the three digit sets.
_FOLD_TABLE = str.maketrans(
    {
        "\u064a": "\u06cc",  # Arabic yeh -> Persian yeh
        "\u0649": "\u06cc",  # alef maksura -> Persian yeh
        "\u0643": "\u06a9",  # Arabic kaf -> Persian keheh
        "\u0640": None,  # tatweel (kashida) is decoration
        "\u200c": " ",  # ZWNJ: a word-internal break, spelled either way
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Extended (Persian) digits
        # Directional marks carry no meaning for matching.
        **{c: None for c in "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067"
           "\u2068\u2069\ufeff"},
    }
)
#: Any character the table changes: str.translate walks a dict per character, so it is run
#: only on text that has one (Arabic-script text; not English with curly quotes).
_FOLD_CHARS = re.compile("[" + "".join(re.escape(chr(c)) for c in _FOLD_TABLE) + "]")
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """A key that is equal for texts a reader would call the same.

    >>> fold("  Hello,\\u00a0 World ") == fold("hello, world")
    True
    >>> fold("كتاب ۱۹۸۸") == fold("کتاب 1988")
    True
    """
    if text.isascii():  # most English text: nothing to normalise or translate (same result)
        return squash(text).casefold()
    text = unicodedata.normalize("NFKC", text)
    if _FOLD_CHARS.search(text):
        text = text.translate(_FOLD_TABLE)
    return squash(text).casefold()


def squash(text: str) -> str:
    """`" ".join(text.split())`: white space runs made one space, ends stripped.

    Text that needs none (single inner spaces only, as extracted units are) is returned as it
    is, found without splitting it: every white space character but the space is unprintable.

    >>> squash(" a \u00a0 b\t"), squash("a b")
    ('a b', 'a b')
    """
    if text.isprintable() and "  " not in text and not text.startswith(" ") \
            and not text.endswith(" "):
        return text
    # str.split() splits on exactly the characters \s matches; join is faster than re.sub.
    return " ".join(text.split())


def squash_space(text: str) -> str:
    """Collapse runs of white space and strip, keeping everything else as written."""
    return _SPACE.sub(" ", text).strip()
