"""Writing editions: byte-identical re-runs, only changed files rewritten, atomic, never outside --out."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.errors import InputError, UsageError
from pipeline.export.writer import MANIFEST, EditionWriter
from pipeline.states import Action
from pipeline.store import translations as tr
from pipeline.store.articles import load_article
from tests.export.conftest import Newsroom


def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_database_gives_byte_identical_output_and_rewrites_nothing(newsroom: Newsroom) -> None:
    formats = ("html", "markdown", "json")
    first = newsroom.export(formats=formats, include_machine=True)
    assert first.written and not first.unchanged
    before = _snapshot(newsroom.out)
    second = newsroom.export(formats=formats, include_machine=True)
    assert second.written == [] and second.removed == []
    assert second.unchanged == len(first.written)
    assert _snapshot(newsroom.out) == before  # same bytes, same mtimes: nothing was rewritten


def test_output_does_not_depend_on_the_output_directory(newsroom: Newsroom, tmp_path: Path) -> None:
    newsroom.export(formats=("html", "json"))
    a = {k: v[0] for k, v in _snapshot(newsroom.out).items()}
    newsroom.out = tmp_path / "elsewhere"
    newsroom.export(formats=("html", "json"))
    assert {k: v[0] for k, v in _snapshot(newsroom.out).items()} == a


def test_only_the_changed_article_is_rewritten(newsroom: Newsroom) -> None:
    newsroom.export()
    unit = load_article(newsroom.store, "budget-vote").units[1]
    tr.change(newsroom.store, unit.id, "fa", Action.EDIT, who="mina", text="متن تازه")
    tr.change(newsroom.store, unit.id, "fa", Action.APPROVE, who="reza")
    report = newsroom.export()
    # The page, and the feeds that quote its first paragraph.
    assert report.written == ["fa/budget-vote.html", "fa/feed.xml", "fa/rss.xml"]
    assert "متن تازه" in newsroom.read("fa/budget-vote.html")


def test_refuses_paths_outside_the_output_directory(tmp_path: Path) -> None:
    writer = EditionWriter(tmp_path / "out")
    for rel in ("../escape.html", "fa/../../escape.html", "/etc/passwd", "fa//x.html", ".hidden",
                "fa/..", "fa\\..\\x"):
        with pytest.raises(UsageError):
            writer.write(rel, b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_refuses_a_symlinked_directory_leading_outside(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "fa").symlink_to(outside)
    with pytest.raises(UsageError, match="outside"):
        EditionWriter(tmp_path / "out").write("fa/page.html", b"x")
    assert list(outside.iterdir()) == []


def test_a_failed_write_leaves_the_previous_file_and_no_temp(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    writer = EditionWriter(tmp_path)
    writer.write("fa/page.html", b"old")

    def crash(src: str, dst: str) -> None:
        raise KeyboardInterrupt  # Ctrl-C between writing the temp file and replacing

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        writer.write("fa/page.html", b"new")
    assert (tmp_path / "fa" / "page.html").read_bytes() == b"old"
    assert [p.name for p in (tmp_path / "fa").iterdir()] == ["page.html"]


def test_out_that_is_a_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(UsageError, match="is a file"):
        EditionWriter(tmp_path / "file")


def test_a_hostile_manifest_cannot_delete_outside(newsroom: Newsroom) -> None:
    victim = newsroom.out.parent / "victim.txt"
    victim.write_text("keep me")
    newsroom.out.mkdir(parents=True)
    (newsroom.out / MANIFEST).write_text('{"html": {"fa": ["../victim.txt"]}}')
    with pytest.raises(UsageError):
        newsroom.export(langs=["fa"])
    assert victim.read_text() == "keep me"
    (newsroom.out / MANIFEST).write_text("not json")
    with pytest.raises(InputError, match=MANIFEST):
        newsroom.export(langs=["fa"])


def test_written_files_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        EditionWriter(tmp_path).write("fa/page.html", b"x")
    finally:
        os.umask(old)
    assert (tmp_path / "fa" / "page.html").stat().st_mode & 0o777 == 0o644


def test_an_article_with_a_hostile_slug_is_held_back_and_nothing_escapes(newsroom: Newsroom) -> None:
    from tests.export.conftest import approve
    from tests.factories import add_article

    add_article(newsroom.store, "../../escaped", [("title", "Hostile"), ("paragraph", "Body.")])
    approve(newsroom.store, "../../escaped", "fa", ["عنوان", "متن."])
    report = newsroom.export(formats=("html", "markdown", "json"))
    held = {d.slug: d.reason for d in report.languages["fa"].held_back}
    assert "slug" in held["../../escaped"]
    assert "../../escaped" in {d.slug for d in report.languages["en"].held_back}
    root = newsroom.out.parent
    assert sorted(p.name for p in root.iterdir() if p.name != "ws") == ["out"]
    assert not any("escaped" in str(p) for p in root.rglob("*"))


def test_temporaries_of_a_killed_run_are_swept(newsroom: Newsroom) -> None:
    newsroom.export(langs=["fa"])
    leftover = newsroom.out / "fa" / ".budget-vote.html.4242.tmp"
    leftover.write_text("half a page")
    keep = newsroom.out / "fa" / ".htaccess"
    keep.write_text("not ours")
    newsroom.export(langs=["fa"])
    assert not leftover.exists() and keep.exists()


def test_a_first_export_is_built_aside_and_renamed_in_whole(newsroom: Newsroom,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    renamed = []
    real = os.rename

    def spy(src: str, dst: str) -> None:
        renamed.append((Path(src).name, Path(dst).name))
        real(src, dst)

    monkeypatch.setattr(os, "rename", spy)
    newsroom.export(langs=["fa"])
    assert renamed == [(f".fa.{os.getpid()}.staging", "fa")]
    assert (newsroom.out / "fa" / "budget-vote.html").is_file()
    assert [p.name for p in newsroom.out.iterdir() if "staging" in p.name] == []


def test_a_crash_during_a_first_export_leaves_no_edition_and_nothing_behind(
        newsroom: Newsroom, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.export import html

    def crash(self: object, entries: object, **kw: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(html.HtmlExporter, "edition_files", crash)
    with pytest.raises(KeyboardInterrupt):
        newsroom.export(langs=["fa", "en"])
    # The article pages were written, but into staging, which is gone: old state (nothing).
    assert sorted(p.name for p in newsroom.out.iterdir()) == []


def _exported_then_approved(newsroom: Newsroom) -> dict[str, tuple[bytes, int]]:
    """Export everything, then approve a new Persian text for one unit: the tree before."""
    newsroom.export()
    before = _snapshot(newsroom.out)
    unit = load_article(newsroom.store, "budget-vote").units[1]
    tr.change(newsroom.store, unit.id, "fa", Action.EDIT, who="mina", text="متن تازه")
    tr.change(newsroom.store, unit.id, "fa", Action.APPROVE, who="reza")
    return before


def test_a_crash_during_a_re_export_leaves_every_file_old(newsroom: Newsroom,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    before = _exported_then_approved(newsroom)
    from pipeline.export import html

    def crash(self: object, entries: object, **kw: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(html.HtmlExporter, "edition_files", crash)
    with pytest.raises(KeyboardInterrupt):
        newsroom.export()
    assert _snapshot(newsroom.out) == before  # the changed page was not renamed in; no temp left


def test_a_killed_runs_staging_directory_is_swept(newsroom: Newsroom) -> None:
    newsroom.out.mkdir(parents=True)
    dead = newsroom.out / ".fa.999999.staging"
    (dead / "tags").mkdir(parents=True)
    (dead / "tags" / "x.html").write_text("half")
    newsroom.export(langs=["fa"])
    assert not dead.exists() and (newsroom.out / "fa" / "index.html").is_file()


def test_a_planted_symlink_at_the_temp_name_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    writer = EditionWriter(tmp_path / "out")
    writer.write("fa/page.html", b"old")
    (tmp_path / "out" / "fa" / f".page.html.{os.getpid()}.tmp").symlink_to(victim)
    writer.write("fa/page.html", b"new")
    assert victim.read_text() == "keep me"
    assert (tmp_path / "out" / "fa" / "page.html").read_bytes() == b"new"


def test_every_renamed_file_is_durable_before_the_run_reports(newsroom: Newsroom,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    # One sync for all the files, then each directory holding a rename fsynced once, after
    # the renames (an fsync before them would leave the new names to the next writeback).
    from pipeline import atomicfile

    newsroom.export(langs=["fa"])
    unit = load_article(newsroom.store, "budget-vote").units[1]
    tr.change(newsroom.store, unit.id, "fa", Action.EDIT, who="mina", text="متن تازه")
    tr.change(newsroom.store, unit.id, "fa", Action.APPROVE, who="reza")
    synced: list[tuple[Path, bool]] = []
    real = atomicfile.fsync_dir

    def spy(directory: Path) -> None:
        page = newsroom.out / "fa" / "budget-vote.html"
        synced.append((Path(directory), "متن تازه" in page.read_text(encoding="utf-8")))
        real(directory)

    monkeypatch.setattr(atomicfile, "fsync_dir", spy)
    newsroom.export(langs=["fa", "en"])  # fa: pages replaced; en: a new directory renamed in
    root = newsroom.out.resolve()
    # Once each, deepest first; then the manifest's own atomic write fsyncs the root again.
    assert [d for d, _ in synced] == [root / "fa", root, root]
    assert all(renamed for _, renamed in synced)  # after the renames, not before


def test_a_write_back_error_at_the_flush_publishes_nothing(newsroom: Newsroom,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # syncfs, unlike sync(), tells when the kernel could not write some page back: then no
    # rename may point a name at bytes that are not on disk, as a failed fsync stops atomicfile.
    import errno

    from pipeline.export import writer

    before = _exported_then_approved(newsroom)

    def failing(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(writer, "_sync_filesystem", failing)
    with pytest.raises(InputError, match="Input/output error"):
        newsroom.export(langs=["fa", "en"])  # fa: a page replaced; en: a new directory
    assert _snapshot(newsroom.out) == before  # nothing renamed in, no temporary, no staging


def test_the_flush_reaches_the_disk_through_syncfs(tmp_path: Path) -> None:
    # Where libc has syncfs (Linux), the batch's flush is syncfs on the edition's file system.
    from pipeline.export import writer

    if writer._syncfs() is None:
        pytest.skip("no syncfs on this system: os.sync is used")
    out = EditionWriter(tmp_path / "out")
    with out.batch():
        out.write("fa/page.html", b"new")
    assert (tmp_path / "out" / "fa" / "page.html").read_bytes() == b"new"
