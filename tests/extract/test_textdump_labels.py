"""Text dumps of article pages: widget labels and buttons in any language are not body text."""

from __future__ import annotations

from pipeline.extract.textdump import split_page
from tests.extract.pages import PIER_BODY, PIER_LEAD, dump_texts

MENU = "Havnetidende\n  • Forside\n  • Nyheder\n  • Sport\n\n"
HEAD = "North pier to be rebuilt\nMarch 4, 2024\n\n"


def test_a_button_label_the_page_prints_again_is_dropped_from_the_body() -> None:
    # `Bestil nu` (a button) sits between paragraphs and again in the sidebar; nothing says it
    # is a button but that it is a short non-sentence the page repeats.
    page = (MENU + HEAD + PIER_LEAD + "\n\nBestil nu\n\n" + "\n\n".join(PIER_BODY)
            + "\n\nBestil nu\nKontakt\nOm os\n")
    assert dump_texts(page) == [PIER_LEAD, *PIER_BODY]


def test_a_caption_printed_twice_in_the_article_stays() -> None:
    cap = "The north pier after the storms"
    page = MENU + HEAD + "\n\n".join([PIER_LEAD, cap, cap, *PIER_BODY]) + "\n"
    texts = dump_texts(page)
    assert cap in texts and PIER_LEAD in texts and texts[-1] == PIER_BODY[-1]


def test_a_subheading_printed_once_stays() -> None:
    page = MENU + HEAD + "\n\n".join([PIER_LEAD, "Money from reserves", *PIER_BODY]) + "\n"
    assert dump_texts(page) == [PIER_LEAD, "Money from reserves", *PIER_BODY]


def test_a_tag_list_over_the_text_is_not_taken_for_the_headline() -> None:
    # The tags echo the lead's words more than the headline does; their shape says they are
    # no headline.
    page = (MENU + "Money found at last for the repairs\n\n"
            "Harbour board, North pier, Storms, Boats\n\n" + "\n\n".join([PIER_LEAD, *PIER_BODY]) + "\n")
    (d,) = split_page(page)
    assert d.title == "Money found at last for the repairs"


def test_a_one_or_two_word_label_over_no_paragraph_is_dropped() -> None:
    # (over a prompt or a button: a label right over a paragraph reads as its subheading)
    page = MENU + HEAD + "\n\n".join([PIER_LEAD, "Nyhedsbrev", "Tilmeld dig i dag.", *PIER_BODY]) + "\n"
    texts = dump_texts(page)
    assert "Nyhedsbrev" not in texts
    assert [t for t in texts if len(t) > 40] == [PIER_LEAD, *PIER_BODY]


def test_a_short_caption_over_its_credit_stays() -> None:
    page = MENU + HEAD + "\n\n".join([PIER_LEAD, "Old press", "Photo archive", *PIER_BODY]) + "\n"
    assert "Old press" in dump_texts(page)


def test_a_short_heading_over_a_list_or_a_paragraph_stays() -> None:
    items = "  • two new piles\n  • a wider deck\n  • lights at the end"
    page = MENU + HEAD + "\n\n".join([PIER_LEAD, "The plans", items, "Money", *PIER_BODY]) + "\n"
    texts = dump_texts(page)
    assert "The plans" in texts and "Money" in texts and "a wider deck" in " ".join(texts)
