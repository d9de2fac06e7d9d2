"""Text dumps: listing split, chrome by structure and repetition, post fields."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from pipeline.extract.chrome import RunContext, is_breadcrumb, is_share
from pipeline.extract.textdump import split_page
from pipeline.models import BODY_KINDS, UnitKind
from tests.extract.pages import BRIDGE, ORCHARD, article_page, listing


def _body(draft) -> list[str]:  # type: ignore[no-untyped-def]
    return [t for k, t in draft.parts if k in BODY_KINDS]


def test_listing_page_splits_into_posts_with_fields() -> None:
    drafts = split_page(listing())
    assert [d.title for d in drafts] == ["Pupils learn to press apple juice",
                                        "Stone bridge closed for repairs"]
    first, second = drafts
    assert first.category == "Town" and second.category == "Roads"
    assert first.byline == "Lena Ortiz" and second.byline is None
    assert (first.date, first.date_iso) == ("October 2, 2025", "2025-10-02")
    assert second.date_iso == "2025-09-30"
    assert (UnitKind.CAPTION, "Apple harvest") in first.parts
    captions = ("Old press", "The barn in 1920")
    assert _body(first) == [p for p in ORCHARD if p not in captions]
    # Two caption-shaped lines in a row inside the body are image captions.
    assert [(UnitKind.CAPTION, c) for c in captions] == [p for p in first.parts if p[1] in captions]
    assert _body(second) == BRIDGE
    assert not first.truncated and not second.truncated


def test_no_chrome_line_becomes_a_unit() -> None:
    texts = {t for d in split_page(listing()) for _, t in d.parts} | {
        d.title for d in split_page(listing())}
    for chrome in ("Hilltop Gazette", "• Home", "Older Posts", "Back To Top", "ShareTweetPinEmail",
                   "© 2025 Hilltop Gazette. All rights reserved.", "• Twitter"):
        assert not any(chrome.strip("• ") == t.strip("• ") for t in texts), chrome
    assert not any("comments" in t for t in texts)


def test_teaser_is_marked_truncated_and_link_dropped() -> None:
    drafts = split_page(listing(teaser=True))
    assert drafts[1].truncated and not drafts[0].truncated
    assert all("Continue Reading" not in t for _, t in drafts[1].parts)


def test_article_page_title_from_breadcrumb_and_widgets_dropped() -> None:
    (draft,) = split_page(article_page("Pupils learn to press apple juice", ORCHARD))
    assert draft.title == "Pupils learn to press apple juice"
    texts = [t for _, t in draft.parts]
    assert "You may also like" not in texts and "Leave a Comment" not in texts
    assert not any("»" in t for t in texts)
    assert ORCHARD[0] in texts and ORCHARD[-1] in texts


def test_repeated_caption_lines_are_captions() -> None:
    paras = [ORCHARD[0], "Ruth Ames in her barn", ORCHARD[1], "Ruth Ames in her barn", ORCHARD[3]]
    (draft,) = split_page(article_page("Pupils learn to press apple juice", paras))
    kinds = Counter(k for k, t in draft.parts if t == "Ruth Ames in her barn")
    assert kinds == {UnitKind.CAPTION: 2}


def test_lines_repeated_across_the_run_are_template() -> None:
    # The third line ends a sentence, so the block is not menu-shaped on its own.
    bar = "Breaking Bar\nWeather Desk\nTides are high today.\n\n"
    other = bar + "A different post\n\n" + ("word " * 30)
    page = bar + "Headline here\n\n" + ("text " * 30)
    ctx = RunContext()
    ctx.add_page(page)
    ctx.add_page(other)
    (draft,) = split_page(page, ctx)
    assert draft.title == "Headline here"
    assert not any(t in ("Breaking Bar", "Weather Desk") for _, t in draft.parts)
    # Without the run nothing marks them as template (the title is then found by its place
    # above the text, not by the template).
    from pipeline.extract.textdump import _Page

    assert {0, 1, 2} <= _Page(page, ctx).template
    assert not _Page(page, None).template


def test_shape_detectors() -> None:
    assert is_share("FacebookTwitterPinterestEmail")
    assert is_share("Share Tweet Email")
    assert not is_share("HarbourMaster Office")  # (buttons run together have no space between)
    assert not is_share("MoTuWeThFrSaSu")  # a calendar's head: run together, but no buttons
    assert not is_share("Twitter said on Monday it would sell the company to a buyer.")
    assert is_breadcrumb("Home » World » A title")
    assert not is_breadcrumb("Mojahedin / The father rejected the offer")
    assert is_breadcrumb("Home » World")


def test_reading_time_and_view_counters_are_chrome() -> None:
    page = ("Harbour opens new pier\n3 min read\n1,204 views\n\n"
            "The new pier opened on Monday and can take two ferries at once, the port said.\n\n"
            "Print\n")
    (d,) = split_page(page)
    assert d.title == "Harbour opens new pier"
    assert [t for _, t in d.parts] == [
        "The new pier opened on Monday and can take two ferries at once, the port said."]


def test_corpus_scores_against_gold(corpus: Path) -> None:
    """The corpus pages in one run: every gold title found, body F1 >= 0.98, no chrome."""
    from pipeline.extract.api import extract_paths

    pages = sorted((corpus / "pages").glob("*.txt"))
    arts = extract_paths(pages)
    norm = " ".join
    out_titles = Counter(norm(a.title.split()) for a in arts)
    gold_titles: Counter[str] = Counter()
    gold_body: Counter[str] = Counter()
    chrome: set[str] = set()
    for p in pages:
        g = json.loads((corpus / "gold" / (p.stem + ".json")).read_text("utf-8"))
        gold_titles.update(norm(a["title"].split()) for a in g["articles"])
        gold_body.update(norm(x.split()) for a in g["articles"] for x in a["paragraphs"])
        chrome |= {norm(x.split()) for x in g["boilerplate"]}
    out_body = Counter(norm(u.text.split()) for a in arts for u in a.units if u.kind in BODY_KINDS)
    assert out_titles == gold_titles
    tp = sum((out_body & gold_body).values())
    f1 = 2 * tp / (sum(out_body.values()) + sum(gold_body.values()))
    assert f1 >= 0.98, f1
    leaked = [u.text for a in arts for u in a.units if norm(u.text.split()) in chrome]
    assert leaked == []


BLOG_PAGE = """Skip to content
The Valley Times
Menu

  * News
  * Sport

Council approves new park on the riverside
March 3, 2024 by Anna Bell

The council voted on Tuesday to turn the old car park beside the river into a public garden.

Work will start in the spring and should take about a year, the mayor said at the meeting.

Share this:

  * Twitter
  * Facebook

Related

Leave a Reply Cancel reply

Your email address will not be published.

Copyright © 2024 The Valley Times | Powered by WordPress
"""

COMPACT_LISTING = """THE HARBOUR POST
Home | World | Local | Contact

Local
Harbour master retires after forty years
Posted on April 2, 2024 by Sam Lee
Tom Rowe guided ships into the harbour for four decades and on Friday he steered his last one.
Read more »
12 Comments

World
Storm warning for the northern coast
Posted on April 1, 2024 by Ida Voss
Forecasters expect winds of more than a hundred kilometres an hour along the northern coast.
Read more »
3 Comments

Older posts
© 2024 The Harbour Post
"""


def test_other_site_shape_dateline_and_closing_widgets() -> None:
    (d,) = split_page(BLOG_PAGE)
    assert d.title == "Council approves new park on the riverside"
    assert (d.byline, d.date_iso) == ("Anna Bell", "2024-03-03")
    assert [t for _, t in d.parts] == [
        "The council voted on Tuesday to turn the old car park beside the river into a public garden.",
        "Work will start in the spring and should take about a year, the mayor said at the meeting.",
    ]


def test_other_site_compact_listing_with_teasers() -> None:
    drafts = split_page(COMPACT_LISTING)
    assert [(d.title, d.category, d.byline, d.date_iso, d.truncated) for d in drafts] == [
        ("Harbour master retires after forty years", "Local", "Sam Lee", "2024-04-02", True),
        ("Storm warning for the northern coast", "World", "Ida Voss", "2024-04-01", True),
    ]
    assert all(len(d.parts) == 1 for d in drafts)


def test_dateline_above_title_tags_at_end_and_photo_credit() -> None:
    page = """City News Online
Home / Politics / Economy

March 3, 2024

Mayor unveils plan for cheaper buses

The mayor on Friday unveiled a plan to cut bus fares by a third from the summer, paid by a levy.

Photo: Buses waiting at the central station

Opposition councillors said the levy would hurt small shops in the centre of the town.

Tags: transport, city hall

About the author
Jane Roe covers city politics.
"""
    (d,) = split_page(page)
    assert (d.title, d.date_iso, d.tags) == ("Mayor unveils plan for cheaper buses", "2024-03-03",
                                             ("transport", "city hall"))
    assert [k for k, _ in d.parts] == [UnitKind.PARAGRAPH, UnitKind.CAPTION, UnitKind.PARAGRAPH]
    assert d.byline is None


def test_counter_under_the_title_does_not_split_the_article() -> None:
    page = """Daily Planet
  • Home
  • World

Scientists map the deepest cave in Europe
June 5, 2023 | 5 comments

A team of cave divers has mapped a new section of the cave, extending its known depth by forty metres.

The expedition spent three weeks underground and surveyed more than two kilometres of passages.

Share: Facebook Twitter Email
"""
    (d,) = split_page(page)
    assert (d.title, d.date_iso) == ("Scientists map the deepest cave in Europe", "2023-06-05")
    assert len(d.parts) == 2 and all(k is UnitKind.PARAGRAPH for k, _ in d.parts)


def test_listing_split_by_teaser_links_and_datelines() -> None:
    by_link = """Town Crier
  • Home
  • News

Market square gets new lamps
The council replaced all forty lamps on the market square with brighter and cheaper ones.
Read more »

School choir wins regional prize
The choir of Hill Street school sang three songs and won the regional prize on Saturday.
Read more »
"""
    drafts = split_page(by_link)
    assert [(d.title, d.truncated) for d in drafts] == [
        ("Market square gets new lamps", True), ("School choir wins regional prize", True)]
    by_dateline = """Town Crier
  • Home
  • News

News
Market square gets new lamps
12/03/2024
The council replaced all forty lamps on the market square with brighter and cheaper ones.

Culture
School choir wins regional prize
Published 9 March 2024
The choir of Hill Street school sang three songs and won the regional prize on Saturday.
"""
    drafts = split_page(by_dateline)
    assert [(d.title, d.category, d.date_iso) for d in drafts] == [
        ("Market square gets new lamps", "News", None),  # 12/03: day and month ambiguous
        ("School choir wins regional prize", "Culture", "2024-03-09"),
    ]
    assert drafts[0].date == "12/03/2024"


def test_one_dateline_is_one_article() -> None:
    (d,) = split_page("Headline of the day\nMarch 9, 2024\n\n" + "Body text goes on here. " * 5)
    assert d.title == "Headline of the day" and d.date_iso == "2024-03-09"


def test_short_paragraph_article_keeps_title_and_drops_closing_menu() -> None:
    page = """Town Crier
  • Home
  • News

Lamps replaced on the square

The council replaced all forty lamps on Monday.

They use half the power of the old ones.

Recent posts
  • Choir wins prize
  • Bridge reopens
"""
    (d,) = split_page(page)
    assert d.title == "Lamps replaced on the square" and d.category is None
    assert [t for _, t in d.parts] == ["The council replaced all forty lamps on Monday.",
                                       "They use half the power of the old ones."]


def test_text_browser_dump_indented_body_and_link_list() -> None:
    page = """   [1]Skip to content

* Home
* World

Volunteers clean the northern beach

   More than two hundred volunteers collected plastic from the northern beach on Sunday morning.

   The town will repeat the clean-up every season, the organisers said after the event.

References

   1. https://example.org/#content
   2. https://example.org/world
"""
    (d,) = split_page(page)
    assert d.title == "Volunteers clean the northern beach" and d.byline is None
    assert [k for k, _ in d.parts] == [UnitKind.PARAGRAPH, UnitKind.PARAGRAPH]


def test_title_directly_over_first_paragraph_after_category() -> None:
    page = ("  • Home\n  • News\n\nHealth\n\nClinic opens on Sundays\n"
            "The clinic on Oak Street will open on Sundays from next month, the health board said.\n\n"
            "Doctors volunteered for the extra shifts after a survey of patients in the spring.\n")
    (d,) = split_page(page)
    assert (d.title, d.category) == ("Clinic opens on Sundays", "Health")
