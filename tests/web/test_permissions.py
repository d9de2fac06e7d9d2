"""Every role x every action: the permission library, the JSON API and the web forms agree."""

from __future__ import annotations

import dataclasses
import importlib.util
from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from pipeline import accounts, permissions
from pipeline.accounts import Role, User
from pipeline.errors import PermissionDenied
from pipeline.permissions import Action
from pipeline.store import events
from pipeline.store import translations as tr
from pipeline.textcheck import MAX_TEXT_BYTES
from pipeline.web.app import create_app
from pipeline.web.security import MAX_BODY
from tests.web.conftest import USERS, Web

A = Action
#: The specification, written out by hand: role -> actions allowed in the person's languages.
SPEC: dict[Role, set[Action]] = {
    Role.TRANSLATOR: {A.VIEW, A.EDIT, A.REVERT, A.COMMENT},
    Role.REVIEWER: {A.VIEW, A.EDIT, A.REVERT, A.COMMENT, A.APPROVE, A.REJECT, A.BULK_APPROVE},
    Role.EDITOR: {A.VIEW, A.COMMENT, A.EDITOR, A.PUBLISH},
    Role.ADMIN: set(Action),
}
HAS_COMMENTS = importlib.util.find_spec("pipeline.review.comments") is not None


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_library_table_for_every_role_and_action(role: Role, action: Action) -> None:
    langs = ("fa",) if role is Role.TRANSLATOR else ()
    user = User("someone", role, langs)
    expected = action in SPEC[role]
    assert permissions.can(user, action, "fa") is expected
    if not expected:
        with pytest.raises(PermissionDenied):
            permissions.check(user, action, "fa")


@pytest.mark.parametrize("action", [a for a in Action if a not in permissions.GLOBAL_ACTIONS])
def test_nobody_acts_outside_their_languages(action: Action) -> None:
    for role in Role:
        assert not permissions.can(User("x", role, ("fa",)), action, "ar"), role


def test_signed_out_may_do_nothing() -> None:
    assert not any(permissions.can(None, a, "fa") for a in Action)


def test_four_eyes_stops_approving_ones_own_text_only_when_on() -> None:
    rita = User("rita", Role.REVIEWER)
    with pytest.raises(PermissionDenied, match="four-eyes"):
        permissions.check(rita, A.APPROVE, "fa", author="rita", four_eyes=True)
    with pytest.raises(PermissionDenied, match="four-eyes"):
        permissions.check(User("ada", Role.ADMIN), A.BULK_APPROVE, "fa", author="ada",
                          four_eyes=True)
    permissions.check(rita, A.APPROVE, "fa", author="tina", four_eyes=True)
    permissions.check(rita, A.APPROVE, "fa", author="rita", four_eyes=False)


# -- the JSON API, with tokens ----------------------------------------------------------------------

#: API call -> the action it needs.
API_ACTIONS = ["view", "queue", "claim", "edit", "revert", "comment", "approve", "reject", "publish",
               "readiness", "users"]
NEEDS = {"view": A.VIEW, "queue": A.VIEW, "claim": A.EDIT, "edit": A.EDIT, "revert": A.REVERT,
         "comment": A.COMMENT, "approve": A.APPROVE, "reject": A.REJECT, "publish": A.PUBLISH,
         "readiness": A.EDITOR, "users": A.MANAGE_USERS}


def _call(c: TestClient, web: Web, call: str, unit: str, lang: str, headers: dict[str, str]):
    base = f"/api/units/{unit}/{lang}"
    if call == "view":
        return c.get(base, headers=headers)
    if call == "queue":
        return c.get(f"/api/queue/{lang}", headers=headers)
    if call == "claim":
        return c.post(f"/api/queue/{lang}/claim", json={}, headers=headers)
    if call == "edit":
        return c.post(base + "/edit", json={"text": "متن تازه"}, headers=headers)
    if call == "revert":
        first = events.history(web.store, unit, lang)[0]["id"]
        return c.post(base + "/revert", json={"event": first}, headers=headers)
    if call == "comment":
        return c.post(base + "/comment", json={"text": "please check the number"},
                      headers=headers)
    if call == "approve":
        return c.post(base + "/approve", json={}, headers=headers)
    if call == "reject":
        return c.post(base + "/reject", json={"reason": "wrong number"}, headers=headers)
    if call == "publish":
        return c.post("/api/publish", json={"lang": lang}, headers=headers)
    if call == "readiness":
        return c.get(f"/api/readiness/{web.slug}/{lang}", headers=headers)
    assert call == "users"
    return c.get("/api/users", headers=headers)


@pytest.mark.parametrize("name", list(USERS))
@pytest.mark.parametrize("call", API_ACTIONS)
@pytest.mark.parametrize("lang", ["fa", "ar"])
def test_api_table_for_every_user_and_call(web: Web, name: str, call: str, lang: str) -> None:
    if call == "comment" and not HAS_COMMENTS:
        pytest.skip("comment threads come with the review screen (pipeline.review.comments)")
    role, langs = USERS[name]
    token = accounts.new_token(web.store, name)
    unit = web.unit_ids()[1]
    user = User(name, role, langs)
    allowed = permissions.can(user, NEEDS[call], lang) and (
        call != "readiness" or permissions.can(user, A.VIEW, lang))
    assert allowed == (NEEDS[call] in SPEC[role] and user.works_in(lang))  # library = spec
    before = tr.get(web.store, unit, lang)
    with TestClient(create_app(web.settings), base_url="http://127.0.0.1") as c:
        r = _call(c, web, call, unit, lang, {"Authorization": f"Bearer {token}"})
    if allowed:
        assert r.status_code in (200, 201), (r.status_code, r.text)
    else:
        assert r.status_code == 403, (r.status_code, r.text)
        assert "error" in r.json()
        assert tr.get(web.store, unit, lang) == before  # nothing changed
        assert web.store.conn.execute(
            "SELECT count(*) FROM translations WHERE claimed_by IS NOT NULL").fetchone()[0] == 0


def test_fa_translator_on_an_ar_unit_gets_403(web: Web) -> None:
    token = accounts.new_token(web.store, "tina")
    unit = web.unit_ids()[0]
    with TestClient(create_app(web.settings), base_url="http://127.0.0.1") as c:
        r = c.post(f"/api/units/{unit}/ar/edit", json={"text": "نص"},
                   headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403
    assert "tina works in fa, not ar" in r.json()["error"]
    assert tr.get(web.store, unit, "ar").text != "نص"


def test_bad_token_is_401_and_never_falls_back_to_the_cookie(
        client_as: Callable[..., TestClient], web: Web) -> None:
    c = client_as("ada")
    r = c.get("/api/me", headers={"Authorization": "Bearer pl_not-a-token"})
    assert r.status_code == 401
    assert c.get("/api/me").json()["name"] == "ada"


def test_api_write_with_a_session_cookie_needs_the_csrf_header(
        client_as: Callable[..., TestClient], web: Web) -> None:
    c = client_as("rita")
    unit = web.unit_ids()[0]
    r = c.post(f"/api/units/{unit}/fa/approve", json={})
    assert r.status_code == 403
    assert tr.get(web.store, unit, "fa").status == "machine"
    r = c.post(f"/api/units/{unit}/fa/approve", json={}, headers={"X-CSRF-Token": c.csrf})
    assert r.status_code == 200 and r.json()["status"] == "approved"


def test_four_eyes_on_the_api(web: Web) -> None:
    settings = dataclasses.replace(web.settings, four_eyes=True)
    unit = web.unit_ids()[0]
    rita = {"Authorization": f"Bearer {accounts.new_token(web.store, 'rita')}"}
    ada = {"Authorization": f"Bearer {accounts.new_token(web.store, 'ada')}"}
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as c:
        assert c.post(f"/api/units/{unit}/fa/edit", json={"text": "ترجمهٔ ریتا"},
                      headers=rita).status_code == 200
        r = c.post(f"/api/units/{unit}/fa/approve", json={}, headers=rita)
        assert r.status_code == 403 and "four-eyes" in r.json()["error"]
        r = c.post(f"/api/units/{unit}/fa/approve", json={}, headers=ada)
        assert r.status_code == 200 and r.json()["reviewed_by"] == "ada"


def test_stale_revision_is_a_409_conflict_not_an_overwrite(web: Web) -> None:
    unit = web.unit_ids()[0]
    tina = {"Authorization": f"Bearer {accounts.new_token(web.store, 'tina')}"}
    read = tr.get(web.store, unit, "fa").revision
    with TestClient(create_app(web.settings), base_url="http://127.0.0.1") as c:
        assert c.post(f"/api/units/{unit}/fa/edit", json={"text": "یک", "revision": read},
                      headers=tina).status_code == 200
        r = c.post(f"/api/units/{unit}/fa/edit", json={"text": "دو", "revision": read},
                   headers=tina)
    assert r.status_code == 409
    assert tr.get(web.store, unit, "fa").text == "یک"


def test_malformed_api_bodies_are_400_with_a_sentence(web: Web) -> None:
    unit = web.unit_ids()[0]
    ada = {"Authorization": f"Bearer {accounts.new_token(web.store, 'ada')}"}
    with TestClient(create_app(web.settings), base_url="http://127.0.0.1") as c:
        for body in (b"{not json", b"[1, 2]", b"\xff\xfe", b'{"text": 5}'):
            r = c.post(f"/api/units/{unit}/fa/edit", content=body, headers=ada)
            assert r.status_code == 400, body
            assert r.json()["error"]
        huge = b'{"text": "' + b"x" * MAX_BODY + b'"}'
        assert c.post(f"/api/units/{unit}/fa/edit", content=huge, headers=ada).status_code == 413
        long = b'{"text": "' + b"x" * (MAX_TEXT_BYTES + 1) + b'"}'  # fits the body, not the cap
        r = c.post(f"/api/units/{unit}/fa/edit", content=long, headers=ada)
        assert r.status_code == 400 and "over the 2.0 MiB a text may be" in r.json()["error"]
        assert c.get("/api/units/nosuchunit/fa", headers=ada).status_code == 404
        assert c.get(f"/api/units/{unit}/xx", headers=ada).status_code == 404


# -- the web forms, with sessions -------------------------------------------------------------------


@pytest.mark.parametrize("name", list(USERS))
def test_editor_pages_and_publish_form_follow_the_table(
        client_as: Callable[..., TestClient], web: Web, name: str) -> None:
    role, langs = USERS[name]
    c = client_as(name)
    editor = A.EDITOR in SPEC[role]
    for path in ("/editor", f"/editor/{web.slug}/fa", "/dashboard", f"/preview/fa/{web.slug}.html"):
        assert c.get(path).status_code == (200 if editor else 403), path
    r = c.post("/editor/publish", data={"lang": "fa", "csrf_token": c.csrf})
    assert r.status_code == (200 if A.PUBLISH in SPEC[role] else 403)
    assert (web.settings.editions / "fa" / "index.html").exists() is (A.PUBLISH in SPEC[role])


def test_publish_form_without_csrf_is_refused_and_publishes_nothing(
        client_as: Callable[..., TestClient], web: Web) -> None:
    c = client_as("eddie")
    assert c.post("/editor/publish", data={"lang": "fa"}).status_code == 403
    assert not (web.settings.editions / "fa").exists()


def test_claim_over_the_api_hands_out_distinct_units(web: Web) -> None:
    headers = {n: {"Authorization": f"Bearer {accounts.new_token(web.store, n)}"}
               for n in ("rita", "ada")}
    with TestClient(create_app(web.settings), base_url="http://127.0.0.1") as c:
        got = [c.post("/api/queue/fa/claim", json={}, headers=headers[n]).json()["item"]
               for n in ("rita", "ada")]
        assert got[0]["unit_id"] != got[1]["unit_id"]
        assert [g["claimed_by"] for g in got] == ["rita", "ada"]
        # The other's claim holds: approving it is a 409 conflict naming who holds it.
        r = c.post(f"/api/units/{got[0]['unit_id']}/fa/approve", json={}, headers=headers["ada"])
        assert r.status_code == 409 and "claimed by rita" in r.json()["error"]
