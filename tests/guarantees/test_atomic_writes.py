"""Guarantee: every file the product writes is replaced atomically and never through a symlink."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import atomicfile
from pipeline.errors import DiskFull
from pipeline.workspace import Settings
from tests.guarantees.conftest import EXAMPLES, Run, one_error_line

VICTIM_TEXT = "root:x:0:0:do not touch\n"


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A file outside every output directory that a planted symlink points at."""
    path = tmp_path / "outside" / "victim.txt"
    path.parent.mkdir()
    path.write_text(VICTIM_TEXT)
    return path


def _plant(link: Path, target: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    link.unlink(missing_ok=True)
    link.symlink_to(target)


def _untouched(victim: Path) -> None:
    assert victim.read_text() == VICTIM_TEXT
    assert not [p for p in victim.parent.iterdir() if p != victim]


def test_a_symlink_planted_at_the_temporary_name_is_never_followed(
    tmp_path: Path, victim: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out" / "page.html"
    target.parent.mkdir()
    planted = target.with_name(".page.html.planted.tmp")
    _plant(planted, victim)
    names = iter([planted])
    fresh = atomicfile.temp_name
    monkeypatch.setattr(atomicfile, "temp_name", lambda p: next(names, None) or fresh(p))
    atomicfile.write_atomic(target, b"<p>new</p>")
    assert target.read_bytes() == b"<p>new</p>" and not target.is_symlink()
    assert planted.is_symlink()  # left alone, not written through
    _untouched(victim)


def test_export_replaces_a_planted_symlink_and_never_writes_outside(
    seeded: Settings, run: Run, tmp_path: Path, victim: Path
) -> None:
    out = tmp_path / "site"
    assert run("export", "--lang", "en", "--out", out, "-w", seeded.root).returncode == 0
    for rel in ("en/index.html", "assets/edition.css"):  # planted in the edition
        (out / rel).unlink()
        _plant(out / rel, victim)
    proc = run("export", "--lang", "en", "--out", out, "-w", seeded.root)
    assert proc.returncode == 0, proc.stderr
    for rel in ("en/index.html", "assets/edition.css", ".pipeline-export.json"):
        assert (out / rel).is_file() and not (out / rel).is_symlink()
    _untouched(victim)
    assert not [p for p in out.rglob("*.tmp")]
    # The manifest steers deletions: a symlink planted there is refused, not read.
    _plant(out / ".pipeline-export.json", victim)
    proc = run("export", "--lang", "en", "--out", out, "-w", seeded.root)
    one_error_line(proc, naming=".pipeline-export.json")
    _untouched(victim)


def test_po_glossary_check_and_init_never_write_through_a_symlink(
    seeded: Settings, run: Run, tmp_path: Path, victim: Path
) -> None:
    po = seeded.locales / "fa" / "LC_MESSAGES" / "articles.po"
    csv = tmp_path / "glossary.csv"
    report = tmp_path / "check.json"
    for link in (po, seeded.locales / "articles.pot", csv, report):
        _plant(link, victim)
    assert run("po", "export", "--lang", "fa", "-w", seeded.root).returncode == 0
    assert run("glossary", "import", EXAMPLES / "glossary.csv", "-w", seeded.root).returncode == 0
    assert run("glossary", "export", csv, "-w", seeded.root).returncode == 0
    run("check", "--format", "json", "--output", report, "-w", seeded.root)
    for path in (po, csv, report):
        assert path.is_file() and not path.is_symlink()
    assert "msgctxt" in po.read_text() and csv.read_text().startswith("term,lang")
    _plant(seeded.config_path, victim)
    assert run("init", seeded.root, "--force").returncode == 0
    assert "[languages]" in seeded.config_path.read_text()
    _untouched(victim)


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "articles.po"
    target.write_bytes(b"old")

    def no_space(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomicfile.os, "replace", no_space)
    with pytest.raises(DiskFull, match=r"^disk full: cannot write .*articles\.po"):
        atomicfile.write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["articles.po"]


_WRITER = """
import sys, time
from pipeline import atomicfile
with atomicfile.open_atomic(sys.argv[1]) as fh:
    fh.write(b"half a file")
    fh.flush()
    print("writing", flush=True)
    time.sleep(600)
"""


def _writer_mid_write(target: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(target)], text=True,
                            stdout=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(EXAMPLES.parent)})
    assert proc.stdout is not None and proc.stdout.readline() == "writing\n"
    return proc


def _temporaries(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_a_write_killed_midway_leaves_a_temporary_that_the_next_write_removes(
    seeded: Settings, run: Run
) -> None:
    target = seeded.root / "terms.csv"
    writer = _writer_mid_write(target)
    writer.kill()  # kill -9: no cleanup
    writer.wait(timeout=30)
    (left,) = _temporaries(seeded.root)
    live = _writer_mid_write(seeded.root / "other.csv")  # a write still at work
    try:
        (held,) = [p for p in _temporaries(seeded.root) if p != left]
        # At once, not after some minutes: the lock, not the age, tells a dead write.
        assert run("glossary", "export", target, "-w", seeded.root).returncode == 0
        assert _temporaries(seeded.root) == [held]  # the dead one swept, the live one kept
    finally:
        live.kill()
        live.wait(timeout=30)
    assert target.read_text(encoding="utf-8").startswith("term")


def test_a_sweep_in_the_instant_before_the_lock_never_loses_the_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sweep that takes a new temporary before its writer locks it: the writer makes another."""
    import fcntl

    real = fcntl.flock
    swept: list[list[str]] = []

    def sweep_first(fd: int, op: int) -> None:
        if not swept:  # another process's sweep, run between the create and the lock
            swept.append([])
            swept[0] += atomicfile.sweep_temp_files(tmp_path)
        real(fd, op)

    monkeypatch.setattr(atomicfile.fcntl, "flock", sweep_first)
    atomicfile.write_atomic(tmp_path / "page.html", b"whole")
    assert len(swept[0]) == 1  # the first temporary was taken
    assert (tmp_path / "page.html").read_bytes() == b"whole"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


@pytest.mark.parametrize("kind", ["fifo", "device", "socket"])
def test_a_write_never_replaces_a_fifo_a_device_or_a_socket(seeded: Settings, run: Run,
                                                            tmp_path: Path, kind: str) -> None:
    import socket
    import stat

    target = tmp_path / f"glossary-{kind}.csv"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(target))
        sock.close()
    else:
        try:  # the same device as /dev/null, made here: the real one is never at risk
            os.mknod(target, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        except PermissionError:
            pytest.skip("making a device file needs root")
    before = os.lstat(target)
    line = one_error_line(run("glossary", "export", target, "-w", seeded.root), naming=target)
    assert "not a regular file" in line
    after = os.lstat(target)
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_pipeline_toml_that_is_a_fifo_is_named_as_one(seeded: Settings, run: Run) -> None:
    seeded.config_path.unlink()
    os.mkfifo(seeded.config_path)
    line = one_error_line(run("status", "-w", seeded.root), naming=seeded.config_path)
    assert "named pipe (FIFO)" in line
