"""HTML pages of other shapes (made-up pages): declared charsets, site suffixes, teaser articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.extract.html import parse_html
from pipeline.extract.htmlmeta import choose_title
from pipeline.extract.reader import decode_html, read_text
from pipeline.models import BODY_KINDS

P1 = "The council voted on Tuesday to keep the night ferry running through the winter months."
P2 = "Ferry staff had warned that the service would stop in November without new money."
P3 = "The harbour master said the decision came just in time for the first storms of the year."


def page(title: str, *, head: str = "", body: str = "", h1: str | None = None) -> str:
    h = h1 if h1 is not None else title
    return (f"<!DOCTYPE html><html><head>{head}<title>{title}</title></head><body>"
            "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
            f"<main><h1>{h}</h1><p>{P1}</p><p>{P2}</p><p>{P3}</p>{body}</main>"
            "<footer>About us · Contact</footer></body></html>")


def _body(drafts) -> list[str]:  # type: ignore[no-untyped-def]
    return [t for d in drafts for k, t in d.parts if k in BODY_KINDS]


@pytest.mark.parametrize(
    ("head_title", "og", "h1", "expected"),
    [
        ("Ferry saved for winter | Coast News Politics", "", ("Ferry saved for winter",),
         "Ferry saved for winter"),
        ("Ferry saved for winter - Help Desk Weekly", "Ferry saved for winter", (),
         "Ferry saved for winter"),
        ("Coast News » Ferry saved for winter", "", (), "Ferry saved for winter"),
        # The masthead <h1> is the site's name; the headline is the longer part of <title>.
        ("Ferry saved for winter | Coast News", "", ("Coast News", "Ferry saved for winter"),
         "Ferry saved for winter"),
        # A colon is part of a headline, not a separator.
        ("Budget: what the ferry vote means", "", (), "Budget: what the ferry vote means"),
        ("Update | Ferry saved | Local | Coast News", "Update | Ferry saved",
         ("Update | Ferry saved",), "Update | Ferry saved"),
    ],
)
def test_title_is_the_headline_without_the_site_suffix(
    head_title: str, og: str, h1: tuple[str, ...], expected: str,
) -> None:
    assert choose_title(head_title, og, h1) == expected


@pytest.mark.parametrize(
    ("head_title", "og", "h1", "site", "expected"),
    [
        # The suffix names a section of the site, not just the site.
        ("Ferry saved for winter | Coast News Politics", "Ferry saved for winter", (),
         "Coast News", "Ferry saved for winter"),
        ("Ferry saved for winter - Help Desk Weekly", "", (), "Help Desk Weekly",
         "Ferry saved for winter"),
        # Prefix forms, a colon included once the site's name is known.
        ("Coast News: Ferry saved for winter", "", (), "Coast News", "Ferry saved for winter"),
        ("Coast News | Ferry saved for winter", "Coast News | Ferry saved for winter", (),
         "Coast News", "Ferry saved for winter"),
        # The site's name holds a separator itself; the <h1> confirms the rest, as shown.
        ("Ferry saved - night boats stay - Ann Lee - Coast Blog", "", ("Ferry saved – night boats stay",),
         "Ann Lee - Coast Blog", "Ferry saved – night boats stay"),
        # A masthead <h1> that is the site's name is never the title.
        ("Ferry saved for winter | Coast Blog", "Ferry saved for winter", ("Coast Blog",),
         "Coast Blog", "Ferry saved for winter"),
        ("Ferry saved for winter | Coast Blog", "", ("Coast Blog",), "Coast Blog",
         "Ferry saved for winter"),
        # The headline first, a longer site name after it, the <h1> confirming the first part.
        ("Ferry saved | Regional Centre for Civic Education of the Coast", "", ("Ferry saved",), "",
         "Ferry saved"),
        # og:title and <title> differ only in quote and dash styles.
        ("Coast\u2032s \u201cnight\u201d ferry saved | Coast News | 19.01.2020",
         "Coast's \"night\" ferry saved | Coast News | 19.01.2020", ("Coast's \"night\" ferry saved",),
         "COAST.NEWS", "Coast's \"night\" ferry saved"),
        # A hyphen inside a word is no separator, even where the site's name ends.
        ("Ferry-Tickets: what they cost | Ferry", "", (), "Ferry", "Ferry-Tickets: what they cost"),
        # Spaced colons and the Latin dental click (U+01C0) some sites use as a bar.
        ("Ferry saved for winter : Coast News \u01c0 Coast Region", "", ("Ferry saved for winter",), "",
         "Ferry saved for winter"),
    ],
)
def test_title_drops_the_site_name_given_by_og_site_name(
    head_title: str, og: str, h1: tuple[str, ...], site: str, expected: str,
) -> None:
    assert choose_title(head_title, og, h1, site) == expected


def test_masthead_heading_in_the_body_is_not_the_title_nor_a_unit() -> None:
    html = ("<html><head><title>Ferry saved for winter | Coast Blog</title>"
            "<meta property='og:site_name' content='Coast Blog'></head><body><div class=post>"
            "<h1>Coast Blog</h1>" + "".join(f"<p>{p} {q}</p>" for p in (P1, P2, P3)
                                            for q in ("One.", "Two."))
            + "</div></body></html>")
    (d,) = parse_html(html)
    assert d.title == "Ferry saved for winter"
    assert all(t != "Coast Blog" for _, t in d.parts)


def test_html_title_drops_site_suffix_and_is_not_a_unit_twice() -> None:
    (d,) = parse_html(page("Ferry saved for winter | Coast News Politics",
                           h1="Ferry saved for winter"))
    assert d.title == "Ferry saved for winter"
    assert all("Coast News" not in t for _, t in d.parts)


def test_teaser_articles_do_not_make_an_article_page_a_listing() -> None:
    teasers = "".join(
        f"<article><h3>{t}</h3><p>{t} in short.</p></article>"
        for t in ("Lamps replaced on the pier", "Choir wins regional prize", "Bakery opens"))
    drafts = parse_html(page("Ferry saved for winter", body=f"<section>{teasers}</section>"))
    assert len(drafts) == 1
    assert drafts[0].title == "Ferry saved for winter"
    assert {P1, P2, P3} <= set(_body(drafts))


def test_main_article_among_teaser_articles_is_the_page() -> None:
    main = f"<article><h1>Ferry saved for winter</h1><p>{P1}</p><p>{P2}</p><p>{P3}</p></article>"
    teasers = "".join(f"<article><h2>{t}</h2><p>Short teaser text.</p></article>"
                      for t in ("Lamps replaced", "Choir wins"))
    html = f"<html><head><title>Ferry saved for winter</title></head><body>{main}{teasers}</body></html>"
    drafts = parse_html(html)
    assert [d.title for d in drafts] == ["Ferry saved for winter"]
    assert {P1, P2, P3} <= set(_body(drafts))


@pytest.mark.parametrize("declared", ["windows-1252", "ISO-8859-1", "latin1"])
def test_declared_legacy_charset_is_honoured(tmp_path: Path, declared: str) -> None:
    text = ("Caf\u00e9 owners say \u201cthe ferry\u201d keeps the na\u00efve tourists coming "
            "\u2013 all winter.")
    html = page("Caf\u00e9 ferry", head=f'<meta charset="{declared}">', body=f"<p>{text}</p>")
    path = tmp_path / "legacy.html"
    # Latin-1 cannot hold the curly quotes; browsers read that label as windows-1252 anyway.
    path.write_bytes(html.encode("cp1252"))
    (d,) = parse_html(read_text(path), path)
    assert d.title == "Caf\u00e9 ferry"
    assert text in _body([d])


def test_http_equiv_charset_and_bom() -> None:
    html = page("F\u00e9rry", head='<meta http-equiv="Content-Type" '
                'content="text/html; charset=iso-8859-1">')
    assert decode_html(html.encode("latin-1"), "x") == html
    assert decode_html(b"\xef\xbb\xbf" + "<html><p>\u00e9t\u00e9</p>".encode(), "x") \
        == "<html><p>\u00e9t\u00e9</p>"
    assert "\u00e9t\u00e9" in decode_html("<html><p>\u00e9t\u00e9</p>".encode("utf-16"), "x")


def test_undeclared_legacy_page_is_detected_not_refused() -> None:
    text = ("<html><body><p>Les habitants de la c\u00f4te ont appris mardi que le bateau de nuit "
            "continuerait \u00e0 circuler pendant l'hiver, apr\u00e8s un vote tr\u00e8s "
            "serr\u00e9 du conseil r\u00e9gional.</p></body></html>")
    assert decode_html(text.encode("cp1252"), "x") == text


def test_bytes_not_utf8_in_a_page_declared_utf8_are_replacement_characters_and_logged(
        caplog: pytest.LogCaptureFixture) -> None:
    # What a browser shows for the page: the bad bytes as U+FFFD, never a guessed charset
    # (a truncated UTF-8 sequence read as windows-1252 would be mojibake).
    head = "<html><meta charset=utf-8><p>\u00fcber caf".encode()
    data = head + b"\xe9 and \xe2\x80 there, " + "\ufffd".encode() + b" kept</p>"  # one real U+FFFD
    with caplog.at_level("WARNING"):
        text = decode_html(data, "page.html")
    assert text.endswith("\u00fcber caf\ufffd and \ufffd there, \ufffd kept</p>")
    [record] = caplog.records
    message = record.getMessage()
    assert message.startswith("page.html: 2 byte sequence(s) not valid UTF-8")
    assert f"byte offset {len(head)} (line 1)" in message


def test_binary_html_is_refused() -> None:
    with pytest.raises(InputError, match="binary file"):
        decode_html(b"<html>\x00\x01\x02", "x.html")


def test_loose_text_line_breaks_and_soft_hyphens_are_kept_as_readers_see_them() -> None:
    # Text standing loose after a heading or a paragraph, a <br> inside a paragraph, and soft
    # hyphens (invisible break hints) inside words.
    body = (f"<h2>Timetable</h2>Boats leave every hour from the north pier until midnight."
            f"<p>{P1}<br>{P2}</p><p>Tickets are sold on board and at the har\u00adbour office.</p>")
    (d,) = parse_html(page("Ferry saved for winter", body=body))
    got = _body([d])
    assert "Boats leave every hour from the north pier until midnight." in got
    assert f"{P1} {P2}" in got
    assert "Tickets are sold on board and at the harbour office." in got


def test_text_is_nfc_so_equal_words_are_equal_units() -> None:
    (d,) = parse_html(page("Caf\u0065\u0301 ferry", h1="Cafe\u0301 ferry",
                           body="<p>The cafe\u0301 on the pier stays open for the night boats.</p>"))
    assert d.title == "Caf\u00e9 ferry"
    assert "The caf\u00e9 on the pier stays open for the night boats." in _body([d])


def test_xml_declared_page_and_control_characters_are_read(caplog: pytest.LogCaptureFixture) -> None:
    html = ('<?xml version="1.0" encoding="utf-8"?>\n'
            + page("Ferry saved for winter", body="<p>Footnote one\x07 says more.</p>"))
    with caplog.at_level("WARNING"):
        (d,) = parse_html(html, "x.html")
    assert {P1, P2, P3} <= set(_body([d]))
    assert "Footnote one says more." in _body([d])
    assert any("1 control character(s) dropped (first U+0007 at line 2)" in r.getMessage()
               for r in caplog.records)


def test_read_more_link_lines_are_not_article_text() -> None:
    body = ("<p>Read more: <a href='/other'>Harbour lamps replaced after the storm</a></p>"
            "<p>See also \u00bb <a href='/x'>Choir wins the regional prize</a></p>"
            "<p>The vote follows a report that <a href='/r'>the ferry lost money</a>.</p>"
            "<p>Contact: <a href='mailto:a@b'>desk</a> or the phone line after nine.</p>")
    (d,) = parse_html(page("Ferry saved for winter", body=body))
    got = " ".join(_body([d]))
    assert "Harbour lamps" not in got and "Choir wins" not in got
    assert "The vote follows a report that the ferry lost money." in got  # a link in a sentence
    assert "Contact: desk or the phone line after nine." in got  # text after the link


def test_many_teaser_cards_around_one_article_are_no_listing() -> None:
    story = " ".join([P1, P2, P3] * 4)
    main = f"<article><h1>Ferry saved for winter</h1><p>{story}</p></article>"
    cards = "".join(f"<article><h3>More news {i}</h3><p>A short teaser for story {i}.</p></article>"
                    for i in range(60))  # no single card holds much, but the story dwarfs each
    drafts = parse_html(f"<html><body><main>{main}<section>{cards}</section></main></body></html>")
    assert [d.title for d in drafts] == ["Ferry saved for winter"]


def test_dialog_articles_outside_main_are_no_listing() -> None:
    dialogs = "".join(f"<div class=modal><article><h2>{t}</h2><p>Please fill in every field of "
                      "this form to go on with your account.</p></article></div>"
                      for t in ("Sign in", "Create an account", "Reset your password"))
    html = (f"<html><body><main><article><h1>Ferry saved for winter</h1><p>{P1}</p></article>"
            f"</main>{dialogs}</body></html>")
    drafts = parse_html(html)
    assert [d.title for d in drafts] == ["Ferry saved for winter"]
    assert P1 in _body(drafts)


LEAD = ("Night boats will keep crossing to the islands until March, after a late rescue plan "
        "won a narrow vote in the council chamber.")


def _lead_page(lead_html: str) -> str:
    body = "".join(f"<p>{p} {q}</p>" for p in (P1, P2, P3) for q in ("One.", "Two."))
    return ("<html><head><title>Ferry saved for winter | Coast News</title></head><body>"
            "<nav><a href='/'>Home</a></nav><div class='page'>"
            f"<div class='article-header'><h1>Ferry saved for winter</h1>{lead_html}"
            "<div class='byline'>By Ann Lee, 3 March 2024</div>"
            "<div class='share'><a href='/s'>Share</a> <a href='/t'>Tweet</a></div>"
            "<div class='hero'><img src='a.jpg'><span>The night ferry leaves the north pier "
            "at dusk on its last run of the day (Photo: Coast Agency)</span></div></div>"
            f"<div class='article-body'>{body}</div>"
            "<aside><h3>Most read</h3><p>Lamps replaced on the pier after the storm.</p></aside>"
            "</div><footer>About us</footer></body></html>")


def test_standfirst_between_headline_and_body_is_kept_once_before_the_body() -> None:
    (d,) = parse_html(_lead_page(f"<p class='standfirst'>{LEAD}</p>"))
    got = _body([d])
    assert got.count(LEAD) == 1
    assert got.index(LEAD) < got.index(f"{P1} One.")
    assert not any("Ann Lee" in t or "Photo:" in t or "Tweet" in t for t in got)


def test_links_to_other_stories_between_headline_and_body_are_no_standfirst() -> None:
    teasers = "".join(f"<p><a href='/{i}'>{LEAD} ({i})</a></p>" for i in range(2))
    (d,) = parse_html(_lead_page(teasers))
    assert not any(LEAD in t for t in _body([d]))


def test_related_links_after_the_body_are_not_article_text() -> None:
    story = "".join(f"<p>{p} {q}</p>" for p in (P1, P2, P3) for q in ("One.", "Two."))
    related = ("<h2>More from the coast</h2><p><a href='/a'>Lamps replaced on the pier</a></p>"
               "<p><a href='/b'>Choir wins the regional prize</a></p>")
    cited = "<p>Read it at <a href='https://example.org/report'>example.org/report</a></p>"
    html = (f"<html><body><article><h1>Ferry saved for winter</h1>{story}"
            f"<p>The full council report is online:</p>{cited}{related}</article></body></html>")
    got = _body(parse_html(html))
    assert got[-2:] == ["The full council report is online:", "Read it at example.org/report"]
    assert not any("Lamps" in t or "Choir" in t or "More from" in t for t in got)


def test_links_under_a_heading_inside_the_body_are_dropped_but_not_a_link_in_a_sentence() -> None:
    story = "".join(f"<p>{p} {q}</p>" for p in (P1, P2, P3) for q in ("One.", "Two."))
    links = "<ul>" + "".join(f"<li><a href='/{i}'>Storm news {i}: the pier lamps are back on the north "
                              "side</a></li>" for i in range(3)) + "</ul>"
    html = (f"<html><body><article><h1>Ferry saved for winter</h1>{story}<h2>Read next</h2>"
            f"{links}<h2>What happens now</h2><p>{P1} See <a href='/t'>the timetable</a> for "
            "the new crossings.</p></article></body></html>")
    got = _body(parse_html(html))
    assert not any("Storm news" in t or t == "Read next" for t in got)
    assert got[-2:] == ["What happens now", f"{P1} See the timetable for the new crossings."]


def test_mismatched_charset_declarations_are_read_as_the_bytes_are_and_logged(
        caplog: pytest.LogCaptureFixture) -> None:
    text = "Les habitants de la c\u00f4te ont appris mardi que le bateau continuerait \u00e0 circuler."
    doc = f"<html><head><meta charset=windows-1252></head><body><p>{text}</p></body></html>"
    with caplog.at_level("WARNING"):
        # Declared windows-1252, saved as UTF-8: read as declared, "côte" would be "cÃ´te".
        assert decode_html(doc.encode("utf-8"), "stale.html") == doc
        # Declared UTF-8, saved as windows-1252: every accent a U+FFFD if read as declared.
        utf8_doc = doc.replace("windows-1252", "utf-8")
        assert decode_html(utf8_doc.encode("cp1252"), "legacy.html") == utf8_doc
        # A byte-order mark outranks the declaration (WHATWG).
        assert decode_html(b"\xef\xbb\xbf" + doc.encode("utf-8"), "bom.html") == doc
    messages = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("stale.html: declared windows-1252 but the bytes are UTF-8")
               for m in messages)
    assert any(m.startswith("legacy.html: declared utf-8 but not valid utf-8") for m in messages)
    assert not any(m.startswith("bom.html") for m in messages)
