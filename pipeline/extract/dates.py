"""Printed dates: find a date in a line, keep its text, and give an ISO date when it parses."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache


@lru_cache(maxsize=1)
def _months() -> dict[str, int]:
    """English month names and abbreviations from CLDR (Babel), lower-cased -> month number."""
    from babel.dates import get_month_names

    names: dict[str, int] = {}
    for width in ("wide", "abbreviated"):
        for ctx in ("format", "stand-alone"):
            for num, name in get_month_names(width, ctx, locale="en").items():
                names[name.lower().rstrip(".")] = num
    names["sept"] = 9
    return names


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], ...]:
    month = "|".join(sorted((re.escape(m) for m in _months()), key=len, reverse=True))
    day = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
    mdy = re.compile(rf"\b(?P<m>{month})\.?\s+{day},?\s+(?P<y>(?:19|20)\d\d)\b", re.I)
    dmy = re.compile(rf"\b{day}\s+(?:of\s+)?(?P<m>{month})\.?,?\s+(?P<y>(?:19|20)\d\d)\b", re.I)
    iso = re.compile(r"\b(?P<y>(?:19|20)\d\d)([-/.])(?P<m>[01]?\d)\2(?P<d>[0-3]?\d)\b")
    # 08/03/2024 or 8.3.2024: ISO only when day and month cannot be swapped (one is > 12).
    num = re.compile(r"\b(?P<a>[0-3]?\d)[./](?P<b>[01]?\d)[./](?P<y>(?:19|20)\d\d)\b")
    return mdy, dmy, iso, num


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
#: What every line find_date finds a date in matches (_YEAR without its first test, which keeps
#: the regex engine from jumping to the digits): to find a page's dated lines in one search.
YEAR_HINT = re.compile(r"19\d\d\b|20\d\d\b")
YEAR_STARTS = ("19", "20")  # what each YEAR_HINT match starts with (see chromescan.Rule.starts)


@lru_cache(maxsize=16384)  # the same line is asked about by several rules of a page
def find_date(text: str) -> tuple[str, str | None] | None:
    """The first date printed in `text` as (printed text, ISO date or None).

    >>> find_date("August 8, 2018 0 comments")
    ('August 8, 2018', '2018-08-08')
    >>> find_date("Posted 3rd March 2024 by Ann")
    ('3rd March 2024', '2024-03-03')
    >>> find_date("no date here") is None
    True
    >>> find_date("25/12/2023"), find_date("03/04/2023")
    (('25/12/2023', '2023-12-25'), ('03/04/2023', None))
    >>> find_date("2023/03/14"), find_date("Tuesday, 14 March, 2023 at 9:40 a.m.")
    (('2023/03/14', '2023-03-14'), ('14 March, 2023', '2023-03-14'))
    """
    # Every pattern holds a year between word boundaries: most lines have none (cheap tests
    # first, the four patterns only on lines that pass).
    if ("19" not in text and "20" not in text) or not _YEAR.search(text):
        return None
    best: tuple[int, str, str | None] | None = None
    for pat in _patterns():
        m = pat.search(text)
        if m is None or (best is not None and m.start() >= best[0]):
            continue
        groups = m.groupdict()
        if "a" in groups:
            a, b = int(groups["a"]), int(groups["b"])
            day, month = (a, b) if a > 12 >= b else (b, a) if b > 12 >= a else (0, 0)
        else:
            mon = m.group("m")
            month = int(mon) if mon.isdigit() else _months().get(mon.lower().rstrip("."), 0)
            day = int(m.group("d"))
        try:
            iso: str | None = date(int(m.group("y")), month, day).isoformat()
        except ValueError:
            iso = None
        best = (m.start(), m.group(0), iso)
    return None if best is None else (best[1], best[2])


def parse_iso(value: object) -> str | None:
    """An ISO date from a front-matter value (date object, or text in a known format)."""
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, str):
        found = find_date(value)
        return found[1] if found else None
    return None
