"""Guarantee: an export writes only into a directory the edition owns, one export at a time."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from pipeline import atomicfile
from pipeline.errors import UsageError
from pipeline.export.outdir import MANIFEST, check_edition_dir
from pipeline.workspace import Settings
from tests.guarantees.conftest import Run, one_error_line


@pytest.mark.parametrize("where", ["/", "/etc", "/usr", "/tmp", "~"])
def test_the_root_system_and_home_directories_are_never_an_edition(where: str) -> None:
    # Checked in-process: the check creates nothing, so a regression cannot write into "/".
    with pytest.raises(UsageError, match="refusing to write editions"):
        check_edition_dir(Path(os.path.expanduser(where)))


def _set_editions(ws: Settings, value: str) -> None:
    text = ws.config_path.read_text(encoding="utf-8")
    ws.config_path.write_text(text.replace('editions = "editions"', f'editions = "{value}"'),
                              encoding="utf-8")


@pytest.mark.parametrize("value", [".", "..", "editions/../..", "./"])
def test_the_workspace_and_directories_holding_it_are_refused_before_anything_is_written(
    seeded: Settings, run: Run, value: str
) -> None:
    _set_editions(seeded, value)
    before = sorted(p.name for p in seeded.root.parent.iterdir())
    inside = sorted(p.name for p in seeded.root.iterdir())
    line = one_error_line(run("export", "-w", seeded.root))
    assert "refusing to write editions" in line and "workspace" in line
    assert sorted(p.name for p in seeded.root.parent.iterdir()) == before
    assert sorted(p.name for p in seeded.root.iterdir()) == inside


def test_a_directory_of_other_files_is_refused_until_it_is_made_the_editions(
    seeded: Settings, run: Run, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "notes.txt").write_text("mine", encoding="utf-8")
    line = one_error_line(run("export", "--out", site, "-w", seeded.root), naming=site)
    assert MANIFEST in line
    assert sorted(p.name for p in site.iterdir()) == ["notes.txt"]
    (site / MANIFEST).write_text("{}", encoding="utf-8")  # the documented opt-in
    assert run("export", "--out", site, "-w", seeded.root).returncode == 0
    assert (site / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (site / "en" / "index.html").is_file()


def test_an_export_waits_for_another_writing_the_same_directory(
    seeded: Settings, run: Run, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    out.mkdir()
    with atomicfile.directory_lock(out, what="a test"):  # as a running export holds it
        proc = run("export", "--out", out, "-w", seeded.root,
                   env={"PIPELINE_LOCK_TIMEOUT": "0.5"})
        assert "is already writing here" in one_error_line(proc, naming=out)
        assert list(out.iterdir()) == []

    holder = threading.Thread(target=_hold, args=(out, 1.0))
    holder.start()
    try:
        time.sleep(0.2)
        proc = run("export", "--out", out, "-w", seeded.root)  # waits, then writes
    finally:
        holder.join()
    assert proc.returncode == 0, proc.stderr
    assert (out / "en" / "index.html").is_file()


def _hold(directory: Path, seconds: float) -> None:
    with atomicfile.directory_lock(directory, what="a test"):
        time.sleep(seconds)


def test_a_logo_that_is_a_fifo_is_refused_without_blocking(seeded: Settings, run: Run) -> None:
    fifo = seeded.root / "logo.png"
    os.mkfifo(fifo)
    text = seeded.config_path.read_text(encoding="utf-8")
    seeded.config_path.write_text(text.replace("[site]\n", '[site]\nlogo = "logo.png"\n'),
                                  encoding="utf-8")
    line = one_error_line(run("export", "-w", seeded.root, timeout=60), naming="logo.png")
    assert "named pipe (FIFO)" in line
