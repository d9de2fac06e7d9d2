"""The editor's screen and dashboard in-process: readiness, findings, preview, publish, activity."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from pipeline.checks.readiness import article_readiness
from pipeline.export.preview import preview
from pipeline.export.publish import ExportOptions, publish
from pipeline.states import Action
from pipeline.store import translations as tr
from tests.factories import add_article
from tests.web.conftest import Web, fill_machine

HOSTILE_TITLE = "<script>alert('title')</script> Budget"
HOSTILE_WHO = "<img src=x onerror=alert('who')>"


def test_readiness_counts_units_and_blocks_on_a_failing_check(web: Web) -> None:
    first, second, third = web.unit_ids()
    tr.change(web.store, first, "fa", Action.APPROVE, who="rita")
    # The numbers check (an error) fails: 12 and 3 are gone from the translation.
    tr.change(web.store, second, "fa", Action.EDIT, who="tina", text="شورا روز دوشنبه رأی داد.")
    r = article_readiness(web.settings, web.store, web.slug, "fa")
    assert r.total == 3
    assert (r.by_status["approved"], r.by_status["translated"], r.by_status["machine"]) == (1, 1, 1)
    assert [f.check_id for f in r.blocking] == ["numbers"]
    assert r.blocking[0].unit_id == second
    assert not r.decision.published and not r.ready


def test_preview_is_byte_for_byte_the_exported_page(web: Web) -> None:
    for unit in web.unit_ids():
        tr.change(web.store, unit, "fa", Action.APPROVE, who="rita")
    shown = preview(web.settings, web.store, web.slug, "fa")
    out = web.settings.root / "exported"
    publish(web.settings, ExportOptions(out=out, langs=web.settings.languages))
    assert shown.html == (out / "fa" / f"{web.slug}.html").read_bytes()
    held = preview(web.settings, web.store, web.slug, "ar")
    assert held.html is None and not (out / "ar" / f"{web.slug}.html").exists()
    assert "none of its 3 units is approved" in held.decision.reason


def test_preview_is_served_sandboxed_and_never_framed_elsewhere(
        client_as: Callable[..., TestClient], web: Web) -> None:
    c = client_as("eddie")
    r = c.get(f"/preview/fa/{web.slug}.html?include=machine")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert csp.startswith("sandbox") and "frame-ancestors 'self'" in csp
    assert "script-src" not in csp and "default-src 'none'" in csp
    assert r.headers["x-frame-options"] == "SAMEORIGIN"
    page = c.get(f"/editor/{web.slug}/fa")
    assert '<iframe class="preview" sandbox ' in page.text
    # The stylesheet the preview links to is reachable without a session (the sandbox sends none).
    assert client_as(None).get("/preview/assets/edition.css").status_code == 200


def test_publish_form_reports_published_and_held_back_with_reasons(
        client_as: Callable[..., TestClient], web: Web) -> None:
    add_article(web.store, "river-clean", [("title", "River clean-up starts"),
                                           ("paragraph", "Volunteers met at dawn.")])
    for unit in web.unit_ids():
        tr.change(web.store, unit, "fa", Action.APPROVE, who="rita")
    c = client_as("eddie")
    r = c.post("/editor/publish", data={"lang": "fa", "csrf_token": c.csrf, "slug": web.slug})
    assert r.status_code == 200
    assert "1 article published" in r.text and "1 article held back" in r.text
    assert "river-clean</a>: <span lang=\"en\" dir=\"ltr\" class=\"library\">none of its 2 units" in r.text
    assert (web.settings.editions / "fa" / f"{web.slug}.html").is_file()
    assert not (web.settings.editions / "fa" / "river-clean.html").exists()


def test_publish_while_a_cli_export_writes_the_editions_waits_then_says_so(
        client_as: Callable[..., TestClient], web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import atomicfile

    for unit in web.unit_ids():
        tr.change(web.store, unit, "fa", Action.APPROVE, who="rita")
    out = web.settings.editions
    out.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("PIPELINE_LOCK_TIMEOUT", "0.3")
    c = client_as("eddie")
    with atomicfile.directory_lock(out, what="a test"):  # as `pipeline export` holds it
        r = c.post("/editor/publish", data={"lang": "fa", "csrf_token": c.csrf})
        assert r.status_code == 409 and "is already writing here" in r.text
        assert "Traceback" not in r.text and not (out / "fa").exists()
    r = c.post("/editor/publish", data={"lang": "fa", "csrf_token": c.csrf})
    assert r.status_code == 200 and (out / "fa" / f"{web.slug}.html").is_file()


def test_publish_api_runs_the_export_policy(web: Web) -> None:
    from pipeline import accounts
    from pipeline.web.app import create_app

    token = accounts.new_token(web.store, "eddie")
    with TestClient(create_app(web.settings), base_url="http://127.0.0.1") as c:
        r = c.post("/api/publish", json={"lang": "ar", "include_machine": True},
                   headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    body = r.json()["languages"]["ar"]
    assert [d["slug"] for d in body["published"]] == [web.slug]
    assert body["published"][0]["unreviewed"] == 3


def test_dashboard_counts_each_persons_week(client_as: Callable[..., TestClient], web: Web) -> None:
    first, second, _ = web.unit_ids()
    tr.change(web.store, first, "fa", Action.EDIT, who="tina", text="یک")
    tr.change(web.store, first, "fa", Action.APPROVE, who="rita")
    tr.change(web.store, second, "fa", Action.REJECT, who="rita", reason="no")
    from pipeline.review.activity import weekly_activity

    rows = {r.who: r.counts for r in weekly_activity(web.store)}
    assert rows == {"rita": {"approve": 1, "edit": 0, "reject": 1},
                    "tina": {"approve": 0, "edit": 1, "reject": 0}}
    page = client_as("ada").get("/dashboard").text
    assert "<bdi>rita</bdi>" in page and "<bdi>tina</bdi>" in page


def test_hostile_titles_and_names_are_escaped_on_every_editor_page(
        client_as: Callable[..., TestClient], web: Web) -> None:
    add_article(web.store, "hostile", [("title", HOSTILE_TITLE), ("paragraph", "Text <b>x</b>")])
    fill_machine(web.store, "hostile", {"fa": ["<script>alert(1)</script>", "<b onmouseover=x>"]})
    unit = web.unit_ids("hostile")[0]
    tr.change(web.store, unit, "fa", Action.APPROVE, who=HOSTILE_WHO)
    c = client_as("ada")
    for path in ("/editor", "/editor/hostile/fa", "/dashboard",
                 "/preview/fa/hostile.html?include=machine"):
        text = c.get(path).text
        assert "<script>alert" not in text and "<img src=x" not in text, path
        assert "<b onmouseover" not in text, path
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; Budget" in c.get("/editor").text
