"""The translator's screen in a real browser: Debian's chromium on a real uvicorn (tests/web/conftest)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from pipeline.review import actions, comments
from pipeline.store import translations as tr
from pipeline.store.articles import load_article
from tests.factories import add_article
from tests.web.conftest import ARTIFACTS, LiveServer, Web, fill_machine

expect = pytest.importorskip("playwright.sync_api").expect
Browser = Callable[..., Any]

SECOND = [
    ("title", "Ferry link opens"),
    ("paragraph", "The ferry runs every 20 minutes from Station Road."),
    ("paragraph", "Tickets cost 3 euros at https://ferry.example.org/tickets."),
]
SECOND_FA = ["خط کشتی افتتاح شد", "کشتی هر ۲۰ دقیقه از Station Road حرکت می‌کند.",
             "بلیت‌ها ۳ یورو در https://ferry.example.org/tickets قیمت دارند."]


def _second_article(web: Web) -> list[str]:
    add_article(web.store, "ferry-link", SECOND, date_iso="2024-05-02")
    fill_machine(web.store, "ferry-link", {"fa": SECOND_FA})
    return [u.id for u in load_article(web.store, "ferry-link").units]


def _guard(page: Any) -> list[str]:
    """Record every dialog (alert, confirm) the page opens: an injected script would."""
    seen: list[str] = []

    def on_dialog(dialog: Any) -> None:
        seen.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return seen


def test_five_units_reviewed_with_the_keyboard_only(web: Web, browser_as: Browser) -> None:
    extra = _second_article(web)
    page = browser_as("rita")
    dialogs = _guard(page)
    page.goto("/review/fa")
    # Tab to "Review one at a time" and follow it, as a keyboard user would.
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == "start":
            break
    else:
        pytest.fail("the start link is not reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("#translation:focus")
    field = page.get_by_label("Translation", exact=True)
    assert field.evaluate("el => getComputedStyle(el).direction") == "rtl"
    order = []
    panel = page.locator("#panel")
    for n in range(5):
        unit = panel.get_attribute("data-unit")
        order.append(unit)
        if n == 1:  # Ctrl+Shift+C copies the source in; then type the translation
            page.keyboard.press("Control+Shift+C")
            assert field.input_value() == page.locator("#source-text").inner_text()
            page.keyboard.press("Control+A")
            page.keyboard.type("متن تازه با ۱۲ و ۳")
        if n == 2:  # Alt+Down and Alt+Up come back to the same unit
            page.keyboard.press("Alt+ArrowDown")
            expect(panel).not_to_have_attribute("data-unit", unit)
            page.keyboard.press("Alt+ArrowUp")
            expect(panel).to_have_attribute("data-unit", unit)
            page.wait_for_selector("#translation:focus")
        page.keyboard.press("Control+Enter")
        if n < 4:
            expect(panel).not_to_have_attribute("data-unit", unit)
            page.wait_for_selector("#translation:focus")
    page.wait_for_timeout(300)
    statuses = {u: tr.get(web.store, u, "fa").status for u in web.unit_ids() + extra}
    assert sum(s == "approved" for s in statuses.values()) == 5, statuses
    assert all(statuses[u] == "approved" for u in order)
    assert tr.get(web.store, order[1], "fa").text == "متن تازه با ۱۲ و ۳"
    assert not dialogs
    # `?` shows the table of shortcuts (when the cursor is not in a field).
    page.goto("/review/fa/unit/" + extra[2])
    page.wait_for_selector("#translation:focus")
    page.keyboard.press("Tab")  # out of the field: `?` is a character there
    page.keyboard.press("?")
    assert page.locator("#shortcuts").evaluate("el => el.open")
    assert page.get_by_text("Copy the source into the translation field").is_visible()


@pytest.mark.parametrize("lang, expected", [("fa", "rtl"), ("ar", "rtl"), ("sq", "ltr")])
def test_translation_field_direction_and_screenshot(web: Web, browser_as: Browser, lang: str,
                                                    expected: str) -> None:
    ids = web.unit_ids()
    web.store.db["glossary"].insert({"term": "council", "lang": lang,
                                     "translation": {"fa": "شورا", "ar": "المجلس",
                                                     "sq": "këshilli"}[lang],
                                     "do_not_translate": 0})
    comments.add(web.store, ids[1], lang, "Check the vote count (12 to 3) with Jonas Weber.",
                 who="rita")
    page = browser_as("rita", ui=lang)
    page.goto(f"/review/{lang}/unit/{ids[1]}")
    field = page.locator("#translation")  # labelled in the interface language
    assert field.evaluate("el => getComputedStyle(el).direction") == expected
    assert page.locator("html").get_attribute("dir") == ("ltr" if lang == "sq" else "rtl")
    page.locator("#translation").press("End")
    page.keyboard.type(" 2024")
    expect(page.locator("#findings code").first).to_have_text("numbers")
    page.screenshot(path=str(ARTIFACTS / f"review-{lang}.png"), full_page=True)
    page.goto(f"/review/{lang}")
    page.screenshot(path=str(ARTIFACTS / f"review-queue-{lang}.png"), full_page=True)


def test_second_browser_saving_over_a_changed_revision_gets_the_conflict_view(
        web: Web, browser_as: Browser) -> None:
    ids = web.unit_ids()
    tina, rita = browser_as("tina"), browser_as("rita")
    tina.goto(f"/review/fa/unit/{ids[1]}")
    rita.goto(f"/review/fa/unit/{ids[1]}")
    assert rita.get_by_text(re.compile("Taken by tina")).is_visible()
    tina.get_by_label("Translation", exact=True).fill("ترجمه تینا")
    tina.get_by_role("button", name="Save", exact=True).click()
    expect(tina.locator("#panel")).not_to_have_attribute("data-unit", ids[1])
    rita.get_by_label("Translation", exact=True).fill("ترجمه ریتا")
    rita.get_by_role("button", name="Approve", exact=True).click()
    rita.wait_for_selector(".conflict")
    assert rita.locator(".conflict .theirs").inner_text() == "ترجمه تینا"
    assert rita.get_by_label("Translation", exact=True).input_value() == "ترجمه ریتا"
    t = tr.get(web.store, ids[1], "fa")
    assert (t.text, t.status) == ("ترجمه تینا", "translated")  # nothing overwritten
    rita.screenshot(path=str(ARTIFACTS / "review-conflict-fa.png"), full_page=True)


def test_fa_translator_is_refused_on_arabic(web: Web, browser_as: Browser) -> None:
    page = browser_as("tina")
    response = page.goto("/review/ar")
    assert response is not None and response.status == 403
    assert page.get_by_role("textbox", name="Translation").count() == 0
    response = page.goto(f"/review/ar/unit/{web.unit_ids()[1]}")
    assert response is not None and response.status == 403


def test_markup_in_source_translation_comment_and_name_stays_inert(
        web: Web, browser_as: Browser) -> None:
    payload = ('<img src="x" id="xss-{}" onerror="alert(\'{}\')">'
               '<script>window.__xss = "{}"</script>')
    add_article(web.store, "xss", [("title", "Evil " + payload.format("t", "t", "t")),
                                   ("paragraph", "Source " + payload.format("s", "s", "s"))],
                date_iso="2024-05-03")
    unit = load_article(web.store, "xss").units[1].id
    fill_machine(web.store, "xss", {"fa": ["عنوان", "ترجمه " + payload.format("m", "m", "m")]})
    evil_name = payload.format("n", "n", "n")
    actions.edit(web.store, unit, "fa", "متن " + payload.format("e", "e", "e"), who=evil_name)
    comments.add(web.store, unit, "fa", payload.format("c", "c", "c"), who=evil_name)
    page = browser_as("rita")
    dialogs = _guard(page)
    for path in ("/review/fa", f"/review/fa/unit/{unit}"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__xss") is None
        assert page.locator("[id^=xss-]").count() == 0
        assert page.locator("script:not([src])").count() == 0
    page.get_by_label("Translation", exact=True).fill(payload.format("d", "d", "d"))
    page.wait_for_timeout(800)  # the live check answers with the draft in its findings
    assert page.evaluate("window.__xss") is None and page.locator("[id^=xss-]").count() == 0
    assert page.get_by_text(re.compile("window.__xss")).count() >= 1  # shown as text
    assert not dialogs


def test_signed_out_visitor_reaches_only_the_sign_in_page(web: Web, live_server: LiveServer,
                                                          browser_as: Browser) -> None:
    page = browser_as("tina")
    context = page.context.browser.new_context(base_url=live_server.url)
    anon = context.new_page()
    for path in ("/review/fa", f"/review/fa/unit/{web.unit_ids()[1]}", "/"):
        anon.goto(path)
        assert re.search(r"/signin(\?|$)", anon.url), anon.url
        assert anon.get_by_label("Translation", exact=True).count() == 0
    context.close()
