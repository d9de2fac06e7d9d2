"""Guarantee: every output path a command takes gets one line for a name it cannot write."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.workspace import Settings
from tests.guarantees.conftest import Run, one_error_line

#: Each command that writes somewhere the user names, with the option naming it.
WRITERS = [("export", "--out"), ("po", "export", "--out"), ("xliff", "export", "--out"),
           ("tm", "export", "--out"), ("glossary", "export"), ("check", "--output")]


@pytest.mark.parametrize("args", WRITERS, ids=lambda a: " ".join(a))
@pytest.mark.parametrize("name", ["long", "loop"])
def test_an_output_path_that_cannot_be_written_gets_one_line(
    seeded: Settings, run: Run, tmp_path: Path, args: tuple[str, ...], name: str
) -> None:
    if name == "long":
        target = tmp_path / ("a" * 300)  # over the 255 bytes a file name may have
    else:
        (tmp_path / "one").symlink_to(tmp_path / "two")
        (tmp_path / "two").symlink_to(tmp_path / "one")
        target = tmp_path / "one" / "out"
    one_error_line(run(*args, target, "-w", seeded.root))
