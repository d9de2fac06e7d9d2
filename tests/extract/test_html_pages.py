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


def test_stray_legacy_byte_in_a_utf8_page_is_read_as_windows_1252() -> None:
    data = "<html><meta charset=utf-8><p>\u00fcber caf".encode() + b"\xe9</p>"
    assert decode_html(data, "x").endswith("\u00fcber caf\u00e9</p>")


def test_binary_html_is_refused() -> None:
    with pytest.raises(InputError, match="binary file"):
        decode_html(b"<html>\x00\x01\x02", "x.html")
