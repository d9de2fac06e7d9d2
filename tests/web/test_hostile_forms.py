"""Signed-in hostile forms and JSON fields: a 4xx in one sentence, never a 500, nothing changed.

Each case here gave a 500 before: a form number that int() refuses (5000 digits, "²"), a lone
surrogate in a JSON string (stored in a comment, it broke the unit's page for everyone), a status
filter of the wrong type. Two sessions saving the same unit at once: one wins, one gets the
conflict, one event.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import httpx
import pytest
from starlette.testclient import TestClient

from pipeline import accounts
from pipeline.store import translations as tr
from pipeline.web.app import create_app
from tests.web.conftest import PASSWORD, LiveServer, Web, csrf_of

Client = Callable[[str | None], TestClient]


def _events(web: Web) -> int:
    return int(web.store.conn.execute("SELECT count(*) FROM events").fetchone()[0])


def _state(web: Web) -> list[tuple[object, ...]]:
    return [tuple(r) for r in web.store.conn.execute(
        "SELECT unit_id, lang, text, status, revision FROM translations ORDER BY 1, 2")]


#: Numbers a form can carry that are no revision or event id.
NUMBERS = {"5000 digits": "9" * 5000, "superscript two": "\u00b2", "20 digits": "9" * 20,
           "negative": "-1", "exponent": "1e3"}


@pytest.mark.parametrize("number", sorted(NUMBERS))
@pytest.mark.parametrize(("action", "field"), [
    ("save", "revision"), ("reject", "revision"), ("revert", "revision"), ("revert", "event"),
])
def test_a_number_a_form_field_cannot_hold_is_a_400_and_changes_nothing(
    web: Web, client_as: Client, action: str, field: str, number: str
) -> None:
    c = client_as("ada")
    unit = web.unit_ids()[1]
    form = {"csrf_token": c.csrf, "text": "متن تازه", "reason": "why",  # type: ignore[attr-defined]
            "event": "1", "revision": "1", "do": "save", field: NUMBERS[number]}
    before, events = _state(web), _events(web)
    r = c.post(f"/review/fa/unit/{unit}/{action}", data=form, follow_redirects=False)
    assert r.status_code == 400, (r.status_code, r.text[:300])
    assert "whole number" in r.text
    assert (_state(web), _events(web)) == (before, events)


def test_a_bulk_approval_with_a_huge_revision_is_a_400(web: Web, client_as: Client) -> None:
    c = client_as("rita")
    unit = web.unit_ids()[1]
    before = _state(web)
    r = c.post("/review/fa/approve", data={"csrf_token": c.csrf,  # type: ignore[attr-defined]
                                           "pick": f"{unit}:{'9' * 5000}"})
    assert r.status_code == 400 and _state(web) == before


@pytest.mark.parametrize(("path", "body"), [
    ("/api/units/{unit}/fa/comment", '{"text": "note \\ud800"}'),
    ("/api/units/{unit}/fa/edit", '{"text": "\\udfff", "revision": 1}'),
    ("/api/units/{unit}/fa/reject", '{"reason": "\\ud800\\ud800"}'),
    ("/api/queue/fa/claim", '{"article": "\\udc00"}'),
    ("/api/users", '{"name": "z\\ud800", "role": "translator", "languages": ["fa"]}'),
    ("/api/units/{unit}/fa/comment", '{"\\ud800": "key"}'),
])
def test_a_lone_surrogate_in_any_json_string_is_a_400_and_stores_nothing(
    web: Web, client_as: Client, path: str, body: str
) -> None:
    c = client_as("ada")
    unit = web.unit_ids()[1]
    before, events = _state(web), _events(web)
    r = c.post(path.format(unit=unit), content=body.encode(),
               headers={"x-csrf-token": c.csrf,  # type: ignore[attr-defined]
                        "content-type": "application/json"})
    assert r.status_code == 400, (r.status_code, r.text[:300])
    assert "lone surrogate" in r.json()["error"]
    assert (_state(web), _events(web)) == (before, events)
    # The unit's page still opens for everyone (a stored surrogate made it a 500).
    assert client_as("tina").get(f"/review/fa/unit/{unit}").status_code == 200


def test_a_comment_that_cannot_be_stored_is_refused_from_the_library_too(web: Web) -> None:
    # The CLI reads arguments with surrogateescape: non-UTF-8 bytes in argv become lone
    # surrogates, which reached the database as JSON escapes.
    from pipeline.errors import UsageError
    from pipeline.review import comments

    unit = web.unit_ids()[1]
    for text in ("bad \udcff byte", "joined \ufeff files"):
        with pytest.raises(UsageError, match="U\\+(DCFF|FEFF)"):
            comments.add(web.store, unit, "fa", text, who="tina")
    assert comments.thread(web.store, unit, "fa") == []


@pytest.mark.parametrize("status", ["[1]", '"machine"', '[["machine"]]', "{}", "true"])
def test_a_claim_with_a_status_of_the_wrong_type_is_a_400(web: Web, client_as: Client,
                                                          status: str) -> None:
    c = client_as("tina")
    r = c.post("/api/queue/fa/claim", content=f'{{"status": {status}}}'.encode(),
               headers={"x-csrf-token": c.csrf,  # type: ignore[attr-defined]
                        "content-type": "application/json"})
    assert r.status_code == 400, (r.status_code, r.text[:300])
    assert "status must be a list" in r.json()["error"]


@pytest.mark.parametrize("value", [10**30, -1, 2**63])
@pytest.mark.parametrize("key", ["revision", "event"])
def test_a_json_id_or_revision_out_of_range_is_a_400(web: Web, value: int, key: str) -> None:
    token = accounts.new_token(web.store, "ada")
    unit = web.unit_ids()[1]
    before = _state(web)
    with TestClient(create_app(web.settings), base_url="http://127.0.0.1",
                    raise_server_exceptions=False) as c:
        r = c.post(f"/api/units/{unit}/fa/revert", json={"event": 1, key: value},
                   headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 400, (r.status_code, r.text[:300])
    assert _state(web) == before


def _signed_in(url: str, name: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=url, timeout=30, follow_redirects=False)
    page = client.get("/signin")
    r = client.post("/signin", data={"name": name, "password": PASSWORD,
                                     "csrf_token": csrf_of(page.text)})
    assert r.status_code == 303
    return client, csrf_of(client.get("/").text)


def test_two_sessions_saving_one_unit_at_once_one_wins_one_gets_the_conflict(
    web: Web, live_server: LiveServer
) -> None:
    unit = web.unit_ids()[1]
    people = {"tina": "متن تینا", "rita": "متن ریتا"}
    sessions = {name: _signed_in(live_server.url, name) for name in people}
    start = threading.Barrier(len(people))
    answers: dict[str, int] = {}

    def save(name: str) -> None:
        client, csrf = sessions[name]
        start.wait()
        r = client.post(f"/review/fa/unit/{unit}/save",
                        data={"csrf_token": csrf, "text": people[name], "revision": "1",
                              "do": "save"})
        answers[name] = r.status_code

    events = _events(web)
    threads = [threading.Thread(target=save, args=(n,)) for n in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for client, _ in sessions.values():
        client.close()
    assert sorted(answers.values()) == [303, 409], answers
    winner = next(n for n, code in answers.items() if code == 303)
    now = tr.get(web.store, unit, "fa")
    assert (now.text, now.translated_by, now.revision) == (people[winner], winner, 2)
    assert _events(web) == events + 1
