"""Guarantee: on a full disk every command ends with one line "disk full" and nothing half-written."""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.workspace import Settings, init
from tests.guarantees.conftest import EXAMPLES, Run, one_error_line, run_pipeline
from tests.translate.conftest import installed_dir, model_files  # noqa: F401 - fixtures


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 8 MiB tmpfs file system, unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command: cannot make a small file system")
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"mounting a tmpfs was refused ({proc.stderr.strip()}); needs root")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> Path:
    """Take every free block of the file system; returns the filler (delete it to free space)."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        for size in (1 << 20, 1 << 16, 4096, 512, 1):
            while True:
                try:
                    os.write(fd, b"\0" * size)
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    break
    finally:
        os.close(fd)
    return filler


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.name.startswith("pipeline.db")}


def _intact(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def _workspace_on(disk: Path) -> Settings:
    ws = init(disk / "ws", "en", ("fa", "ar", "sq"))
    assert run_pipeline("extract", EXAMPLES / "pages", "-w", ws.root).returncode == 0
    assert run_pipeline("export", "-w", ws.root).returncode == 0
    assert run_pipeline("po", "export", "-w", ws.root).returncode == 0
    return ws


@pytest.mark.parametrize("command", [
    ("extract", EXAMPLES / "bakery-cooperative-buys-the-old-mill.html"),
    ("glossary", "import", EXAMPLES / "glossary.csv"),
    ("export",),
    ("po", "export"),
    ("review", "edit", "--first", "--lang", "fa", "--text", "متن"),
])
def test_a_command_on_a_full_disk_says_disk_full_and_changes_nothing(
    small_disk: Path, run: Run, command: tuple[str | Path, ...]
) -> None:
    ws = _workspace_on(small_disk)
    if "--first" in command:
        first = run("review", "queue", "--lang", "fa", "--json", "-w", ws.root)
        uid = json.loads(first.stdout)[0]["unit_id"]
        command = tuple(uid if c == "--first" else c for c in command)
    before = _snapshot(small_disk / "ws")
    filler = fill(small_disk)
    proc = run(*command, "-w", ws.root)
    assert one_error_line(proc).startswith("error: disk full"), proc.stderr
    filler.unlink()
    _intact(ws.database)
    assert _snapshot(small_disk / "ws") == before  # no half-written or temporary file
    assert run(*command, "-w", ws.root).returncode == 0  # and with space, it goes through


def test_export_and_po_export_to_a_full_disk_keep_the_old_files(
    small_disk: Path, run: Run, tmp_path: Path
) -> None:
    ws = init(tmp_path / "ws", "en", ("fa", "ar", "sq"))  # the database has space
    assert run("extract", EXAMPLES / "pages", "-w", ws.root).returncode == 0
    site, locales = small_disk / "site", small_disk / "locales"
    assert run("export", "--out", site, "-w", ws.root).returncode == 0
    assert run("po", "export", "--out", locales, "-w", ws.root).returncode == 0
    assert run("extract", EXAMPLES / "bakery-cooperative-buys-the-old-mill.html",
               "-w", ws.root).returncode == 0  # new content: every file would change
    before = _snapshot(small_disk)
    filler = fill(small_disk)
    for args in (("export", "--out", site), ("po", "export", "--out", locales),
                 ("glossary", "export", small_disk / "glossary.csv")):
        line = one_error_line(run(*args, "-w", ws.root))
        assert line.startswith("error: disk full: cannot write "), line
    filler.unlink()
    assert _snapshot(small_disk) == before


def test_translate_on_a_full_disk_says_disk_full_and_keeps_the_database(
    small_disk: Path, run: Run, installed_dir: Path  # noqa: F811 - the fixture
) -> None:
    ws = _workspace_on(small_disk)
    filler = fill(small_disk)
    proc = run("translate", "--lang", "fa", "--beam", "1", "-w", ws.root,
               env={"ARGOS_PACKAGES_DIR": str(installed_dir)}, timeout=300)
    assert one_error_line(proc).startswith("error: disk full"), proc.stderr
    filler.unlink()
    _intact(ws.database)


@pytest.mark.parametrize("command", [
    ("status",), ("check",), ("review", "queue", "--lang", "fa"), ("glossary", "list"),
    ("users", "list"), ("suppress", "--list"),
])
def test_a_read_only_command_on_a_full_disk_says_it_could_not_open_not_rolled_back(
    small_disk: Path, run: Run, command: tuple[str, ...]
) -> None:
    ws = _workspace_on(small_disk)
    filler = fill(small_disk)
    line = one_error_line(run(*command, "-w", ws.root))
    # Nothing was written or rolled back: the message must say what did happen.
    assert line.startswith("error: disk full: cannot open the database"), line
    assert "rolled back" not in line
    filler.unlink()
    assert run(*command, "-w", ws.root).returncode in (0, 1)  # with space it runs (check: 1)
