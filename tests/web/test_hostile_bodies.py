"""Hostile JSON API bodies: each is a 400 with one sentence, never a 500, and changes nothing."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from pipeline import accounts
from pipeline.store import translations as tr
from pipeline.web.app import create_app
from tests.web.conftest import Web

BODIES = {
    "nested 100k deep": b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "a 5000-digit number": b'{"text": "x", "revision": ' + b"9" * 5000 + b"}",
    "a key named twice": '{"text": "متن", "text": "other"}'.encode(),
    "latin-1 bytes": '{"text": "caf\u00e9"}'.encode("latin-1"),
    "UTF-16 without a BOM": '{"text": "x"}'.encode("utf-16-le"),
    "a NUL byte": b'{"text": "a\x00b"}',
    "NaN, which JSON has not": b'{"text": "x", "revision": NaN}',
    "-Infinity": b'{"text": "x", "revision": -Infinity}',
}


@pytest.mark.parametrize("body", sorted(BODIES))
def test_a_hostile_json_body_is_a_400_in_one_sentence_and_changes_nothing(web: Web,
                                                                           body: str) -> None:
    token = accounts.new_token(web.store, "ada")
    unit = web.unit_ids()[1]
    before = tr.get(web.store, unit, "fa")
    with TestClient(create_app(web.settings), base_url="http://127.0.0.1",
                    raise_server_exceptions=False) as c:
        r = c.post(f"/api/units/{unit}/fa/edit", content=BODIES[body],
                   headers={"Authorization": f"Bearer {token}",
                            "Content-Type": "application/json"})
    assert r.status_code == 400, (r.status_code, r.text)
    message = r.json()["error"]
    assert message and "\n" not in message and "Traceback" not in message
    assert tr.get(web.store, unit, "fa") == before
