"""Guarantee: a database held by another process gives one line after the lock timeout."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pipeline.store import open_store
from pipeline.store.articles import load_article
from pipeline.workspace import Settings
from tests.guarantees.conftest import EXAMPLES, Run, one_error_line

#: A short lock timeout, so a refused write takes about a second, never the default 30 s.
SHORT = {"PIPELINE_LOCK_TIMEOUT": "1"}
HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("CREATE TABLE IF NOT EXISTS holder_probe (x)")
print("holding", flush=True)
hold = float(sys.argv[2])
if hold > 0:
    time.sleep(hold)
else:
    sys.stdin.read()
conn.execute("ROLLBACK")
"""


@contextmanager
def held(db: Path, seconds: float = 0) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the write lock (until the block ends, or for `seconds`)."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), str(seconds)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
        yield proc
    finally:
        if proc.stdin:
            proc.stdin.close()
        proc.wait(timeout=30)


def _unit(ws: Settings) -> str:
    with open_store(ws.database) as store:
        slug = store.db.execute("SELECT id FROM articles ORDER BY id LIMIT 1").fetchone()[0]
        return load_article(store, slug).units[1].id


def test_every_writing_command_gives_one_line_while_another_process_holds_the_lock(
    seeded: Settings, run: Run, tmp_path: Path
) -> None:
    assert run("po", "export", "--lang", "fa", "-w", seeded.root).returncode == 0
    po = seeded.locales / "fa" / "LC_MESSAGES" / "articles.po"
    uid = _unit(seeded)
    commands = [
        ("extract", EXAMPLES / "bakery-cooperative-buys-the-old-mill.html"),
        ("glossary", "import", EXAMPLES / "glossary.csv"),
        ("glossary", "add", "Mill Lane", "--keep"),
        ("po", "import", po),
        ("translate", "--lang", "fa"),
        ("suppress", uid, "--lang", "fa", "--check", "numbers", "--reason", "ok"),
        ("review", "edit", uid, "--lang", "fa", "--text", "متن"),
        ("review", "claim", "--lang", "fa"),
    ]
    with held(seeded.database):
        for args in commands:
            started = time.monotonic()
            proc = run(*args, "-w", seeded.root, env=SHORT)
            line = one_error_line(proc, naming=seeded.database)
            assert "another process holds the database" in line, (args, line)
            assert time.monotonic() - started < 20, args
    with open_store(seeded.database) as store:  # nothing was half-applied
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert not store.db["glossary"].count


def test_a_write_waits_and_goes_through_when_the_lock_is_released_in_time(
    seeded: Settings, run: Run
) -> None:
    with held(seeded.database, seconds=1.0):
        proc = run("glossary", "import", EXAMPLES / "glossary.csv", "-w", seeded.root,
                   env={"PIPELINE_LOCK_TIMEOUT": "20"})
    assert proc.returncode == 0, proc.stderr
    with open_store(seeded.database) as store:
        assert store.db["glossary"].count > 0


@pytest.mark.parametrize("value", ["0", "abc", "1e9", "nan"])
def test_a_lock_timeout_out_of_range_is_a_usage_error(seeded: Settings, run: Run,
                                                      value: str) -> None:
    proc = run("glossary", "add", "Mill Lane", "--keep", "-w", seeded.root,
               env={"PIPELINE_LOCK_TIMEOUT": value})
    assert proc.returncode == 2
    assert "PIPELINE_LOCK_TIMEOUT" in one_error_line(proc)
