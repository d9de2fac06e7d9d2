"""Text dumps in shapes other sites use (made-up pages): chrome found by structure, fields found."""

from __future__ import annotations

import pytest

from pipeline.extract.textdump import split_page
from pipeline.models import BODY_KINDS, UnitKind

P1 = "The lighthouse on the north cape was switched back on this week after a two-year repair."
P2 = "Volunteers replaced the lamp, repainted the tower and rebuilt the stairs by hand."
P3 = "The keeper said ships had missed the light more than anyone in the town had expected."


def _body(draft) -> list[str]:  # type: ignore[no-untyped-def]
    return [t for k, t in draft.parts if k in BODY_KINDS]


def _all_text(draft) -> set[str]:  # type: ignore[no-untyped-def]
    return {t for _, t in draft.parts} | {draft.title}


NEWS_PAGE = f"""Jump to main content
Northern Coast Herald
Menu
Home
Local
Business
Travel
Search

Local

Lighthouse shines again after long repair

By Oskar Dahl
Published 4 May 2021

{P1}

{P2}

{P3}

Share this story
Facebook
LinkedIn
Email

More from Local
Harbour fees rise for summer season
New bakery opens on the quay

© 2021 Northern Coast Herald
Terms of use
About us
"""


def test_news_page_with_plain_menu_and_footer_blocks() -> None:
    (d,) = split_page(NEWS_PAGE)
    assert d.title == "Lighthouse shines again after long repair"
    assert d.category == "Local"
    assert d.byline in ("Oskar Dahl", "By Oskar Dahl")
    assert (d.date, d.date_iso) == ("4 May 2021", "2021-05-04")
    assert _body(d) == [P1, P2, P3]
    assert [t for _, t in d.parts] == [P1, P2, P3]


BLOG_PAGE = f"""Notes From the Allotment
A gardening blog by one stubborn amateur
Home | About | Archive | Contact

Why my tomatoes split this summer

Posted on July 9, 2022 by Greta Holm

{P1}

{P2}

{P3}

Tags: tomatoes, watering, summer

Leave a reply
Your email address will not be published.

Proudly powered by a blogging engine
"""


def test_blog_post_with_posted_on_dateline_pipe_menu_and_tags() -> None:
    (d,) = split_page(BLOG_PAGE)
    assert d.title == "Why my tomatoes split this summer"
    assert (d.byline, d.date_iso) == ("Greta Holm", "2022-07-09")
    assert d.tags == ("tomatoes", "watering", "summer")
    assert [t for _, t in d.parts] == [P1, P2, P3]


PHOTO_PAGE = f"""Valley Evening Post
Home | World | Sport | Money | Weather

World

Ferry service to the islands restarts in spring

Updated 2023-02-17
Lina Berg, transport reporter

{P1}

Photo: The ferry waiting at the pier in the early morning

{P2}

Photo: Lina Berg

{P3}

About us | Contact | Privacy
"""


def test_pipe_menu_iso_date_and_photo_captions() -> None:
    (d,) = split_page(PHOTO_PAGE)
    assert d.title == "Ferry service to the islands restarts in spring"
    assert d.category == "World"
    assert d.date_iso == "2023-02-17"
    assert _body(d) == [P1, P2, P3]
    captions = [t for k, t in d.parts if k is UnitKind.CAPTION]
    assert captions == ["Photo: The ferry waiting at the pier in the early morning",
                        "Photo: Lina Berg"]
    assert not any("|" in t for t in _all_text(d))


LISTING_PAGE = """Riverbank Weekly
Home
News
Events
Contact

Latest stories

Footbridge reopens after flood repairs
March 2, 2024
The wooden footbridge below the weir is open again after the winter floods damaged two piers.
Read more

Library starts evening reading club
February 27, 2024
A reading club for adults will meet in the library every Tuesday evening from next month.
Read more

Market moves indoors for the winter
February 20, 2024
The Saturday market will be held in the old drill hall until the weather turns warmer again.
Read more

Older entries
© 2024 Riverbank Weekly
"""


def test_listing_with_read_more_teasers() -> None:
    drafts = split_page(LISTING_PAGE)
    assert [(d.title, d.date_iso, d.truncated) for d in drafts] == [
        ("Footbridge reopens after flood repairs", "2024-03-02", True),
        ("Library starts evening reading club", "2024-02-27", True),
        ("Market moves indoors for the winter", "2024-02-20", True),
    ]
    assert [len(_body(d)) for d in drafts] == [1, 1, 1]
    for d in drafts:
        assert not _all_text(d) & {"Riverbank Weekly", "Home", "News", "Latest stories",
                                   "Read more", "Older entries"}


TAIL_PAGE = f"""Skip to navigation
The Morning Ledger
News
Opinion
Arts
Obituaries

Arts

Town hall mural restored by art students

Anna Kovac
12 March 2023

{P1}

{P2}

Related: Students paint the old bus shelter

Comments (3)

Leave a comment

The Morning Ledger
Privacy
Cookies
"""


def test_related_and_comment_count_tails_are_chrome() -> None:
    (d,) = split_page(TAIL_PAGE)
    assert d.title == "Town hall mural restored by art students"
    assert d.category == "Arts"
    assert d.byline == "Anna Kovac"
    assert (d.date, d.date_iso) == ("12 March 2023", "2023-03-12")
    assert [t for _, t in d.parts] == [P1, P2]


US_DATE_PAGE = f"""THE HILL TOWN TIMES
Subscribe
Sign in
News
Schools
Sports
Opinion

Schools
New science lab opens at Cedar High
By Maya Ortiz and Ben Cole
March 12, 2023 at 9:40 a.m.

{P1}

{P2}

Most popular
Snow closes mountain road again
Team wins state final
Council race heats up
"""


def test_us_dateline_and_most_popular_block() -> None:
    (d,) = split_page(US_DATE_PAGE)
    assert d.title == "New science lab opens at Cedar High"
    assert d.category == "Schools"
    assert d.byline in ("Maya Ortiz and Ben Cole", "By Maya Ortiz and Ben Cole")
    assert d.date_iso == "2023-03-12"
    assert [t for _, t in d.parts] == [P1, P2]


@pytest.mark.parametrize("page", [NEWS_PAGE, BLOG_PAGE, PHOTO_PAGE, TAIL_PAGE, US_DATE_PAGE])
def test_site_name_is_never_the_title(page: str) -> None:
    (d,) = split_page(page)
    first = page.splitlines()[0]
    assert d.title not in (first, page.splitlines()[1])


STANDFIRST_PAGE = f"""Skip to main content
Westfield Courier
Home
Politics
Health
Subscribe

Health

Clinic waiting times fall for the first time in five years
Patients in the county waited on average eleven days for a first appointment last year.
By Priya Nair, Health Correspondent
Mon 13 Mar 2023 10.45 GMT

{P1}

Advertisement

{P2}

Topics
Health
Westfield
Hospitals

Comments (1)
Jo Pine says:
March 13, 2023 at 11:02 am
Good to see some progress at last, my mother waited months for her last appointment.
Reply

Westfield Courier
About us
Privacy
"""


def test_standfirst_between_title_and_byline_and_comments_after_counter() -> None:
    (d,) = split_page(STANDFIRST_PAGE)
    assert d.title == "Clinic waiting times fall for the first time in five years"
    assert d.category == "Health"
    assert d.byline in ("Priya Nair, Health Correspondent", "By Priya Nair, Health Correspondent")
    assert (d.date, d.date_iso) == ("13 Mar 2023", "2023-03-13")
    assert [t for _, t in d.parts] == [
        "Patients in the county waited on average eleven days for a first appointment last year.",
        P1, P2]


RECIPE_PAGE = f"""The Quiet Kitchen
Recipes and stories from a small kitchen

Home / Recipes / Soups / Leek and potato soup

Leek and potato soup

March 12th, 2023 · 4 Comments

{P1}

Method

{P2}

{P3}

Filed under: Soups, Winter
Share: Facebook | Twitter | Pinterest

4 thoughts on "Leek and potato soup"

Leave a Reply
"""


def test_breadcrumb_dateline_with_counter_and_filed_under_tags() -> None:
    (d,) = split_page(RECIPE_PAGE)
    assert (d.title, d.date_iso, d.byline) == ("Leek and potato soup", "2023-03-12", None)
    assert d.tags == ("Soups", "Winter")
    assert _body(d) == [P1, "Method", P2, P3]


WORDS_BY_PAGE = f"""CITYWIRE
World    Business    Tech    Science    Opinion

Tech

Regional train operator to test battery trains

Mar. 2, 2024
Words by Tom Reyes

{P1}

Image: A battery train on a test track

{P2}

Read next
Airport adds night flights
Bus fares frozen for a year
Ferry company buys electric boat

Follow us
Newsletter
Careers
Copyright 2024 Citywire Media
"""


def test_abbreviated_month_words_by_and_read_next_block() -> None:
    (d,) = split_page(WORDS_BY_PAGE)
    assert (d.title, d.category) == ("Regional train operator to test battery trains", "Tech")
    assert d.byline in ("Tom Reyes", "Words by Tom Reyes")
    assert d.date_iso == "2024-03-02"
    assert _body(d) == [P1, P2]
    assert d.parts[1] == (UnitKind.CAPTION, "Image: A battery train on a test track")
    assert len(d.parts) == 3


def test_dot_separated_menu_weekday_dateline_and_body_list() -> None:
    page = f"""Lakeside Voice
Home • News • Sport • Letters
Sign in

Anglers asked to report invasive crayfish

Tuesday, 14 March 2023 | Updated: 15 March 2023

{P1}

Anyone who finds one should:
  • photograph it beside a ruler
  • not return it to the water

Share on Facebook
Share on Twitter
Copy link

You might also like
"""
    (d,) = split_page(page)
    assert (d.title, d.date, d.date_iso) == ("Anglers asked to report invasive crayfish",
                                             "14 March 2023", "2023-03-14")
    assert [k for k, _ in d.parts] == [UnitKind.PARAGRAPH, UnitKind.PARAGRAPH,
                                       UnitKind.LIST_ITEM, UnitKind.LIST_ITEM]


def test_category_and_slash_date_above_title_dash_byline_tag_block() -> None:
    page = f"""Home
World
Business
Sport

Business
2023/03/14

Shipyard wins order for six ferries

{P1}

{P2}

— Karin Olsen

Tags
shipbuilding
ferries
"""
    (d,) = split_page(page)
    assert (d.title, d.category, d.date_iso) == ("Shipyard wins order for six ferries",
                                                 "Business", "2023-03-14")
    assert d.byline in ("Karin Olsen", "— Karin Olsen")
    assert d.tags == ("shipbuilding", "ferries")
    assert _body(d) == [P1, P2]


def test_posted_by_under_numeric_date_and_widget_row_at_the_end() -> None:
    page = f"""MOUNTAIN RESCUE NEWS
HOME | ABOUT | CALLOUTS | DONATE

Callout: walker injured on the north ridge
14.03.2023
Posted by Team Secretary

{P1}

{P2}

Posted in Callouts | Leave a comment
"""
    (d,) = split_page(page)
    assert (d.title, d.date_iso) == ("Callout: walker injured on the north ridge", "2023-03-14")
    assert d.byline in ("Team Secretary", "Posted by Team Secretary")
    assert [t for _, t in d.parts] == [P1, P2]


def test_plain_menu_article_without_dateline_drops_link_blocks() -> None:
    page = f"""Menu
Search
The Borough Bulletin

Council tax to rise by three per cent

{P1}

{P2}

Latest
Roadworks on the high street end early
Free swimming lessons for children this summer
New recycling bins from May

About
Contact
Accessibility
"""
    (d,) = split_page(page)
    assert d.title == "Council tax to rise by three per cent"
    assert [t for _, t in d.parts] == [P1, P2]


def test_compact_listing_with_category_over_each_title() -> None:
    page = """Greenway Local
Home
Politics
Environment
Sport

Environment
River cleanup draws two hundred volunteers
Volunteers pulled bikes, trolleys and a sofa out of the river during the Sunday cleanup.
Read more

Politics
Mayor to stand again in next year's election
The mayor confirmed on Monday that she will seek a third term when her current term ends.
Read more

Page 1 of 12
Next page
"""
    drafts = split_page(page)
    assert [(d.title, d.category, d.truncated) for d in drafts] == [
        ("River cleanup draws two hundred volunteers", "Environment", True),
        ("Mayor to stand again in next year's election", "Politics", True)]
    assert [len(d.parts) for d in drafts] == [1, 1]


def test_listing_with_by_and_date_on_one_line_and_comment_counters() -> None:
    page = """Bay City Daily
Home | Local | Sport

Harbour festival returns in July
By Nora Quinn | June 3, 2023
The harbour festival will return in July after a three-year break, with boats and music.
Comments (4)

New cycle path links the two bridges
By Eli Marsh | June 1, 2023
A two-kilometre cycle path now links the old and the new bridge along the eastern bank.
Comments (0)

Load more
"""
    drafts = split_page(page)
    assert [(d.title, d.byline, d.date_iso) for d in drafts] == [
        ("Harbour festival returns in July", "Nora Quinn", "2023-06-03"),
        ("New cycle path links the two bridges", "Eli Marsh", "2023-06-01")]
    assert [len(d.parts) for d in drafts] == [1, 1]


def test_caption_with_trailing_photo_credit_and_agency_style_byline() -> None:
    page = f"""World Desk
Home
World
Opinion

Floods force thousands from their homes in the delta

Rescue boats carried families from flooded villages on Tuesday. Photo: Amira Saleh/Agency

{P1}

{P2}

Reporting by Samir Haddad; Editing by Jane Moss
"""
    (d,) = split_page(page)
    assert d.title == "Floods force thousands from their homes in the delta"
    assert d.parts[0][0] is UnitKind.CAPTION
    assert d.byline == "Reporting by Samir Haddad; Editing by Jane Moss"
    assert _body(d) == [P1, P2]


def test_numbered_trending_block_after_the_article_is_chrome() -> None:
    page = f"""North Shore Times
News  |  Sport  |  Opinion

Fishing boats return early as storm nears
{P1}
{P2}

Trending now
1. School wins robotics prize
2. Ferry fares to rise
3. Storm closes beaches
"""
    (d,) = split_page(page)
    assert d.title == "Fishing boats return early as storm nears"
    assert [t for _, t in d.parts] == [P1, P2]


def test_masthead_date_above_the_menu_is_not_the_article_date() -> None:
    page = f"""North Shore Times
Monday 13 March 2023

Home
News
Sport
Opinion

Fishing boats return early as storm nears

{P1}

{P2}
"""
    (d,) = split_page(page)
    assert d.title == "Fishing boats return early as storm nears"
    assert d.date is None
    assert [t for _, t in d.parts] == [P1, P2]


def test_newsletter_box_and_advert_note_inside_the_article() -> None:
    page = f"""The Metro Ledger
Home > Business > Retail

Corner shops fight back with late opening
By Dana Kim, March 3, 2024
5 min read

{P1}

Sign up for our morning briefing
Email address
Subscribe

{P2}

Story continues below advertisement

{P3}
"""
    (d,) = split_page(page)
    assert (d.title, d.byline, d.date_iso) == ("Corner shops fight back with late opening",
                                               "Dana Kim", "2024-03-03")
    assert [t for _, t in d.parts] == [P1, P2, P3]


def test_footerless_listing_with_plain_menu_splits_at_datelines() -> None:
    page = """Coastline Weekly
Home
News
Sport

Lifeboat crew rescues two kayakers
March 3, 2024
The lifeboat crew was called out on Saturday afternoon after two kayakers were swept past.

Pier reopens after winter storm repairs
March 1, 2024
The pier reopened on Friday after three months of repairs to the decking and the railings.

© 2024 Coastline Weekly
"""
    drafts = split_page(page)
    assert [(d.title, d.date_iso, len(d.parts)) for d in drafts] == [
        ("Lifeboat crew rescues two kayakers", "2024-03-03", 1),
        ("Pier reopens after winter storm repairs", "2024-03-01", 1)]


_SHAPES = ["Home", "News", "By Ann Lee", "March 3, 2024", "Posted on 3 May 2024 by Bo Li",
           "Ann Lee", "Tags", "Tags: a, b", "Read more", "Comments (3)", "Share", "Facebook",
           "© 2024 X", "Home | A | B", "  • Item", "1. Item", "Photo: x", "A short headline here",
           P1, "Related: Something else", "", "", "", "Sign up", "Email address", "2023/03/14",
           "Updated 2023-02-17", "x" * 200, ":", ".", "— Name", "Topics", "Ann Lee, reporter"]


def test_any_mix_of_line_shapes_gives_titled_drafts_without_error() -> None:
    import random

    rng = random.Random(3)
    pages = ["Home | A | B\nMarch 3, 2024\nRelated: Something else\nPosted on 3 May 2024 by Bo Li"]
    pages += ["\n".join(rng.choice(_SHAPES) for _ in range(rng.randint(0, 25)))
              for _ in range(1500)]
    for page in pages:
        for d in split_page(page):
            assert d.title.strip(), page


def _alt_post(label: str, alt: str, title: str, first: str) -> str:
    return (f"{label}\n\n{alt}\n\n{title}\n\n{alt}\n\n{first}\n\n{P2}\n\n"
            "March 4, 2024  2 comments\nFacebookTwitterEmail\n")


def test_listing_with_alt_text_around_each_title() -> None:
    """tags line / image alt / title / alt again / body: the repeated line is the image's."""
    page = ("Coastal Times\n  • Home\n  • World\n\n"
            + _alt_post("Politics, Harbour", "Ferry dock at dawn",
                        "New ferry link opens between two towns", P1)
            + _alt_post("Culture", "The choir on stage", "Harbour choir wins the regional prize",
                        P3))
    drafts = split_page(page)
    assert [(d.title, d.category) for d in drafts] == [
        ("New ferry link opens between two towns", "Politics, Harbour"),
        ("Harbour choir wins the regional prize", "Culture")]
    assert drafts[0].parts[:2] == ((UnitKind.CAPTION, "Ferry dock at dawn"),
                                   (UnitKind.PARAGRAPH, P1))
    assert [t for k, t in drafts[1].parts if k is UnitKind.CAPTION] == ["The choir on stage"]
