"""Small made-up pages for the extract tests (a fictional site; no corpus text)."""

from __future__ import annotations

NAV = """Hilltop Gazette
  • Home
  • Town
  • Sport
  • Weather
"""
FOOT = """Older Posts

  • Twitter
  • Instagram

© 2025 Hilltop Gazette. All rights reserved.
Back To Top
"""


def post(caption: str | None, category: str, title: str, paras: list[str], byline: str | None,
         date: str, comments: int = 0, teaser: bool = False) -> str:
    head = (f"{caption}\n" if caption else "") + f"{category}\n\n{title}\n\n"
    body = "\n\n".join(paras) + "\n\n"
    if teaser:
        body += "Continue Reading\n"
    if byline:
        body += f"{byline}\n\n"
    return head + body + f"{date}  {comments} comments\nShareTweetPinEmail\n"


ORCHARD = [
    "The orchard on Pine Hill opened its gates to school classes for the first time this week.",
    "Children picked three kinds of apples and pressed their own juice in the old barn.",
    "Old press",
    "The barn in 1920",
    "Farmer Ruth Ames said the visits would continue every Thursday until the end of October.",
]
BRIDGE = [
    "Engineers closed the stone bridge on Mill Lane after finding cracks in two of its arches.",
    "Drivers are asked to use the ring road while divers inspect the river bed below.",
]


def listing(teaser: bool = False) -> str:
    return (
        NAV
        + post("Apple harvest", "Town", "Pupils learn to press apple juice", ORCHARD, "Lena Ortiz",
               "October 2, 2025", 3)
        + post(None, "Roads", "Stone bridge closed for repairs", BRIDGE, None,
               "September 30, 2025", teaser=teaser)
        + FOOT
        + NAV
    )


def article_page(title: str, paras: list[str]) -> str:
    return (NAV + f"Home » Town » {title}\n\n{title}\n\n" + "\n\n".join(paras)
            + "\n\nYou may also like\n\nLeave a Comment\n")
