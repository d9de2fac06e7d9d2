"""Signing in and out, sessions, the sign-in wall, CSRF and the sign-in rate limits."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from starlette.testclient import TestClient

from pipeline import accounts
from tests.web.conftest import PASSWORD, Web, csrf_of, sign_in


def test_signed_out_visitor_is_sent_to_the_sign_in_page(client_as: Callable[..., TestClient]) -> None:
    c = client_as(None)
    for path in ("/", "/review/fa", "/editor", "/dashboard", "/nowhere"):
        r = c.get(path, follow_redirects=False)
        assert r.status_code == 303, path
        assert r.headers["location"].startswith("/signin"), path
    assert c.get("/signin").status_code == 200
    assert c.get("/static/web.css").status_code == 200


def test_signed_out_api_call_gets_401_json(client_as: Callable[..., TestClient]) -> None:
    r = client_as(None).get("/api/queue/fa")
    assert r.status_code == 401
    assert "error" in r.json()


def test_sign_in_sets_an_http_only_lax_session_cookie_and_returns_to_next(
        client_as: Callable[..., TestClient]) -> None:
    c = client_as(None)
    page = c.get("/signin?next=/dashboard")
    r = c.post("/signin?next=/dashboard", data={"name": "ada", "password": PASSWORD,
                                               "csrf_token": csrf_of(page.text)},
               follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/dashboard"
    cookie = next(v for k, v in r.headers.multi_items()
                  if k == "set-cookie" and v.startswith("pipeline_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert c.get("/").status_code == 200


def test_next_never_leads_off_site(client_as: Callable[..., TestClient]) -> None:
    c = client_as(None)
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        page = c.get("/signin")
        r = c.post("/signin", data={"name": "ada", "password": PASSWORD, "next": target,
                                    "csrf_token": csrf_of(page.text)}, follow_redirects=False)
        assert r.headers["location"] == "/", target
        c.cookies.clear()


def test_wrong_password_and_unknown_name_get_the_same_answer(
        client_as: Callable[..., TestClient]) -> None:
    c = client_as(None)
    wrong = sign_in(c, "ada", "not the password")
    unknown = sign_in(c, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "The name or the password is wrong." in wrong.text
    assert "The name or the password is wrong." in unknown.text
    assert "pipeline_session" not in c.cookies


def test_sign_in_without_the_form_token_is_refused(client_as: Callable[..., TestClient]) -> None:
    c = client_as(None)
    c.get("/signin")
    r = c.post("/signin", data={"name": "ada", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 403
    assert "pipeline_session" not in c.cookies


def test_post_without_csrf_token_is_refused_even_when_signed_in(
        client_as: Callable[..., TestClient], web: Web) -> None:
    c = client_as("ada")
    assert c.post("/signout", follow_redirects=False).status_code == 403
    assert c.post("/signout", data={"csrf_token": "forged"}, follow_redirects=False).status_code == 403
    assert c.get("/").status_code == 200  # still signed in
    r = c.post("/signout", headers={"X-CSRF-Token": c.csrf}, follow_redirects=False)
    assert r.status_code == 303


def test_sign_out_ends_the_session_on_the_server(client_as: Callable[..., TestClient]) -> None:
    c = client_as("ada")
    stolen = c.cookies.get("pipeline_session")
    c.post("/signout", data={"csrf_token": c.csrf}, follow_redirects=False)
    other = client_as(None)
    other.cookies.set("pipeline_session", stolen)
    assert other.get("/", follow_redirects=False).status_code == 303


def test_failed_sign_ins_are_limited_per_name(client_as: Callable[..., TestClient]) -> None:
    c = client_as(None)
    for _ in range(accounts.MAX_FAILURES_PER_NAME):
        assert sign_in(c, "rita", "guess guess guess").status_code == 401
    # Now even the right password is refused for a while, and the answer says why.
    r = sign_in(c, "rita")
    assert r.status_code == 429
    assert "Too many failed sign-ins" in r.text
    # Another person is not locked out by it.
    assert sign_in(client_as(None), "ada").status_code == 303


def test_failed_sign_ins_are_limited_per_address_across_names(
        client_as: Callable[..., TestClient], web: Web) -> None:
    c = client_as(None)
    names = [f"user{i}" for i in range(accounts.MAX_FAILURES_PER_ADDRESS)]
    for name in names:
        assert sign_in(c, name, "guess guess guess").status_code == 401
    assert sign_in(c, "ada").status_code == 429


def test_limits_are_stored_so_a_new_server_process_keeps_them(web: Web) -> None:
    # Two separate connections stand for two server workers.
    from pipeline.store import open_store

    for _ in range(accounts.MAX_FAILURES_PER_NAME):
        with open_store(web.settings.database) as st:
            try:
                accounts.sign_in(st, "tina", "nope nope nope", client="10.0.0.9")
            except accounts.AuthError:
                pass
    with open_store(web.settings.database) as st:
        try:
            accounts.sign_in(st, "tina", PASSWORD, client="10.0.0.8")
        except accounts.RateLimited:
            return
    raise AssertionError("the sixth sign-in was not limited")


def test_security_headers_on_every_page(client_as: Callable[..., TestClient]) -> None:
    c = client_as("ada")
    for path in ("/", "/signin", "/nowhere"):
        r = c.get(path)
        csp = r.headers["content-security-policy"]
        for part in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'",
                     "form-action 'self'", "base-uri 'none'"):
            assert part in csp, (path, part)
        assert "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"]


def test_cookies_are_secure_over_https(web: Web) -> None:
    from pipeline.web.app import create_app

    with TestClient(create_app(web.settings), base_url="https://newsroom.example") as c:
        page = c.get("/signin")
        assert "Secure" in page.headers["set-cookie"]
        r = c.post("/signin", data={"name": "ada", "password": PASSWORD,
                                    "csrf_token": csrf_of(page.text)}, follow_redirects=False)
        cookie = next(v for k, v in r.headers.multi_items()
                      if k == "set-cookie" and v.startswith("pipeline_session="))
        assert "Secure" in cookie and "HttpOnly" in cookie


def _serve(web: Web, *extra: str) -> Iterator[str]:
    """`pipeline serve` in a subprocess on a free port; yields its URL, stops it afterwards."""
    import os
    import subprocess
    import sys
    import time

    import httpx

    from tests.conftest import ROOT
    from tests.web.conftest import free_port

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "serve", "--port", str(port), "--workspace",
         str(web.settings.root), *extra], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url + "/signin", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
                assert time.monotonic() < deadline, "pipeline serve did not answer in 30 s"
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def test_pipeline_serve_runs_the_app_on_loopback(web: Web) -> None:
    import httpx

    for url in _serve(web):
        r = httpx.get(url + "/", timeout=10)
        assert r.status_code == 303 and r.headers["location"].startswith("/signin")
        assert "server" not in r.headers  # no version banner
        # Without --proxy-headers a forwarded "https" is not believed: no Secure cookie.
        page = httpx.get(url + "/signin", headers={"X-Forwarded-Proto": "https"}, timeout=10)
        assert "Secure" not in page.headers["set-cookie"]


def test_behind_a_trusted_proxy_cookies_are_secure(web: Web) -> None:
    import httpx

    for url in _serve(web, "--proxy-headers"):
        page = httpx.get(url + "/signin", headers={"X-Forwarded-Proto": "https"}, timeout=10)
        assert "Secure" in page.headers["set-cookie"]
        plain = httpx.get(url + "/signin", timeout=10)
        assert "Secure" not in plain.headers["set-cookie"]
