"""Per-language punctuation, digit and letter facts the checks use, kept in this one place."""

from __future__ import annotations

from types import MappingProxyType

# End-of-sentence marks grouped by what they mean: a Persian or Arabic question mark is a
# question mark. Only the meaning is compared, so ? and ؟ match but ? and . do not.
END_MARKS: MappingProxyType[str, str] = MappingProxyType({
    "?": "question", "\u061f": "question", "\u2e2e": "question",  # ? ؟ ⸮
    "!": "exclamation",
    ".": "full stop", "\u06d4": "full stop", "\u3002": "full stop",  # . ۔ 。
    ",": "comma", "\u060c": "comma",  # , ،
    ";": "semicolon", "\u061b": "semicolon",  # ; ؛
    ":": "colon",
    "\u2026": "ellipsis",  # …
})

# How messages name each meaning.
MEANING_NAMES = {
    "question": "a question mark", "exclamation": "an exclamation mark", "full stop": "a full stop",
    "comma": "a comma", "semicolon": "a semicolon", "colon": "a colon", "ellipsis": "an ellipsis",
}

# The mark each language writes for a meaning, where it differs from the Latin one.
_OWN_MARKS: dict[str, dict[str, str]] = {
    "fa": {"question": "\u061f", "comma": "\u060c", "semicolon": "\u061b"},
    "ar": {"question": "\u061f", "comma": "\u060c", "semicolon": "\u061b"},
    "ur": {"question": "\u061f", "comma": "\u060c", "semicolon": "\u061b", "full stop": "\u06d4"},
}
_LATIN_MARKS = {"question": "?", "exclamation": "!", "full stop": ".", "comma": ",",
                "semicolon": ";", "colon": ":", "ellipsis": "…"}

# Closing quotes and brackets that may sit after the end mark in either order.
CLOSERS = "\"'\u201d\u2019\u00bb\u00ab\u203a)]} \t\n\u00a0"

# Digits of every numbering system our languages use, mapped to 0-9 (Latin, Arabic-Indic ٠-٩,
# Extended Arabic-Indic / Persian ۰-۹).
DIGIT_CHARS = "0-9\u0660-\u0669\u06f0-\u06f9"
TO_LATIN_DIGITS = str.maketrans(
    {**{chr(0x0660 + i): str(i) for i in range(10)}, **{chr(0x06F0 + i): str(i) for i in range(10)}}
)
# Characters that separate digit groups inside one number: . , and the Arabic decimal (٫ U+066B)
# and thousands (٬ U+066C) separators, apostrophe and the no-break spaces some locales group with.
NUMBER_SEPARATORS = ".,\u066b\u066c'\u2019\u00a0\u202f"

# Letters that only Arabic writes where Persian has its own: yeh ي and kaf ك (Persian ی ک).
ARABIC_ONLY_IN_PERSIAN = {"\u064a": "\u06cc", "\u0643": "\u06a9"}
# Letters of Persian that Arabic does not use: پ چ ژ گ ک ی.
PERSIAN_ONLY = "\u067e\u0686\u0698\u06af\u06a9\u06cc"


def end_mark(meaning: str, lang: str) -> str:
    """The mark `lang` ends a sentence of this meaning with.

    >>> end_mark("question", "fa")
    '؟'
    >>> end_mark("question", "sq")
    '?'
    """
    return _OWN_MARKS.get(lang.split("_")[0], {}).get(meaning, _LATIN_MARKS.get(meaning, ""))


# The commonest English function words: about a third of running English text and next to none
# of Albanian (or other Latin-script target) text, so their share tells English left in a
# translation apart from a few kept names.
ENGLISH_FUNCTION_WORDS = frozenset(
    "the of and to in is was that for with on as by at from it this be are were has have had "
    "which not but or an will would their its they he she his her said".split()
)
