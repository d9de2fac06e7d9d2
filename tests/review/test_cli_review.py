"""The review commands and `pipeline history` through the real CLI."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.store import Store
from pipeline.store import translations as tr
from pipeline.workspace import Settings
from tests.review.helpers import article_with_mt

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli(workspace: Settings, runner: CliRunner, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PIPELINE_REVIEWER", "ana")

    def run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(app, [*args, "-w", str(workspace.root)], input=input)

    return run


def test_queue_json_lists_units_with_context(cli, store: Store) -> None:  # type: ignore[no-untyped-def]
    ids = article_with_mt(store, "a1", ["One.", "Two."])
    result = cli("review", "queue", "--lang", "fa", "--json", "--limit", "2")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [d["unit_id"] for d in data] == ids[:2]
    assert data[1]["source"] == "One." and data[1]["title"] == "Title of a1"
    assert data[1]["status"] == "machine" and data[1]["revision"] == 1
    text = cli("review", "queue", "--lang", "fa", "--status", "machine")
    assert ids[2] in text.output and "One." in text.output


def test_approve_edit_reject_and_history(cli, store: Store) -> None:  # type: ignore[no-untyped-def]
    ids = article_with_mt(store, "a1", ["One.", "Two."])
    assert cli("review", "approve", ids[0][:8], "--lang", "fa", "--revision", "1").exit_code == 0
    r = cli("review", "edit", ids[1], "--lang", "fa", "--text", "یک.")
    assert r.exit_code == 0 and "now translated" in r.output
    r = cli("review", "reject", ids[2], "--lang", "fa", "--reason", "meaning lost")
    assert r.exit_code == 0 and "now rejected" in r.output
    hist = cli("history", ids[1], "--lang", "fa", "--json")
    assert [e["action"] for e in json.loads(hist.output)] == ["machine", "edit"]
    plain = cli("history", ids[2], "--lang", "fa")
    assert "reason: meaning lost" in plain.output and "ana" in plain.output


def test_conflict_is_one_line_exit_1(cli, store: Store) -> None:  # type: ignore[no-untyped-def]
    ids = article_with_mt(store, "a1", ["One."])
    r = cli("review", "approve", ids[1], "--lang", "fa", "--revision", "0")
    assert r.exit_code == 1
    assert r.output.startswith("error: ") and "changed since you read it" in r.output
    assert r.output.count("\n") == 1
    assert tr.get(store, ids[1], "fa").status == "machine"


def test_four_eyes_from_pipeline_toml(workspace: Settings, cli, store: Store) -> None:  # type: ignore[no-untyped-def]
    cfg = workspace.config_path
    cfg.write_text(cfg.read_text().replace("four_eyes = false", "four_eyes = true"))
    ids = article_with_mt(store, "a1", ["One."])
    assert cli("review", "edit", ids[1], "--lang", "fa", "--text", "یک.").exit_code == 0
    r = cli("review", "approve", ids[1], "--lang", "fa")
    assert r.exit_code == 1 and "four-eyes" in r.output
    assert cli("review", "approve", ids[1], "--lang", "fa", "--reviewer", "bob").exit_code == 0


def test_revert_claim_release(cli, store: Store) -> None:  # type: ignore[no-untyped-def]
    ids = article_with_mt(store, "a1", ["One."])
    cli("review", "edit", ids[1], "--lang", "fa", "--text", "اول")
    cli("review", "edit", ids[1], "--lang", "fa", "--text", "دوم")
    first_edit = json.loads(cli("history", ids[1], "--lang", "fa", "--json").output)[1]["id"]
    r = cli("review", "revert", ids[1], "--lang", "fa", "--to", str(first_edit))
    assert r.exit_code == 0, r.output
    assert tr.get(store, ids[1], "fa").text == "اول"
    claimed = json.loads(cli("review", "claim", "--lang", "fa", "-n", "5", "--json").output)
    assert len(claimed) == 2 and all(c["claimed_by"] == "ana" for c in claimed)
    bob = cli("review", "queue", "--lang", "fa", "--json", "--reviewer", "bob")
    assert json.loads(bob.output) == []
    r = cli("review", "release", "--lang", "fa")
    assert "released 2" in r.output
    assert len(json.loads(cli("review", "queue", "--lang", "fa", "--json",
                              "--reviewer", "bob").output)) == 2


def test_apply_reads_json_lines(cli, store: Store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ids = article_with_mt(store, "a1", ["One."])
    lines = [json.dumps({"unit": ids[0], "action": "approve"}),
             json.dumps({"unit": ids[1], "action": "edit", "text": "یک."}, ensure_ascii=False)]
    r = cli("review", "apply", "-", "--lang", "fa", input="\n".join(lines) + "\n")
    assert r.exit_code == 0 and "applied 2" in r.output
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"unit": "x", "action": "approve"}\n\xff\xfe')
    r = cli("review", "apply", str(bad), "--lang", "fa")
    assert r.exit_code == 1 and "bad.jsonl" in r.output and "UTF-8" in r.output


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [(["review", "queue", "--lang", "de"], 2, "not a target language"),
     (["review", "approve", "ffffffffff", "--lang", "fa"], 1, "no unit"),
     (["review", "queue", "--lang", "fa", "--status", "done"], 2, "not a status"),
     (["history", "zzzzzz", "--lang", "fa"], 1, "no unit")],
)
def test_bad_arguments_are_one_line(cli, store: Store, args: list[str], code: int,  # type: ignore[no-untyped-def]
                                    message: str) -> None:
    r = cli(*args)
    assert r.exit_code == code and message in r.output and "Traceback" not in r.output


def test_next_refuses_without_a_terminal(workspace: Settings, store: Store) -> None:
    article_with_mt(store, "a1", ["One."])
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PIPELINE_REVIEWER": "ana"}
    proc = subprocess.run([sys.executable, "-m", "pipeline", "review", "next", "--lang", "fa",
                           "-w", str(workspace.root)], input="a\n", capture_output=True,
                          text=True, env=env)
    assert proc.returncode == 2
    assert "needs a terminal" in proc.stderr and proc.stderr.count("\n") == 1
    # Nothing was claimed or changed.
    assert store.conn.execute("SELECT count(*) FROM translations WHERE claimed_by IS NOT NULL"
                              " OR status != 'machine' AND lang = 'fa'").fetchone()[0] == 0


def test_edit_text_from_stdin_is_kept_exactly(cli, store: Store) -> None:  # type: ignore[no-untyped-def]
    ids = article_with_mt(store, "a1", ["One."])
    r = cli("review", "edit", ids[1], "--lang", "fa", "--text", "-", input="خط  اول\u200cها\n")
    assert r.exit_code == 0, r.output
    assert tr.get(store, ids[1], "fa").text == "خط  اول\u200cها"


def test_binary_stdin_is_one_line_error(workspace: Settings, store: Store) -> None:
    ids = article_with_mt(store, "a1", ["One."])
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PIPELINE_REVIEWER": "ana"}
    for args in (["review", "apply", "-", "--lang", "fa"],
                 ["review", "edit", ids[1], "--lang", "fa", "--text", "-"]):
        proc = subprocess.run([sys.executable, "-m", "pipeline", *args, "-w", str(workspace.root)],
                              input=b"\xff\xfe\x00binary", capture_output=True, env=env)
        assert proc.returncode == 1, proc.stderr
        # \xff\xfe is a UTF-16 byte order mark: read as UTF-16, which the rest is not
        assert re.match(r"error: <stdin>(:\d+)?: invalid UTF-(8|16)", proc.stderr.decode())
        assert b"Traceback" not in proc.stderr
    assert tr.get(store, ids[1], "fa").status == "machine"


@pytest.mark.parametrize(("line", "message"), [
    ('{"unit": "u", "action": "revert", "to": ' + str(10**30) + "}", "out of range"),
    ('{"unit": "u", "action": "approve", "revision": ' + "9" * 5000 + "}", "too long"),
    ("[" * 100_000, "nested too deeply"),
    ('{"unit": "u", "action": "edit", "text": "a\\u0000b"}', "NUL"),
    ('{"unit": "u", "action": "edit", "text": "a\\ud800b"}', "lone surrogate"),
])
def test_hostile_batch_line_is_one_line_naming_file_and_line(
        cli, store: Store, tmp_path: Path, line: str, message: str) -> None:  # type: ignore[no-untyped-def]
    article_with_mt(store, "a1", ["One."])
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n" + line + "\n", encoding="utf-8")
    r = cli("review", "apply", str(path), "--lang", "fa")
    assert r.exit_code == 1 and isinstance(r.exception, SystemExit)
    out = r.output.strip()
    assert out.startswith(f"error: {path}:2: ") and message in out and "\n" not in out


def test_revert_to_a_huge_event_id_is_a_usage_error(cli, store: Store) -> None:  # type: ignore[no-untyped-def]
    ids = article_with_mt(store, "a1", ["One."])
    r = cli("review", "revert", ids[1], "--lang", "fa", "--to", str(10**30))
    assert r.exit_code == 2 and "'--to'" in r.output and "less than or equal" in r.output
    assert not isinstance(r.exception, OverflowError)


def test_batch_line_with_unicode_line_separator_stays_one_line(cli, store: Store,
                                                               tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ids = article_with_mt(store, "a1", ["One."])
    path = tmp_path / "b.jsonl"
    path.write_text(json.dumps({"unit": ids[1], "action": "edit", "text": "یک\u2028دو"},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    r = cli("review", "apply", str(path), "--lang", "fa")
    assert r.exit_code == 0, r.output
    assert tr.get(store, ids[1], "fa").text == "یک\u2028دو"


def test_queue_shows_flags_and_approve_asks_for_confirmation(cli, store: Store) -> None:  # type: ignore[no-untyped-def]
    from pipeline.models import FLAG_TEST_MODEL
    from pipeline.states import Action

    ids = article_with_mt(store, "a1", ["One."])
    tr.change(store, ids[1], "fa", Action.MACHINE, who=None, text="کلمات تصادفی",
              flags=[FLAG_TEST_MODEL], origin="mt")
    listed = cli("review", "queue", "--lang", "fa")
    assert "flag test_model: PLACEHOLDER" in listed.output
    refused = cli("review", "approve", ids[1], "--lang", "fa")
    assert refused.exit_code == 1 and "--confirm-placeholder" in refused.output
    assert cli("review", "approve", ids[1], "--lang", "fa",
               "--confirm-placeholder").exit_code == 0


@pytest.mark.parametrize("args", [["queue", "--limit", str(10**30)],
                                  ["claim", "--count", str(10**30)]])
def test_huge_counts_are_usage_errors_not_overflows(cli, store: Store, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    article_with_mt(store, "a1", ["One."])
    r = cli("review", *args, "--lang", "fa")
    assert r.exit_code == 2 and not isinstance(r.exception, OverflowError)
