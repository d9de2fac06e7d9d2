"""Text dumps of article pages: where the article's text starts and ends, and what is not a post."""

from __future__ import annotations

import pytest

from pipeline.extract.chrome import is_control
from pipeline.extract.textdump import split_page
from tests.extract.pages import PIER_BODY, PIER_LEAD, dump_texts

MENU = "Harbour Times\n  • Home\n  • News\n  • Sport\n\n"


def test_link_labels_below_the_text_are_dropped_and_a_closing_sentence_kept() -> None:
    page = (MENU + "North pier to be rebuilt\nMarch 4, 2024\n\n" + "\n\n".join([PIER_LEAD, *PIER_BODY])
            + "\n\nThe pier reopens in June.\n\nMore on this topic\nPrint this page\n"
            "Harbour news in brief\n")
    texts = dump_texts(page)
    assert texts == [PIER_LEAD, *PIER_BODY, "The pier reopens in June."]


def test_read_next_teasers_under_an_article_do_not_split_it() -> None:
    teasers = "".join(
        f"\n\n{title}\nA short summary of the story about {title.lower()} goes here for now.\n"
        "Read more\n" for title in ("Ferry fares rise", "New lighthouse keeper", "Beach cleaned"))
    page = MENU + "North pier to be rebuilt\nMarch 4, 2024\n\n" + "\n\n".join([PIER_LEAD, *PIER_BODY]) \
        + "\n\nRead this next" + teasers
    drafts = split_page(page)
    assert [d.title for d in drafts] == ["North pier to be rebuilt"]
    texts = [t for _, t in drafts[0].parts]
    assert texts[:4] == [PIER_LEAD, *PIER_BODY]
    # (The first teaser is cut off with the article by the first `Read more`; the others go.)
    assert not any("lighthouse" in t or "beach" in t for t in texts)


def test_article_cut_by_a_box_of_short_lines_starts_at_its_headline() -> None:
    box = "\n".join(f"Job {n}: harbour pilot (m/f)\nPort town {n}\nApply" for n in range(12))
    page = (MENU + "North pier to be rebuilt\nMarch 4, 2024\n\n" + PIER_LEAD + "\n\nJobs\n" + box
            + "\n\n" + "\n\n".join(PIER_BODY * 2))
    (d,) = split_page(page)
    texts = [t for _, t in d.parts]
    assert d.title == "North pier to be rebuilt"
    assert texts[0] == PIER_LEAD and texts[1:] == PIER_BODY * 2


@pytest.mark.parametrize("dateline", ["Publié le 4 mars 2024", "4. März 2024 | 10:15"])
def test_article_cut_by_a_box_starts_at_its_headline_over_a_dateline_in_any_language(
        dateline: str) -> None:
    box = "\n".join(f"Job {n}: harbour pilot (m/f)\nPort town {n}\nApply" for n in range(12))
    page = (MENU + f"North pier to be rebuilt\n{dateline}\n\n" + PIER_LEAD + "\n\nJobs\n" + box
            + "\n\n" + "\n\n".join(PIER_BODY * 2))
    (d,) = split_page(page)
    texts = [t for _, t in d.parts]
    assert d.title == "North pier to be rebuilt"
    assert texts[0] == PIER_LEAD and texts[-len(PIER_BODY) * 2:] == PIER_BODY * 2


def test_article_cut_by_several_boxes_starts_at_its_headline() -> None:
    def box(k: int) -> str:
        return "\n\nJobs\n" + "\n".join(f"Job {k}{n}: pilot (m/f)\nPort {k}{n}\nApply" for n in range(6))
    page = (MENU + "North pier to be rebuilt\nMarch 4, 2024\n\n" + PIER_LEAD
            + "".join(box(k) + "\n\n" + p for k, p in enumerate(PIER_BODY)) + box(9) + "\n\n"
            + "\n\n".join(PIER_BODY * 2))
    (d,) = split_page(page)
    texts = [t for _, t in d.parts]
    assert d.title == "North pier to be rebuilt"
    assert texts[0] == PIER_LEAD and texts[-len(PIER_BODY) * 2:] == PIER_BODY * 2


def test_paragraph_above_a_subheading_stays_body() -> None:
    page = (MENU + "[photo]\n\n" + PIER_LEAD + "\n\nWhat happens next\n\n" + "\n\n".join(PIER_BODY))
    texts = dump_texts(page)
    assert texts[0] == PIER_LEAD and PIER_BODY[-1] in texts


def test_event_list_under_a_footerless_article_is_not_a_listing() -> None:
    events = "".join(f"\n\n{name}\n{day} May 2024\nAt the harbour.\n"
                     for name, day in (("Boat parade", 3), ("Fish market day", 10)))
    page = (MENU + "North pier to be rebuilt\n\n" + "\n\n".join([PIER_LEAD, *PIER_BODY])
            + "\n\nEvents" + events)
    drafts = split_page(page)
    assert len(drafts) == 1
    assert [t for _, t in drafts[0].parts][:4] == [PIER_LEAD, *PIER_BODY]


@pytest.mark.parametrize(("line", "control"), [
    ("(BUTTON) Subscribe", True),
    ("Search ____________________ (BUTTON) Search", True),
    ("[ ] Remember me", True),
    ("IFRAME: https://example.org/embed", True),
    ("Advertisement [INS: :INS]", True),
    ("[6] ibid", False),
    ("[harbour.jpg]", False),
    ("[ ] Send me an email when someone replies to my comment on this article.", False),
])
def test_form_controls_and_frames_are_chrome(line: str, control: bool) -> None:
    assert is_control(line) is control


def test_read_more_link_between_paragraphs_is_dropped_and_the_text_goes_on() -> None:
    page = (MENU + "North pier to be rebuilt\nMarch 4, 2024\n\n" + PIER_LEAD + "\n\n" + PIER_BODY[0]
            + "\n\nRead more: Storm damage along the coast\n\nWhat the fishermen say\n\n"
            + "\n\n".join(PIER_BODY[1:]))
    texts = dump_texts(page)
    assert texts == [PIER_LEAD, PIER_BODY[0], "What the fishermen say", *PIER_BODY[1:]]


def test_read_more_link_under_the_last_paragraph_ends_the_article() -> None:
    page = (MENU + "North pier to be rebuilt\nMarch 4, 2024\n\n" + "\n\n".join([PIER_LEAD, *PIER_BODY])
            + "\n\nRead more: Storm damage along the coast\nA look back at the winter storms "
            "that closed the pier, with pictures from readers and the harbour board's own.\n")
    assert dump_texts(page) == [PIER_LEAD, *PIER_BODY]


def test_long_text_below_a_comment_form_does_not_replace_a_short_article() -> None:
    form = ("Leave a reply\nName ____________________\nEmail ____________________\n"
            "Website ____________________\n[ ] Notify me of new posts\n(BUTTON) Post comment\n")
    about = ("This blog is written by a retired harbour master who has spent forty years on the "
             "quays of the north coast, and who still rows out to the pier every morning. ") * 4
    # (No dateline under the headline: nothing but the form tells the two texts apart.)
    page = (MENU + "North pier to be rebuilt\n\n" + PIER_LEAD + "\n\n" + PIER_BODY[0]
            + "\n\n" + form + "\nAbout this blog\n\n" + about + "\n\n" + about + "\n")
    (d,) = split_page(page)
    assert d.title == "North pier to be rebuilt"
    assert [t for _, t in d.parts] == [PIER_LEAD, PIER_BODY[0]]



def test_lynx_link_elements_block_counts_no_text_when_choosing_the_article() -> None:
    # A site with many feeds prints a longer block of them than a short article's text; counted
    # as text it would be the "article" above the form, and the article below it damped.
    topics = ("Boats", "Ferries", "Weather", "Tides", "Fishing", "Markets", "Town", "Sport",
              "Harbour works", "Letters", "Events", "Photos")
    feeds = " ".join(f"Harbour Times » {t} Feed" for t in topics)
    form = ("Leave a reply\nName ____________________\nEmail ____________________\n"
            "Website ____________________\n[ ] Notify me of new posts\n(BUTTON) Post comment\n")
    about = ("This blog is written by a retired harbour master who has spent forty years on the "
             "quays of the north coast, and who still rows out to the pier every morning to see "
             "how the builders, the gulls and the ferry crews are getting on with their day.")
    menu = MENU + "".join(f"  • {t}\n" for t in topics) + "\n"
    page = ("   #alternate " + feeds + "\n\n" + menu + "North pier to be rebuilt\n\n" + PIER_LEAD
            + "\n\n" + PIER_BODY[0] + "\n\n" + form + "\nAbout this blog\n\n" + about + "\n")
    assert len(feeds) > len(PIER_LEAD + PIER_BODY[0])
    (d,) = split_page(page)
    assert d.title == "North pier to be rebuilt"
    assert [t for _, t in d.parts] == [PIER_LEAD, PIER_BODY[0]]


def test_a_mixed_case_name_between_paragraphs_does_not_split_the_article() -> None:
    # Two words of capitals run together are a name (an office, a brand), not share buttons.
    page = (MENU + "North pier to be rebuilt\n\n" + PIER_LEAD + "\n\n" + PIER_BODY[0]
            + "\n\nHarbourMaster Office\n\n" + "\n\n".join(PIER_BODY[1:]) + "\n")
    (d,) = split_page(page)
    assert d.title == "North pier to be rebuilt"
    assert [t for _, t in d.parts if t in PIER_BODY or t == PIER_LEAD] == [PIER_LEAD, *PIER_BODY]


def test_one_comment_counter_between_two_texts_is_no_listing() -> None:
    # (A listing's posts each have their footer; one counter is a stray widget's.)
    about = ("This blog is written by a retired harbour master who has spent forty years on the "
             "quays of the north coast, and who still rows out to the pier every morning.")
    page = (MENU + "North pier to be rebuilt\n\n" + "\n\n".join([PIER_LEAD, *PIER_BODY])
            + "\n\n3 comments\n\nAbout this blog\n\n" + about + "\n\n" + about.upper()
            + "\n\n" + about.lower() + "\n")
    drafts = split_page(page)
    assert [d.title for d in drafts] == ["North pier to be rebuilt"]
    assert [t for _, t in drafts[0].parts][:4] == [PIER_LEAD, *PIER_BODY]


def test_a_calendar_head_between_two_texts_does_not_split_the_article() -> None:
    cal = "MoTuWeThFrSaSu\n1 2 3 4 5 6 7\n8 9 10 11 12 13 14\n"
    page = (MENU + "North pier to be rebuilt\n\n" + PIER_LEAD + "\n\n" + PIER_BODY[0] + "\n\n"
            + cal + "\n" + "\n\n".join(PIER_BODY[1:]) + "\n\n" + cal)
    (d,) = split_page(page)
    assert d.title == "North pier to be rebuilt"


def _headline_far_above(kicker: str) -> str:
    """A lynx-like article page: the headline, then share buttons, a byline, category links and
    counters, and a dateline above the text (the header rules alone see only the dateline)."""
    shares = "     *\n" * 9
    return ("We use cookies to improve your visit to our harbour pages.\n\n" + MENU
            + "Pier rebuilt: harbour board agrees repairs\n\n" + shares
            + "\nPublished by Staff at March 4, 2024\nCategories\n  * Harbour\n  * Town\n  * Boats\n"
            "  * Fishing\n  * Weather\n"
            "Tags\nViews: 184\n\n" + kicker + "\n\n" + "\n\n".join([PIER_LEAD, *PIER_BODY]) + "\n")


@pytest.mark.parametrize("kicker", ["Posted: Monday, March 4, 2024.", "Morning briefing from the editors"])
def test_headline_is_the_line_above_the_text_its_lead_echoes(kicker: str) -> None:
    (d,) = split_page(_headline_far_above(kicker))
    assert d.title == "Pier rebuilt: harbour board agrees repairs"
    texts = [t for _, t in d.parts]
    assert texts[0] == PIER_LEAD and texts[-1] == PIER_BODY[-1]
    assert kicker not in texts


def test_a_heading_the_lead_does_not_echo_stays_the_title() -> None:
    page = (MENU + "Weather warnings for the coast\n\nQuay works this spring\nMarch 4, 2024\n\n"
            + "\n\n".join([PIER_LEAD, *PIER_BODY]) + "\n")
    (d,) = split_page(page)
    assert d.title == "Quay works this spring"


@pytest.mark.parametrize("dateline", ["4. März 2024", "4 de marzo, 2024", "von Ann Lee · 4. März 2024"])
def test_a_date_in_another_language_is_not_the_title(dateline: str) -> None:
    # (The lead opens with the same date, so its words echo the date line as much as the title.)
    lead = "Harbour, 4 März 2024. " + PIER_LEAD
    page = (MENU + "\n" + dateline + "\nPier rebuilt after the winter\n\n"
            + "\n\n".join([lead, *PIER_BODY]))
    (d,) = split_page(page)
    assert d.title == "Pier rebuilt after the winter"


def test_headline_under_a_notice_and_a_crumb_menu_is_found_by_its_lead() -> None:
    page = ("The harbour pages use cookies so that the timetables and the webcam work for you.\n"
            "(BUTTON) OK\n\n  * Home\n  * News\n  * Pier rebuilt after the winter\n\n"
            "Pier rebuilt after the winter\n" + "\n\n".join([PIER_LEAD, *PIER_BODY]) + "\n")
    (d,) = split_page(page)
    assert d.title == "Pier rebuilt after the winter"
    assert [t for _, t in d.parts][0] == PIER_LEAD


def test_comments_under_a_comment_counter_are_no_second_article() -> None:
    replies = "".join(
        f"\n\n{name} says:\n{day}. März 2024 um 10:{day}5 Uhr\nThank you for the report, I have "
        f"moored at that pier for {day} years and it was about time somebody repaired it.\n"
        for name, day in (("Ann", 1), ("Bob", 2), ("Cleo", 3)))
    page = (MENU + "North pier to be rebuilt\nMarch 4, 2024\n\n" + "\n\n".join([PIER_LEAD, *PIER_BODY])
            + "\n\n3 Comments" + replies)
    drafts = split_page(page)
    assert [d.title for d in drafts] == ["North pier to be rebuilt"]
    texts = [t for _, t in drafts[0].parts]
    assert texts[:4] == [PIER_LEAD, *PIER_BODY] and not any("moored" in t for t in texts)


def test_share_row_under_a_long_byline_line_does_not_end_the_article() -> None:
    # The byline line is as long as a paragraph; the share row under it is above the text.
    page = (MENU + "North pier to be rebuilt\n\n"
            "Photo of the author, by Ann Lee, harbour reporter since the spring of 2019 | "
            "March 4, 2024 | 6:03 pm\n\nShare:\n\n  • Share on Facebook\n  • Share by email\n\n"
            + "\n\n".join([PIER_LEAD, *PIER_BODY]))
    (d,) = split_page(page)
    assert d.title == "North pier to be rebuilt"
    texts = [t for _, t in d.parts]
    assert PIER_LEAD in texts and texts[-3:] == PIER_BODY


def test_headline_at_the_left_margin_of_an_indented_dump_is_the_title() -> None:
    # As `lynx -dump` prints a page: headings at the left margin, menus and text indented.
    indented = "\n\n".join("   " + p for p in [PIER_LEAD, *PIER_BODY])
    page = ("     * Home\n     * News\n     * Sport\n\n"
            "Rebuilding plan agreed after a long winter\n\n"
            "   Watch the video report\n\n   From our harbour desk\n   March 4, 2024\n\n" + indented
            + "\n")
    (d,) = split_page(page)
    assert d.title == "Rebuilding plan agreed after a long winter"
    assert [t for _, t in d.parts][-4:] == [PIER_LEAD, *PIER_BODY]
    # Printed without the indentation, the nearest heading-shaped line stays the choice.
    (flat,) = split_page("\n".join(ln.strip() for ln in page.splitlines()))
    assert flat.title != d.title


def test_a_title_case_headline_the_lead_echoes_is_the_title_not_the_kicker_under_it() -> None:
    # Every word capitalised, as a name is: the lead's echo of its words makes it the headline.
    page = (MENU + "Harbour Board Rebuilds North Pier\n\nLocal news desk\n\n"
            + "\n\n".join([PIER_LEAD, *PIER_BODY]))
    (d,) = split_page(page)
    assert d.title == "Harbour Board Rebuilds North Pier"
    assert [t for _, t in d.parts][-4:] == [PIER_LEAD, *PIER_BODY]


def test_lynx_link_elements_block_is_chrome() -> None:
    # It names the story (a comments feed) but is no headline.
    rels = "   #alternate Harbour Times » North pier to be rebuilt Comments Feed\n\n"
    (d,) = split_page(rels + "Harbour Times\n\n" + "\n\n".join([PIER_LEAD, *PIER_BODY]))
    assert "#alternate" not in d.title
    assert [t for _, t in d.parts] == [PIER_LEAD, *PIER_BODY]
    # A Markdown-style heading (`# ` with a space) is no such block.
    (md,) = split_page("# North pier to be rebuilt\n\n" + "\n\n".join([PIER_LEAD, *PIER_BODY]))
    assert md.title == "# North pier to be rebuilt"


def _comment(name: str, day: int) -> str:
    return (f"\n\n{name} says:\nMarch {day}, 2024\nI walked past the pier this morning and the "
            f"builders were already there with their cranes and boats, comment number {day}.\n")


def test_dated_comments_under_a_footerless_article_are_no_posts() -> None:
    page = (MENU + "North pier to be rebuilt\nMarch 4, 2024\n\n" + "\n\n".join([PIER_LEAD, *PIER_BODY])
            + "\n\nComments" + "".join(_comment(n, d) for n, d in
                                       (("Ann Lee", 5), ("Bo Park", 6), ("Cy Dunn", 7))))
    drafts = split_page(page)
    assert [d.title for d in drafts] == ["North pier to be rebuilt"]
    assert [t for _, t in drafts[0].parts][:4] == [PIER_LEAD, *PIER_BODY]


def test_read_next_teasers_with_datelines_under_an_article_are_no_posts() -> None:
    # Together they hold nearly as much text as the article, each a small part of it.
    teasers = "".join(f"\n\nHarbour story number {d}\nMarch {d}, 2024\nA short summary of this "
                      f"other story from the harbour, number {d} of the list.\n" for d in range(1, 9))
    page = (MENU + "North pier to be rebuilt\nMarch 4, 2024\n\n" + "\n\n".join([PIER_LEAD, *PIER_BODY])
            + "\n\nMore stories" + teasers)
    drafts = split_page(page)
    assert [d.title for d in drafts] == ["North pier to be rebuilt"]


def test_teaser_cards_run_together_into_one_long_line_are_not_the_article() -> None:
    # A text browser prints each card's headline twice (link and title) with its date.
    cards = " ".join(f"Ferry news: timetable number {k} changes for winter Ferry news: timetable "
                     f"number {k} changes for winter 0{k}.01.2024 more" for k in range(1, 9))
    # (above the menu over the article, and holding more characters than the article)
    page = (cards + "\n\n" + MENU + "North pier to be rebuilt\n\n" + "\n\n".join([PIER_LEAD, *PIER_BODY])
            + "\n")
    (d,) = split_page(page)
    assert d.title == "North pier to be rebuilt"
    texts = [t for _, t in d.parts]
    assert texts[:4] == [PIER_LEAD, *PIER_BODY] and cards not in texts
