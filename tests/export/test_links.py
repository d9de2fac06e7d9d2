"""Every link in an exported tree resolves; partial exports link only to what exists; the
JSON-LD of every article parses and says what the page is."""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from tests.export.conftest import BUDGET_FA, HOSTILE, Newsroom, approve
from tests.factories import add_article

BASE = "https://news.example.org/editions/"


class Page(HTMLParser):
    """Every href/src of a page, and the text of its JSON-LD scripts."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.refs: list[tuple[str, str]] = []
        self.json_ld: list[str] = []
        self._in_ld = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for key in ("href", "src"):
            if a.get(key):
                self.refs.append((tag, a[key] or ""))
        self._in_ld = tag == "script" and a.get("type") == "application/ld+json"
        if self._in_ld:
            self.json_ld.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.json_ld[-1] += data


def dangling(out: Path, base: str | None = None) -> list[str]:
    """Local links of every HTML page under `out` that lead to no file (a link checker)."""
    bad = []
    for page in sorted(out.rglob("*.html")):
        for _tag, ref in Page(page.read_text(encoding="utf-8")).refs:
            target, _ = urldefrag(ref)
            if base and target.startswith(base):
                target_path = out / target.removeprefix(base)
            elif urlsplit(target).scheme or target.startswith("//"):
                bad.append(f"{page.relative_to(out)}: foreign link {ref}")
                continue
            else:
                target_path = (page.parent / target).resolve()
            if not target_path.is_file():
                bad.append(f"{page.relative_to(out)} -> {ref}")
    return bad


def test_every_local_link_of_a_full_export_resolves(newsroom: Newsroom) -> None:
    newsroom.export(include_machine=True)
    assert (newsroom.out / "fa" / "tags" / "council.html").is_file()
    assert (newsroom.out / "en" / "categories" / "local.html").is_file()
    assert dangling(newsroom.out) == []


def test_paginated_index_links_every_page(newsroom: Newsroom) -> None:
    from dataclasses import replace

    for i in range(5):
        add_article(newsroom.store, f"note-{i}", [("title", f"Note {i}"), ("paragraph", "Text.")],
                    date_iso=f"2024-04-0{i + 1}", tags=("notes",))
    newsroom.settings = replace(newsroom.settings, page_size=2)
    newsroom.export(langs=["en"])
    pages = ["en/index.html", "en/page/2.html", "en/page/3.html", "en/page/4.html"]
    assert all((newsroom.out / p).is_file() for p in pages)
    assert not (newsroom.out / "en" / "page" / "5.html").exists()
    second = newsroom.read("en/page/2.html")
    assert 'rel="prev" href="../index.html"' in second and 'rel="next" href="3.html"' in second
    assert 'href="../note-' in second  # articles one directory up
    assert (newsroom.out / "en" / "tags" / "notes" / "3.html").is_file()
    assert dangling(newsroom.out) == []
    # Fewer articles later: the extra pages are withdrawn.
    newsroom.settings = replace(newsroom.settings, page_size=50)
    newsroom.export(langs=["en"])
    assert not (newsroom.out / "en" / "page" / "2.html").exists()
    assert dangling(newsroom.out) == []


def test_partial_export_links_only_to_what_exists(newsroom: Newsroom) -> None:
    newsroom.out = newsroom.out.parent / "site2"
    newsroom.export(langs=["fa"], include_machine=True)
    assert sorted(p.name for p in newsroom.out.iterdir() if not p.name.startswith(".")) == [
        "assets", "fa"]
    assert dangling(newsroom.out) == []
    page = newsroom.read("fa/budget-vote.html")
    assert "../en/" not in page and "../ar/" not in page
    # A later export of English into the same directory: both now link to each other.
    newsroom.export(langs=["en"], include_machine=True)
    assert "../fa/budget-vote.html" in newsroom.read("en/budget-vote.html")
    newsroom.export(langs=["fa"], include_machine=True)
    assert "../en/budget-vote.html" in newsroom.read("fa/budget-vote.html")
    assert dangling(newsroom.out) == []


def test_partial_export_with_a_base_url_links_to_the_published_site(newsroom: Newsroom) -> None:
    newsroom.out = newsroom.out.parent / "site2"
    newsroom.export(langs=["fa"], include_machine=True, base_url=BASE)
    page = newsroom.read("fa/budget-vote.html")
    # The switcher reaches the other editions on the site; sq does not publish this article.
    assert f'href="{BASE}en/budget-vote.html"' in page and f'href="{BASE}ar/budget-vote.html"' in page
    assert f"{BASE}sq/" not in page
    # Every relative link resolves; the absolute ones lead to the site's other editions.
    foreign = {d.split(" foreign link ")[1] for d in dangling(newsroom.out)}
    assert all(d.startswith((f"{BASE}en/", f"{BASE}ar/", f"{BASE}sq/", f"{BASE}fa/"))
               for d in foreign)
    assert all(not (newsroom.out / d.removeprefix(BASE)).exists() or d.startswith(f"{BASE}fa/")
               for d in foreign)


def test_json_ld_parses_and_describes_the_article(newsroom: Newsroom) -> None:
    newsroom.export(include_machine=True, base_url=BASE)
    scripts = Page(newsroom.read("fa/budget-vote.html")).json_ld
    assert len(scripts) == 1
    data = json.loads(scripts[0])
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert (data["headline"], data["inLanguage"]) == (BUDGET_FA[0], "fa")
    assert data["datePublished"] == "2024-05-01"
    # dateModified: the last approved change (the fixture's review ran today).
    assert data["dateModified"] == dt.datetime.now(dt.UTC).date().isoformat()
    assert data["author"] == [{"@type": "Person", "name": "Ella Park"}]
    assert data["translator"] == [{"@type": "Person", "name": "mina"}]
    assert data["isBasedOn"]["url"] == f"{BASE}en/budget-vote.html"
    assert data["isBasedOn"]["inLanguage"] == "en"
    assert data["url"] == f"{BASE}fa/budget-vote.html"
    english = json.loads(Page(newsroom.read("en/budget-vote.html")).json_ld[0])
    assert "isBasedOn" not in english and "translator" not in english


def test_json_ld_cannot_be_closed_by_stored_text(newsroom: Newsroom) -> None:
    add_article(newsroom.store, "hostile", HOSTILE, byline="</script><script>alert(1)</script>")
    approve(newsroom.store, "hostile", "fa", ["</script><!-- <script>x</script>", HOSTILE[1][1]])
    newsroom.export()
    raw = newsroom.read("fa/hostile.html")
    start = raw.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    body = raw[start:raw.index("</script>", start)]
    assert "<" not in body and ">" not in body and "&" not in body
    data = json.loads(body)
    assert data["headline"] == "</script><!-- <script>x</script>"
    assert data["author"][0]["name"] == "</script><script>alert(1)</script>"


def test_open_graph_tags(newsroom: Newsroom) -> None:
    newsroom.export(include_machine=True, base_url=BASE)
    page = newsroom.read("fa/budget-vote.html")
    assert '<meta property="og:type" content="article">' in page
    assert f'<meta property="og:title" content="{BUDGET_FA[0]}">' in page
    assert '<meta property="og:locale" content="fa_IR">' in page
    assert '<meta property="og:locale:alternate" content="ar_EG">' in page
    assert f'<meta property="og:url" content="{BASE}fa/budget-vote.html">' in page
    assert '<meta property="article:tag" content="council">' in page
