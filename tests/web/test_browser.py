"""The web workspace in a real Chromium against a real uvicorn: sign-in, sign-out, the editor's
preview and publishing, the interface in Persian. Screenshots go to artifacts/."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from pipeline.states import Action
from pipeline.store import translations as tr
from tests.web.conftest import ARTIFACTS, MACHINE, PASSWORD, LiveServer, Web

pytestmark = [pytest.mark.browser]


def _approve_all(web: Web, lang: str) -> None:
    for unit in web.unit_ids():
        tr.change(web.store, unit, lang, Action.APPROVE, who="rita", reviewed_by="rita")


def test_sign_in_with_the_labelled_form_and_sign_out(browser_as: Callable[..., Any],
                                                    live_server: LiveServer) -> None:
    page = browser_as("eddie")  # signs in through the form: "Name", "Password", "Sign in"
    assert page.url.rstrip("/") == live_server.url
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, eddie"
    page.screenshot(path=str(ARTIFACTS / "web-home-en.png"), full_page=True)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/signin$"))
    # Signed out, every page leads back to the sign-in form.
    page.goto("/dashboard")
    assert "/signin" in page.url
    assert page.get_by_role("button", name="Sign in").is_visible()


def test_accessible_names_of_the_sign_in_form(browser_as: Callable[..., Any],
                                              live_server: LiveServer) -> None:
    page = browser_as("eddie")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/signin$"))
    page.get_by_label("Name").fill("eddie")
    page.get_by_label("Password").fill("wrong password!")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text() == "The name or the password is wrong."
    page.screenshot(path=str(ARTIFACTS / "web-signin-error.png"), full_page=True)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"^(?!.*/signin).*$"))


def test_no_csp_violation_and_htmx_loaded(browser_as: Callable[..., Any], web: Web) -> None:
    page = browser_as("ada")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/editor")
    page.goto(f"/editor/{web.slug}/fa")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.htmx") == "object"
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_editor_preview_is_the_exported_page_with_its_own_stylesheet(
        browser_as: Callable[..., Any], web: Web) -> None:
    _approve_all(web, "fa")
    page = browser_as("eddie")
    page.goto(f"/editor/{web.slug}/fa")
    assert page.get_by_role("heading", name="Readiness").is_visible()
    frame_el = page.locator("iframe.preview")
    assert frame_el.get_attribute("sandbox") == ""
    frame = frame_el.content_frame
    first = frame.locator("article p.paragraph").first
    first.wait_for()
    assert first.inner_text() == MACHINE["fa"][1]
    assert frame.locator("html").evaluate("e => e.lang") == "fa"
    # The edition's stylesheet applied inside the sandbox: the page runs right to left and the
    # language switcher is laid out as the exported page lays it out.
    assert first.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert frame.locator(".switcher ul").evaluate(
        "e => getComputedStyle(e).display") == "inline-flex"
    # No script runs in the preview (sandbox without allow-scripts, and its own CSP).
    # (JSON-LD is data: a script element of type application/ld+json, which never runs.)
    assert frame.locator("script:not([type='application/ld+json'])").count() == 0
    page.screenshot(path=str(ARTIFACTS / "web-editor-preview-fa.png"), full_page=True)


def test_held_back_article_says_why_and_previews_with_machine_text_on_request(
        browser_as: Callable[..., Any], web: Web) -> None:
    page = browser_as("eddie")
    page.goto(f"/editor/{web.slug}/ar")
    assert "none of its 3 units is approved" in page.locator("main").inner_text()
    frame = page.locator("iframe.preview").content_frame
    assert "not published in this edition" in frame.locator("body").inner_text()
    page.get_by_role("link", name="Preview with unreviewed machine text").click()
    frame = page.locator("iframe.preview").content_frame
    frame.locator("article p.paragraph").first.wait_for()
    assert frame.locator("article p.paragraph").first.inner_text() == MACHINE["ar"][1]
    page.screenshot(path=str(ARTIFACTS / "web-editor-preview-ar-machine.png"), full_page=True)


def test_publish_from_the_editor_screen_reports_published_and_held_back(
        browser_as: Callable[..., Any], web: Web) -> None:
    _approve_all(web, "fa")
    page = browser_as("eddie")
    page.goto(f"/editor/{web.slug}/fa")
    page.get_by_role("button", name=re.compile("Publish the .* edition")).click()
    page.wait_for_url(re.compile(r"/editor/publish$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Published"
    text = page.locator("main").inner_text()
    assert "1 article published" in text and "0 articles held back" in text
    assert (web.settings.editions / "fa" / f"{web.slug}.html").is_file()
    page.screenshot(path=str(ARTIFACTS / "web-published-fa.png"), full_page=True)


def test_interface_in_persian_is_right_to_left(browser_as: Callable[..., Any],
                                               web: Web) -> None:
    page = browser_as("ada", ui="fa")
    page.goto("/dashboard?ui=fa")
    assert page.evaluate("document.documentElement.lang") == "fa"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.get_by_role("heading", level=1).inner_text() == "داشبورد"
    page.screenshot(path=str(ARTIFACTS / "web-dashboard-fa.png"), full_page=True)
    page.goto(f"/editor/{web.slug}/fa")  # the choice sticks without ?ui=
    assert page.evaluate("document.documentElement.dir") == "rtl"
    page.screenshot(path=str(ARTIFACTS / "web-editor-fa-ui.png"), full_page=True)


def test_hostile_text_stays_inert_on_the_editor_screens(browser_as: Callable[..., Any],
                                                        web: Web) -> None:
    from tests.factories import add_article
    from tests.web.conftest import fill_machine

    add_article(web.store, "hostile", [("title", "<img src=x onerror=alert('title')>"),
                                       ("paragraph", "<script>alert('source')</script>")])
    fill_machine(web.store, "hostile", {"fa": ["<svg onload=alert('t')>", "<script>alert(2)</script>"]})
    for unit in web.unit_ids("hostile"):
        tr.change(web.store, unit, "fa", Action.APPROVE, who="<img src=x onerror=alert('who')>")
    page = browser_as("ada")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in ("/editor", "/editor/hostile/fa", "/dashboard", "/editor/hostile/ar?include=machine"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert dialogs == []
    assert page.evaluate("document.querySelectorAll('main img, main svg, main script').length") == 0
    page.goto("/editor/hostile/fa")
    frame = page.locator("iframe.preview").content_frame
    assert frame.locator("h1").inner_text() == "<svg onload=alert('t')>"
    page.screenshot(path=str(ARTIFACTS / "web-editor-hostile.png"), full_page=True)
    assert dialogs == []


def test_sign_in_page_in_arabic_is_right_to_left_with_arabic_labels(
        browser_as: Callable[..., Any], live_server: LiveServer) -> None:
    page = browser_as("eddie")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/signin$"))
    page.goto("/signin?ui=ar")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    page.get_by_label("الاسم").fill("eddie")
    page.get_by_label("كلمة المرور").fill("not the password")
    page.get_by_role("button", name="تسجيل الدخول").click()
    assert page.get_by_role("alert").inner_text() == "الاسم أو كلمة المرور غير صحيحة."
    # After a failed attempt the name stays and the cursor waits in the password field.
    assert page.evaluate("document.activeElement.id") == "password"
    page.screenshot(path=str(ARTIFACTS / "web-signin-ar.png"), full_page=True)
