"""HTML (trafilatura) and Markdown (markdown-it + YAML front matter) inputs, and sentence splits."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.extract.html import parse_html
from pipeline.extract.markdown import parse_markdown
from pipeline.extract.segment import sentences
from pipeline.models import UnitKind

PAGE = """<!DOCTYPE html><html><head><title>Harbour | Site</title>
<style>.x {{ color: red }} STYLE_TEXT</style><script>var s = "SCRIPT_TEXT";</script></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/b">Boats</a></li></ul></nav>
<article><h1>Harbour reopens after storm</h1>
<p>The harbour reopened on Friday after workers cleared the fallen cranes from the quay.</p>
<h2>Fishing resumes</h2>
<p>Twenty boats left before dawn, the first to sail since the storm hit last week.</p>
<blockquote><p>We lost a week, not the season, said one captain on the quay.</p></blockquote>
<ul><li>Quay two stays closed</li><li>Ferries run as normal</li></ul>
<figure><img src="q.jpg" alt="The quay"><figcaption>Cranes on the quay</figcaption></figure>
{extra}
</article><footer>Copyright 2025 Site</footer></body></html>"""


def test_html_keeps_structure_and_drops_scripts_styles_menus() -> None:
    (d,) = parse_html(PAGE.format(extra=""))
    assert d.title == "Harbour reopens after storm"
    kinds = {t: k for k, t in d.parts}
    assert kinds["Fishing resumes"] is UnitKind.HEADING
    assert kinds["Quay two stays closed"] is UnitKind.LIST_ITEM
    assert kinds["We lost a week, not the season, said one captain on the quay."] is UnitKind.QUOTE
    assert kinds["Cranes on the quay"] is UnitKind.CAPTION
    text = " ".join(t for _, t in d.parts)
    assert "SCRIPT_TEXT" not in text and "STYLE_TEXT" not in text and "Boats" not in text


def test_hostile_html_does_not_run_or_leak() -> None:
    extra = ("<p onclick=\"alert('x')\">Clicking here does nothing at all in a text pipeline.</p>"
             "<script>document.write('INJECTED')</script>"
             "<iframe src='javascript:alert(1)'>FRAME_TEXT</iframe>")
    (d,) = parse_html(PAGE.format(extra=extra))
    text = " ".join(t for _, t in d.parts)
    assert "INJECTED" not in text and "alert" not in text
    assert "The harbour reopened on Friday" in text


def test_html_nested_past_lxmls_default_limit_keeps_all_its_text() -> None:
    extra = "<div>" * 400 + "<p>Deep inside, the council voted on the ferry timetable.</p>" \
        + "</div>" * 400 + "<p>After the nesting, the harbour master spoke.</p>"
    (d,) = parse_html(PAGE.format(extra=extra))
    text = " ".join(t for _, t in d.parts)
    assert "the council voted on the ferry timetable" in text
    assert "the harbour master spoke" in text


def test_html_nested_past_any_parser_limit_fails_the_file_in_one_line() -> None:
    extra = "<div>" * 3000 + "<p>deep text</p>" + "</div>" * 3000
    with pytest.raises(InputError, match=r"^page\.html:\d+: cannot read the whole page: "
                                         r"elements nested too deeply"):
        parse_html(PAGE.format(extra=extra), "page.html")


def test_html_paragraph_over_10_mb_is_kept_or_refused_never_dropped() -> None:
    big = "<p>" + "word " * 2_200_000 + "</p>"
    try:
        (d,) = parse_html(PAGE.format(extra=big), "big.html")
    except InputError as exc:
        assert str(exc).startswith("big.html: a block of text is over 10 MB")
    else:
        assert any(len(t) > 10_000_000 for _, t in d.parts)


def test_html_date_only_when_the_page_states_it() -> None:
    (undated,) = parse_html(PAGE.format(extra=""))
    assert undated.date_iso is None  # "Copyright 2025" is not a publication date
    dated = PAGE.format(extra="").replace(
        "<title>", '<meta property="article:published_time" content="2025-03-07"><title>')
    (d,) = parse_html(dated)
    assert d.date_iso == "2025-03-07"


def test_html_listing_gives_one_article_per_post() -> None:
    post = ("<article><h2>{t}</h2><time datetime='2025-03-0{d}'>March {d}, 2025</time>"
            "<script>SCRIPT_TEXT</script><p>{t} happened in town this week, said the council.</p>"
            "<a href='/x'>Read more »</a></article>")
    page = ("<html><body><nav><a href='/'>Home</a></nav>"
            + post.format(t="Lamps replaced", d=3) + post.format(t="Choir wins", d=4)
            + "<footer>Older Posts</footer></body></html>")
    drafts = parse_html(page)
    assert [(d.title, d.date_iso, d.truncated) for d in drafts] == [
        ("Lamps replaced", "2025-03-03", True), ("Choir wins", "2025-03-04", True)]
    assert drafts[0].parts == (
        (UnitKind.PARAGRAPH, "Lamps replaced happened in town this week, said the council."),)


def test_html_without_text_is_an_input_error() -> None:
    with pytest.raises(InputError, match="x.html: no article text"):
        parse_html("<html><body><script>1</script></body></html>", "x.html")


MD = """---
title: Harbour reopens after storm
date: 2025-03-07
tags: [port, weather]
slug: harbour-reopens
---

# Harbour reopens after storm

The harbour reopened on **Friday**. Boats left
before dawn.

- Quay two stays closed

> We lost a week.

![Cranes on the quay](q.jpg)
"""


def test_markdown_front_matter_and_blocks() -> None:
    (d,) = parse_markdown(MD)
    assert (d.title, d.slug, d.date_iso, d.tags) == (
        "Harbour reopens after storm", "harbour-reopens", "2025-03-07", ("port", "weather"))
    assert d.parts == (
        (UnitKind.PARAGRAPH, "The harbour reopened on Friday. Boats left before dawn."),
        (UnitKind.LIST_ITEM, "Quay two stays closed"),
        (UnitKind.QUOTE, "We lost a week."),
        (UnitKind.CAPTION, "Cranes on the quay"),
    )


def test_markdown_bad_front_matter_names_the_line() -> None:
    bad = "---\ntitle: ok\ntags: [unclosed\n---\n\nText.\n"
    with pytest.raises(InputError) as err:
        parse_markdown(bad, Path("post.md"))
    assert str(err.value).startswith("post.md:")
    assert "front matter" in str(err.value)


def test_markdown_title_from_heading_when_no_front_matter() -> None:
    (d,) = parse_markdown("# Tide tables\n\nHigh water at noon.\n")
    assert d.title == "Tide tables" and d.parts == ((UnitKind.PARAGRAPH, "High water at noon."),)


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "Dr. Lee arrived. Was he late? No!", ["Dr. Lee arrived.", "Was he late?", "No!"]),
        ("fa", "او آمد. آیا دیر بود؟ نه.", ["او آمد.", "آیا دیر بود؟", "نه."]),
        ("ar", "وصل الوفد. هل تأخر؟ لا، لم يتأخر.", ["وصل الوفد.", "هل تأخر؟", "لا، لم يتأخر."]),
        ("sq", "Ai erdhi. A u vonua? Jo.", ["Ai erdhi.", "A u vonua?", "Jo."]),
    ],
)
def test_sentences_per_language(lang: str, text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in sentences(text, lang)] == expected


def test_html_bare_blockquote_text_is_a_quote() -> None:
    page = ("<html><head><title>Choir</title></head><body><article><h1>Choir wins prize</h1>"
            "<p>The harbour choir took first place at the regional festival on Saturday.</p>"
            "<blockquote>Music is what we do together, said the conductor.</blockquote>"
            "<p>The prize comes with a grant the choir will spend on new scores.</p>"
            "</article></body></html>")
    (d,) = parse_html(page)
    assert (UnitKind.QUOTE, "Music is what we do together, said the conductor.") in d.parts
