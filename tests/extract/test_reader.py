"""Bad input: each failure is one line naming the file (and place), and the run goes on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.errors import InputError
from pipeline.extract.api import iter_files
from pipeline.extract.reader import expand, read_text
from pipeline.workspace import Settings
from tests.extract.pages import listing


def test_missing_path_is_reported() -> None:
    (item,) = list(expand(["/nonexistent/page.txt"]))
    assert isinstance(item, InputError)
    assert str(item) == "/nonexistent/page.txt: no such file or directory"


def test_directory_recursion_is_sorted_and_survives_symlink_loops(tmp_path: Path) -> None:
    (tmp_path / "b" / "c").mkdir(parents=True)
    (tmp_path / "a.txt").write_text("x", "utf-8")
    (tmp_path / "b" / "c" / "d.md").write_text("x", "utf-8")
    (tmp_path / "b" / "skip.png").write_bytes(b"\x89PNG")
    (tmp_path / "b" / "c" / "loop").symlink_to(tmp_path / "b")
    found = [p.relative_to(tmp_path).as_posix() for p in expand([tmp_path])]
    assert found == ["a.txt", "b/c/d.md"]


def test_directory_without_inputs_is_reported(tmp_path: Path) -> None:
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    (item,) = list(expand([tmp_path]))
    assert isinstance(item, InputError) and "no .txt" in str(item)


def test_binary_file(tmp_path: Path) -> None:
    p = tmp_path / "photo.txt"
    p.write_bytes(b"GIF89a\x00\x01\x02")
    with pytest.raises(InputError, match=r"photo\.txt:1: binary file \(NUL byte at offset 6"):
        read_text(p)


def test_invalid_utf8_names_the_byte_offset_and_line(tmp_path: Path) -> None:
    p = tmp_path / "latin1.txt"
    p.write_bytes("Title\nCaf\u00e9 society\n".encode("latin-1"))
    with pytest.raises(InputError) as err:
        read_text(p)
    assert str(err.value).startswith(f"{p}:2: invalid UTF-8 at byte offset 9 (byte 0xe9)")


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.txt"
    p.write_text("  \n\n", "utf-8")
    with pytest.raises(InputError, match="empty file"):
        read_text(p)


def test_size_cap(tmp_path: Path) -> None:
    p = tmp_path / "big.txt"
    p.write_text("a" * 5000, "utf-8")
    with pytest.raises(InputError, match=r"over the .* limit"):
        read_text(p, max_bytes=1000)
    assert [r.error is not None for r in iter_files([p], max_bytes=1000)] == [True]


def test_one_bad_file_does_not_stop_the_others(
    tmp_path: Path, workspace: Settings, runner: CliRunner
) -> None:
    good = tmp_path / "good.txt"
    good.write_text(listing(), "utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfd broken")
    result = runner.invoke(app, ["extract", "-w", str(workspace.root), str(bad), str(good),
                                 str(tmp_path / "missing.txt")])
    assert result.exit_code == 1
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 2
    assert errors[0].startswith(f"error: {bad}:1: invalid UTF-8 at byte offset 0")
    assert errors[1] == f"error: {tmp_path / 'missing.txt'}: no such file or directory"
    assert "3 files, 2 articles, 2 failed" in result.output
    assert "extracting" not in result.output  # no progress bar when not on a terminal
    from pipeline.store import open_store
    from pipeline.store.articles import article_slugs

    with open_store(workspace.database) as store:
        assert set(article_slugs(store)) == {"pupils-learn-to-press-apple-juice",
                                             "stone-bridge-closed-for-repairs"}


def test_unreadable_file(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    p = tmp_path / "secret.txt"
    p.write_text("x", "utf-8")
    p.chmod(0)
    with pytest.raises(InputError, match="cannot read"):
        read_text(p)


@pytest.mark.parametrize(("tail", "what"), [(b"\x00", "NUL"), (b"\x0b", "U+000B"),
                                            (b"\xed\xa0\x80", "invalid UTF-8")])
def test_a_bad_character_after_the_first_8kb_is_refused_with_file_line_and_offset(
        tmp_path: Path, tail: bytes, what: str) -> None:
    path = tmp_path / "page.txt"
    head = b"A title\n\n" + b"Some words of a long article body.\n" * 400  # > 8 KB
    path.write_bytes(head + b"more" + tail + b" text\n")
    [result] = list(iter_files([path]))
    assert result.error is not None and what in str(result.error)
    assert str(result.error).startswith(f"{path}:403: ")
    assert f"offset {len(head) + 4}" in str(result.error)
