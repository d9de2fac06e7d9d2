"""The right-to-left editions in a real headless Chromium (Debian's package, no browser download)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.export.conftest import BUDGET_FA, Newsroom

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(os.environ.get("PIPELINE_ARTIFACTS", ROOT / "artifacts"))
RIVER_AR = "التقى المتطوعون عند الفجر قرب الجسر."

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).is_file(),
                       reason="Debian's chromium is not installed (scripts/test installs it)"),
]


@pytest.mark.parametrize("lang, slug, first_paragraph", [
    ("fa", "budget-vote", BUDGET_FA[1]),
    ("ar", "river-clean", RIVER_AR),
])
def test_rtl_article_renders_right_to_left(newsroom: Newsroom, lang: str, slug: str,
                                           first_paragraph: str) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    newsroom.export(include_machine=True)
    page_path = newsroom.out / lang / f"{slug}.html"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 800, "height": 700})
            page.goto(page_path.as_uri())
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
            page.screenshot(path=str(ARTIFACTS / f"edition-{lang}-{slug}.png"), full_page=True)
        finally:
            browser.close()


def test_placeholder_notice_is_visible_in_both_languages(newsroom: Newsroom) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    newsroom.export(include_machine=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 800, "height": 700})
            page.goto((newsroom.out / "ar" / "budget-vote.html").as_uri())
            notice = page.get_by_role("alert")
            assert notice.is_visible()
            english = notice.locator("[lang=en]")
            assert english.evaluate("e => getComputedStyle(e).direction") == "ltr"
            assert "random-weight test model" in english.inner_text()
            page.screenshot(path=str(ARTIFACTS / "edition-ar-placeholder-notice.png"), full_page=True)
        finally:
            browser.close()
