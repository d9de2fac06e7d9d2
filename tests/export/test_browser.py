"""The editions in a real headless Chromium (Debian's package, no browser download): direction,
line height, masthead, wrapping; screenshots of each edition land in artifacts/."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from pipeline.store.articles import load_article
from tests.conftest import ROOT
from tests.export.conftest import BUDGET_FA, Newsroom, approve

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(os.environ.get("PIPELINE_ARTIFACTS", ROOT / "artifacts"))
RIVER_AR = "التقى المتطوعون عند الفجر قرب الجسر."
BUDGET_SQ = ["Këshilli miraton buxhetin", "Këshilli votoi të hënën 12 me 3.", "Rrugët", "Shkollat"]
LONG_TITLE_FA = ("شورای شهر پس از ماه‌ها بحث و گفت‌وگو سرانجام بودجهٔ سال آینده را با اکثریت آرا "
                 "تصویب کرد")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).is_file(),
                       reason="Debian's chromium is not installed (scripts/test installs it)"),
]


@pytest.fixture
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def site(newsroom: Newsroom) -> Newsroom:
    """The newsroom with a site name per edition, a long Persian headline and an Albanian article."""
    newsroom.settings = replace(newsroom.settings, site_name="Riverside Courier",
                                site_name_by_lang={"fa": "پیک ریورساید", "ar": "بريد ريفرسايد"})
    approve(newsroom.store, "budget-vote", "fa", [LONG_TITLE_FA, *BUDGET_FA[1:]])
    approve(newsroom.store, "budget-vote", "sq", BUDGET_SQ)
    assert load_article(newsroom.store, "budget-vote").units
    newsroom.export(include_machine=True)
    return newsroom


@pytest.mark.parametrize("lang, slug, first_paragraph", [
    ("fa", "budget-vote", BUDGET_FA[1]),
    ("ar", "river-clean", RIVER_AR),
])
def test_rtl_article_renders_right_to_left(site: Newsroom, browser: Any, lang: str, slug: str,
                                           first_paragraph: str) -> None:
    page = browser.new_page(viewport={"width": 800, "height": 700})
    page.goto((site.out / lang / f"{slug}.html").as_uri())
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    first = page.locator("article p.paragraph").first
    assert first.inner_text() == first_paragraph
    assert first.evaluate("e => getComputedStyle(e).direction") == "rtl"
    # Right-to-left text starts at the right: the paragraph's text hugs the right edge.
    box = first.evaluate(
        "e => { const r = document.createRange(); r.selectNodeContents(e);"
        " const t = r.getBoundingClientRect(), b = e.getBoundingClientRect();"
        " return [t.right, b.right, t.left, b.left]; }")
    assert abs(box[0] - box[1]) < 2 and box[2] > box[3]
    # The stylesheet (shared asset) loaded: the switcher is a flex row.
    assert page.evaluate(
        "getComputedStyle(document.querySelector('.switcher ul')).display") == "inline-flex"


# What a reader sees wrong first: a headline with gaps between its lines, a masthead missing
# or on the wrong side, text wider than the screen.
LAYOUT = """() => {
  const h1 = document.querySelector('main h1'), s = getComputedStyle(h1);
  const brand = document.querySelector('.masthead .brand').getBoundingClientRect();
  const head = document.querySelector('.masthead').getBoundingClientRect();
  return {lineRatio: parseFloat(s.lineHeight) / parseFloat(s.fontSize),
          brandText: document.querySelector('.masthead .site-name').innerText,
          brandLeft: brand.left - head.left, brandRight: head.right - brand.right,
          overflow: document.documentElement.scrollWidth - window.innerWidth,
          dir: getComputedStyle(document.body).direction};
}"""


@pytest.mark.parametrize("lang, name", [("fa", "پیک ریورساید"), ("ar", "بريد ريفرسايد"),
                                        ("sq", "Riverside Courier")])
@pytest.mark.parametrize("width", [800, 380])
def test_article_and_index_layout_per_edition(site: Newsroom, browser: Any, lang: str, name: str,
                                              width: int) -> None:
    slug = "river-clean" if lang == "ar" else "budget-vote"
    page = browser.new_page(viewport={"width": width, "height": 800})
    for rel in (f"{lang}/{slug}.html", f"{lang}/index.html"):
        page.goto((site.out / rel).as_uri())
        got = page.evaluate(LAYOUT)
        assert got["brandText"] == name
        assert got["lineRatio"] < 1.6, f"{rel}: headline lines {got['lineRatio']:.2f} em apart"
        assert got["overflow"] <= 0, f"{rel}: {got['overflow']} px wider than the screen"
        # The masthead starts where the reader starts: the right for fa and ar, the left for sq.
        start = got["brandRight"] if lang in ("fa", "ar") else got["brandLeft"]
        assert start < 2, f"{rel}: the site name does not start the masthead"
        shot = rel.replace("/", "-").replace(".html", "")
        page.screenshot(path=str(ARTIFACTS / f"edition-{shot}-{width}.png"), full_page=True)


def test_placeholder_notice_is_visible_in_both_languages(newsroom: Newsroom, browser: Any) -> None:
    newsroom.export(include_machine=True)
    page = browser.new_page(viewport={"width": 800, "height": 700})
    page.goto((newsroom.out / "ar" / "budget-vote.html").as_uri())
    notice = page.get_by_role("alert")
    assert notice.is_visible()
    english = notice.locator("[lang=en]")
    assert english.evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert "random-weight test model" in english.inner_text()
    page.screenshot(path=str(ARTIFACTS / "edition-ar-placeholder-notice.png"), full_page=True)
