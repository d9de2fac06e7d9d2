"""Publication dates as each edition writes them: Babel's long format, the locale's own digits."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from babel.dates import format_date

from pipeline import languages

SOLAR_HIJRI = "solar_hijri"


def parse_iso(value: str | None) -> dt.date | None:
    """The calendar date of an ISO date or date-time string; None when absent or not a date.

    >>> parse_iso("2024-05-01T10:00:00Z")
    datetime.date(2024, 5, 1)
    >>> parse_iso("yesterday") is None
    True
    """
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def format_day(day: dt.date, lang: str, calendar: str = "gregorian") -> str:
    """A date for readers of `lang`, e.g. '۱ مهٔ ۲۰۲۴' (fa) or '1 maj 2024' (sq).

    `calendar="solar_hijri"` gives Persian readers the Solar Hijri date ('۱۲ اردیبهشت ۱۴۰۳').
    """
    if calendar == SOLAR_HIJRI and lang.split("_")[0] == "fa":
        import jdatetime

        jday = jdatetime.date.fromgregorian(date=day, locale="fa_IR")
        text = f"{jday.day} {jday.j_months_fa[jday.month - 1]} {jday.year}"
    else:
        text = format_date(day, format="long", locale=languages.locale(lang))
    return languages.localize_digits(text, lang)


def format_number(n: int, lang: str) -> str:
    """A whole number in the language's own digits (no grouping: counts stay short)."""
    return languages.localize_digits(str(n), lang)
