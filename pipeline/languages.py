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


#: Plural-Forms per language, decided here rather than inherited from whichever Babel is installed:
#: Babel 2.19 (CLDR 48) changed Persian from one form to two and moved Arabic's forms 4 and 5, so an
#: upgrade silently changed what `po export` wrote and what translators' msgstr[4]/[5] meant.
#: The rules are CLDR's current ones; Arabic's forms are in the order the GNU gettext manual gives
#: (0 zero, 1 one, 2 two, 3 few: 3-10, 4 many: 11-99, 5 other: 100-102, ...).
PLURAL_FORMS: dict[str, str] = {
    "en": "nplurals=2; plural=(n != 1);",
    "fa": "nplurals=2; plural=(n > 1);",
    "sq": "nplurals=2; plural=(n != 1);",
    "ar": (
        "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3"
        " : n%100>=11 ? 4 : 5);"
    ),
}


def plural_forms(code: str) -> str:
    """The gettext Plural-Forms header value for the language.

    Pinned in PLURAL_FORMS for the languages we publish; other languages fall back to Babel.

    >>> plural_forms("fa")
    'nplurals=2; plural=(n > 1);'
    """
    pinned = PLURAL_FORMS.get(code) or PLURAL_FORMS.get(str(locale(code).language))
    if pinned:
        return pinned
    from babel.messages.plurals import get_plural

    return get_plural(locale(code)).plural_forms


def nplurals(code: str) -> int:
    """How many plural forms the language's Plural-Forms header declares."""
    return int(plural_forms(code).split(";", 1)[0].split("=", 1)[1])


def plural_forms_mismatch(code: str, header: str) -> str | None:
    """Why a catalog's Plural-Forms header means something else than the pinned rule, or None.

    Compared by meaning (the form each count 0-1099 gets), so spacing and parentheses do not
    matter but a changed count or a moved Arabic form does.

    >>> plural_forms_mismatch("fa", "nplurals=2; plural=n>1;") is None
    True
    >>> plural_forms_mismatch("fa", "nplurals=1; plural=0;")
    'Plural-Forms says nplurals=1 but fa has 2 forms (nplurals=2; plural=(n > 1);)'
    """
    import gettext
    import re

    want = plural_forms(code)
    m = re.match(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*$", header or "")
    if m is None:
        return f"Plural-Forms {header!r} cannot be read; {code} uses {want}"
    if int(m.group(1)) != nplurals(code):
        return f"Plural-Forms says nplurals={m.group(1)} but {code} has {nplurals(code)} forms ({want})"
    try:
        theirs = gettext.c2py(m.group(2))
    except (ValueError, SyntaxError, RecursionError):
        return f"Plural-Forms expression {m.group(2)!r} cannot be evaluated; {code} uses {want}"
    ours = gettext.c2py(want.split("plural=", 1)[1].rstrip(";"))
    for n in range(1100):
        try:
            if theirs(n) != ours(n):
                return (f"Plural-Forms gives form {theirs(n)} for n={n} where {code} uses form "
                        f"{ours(n)} ({want})")
        except (ArithmeticError, TypeError, ValueError):
            return f"Plural-Forms expression {m.group(2)!r} fails for n={n}; {code} uses {want}"
    return None
