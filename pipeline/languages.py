"""Babel-backed facts about the languages we handle: validation, direction, names, digits, plurals."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global

from pipeline.errors import ConfigError

# Zero code points of the decimal numbering systems CLDR names; Babel names the system but does
# not ship its digits, and each of these is a contiguous Unicode run starting at zero.
_ZERO = {"latn": 0x30, "arab": 0x660, "arabext": 0x6F0, "deva": 0x966, "beng": 0x9E6}


@lru_cache(maxsize=64)
def locale(code: str) -> Locale:
    """The Babel locale for a language code; raises ConfigError for an unknown code."""
    try:
        loc = Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise ConfigError(f"unknown language code {code!r} (use a code Babel knows, like fa)") from exc
    return loc


def validate(code: str) -> str:
    """Return the code unchanged if Babel knows it."""
    locale(code)
    return code


def direction(code: str) -> str:
    """'rtl' or 'ltr', from CLDR's character order."""
    return "rtl" if locale(code).character_order == "right-to-left" else "ltr"


def is_rtl(code: str) -> bool:
    """True for right-to-left languages (fa, ar)."""
    return direction(code) == "rtl"


def native_name(code: str) -> str:
    """The language's own name for itself (فارسی, العربية, shqip, English)."""
    loc = locale(code)
    return loc.get_display_name(loc) or code


def english_name(code: str) -> str:
    """The English name of the language (for messages and reports)."""
    return locale(code).get_display_name("en") or code


def script(code: str) -> str:
    """The ISO 15924 script the language is usually written in (Arab, Latn, ...)."""
    loc = locale(code)
    if loc.script:
        return str(loc.script)
    likely = get_global("likely_subtags").get(str(loc.language), "")
    parts = likely.split("_")
    return parts[1] if len(parts) > 2 else "Latn"


def numbering_system(code: str) -> str:
    """The language's own (CLDR "native") numbering system: arabext for fa, arab for ar.

    CLDR's default for plain `ar` is Latin digits; editions want the script's own digits.
    """
    loc = locale(code)
    system = loc.other_numbering_systems.get("native") or loc.default_numbering_system or "latn"
    return system if system in _ZERO else "latn"


def digits(code: str) -> str:
    """The ten digits the language writes numbers with.

    >>> digits("fa")
    '۰۱۲۳۴۵۶۷۸۹'
    >>> digits("sq")
    '0123456789'
    """
    zero = _ZERO[numbering_system(code)]
    return "".join(chr(zero + i) for i in range(10))


def localize_digits(text: str, code: str) -> str:
    """Replace Latin digits by the language's own digits (Babel formats, but leaves 0-9)."""
    own = digits(code)
    if own == "0123456789":
        return text
    return text.translate(str.maketrans("0123456789", own))


def plural_forms(code: str) -> str:
    """The gettext Plural-Forms header value for the language, from Babel."""
    from babel.messages.plurals import get_plural

    return get_plural(locale(code)).plural_forms
