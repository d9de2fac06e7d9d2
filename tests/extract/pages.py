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


#: A harbour story's lead and body, for the text-dump region and label tests.
PIER_LEAD = ("The harbour board agreed on Monday to rebuild the north pier, which has been closed "
             "to boats since the storms of last winter damaged two of its piles.")
PIER_BODY = [
    "Work will start in April and should be finished before the summer season, when the ferry "
    "to the islands needs the pier for its larger boats and the crowds they bring.",
    "The board will pay for most of the repairs from its reserves, and the town council has "
    "offered a loan for the rest, to be paid back from mooring fees over ten years.",
    "Fishermen said they were relieved: since the pier closed they have had to land their "
    "catch at the south quay, which is crowded and far from the fish market.",
]


def dump_texts(page: str) -> list[str]:
    """The texts of the one article `split_page` finds in a text dump."""
    from pipeline.extract.textdump import split_page

    (d,) = split_page(page)
    return [t for _, t in d.parts]
