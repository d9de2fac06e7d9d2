"""Text dumps of article pages: widget labels and buttons in any language are not body text."""

from __future__ import annotations

from pipeline.extract.textdump import split_page

MENU = "Havnetidende\n  • Forside\n  • Nyheder\n  • Sport\n\n"
LEAD = ("The harbour board agreed on Monday to rebuild the north pier, which has been closed to "
        "boats since the storms of last winter damaged two of its piles.")
BODY = [
    "Work will start in April and should be finished before the summer season, when the ferry "
    "to the islands needs the pier for its larger boats and the crowds they bring.",
    "The board will pay for most of the repairs from its reserves, and the town council has "
    "offered a loan for the rest, to be paid back from mooring fees over ten years.",
    "Fishermen said they were relieved: since the pier closed they have had to land their "
    "catch at the south quay, which is crowded and far from the fish market.",
]
HEAD = "North pier to be rebuilt\nMarch 4, 2024\n\n"


def _texts(page: str) -> list[str]:
    (d,) = split_page(page)
    return [t for _, t in d.parts]


def test_a_button_label_the_page_prints_again_is_dropped_from_the_body() -> None:
    # `Bestil nu` (a button) sits between paragraphs and again in the sidebar; nothing says it
    # is a button but that it is a short non-sentence the page repeats.
    page = (MENU + HEAD + LEAD + "\n\nBestil nu\n\n" + "\n\n".join(BODY)
            + "\n\nBestil nu\nKontakt\nOm os\n")
    assert _texts(page) == [LEAD, *BODY]


def test_a_caption_printed_twice_in_the_article_stays() -> None:
    cap = "The north pier after the storms"
    page = MENU + HEAD + "\n\n".join([LEAD, cap, cap, *BODY]) + "\n"
    texts = _texts(page)
    assert cap in texts and LEAD in texts and texts[-1] == BODY[-1]


def test_a_subheading_printed_once_stays() -> None:
    page = MENU + HEAD + "\n\n".join([LEAD, "Money from reserves", *BODY]) + "\n"
    assert _texts(page) == [LEAD, "Money from reserves", *BODY]


def test_a_tag_list_over_the_text_is_not_taken_for_the_headline() -> None:
    # The tags echo the lead's words more than the headline does; their shape says they are
    # no headline.
    page = (MENU + "Money found at last for the repairs\n\n"
            "Harbour board, North pier, Storms, Boats\n\n" + "\n\n".join([LEAD, *BODY]) + "\n")
    (d,) = split_page(page)
    assert d.title == "Money found at last for the repairs"
