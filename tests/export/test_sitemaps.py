"""Sitemaps and robots.txt: valid against the sitemap schemas (lxml, no network), namespaces,
absolute URLs, hreflang alternates with x-default, and the Google News window."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from lxml import etree

from pipeline.export import sitemaps
from pipeline.export.pages import IndexEntry
from tests.export.conftest import Newsroom

BASE = "https://news.example.org/editions/"
SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "schemas" / "sitemap.xsd")))
NS = {"s": sitemaps.SITEMAP_NS, "x": sitemaps.XHTML_NS, "n": sitemaps.NEWS_NS}


def _valid(path: Path) -> etree._ElementTree:
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    assert SCHEMA.validate(tree), f"{path.name}: {SCHEMA.error_log}"
    return tree


def test_edition_sitemaps_list_articles_with_alternates_and_x_default(newsroom: Newsroom) -> None:
    newsroom.export(include_machine=True, base_url=BASE)
    tree = _valid(newsroom.out / "fa" / "sitemap.xml")
    urls = tree.xpath("/s:urlset/s:url", namespaces=NS)
    assert [u.findtext("s:loc", namespaces=NS) for u in urls] == [
        f"{BASE}fa/river-clean.html", f"{BASE}fa/budget-vote.html"]
    budget = urls[1]
    # lastmod: the last approved change (the fixture's review ran today).
    assert budget.findtext("s:lastmod", namespaces=NS) == dt.datetime.now(dt.UTC).date().isoformat()
    links = {a.get("hreflang"): a.get("href") for a in budget.findall("x:link", namespaces=NS)}
    # sq does not publish budget-vote: no alternate for it.
    assert links == {"en": f"{BASE}en/budget-vote.html", "fa": f"{BASE}fa/budget-vote.html",
                     "ar": f"{BASE}ar/budget-vote.html", "x-default": f"{BASE}en/budget-vote.html"}


def test_root_sitemap_index_and_robots_point_at_every_edition(newsroom: Newsroom) -> None:
    report = newsroom.export(include_machine=True, base_url=BASE,
                             today=dt.date(2024, 6, 3))
    assert report.sitemap
    index = _valid(newsroom.out / "sitemap.xml")
    locs = index.xpath("/s:sitemapindex/s:sitemap/s:loc/text()", namespaces=NS)
    # sq publishes nothing, so it has no sitemap; river-clean (June 2) is news on June 3.
    assert locs == [f"{BASE}{lang}/{name}" for lang in ("ar", "en", "fa")
                    for name in ("news-sitemap.xml", "sitemap.xml")]
    for loc in locs:
        _valid(newsroom.out / loc.removeprefix(BASE))
    robots = (newsroom.out / "robots.txt").read_text()
    assert f"Sitemap: {BASE}sitemap.xml" in robots.splitlines()


def test_no_base_url_no_sitemap(newsroom: Newsroom) -> None:
    report = newsroom.export(include_machine=True)
    assert not report.sitemap
    assert not (newsroom.out / "sitemap.xml").exists() and not (newsroom.out / "robots.txt").exists()
    assert not (newsroom.out / "fa" / "sitemap.xml").exists()


def test_news_sitemap_holds_the_last_two_days_only(newsroom: Newsroom) -> None:
    newsroom.export(include_machine=True, base_url=BASE, today=dt.date(2024, 6, 4))
    tree = _valid(newsroom.out / "ar" / "news-sitemap.xml")
    news = tree.xpath("//n:news", namespaces=NS)
    assert len(news) == 1  # river-clean (June 2); budget-vote (May 1) is too old
    assert news[0].findtext("n:publication/n:language", namespaces=NS) == "ar"
    assert news[0].findtext("n:publication_date", namespaces=NS) == "2024-06-02"
    assert news[0].findtext("n:title", namespaces=NS) == "بدء تنظيف النهر"
    # Two days later nothing is news: the file is withdrawn.
    newsroom.export(include_machine=True, base_url=BASE, today=dt.date(2024, 6, 10))
    assert not (newsroom.out / "ar" / "news-sitemap.xml").exists()


def _entry(i: int, day: str | None) -> IndexEntry:
    return IndexEntry(f"a-{i}", f"Title {i}", day, None, "approved", False)


def test_news_window_and_cap() -> None:
    today = dt.date(2024, 6, 10)
    entries = [_entry(i, "2024-06-10") for i in range(1200)] + [
        _entry(2000, "2024-06-08"), _entry(2001, "2024-06-07"), _entry(2002, None),
        _entry(2003, "2024-06-11")]
    picked = sitemaps.news_entries(entries, today)
    assert len(picked) == sitemaps.NEWS_MAX == 1000
    assert {e.date_iso for e in sitemaps.news_entries(entries[1100:], today)} == {
        "2024-06-10", "2024-06-08"}


@pytest.mark.parametrize("bad", [
    b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>fa/x.html</loc></url></urlset>',
    b'<urlset xmlns="http://example.org/wrong"><url><loc>https://a.org/x</loc></url></urlset>',
    b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>',
])
def test_the_schema_check_rejects_what_search_engines_reject(bad: bytes) -> None:
    assert not SCHEMA.validate(etree.fromstring(bad))
