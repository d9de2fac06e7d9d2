"""Each edition's Atom and RSS 2.0 feeds, read back with feedparser (what feed readers use)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import feedparser
import pytest

from tests.export.conftest import BUDGET_FA, HOSTILE, Newsroom, approve
from tests.factories import add_article

BASE = "https://news.example.org/editions/"


def _parse(newsroom: Newsroom, rel: str) -> feedparser.FeedParserDict:
    feed = feedparser.parse((newsroom.out / rel).read_bytes())
    assert not feed.bozo, f"{rel}: {feed.get('bozo_exception')}"
    return feed


@pytest.mark.parametrize("name", ["feed.xml", "rss.xml"])
@pytest.mark.parametrize("lang", ["en", "fa", "ar", "sq"])
def test_every_feed_parses_without_bozo(newsroom: Newsroom, lang: str, name: str) -> None:
    newsroom.export(include_machine=True)
    feed = _parse(newsroom, f"{lang}/{name}")
    assert feed.version == ("atom10" if name == "feed.xml" else "rss20")
    assert feed.feed.language == lang if name == "rss.xml" else True
    published = {"en": 2, "fa": 2, "ar": 2, "sq": 0}[lang]
    assert len(feed.entries) == published


def test_atom_entries_carry_language_dates_author_and_translators(newsroom: Newsroom) -> None:
    newsroom.export(include_machine=True, base_url=BASE)
    feed = _parse(newsroom, "fa/feed.xml")
    assert feed.feed.title and feed.feed.links[0].href == f"{BASE}fa/feed.xml"
    first, second = feed.entries  # newest first
    assert first.link == f"{BASE}fa/river-clean.html" and first.id == first.link
    assert second.title == BUDGET_FA[0]
    # updated: the last approved change (the review happened today), published: the article's date.
    today = dt.datetime.now(dt.UTC).date()
    assert second.published == "2024-05-01T00:00:00Z"
    assert second.updated_parsed[:3] == (today.year, today.month, today.day)
    assert second.author == "Ella Park"
    assert [c.name for c in second.contributors] == ["mina", "reza"]
    assert second.summary == BUDGET_FA[1]
    assert {t.term for t in second.tags} == {"local", "council", "budget"}
    # The feed document declares the edition's language.
    assert b'xml:lang="fa"' in (newsroom.out / "fa" / "feed.xml").read_bytes()


def test_rss_items_have_creator_and_contributors(newsroom: Newsroom) -> None:
    newsroom.export(include_machine=True, base_url=BASE)
    feed = _parse(newsroom, "fa/rss.xml")
    item = feed.entries[1]
    assert item.link == f"{BASE}fa/budget-vote.html"
    assert item.author == "Ella Park"  # dc:creator
    assert item.published_parsed[:3] == (2024, 5, 1)
    assert feed.feed.link == f"{BASE}fa/index.html"


def test_without_a_base_url_ids_are_stable_urns_and_links_relative(newsroom: Newsroom) -> None:
    newsroom.export(include_machine=True)
    feed = _parse(newsroom, "fa/feed.xml")
    ids = [e.id for e in feed.entries]
    assert all(i.startswith("urn:uuid:") for i in ids)
    assert [e.link for e in feed.entries] == ["river-clean.html", "budget-vote.html"]
    newsroom.export(include_machine=True)
    assert [e.id for e in _parse(newsroom, "fa/feed.xml").entries] == ids


def test_hostile_text_and_control_characters_keep_the_feed_valid(newsroom: Newsroom) -> None:
    add_article(newsroom.store, "hostile", HOSTILE, date_iso="2024-07-01",
                byline="<b>Mallory</b> & \x01co")
    approve(newsroom.store, "hostile", "fa", ["]]></title><x>\x0b", HOSTILE[1][1]])
    newsroom.export()
    for name in ("feed.xml", "rss.xml"):
        feed = _parse(newsroom, f"fa/{name}")
        assert feed.entries[0].title == "]]></title><x>"
        assert "Mallory" in feed.entries[0].author


def test_feed_size_limits_the_entries(newsroom: Newsroom) -> None:
    newsroom.settings = replace(newsroom.settings, feed_size=1)
    newsroom.export(include_machine=True)
    assert [e.title for e in _parse(newsroom, "en/feed.xml").entries] == ["River clean-up starts"]
