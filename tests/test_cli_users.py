"""`pipeline users` and `pipeline serve --help`: exit codes, JSON, the password never echoed."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from pipeline import accounts
from pipeline.cli import app
from pipeline.store import open_store
from pipeline.workspace import Settings

PW = "a long enough password"


def _run(runner: CliRunner, ws: Settings, *args: str, stdin: str | None = None):
    return runner.invoke(app, [*args, "--workspace", str(ws.root)], input=stdin)


def test_add_list_passwd_token_remove(workspace: Settings, runner: CliRunner) -> None:
    r = _run(runner, workspace, "users", "add", "mina", "--role", "translator", "--lang", "fa",
             "--password-stdin", "--json", stdin=PW + "\n")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == {"name": "mina", "role": "translator", "languages": ["fa"],
                                    "ui_lang": None}
    assert PW not in r.output
    with open_store(workspace.database) as st:
        assert accounts.sign_in(st, "mina", PW, client=None).user.name == "mina"
    listed = json.loads(_run(runner, workspace, "users", "list", "--json").stdout)
    assert [u["name"] for u in listed] == ["mina"]
    r = _run(runner, workspace, "users", "passwd", "mina", "--password-stdin", "--json",
             stdin="another long password\n")
    assert r.exit_code == 0 and json.loads(r.stdout)["password"] == "changed"
    r = _run(runner, workspace, "users", "token", "mina", "--json")
    token = json.loads(r.stdout)["token"]
    with open_store(workspace.database) as st:
        assert accounts.token_user(st, token).name == "mina"  # type: ignore[union-attr]
    r = _run(runner, workspace, "users", "remove", "mina", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout) == {"removed": "mina"}
    assert json.loads(_run(runner, workspace, "users", "list", "--json").stdout) == []


def test_usage_errors_exit_2_with_one_line(workspace: Settings, runner: CliRunner) -> None:
    for args, stdin, words in [
        (("users", "add", "x", "--role", "boss", "--password-stdin"), PW, "not a role"),
        (("users", "add", "x", "--role", "translator", "--password-stdin"), PW, "--lang"),
        (("users", "add", "x", "--role", "admin", "--password-stdin"), "short\n", "too short"),
        (("users", "add", "x", "--role", "admin"), None, "--password-stdin"),  # no terminal
    ]:
        r = _run(runner, workspace, *args, stdin=stdin)
        assert r.exit_code == 2, (args, r.output)
        assert words in r.output and "Traceback" not in r.output
    r = _run(runner, workspace, "users", "remove", "nobody")
    assert r.exit_code == 1 and "no user 'nobody'" in r.output


def test_password_that_is_not_utf8_is_one_line_error(workspace: Settings, runner: CliRunner) -> None:
    r = runner.invoke(app, ["users", "add", "x", "--role", "admin", "--password-stdin",
                            "--workspace", str(workspace.root)], input=b"\xff\xfe bad bytes\n")
    assert r.exit_code == 1 and "not UTF-8" in r.output


def test_serve_help_says_it_binds_loopback(runner: CliRunner) -> None:
    r = runner.invoke(app, ["serve", "--help"])
    assert r.exit_code == 0
    assert "127.0.0.1" in r.output and "--proxy-headers" in r.output
