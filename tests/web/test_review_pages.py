"""The translator's screen through Starlette's TestClient: queue, unit, actions, permissions."""

from __future__ import annotations

import re
from collections.abc import Callable

from starlette.testclient import TestClient

from pipeline.review import comments
from pipeline.store import translations as tr
from tests.web.conftest import MACHINE, Web

Client = Callable[[str | None], TestClient]


def _form(c: TestClient, **fields: str) -> dict[str, str]:
    return {"csrf_token": c.csrf, **fields}  # type: ignore[attr-defined]


def test_queue_lists_units_with_count_and_filters(web: Web, client_as: Client) -> None:
    c = client_as("tina")
    r = c.get("/review/fa")
    assert r.status_code == 200
    assert "3 units left" in r.text or "۳" in r.text
    ids = web.unit_ids()
    for uid in ids:
        assert f"/review/fa/unit/{uid}" in r.text
    found = c.get("/review/fa", params={"q": "schools"})
    assert f"/review/fa/unit/{ids[2]}" in found.text and f"/review/fa/unit/{ids[1]}" not in found.text
    assert c.get("/review/fa", params={"status": "bogus"}).status_code == 400
    assert c.get("/review/fa", params={"flag": "bogus"}).status_code == 400
    assert c.get("/review/fa", params={"after": "nonsense"}).status_code == 400


def test_unit_page_shows_source_translation_and_claims_it(web: Web, client_as: Client) -> None:
    ids = web.unit_ids()
    c = client_as("tina")
    r = c.get(f"/review/fa/unit/{ids[1]}")
    assert r.status_code == 200
    assert 'id="translation"' in r.text and 'lang="fa" dir="rtl"' in r.text
    assert "The council voted 12 to 3 on Monday." in r.text
    assert tr.get(web.store, ids[1], "fa").revision == 1
    row = web.store.conn.execute("SELECT claimed_by FROM translations WHERE unit_id = ? AND"
                                 " lang = 'fa'", (ids[1],)).fetchone()
    assert row[0] == "tina"
    other = client_as("rita").get(f"/review/fa/unit/{ids[1]}")
    assert "Taken by" in other.text and "tina" in other.text


def test_save_then_next_and_approve_by_a_reviewer(web: Web, client_as: Client) -> None:
    ids = web.unit_ids()
    c = client_as("tina")
    c.get(f"/review/fa/unit/{ids[1]}")
    r = c.post(f"/review/fa/unit/{ids[1]}/save",
               data=_form(c, text="متن تینا", revision="1", do="save"), follow_redirects=False)
    assert r.status_code == 303 and f"/review/fa/unit/{ids[2]}" in r.headers["location"]
    t = tr.get(web.store, ids[1], "fa")
    assert (t.status, t.text, t.translated_by) == ("translated", "متن تینا", "tina")
    refused = c.post(f"/review/fa/unit/{ids[1]}/save",
                     data=_form(c, text="متن تینا", revision=str(t.revision), do="approve"))
    assert refused.status_code == 403  # translators do not approve
    rita = client_as("rita")
    ok = rita.post(f"/review/fa/unit/{ids[1]}/save",
                   data=_form(rita, text="متن تینا", revision=str(t.revision), do="approve"),
                   follow_redirects=False)
    assert ok.status_code == 303
    assert tr.get(web.store, ids[1], "fa").status == "approved"


def test_stale_revision_gets_the_conflict_view_and_changes_nothing(web: Web,
                                                                  client_as: Client) -> None:
    ids = web.unit_ids()
    tina, rita = client_as("tina"), client_as("rita")
    tina.post(f"/review/fa/unit/{ids[1]}/save", data=_form(tina, text="اول", revision="1"))
    r = rita.post(f"/review/fa/unit/{ids[1]}/save", data=_form(rita, text="دوم", revision="1"))
    assert r.status_code == 409
    assert "Someone else saved this unit" in r.text
    assert "اول" in r.text and "دوم" in r.text  # theirs shown, mine kept in the field
    assert tr.get(web.store, ids[1], "fa").text == "اول"
    # Saving mine over theirs, knowingly, with their revision:
    again = rita.post(f"/review/fa/unit/{ids[1]}/save",
                      data=_form(rita, text="دوم", revision="2"), follow_redirects=False)
    assert again.status_code == 303 and tr.get(web.store, ids[1], "fa").text == "دوم"


def test_translator_of_another_language_is_refused(web: Web, client_as: Client) -> None:
    ids = web.unit_ids()
    c = client_as("tina")
    assert c.get("/review/ar").status_code == 403
    assert c.get(f"/review/ar/unit/{ids[1]}").status_code == 403
    r = c.post(f"/review/ar/unit/{ids[1]}/save", data=_form(c, text="x", revision="1"))
    assert r.status_code == 403 and tr.get(web.store, ids[1], "ar").revision == 1
    assert c.post(f"/review/ar/unit/{ids[1]}/comment",
                  data=_form(c, text="hello")).status_code == 403
    assert c.post("/review/ar/approve",
                  data=_form(c, pick=f"{ids[1]}:1")).status_code == 403
    assert c.get("/review/xx").status_code == 404


def test_reject_comment_revert_and_check(web: Web, client_as: Client) -> None:
    ids = web.unit_ids()
    rita = client_as("rita")
    no_reason = rita.post(f"/review/fa/unit/{ids[1]}/reject",
                          data=_form(rita, reason=" ", revision="1"))
    assert no_reason.status_code == 400
    r = rita.post(f"/review/fa/unit/{ids[1]}/reject",
                  data=_form(rita, reason="numbers wrong", revision="1"), follow_redirects=False)
    assert r.status_code == 303 and tr.get(web.store, ids[1], "fa").status == "rejected"
    rita.post(f"/review/fa/unit/{ids[1]}/comment", data=_form(rita, text="see the minutes"))
    assert [c["text"] for c in comments.thread(web.store, ids[1], "fa")] == ["see the minutes"]
    first = next(e for e in web.store.conn.execute(
        "SELECT id FROM events WHERE unit_id = ? AND lang = 'fa' AND action = 'machine'",
        (ids[1],)))
    rita.post(f"/review/fa/unit/{ids[1]}/save", data=_form(rita, text="تازه", revision="2"))
    back = rita.post(f"/review/fa/unit/{ids[1]}/revert",
                     data=_form(rita, event=str(first[0]), revision="3"))
    assert back.status_code == 200
    assert tr.get(web.store, ids[1], "fa").text == MACHINE["fa"][1]
    assert tr.get(web.store, ids[1], "fa").status == "translated"
    page = rita.get(f"/review/fa/unit/{ids[1]}")
    assert "see the minutes" in page.text and "revert" in page.text
    found = rita.post(f"/review/fa/unit/{ids[1]}/check", data=_form(rita, text="بدون عدد"),
                      headers={"HX-Request": "true"})
    assert found.status_code == 200 and "numbers" in found.text
    fine = rita.post(f"/review/fa/unit/{ids[1]}/check",
                     data=_form(rita, text="شورا با ۱۲ رأی موافق و ۳ رأی مخالف."))
    assert "numbers" not in fine.text


def test_bulk_approve_reports_what_it_left_out(web: Web, client_as: Client) -> None:
    ids = web.unit_ids()
    rita = client_as("rita")
    queue = rita.get("/review/fa")
    picks = re.findall(r'name="pick" value="([^"]+)"', queue.text)
    assert len(picks) == 3
    tr.change(web.store, ids[0], "fa", "machine", who=None, text="تغییر کرد")
    r = rita.post("/review/fa/approve", data={"csrf_token": rita.csrf, "pick": picks})  # type: ignore[attr-defined]
    assert r.status_code == 200
    assert "2 units approved" in r.text and "changed since you looked" in r.text
    assert tr.get(web.store, ids[0], "fa").status == "machine"
    assert tr.get(web.store, ids[1], "fa").status == "approved"
    assert "bulk-approve" not in client_as("tina").get("/review/fa").text


def test_stored_markup_is_escaped_everywhere(web: Web, client_as: Client) -> None:
    ids = web.unit_ids()
    payload = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    tr.change(web.store, ids[1], "fa", "edit", who="tina", text=payload)
    comments.add(web.store, ids[1], "fa", payload, who="tina")
    for path in ("/review/fa", f"/review/fa/unit/{ids[1]}"):
        text = client_as("rita").get(path).text
        assert "<script>alert" not in text and "<img src=x" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_readme_lists_the_same_shortcuts_as_the_page() -> None:
    from tests.conftest import ROOT

    def rows(text: str) -> list[tuple[str, str]]:
        out = []
        for keys, what in re.findall(r"<tr><td[^>]*>(.*?)</td><td>(.*?)</td></tr>", text):
            out.append((keys, re.sub(r'\{\{ _\("(.*)"\) \}\}', r"\1", what)))
        for keys, what in re.findall(r"^\| (<kbd>.*?) \| (.*?) \|$", text, re.M):
            out.append((keys, what))
        return out

    page = rows((ROOT / "pipeline/web/templates/review_shortcuts.html").read_text())
    readme = rows((ROOT / "README.md").read_text())
    assert page and page == readme


def test_going_back_to_the_queue_gives_the_unit_back(web: Web, client_as: Client) -> None:
    ids = web.unit_ids()
    tina = client_as("tina")
    tina.get(f"/review/fa/unit/{ids[1]}")
    assert f"/review/fa/unit/{ids[1]}" not in client_as("rita").get("/review/fa").text
    tina.get("/review/fa", params={"left": ids[1]})
    assert f"/review/fa/unit/{ids[1]}" in client_as("rita").get("/review/fa").text


def test_four_eyes_saves_but_does_not_approve_ones_own_text(web: Web) -> None:
    from dataclasses import replace

    from pipeline.web.app import create_app
    from tests.web.conftest import csrf_of, sign_in

    ids = web.unit_ids()
    app = create_app(replace(web.settings, four_eyes=True))
    with TestClient(app, base_url="http://127.0.0.1") as rita:
        assert sign_in(rita, "rita").status_code == 303
        token = csrf_of(rita.get("/").text)
        r = rita.post(f"/review/fa/unit/{ids[1]}/save",
                      data={"csrf_token": token, "text": "متن ریتا", "revision": "1",
                            "do": "approve"})
        assert r.status_code == 403 and "four-eyes" in r.text and "Saved." in r.text
        t = tr.get(web.store, ids[1], "fa")
        assert (t.status, t.text, t.translated_by) == ("translated", "متن ریتا", "rita")
        page = rita.get(f"/review/fa/unit/{ids[1]}")
        assert 'id="approve"' not in page.text  # no Approve button on one's own text
        bulk = rita.post("/review/fa/approve",
                         data={"csrf_token": token, "pick": [f"{ids[1]}:{t.revision}"]})
        assert "four-eyes" in bulk.text and tr.get(web.store, ids[1], "fa").status == "translated"


def test_a_link_from_another_site_shows_the_unit_without_claiming_it(web: Web,
                                                                      client_as: Client) -> None:
    ids = web.unit_ids()
    c = client_as("tina")
    r = c.get(f"/review/fa/unit/{ids[1]}", headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 200 and 'id="translation"' in r.text
    row = web.store.conn.execute("SELECT claimed_by FROM translations WHERE unit_id = ? AND"
                                 " lang = 'fa'", (ids[1],)).fetchone()
    assert row[0] is None
    c.get(f"/review/fa/unit/{ids[1]}", headers={"Sec-Fetch-Site": "same-origin"})
    row = web.store.conn.execute("SELECT claimed_by FROM translations WHERE unit_id = ? AND"
                                 " lang = 'fa'", (ids[1],)).fetchone()
    assert row[0] == "tina"
