"""Text dumps: what the article's text introduces with a colon (code, a table) is no box."""

from __future__ import annotations

from pipeline.extract.textdump import split_page

MENU = "Harbour Times\n  • Home\n  • News\n  • Sport\n\n"
LEAD = ("The harbour board agreed on Monday to publish the tide tables as a small program, so "
        "that skippers can print the times for their own berth; its settings file is short.")
BODY = [
    "Work will start in April and should be finished before the summer season, when the ferry "
    "to the islands needs the pier for its larger boats and the crowds they bring.",
    "The board will pay for most of the repairs from its reserves, and the town council has "
    "offered a loan for the rest, to be paid back from mooring fees over ten years.",
]
CODE = ["[tides]", "port = north", "berth = 12", "units = metres", "print = daily",
        "format = table", "language = en", "margin = 2"]


def test_a_code_block_the_text_introduces_stays_between_headline_and_text() -> None:
    page = (MENU + "Tide tables as a program\nMarch 4, 2024\n\n" + LEAD
            + "\n\nThe settings look like this:\n" + "\n".join(CODE) + "\n\n"
            + "\n\n".join(BODY * 2) + "\n")
    (d,) = split_page(page)
    texts = [t for _, t in d.parts]
    assert d.title == "Tide tables as a program"
    assert texts[0] == LEAD and "berth = 12" in texts and texts[-1] == BODY[-1]


def test_a_box_of_short_lines_without_a_colon_over_it_is_still_dropped() -> None:
    box = "\n".join(f"Job {n}: harbour pilot (m/f)\nPort town {n}\nApply" for n in range(12))
    page = (MENU + "Tide tables as a program\nMarch 4, 2024\n\n" + LEAD + "\n\nJobs\n" + box
            + "\n\n" + "\n\n".join(BODY * 2) + "\n")
    (d,) = split_page(page)
    texts = [t for _, t in d.parts]
    assert texts[0] == LEAD and texts[1:] == BODY * 2
