"""Worker processes of an export: the same bytes as one process, and no partial edition on a failure."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from pipeline.errors import WorkerFailed
from pipeline.export import workers
from pipeline.export.writer import MANIFEST
from tests.export.conftest import BUDGET, BUDGET_FA, Newsroom, approve
from tests.factories import add_article

pytestmark = pytest.mark.skipif(not workers.can_fork(), reason="worker processes need fork")

#: Enough articles for several chunks, so more than one worker builds article pages.
MANY = 3 * workers.MIN_CHUNK


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


@pytest.fixture
def big_newsroom(newsroom: Newsroom) -> Newsroom:
    for i in range(MANY):
        slug = f"story-{i:03d}"
        add_article(newsroom.store, slug, BUDGET, date_iso=f"2024-03-{i % 28 + 1:02d}",
                    byline="Ella Park", category=("Local", "World")[i % 2], tags=(f"t{i % 5}",))
        if i % 3:
            approve(newsroom.store, slug, "fa", BUDGET_FA)
    return newsroom


def test_workers_write_the_same_bytes_as_one_process(big_newsroom: Newsroom, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.export import html

    real = html.HtmlExporter.render_article
    builders = tmp_path / "builders"

    def spy(self: html.HtmlExporter, page: object) -> bytes:
        with open(builders, "a") as f:  # the process that built the page
            f.write(f"{os.getpid()}\n")
        return real(self, page)  # type: ignore[arg-type]

    monkeypatch.setattr(html.HtmlExporter, "render_article", spy)
    formats = ("html", "markdown", "json")
    big_newsroom.out = tmp_path / "one"
    one = big_newsroom.export(formats=formats, include_machine=True,
                              base_url="https://example.org/e/", jobs=1)
    assert set(builders.read_text().split()) == {str(os.getpid())}
    builders.unlink()
    big_newsroom.out = tmp_path / "three"
    three = big_newsroom.export(formats=formats, include_machine=True,
                                base_url="https://example.org/e/", jobs=3)
    assert str(os.getpid()) not in builders.read_text().split()  # workers built them all
    assert _tree(tmp_path / "three") == _tree(tmp_path / "one")
    assert sorted(three.written) == sorted(one.written) and len(one.written) > 4 * MANY
    again = big_newsroom.export(formats=formats, include_machine=True,
                                base_url="https://example.org/e/", jobs=3)
    assert again.written == [] and again.unchanged == len(one.written)


def test_ctrl_c_in_a_worker_leaves_no_edition_and_no_worker(big_newsroom: Newsroom,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.export import html

    real = html.HtmlExporter.render_article

    def interrupted(self: html.HtmlExporter, page: object) -> bytes:
        if page.slug == "story-040":  # type: ignore[attr-defined]
            raise KeyboardInterrupt
        return real(self, page)  # type: ignore[arg-type]

    monkeypatch.setattr(html.HtmlExporter, "render_article", interrupted)
    with pytest.raises(KeyboardInterrupt):
        big_newsroom.export(langs=["fa", "en"], jobs=2)
    assert sorted(p.name for p in big_newsroom.out.iterdir()) == []  # no staging, no edition
    assert _children() == []


def test_a_worker_that_dies_fails_in_one_line_and_leaves_every_file_old(
        big_newsroom: Newsroom, monkeypatch: pytest.MonkeyPatch) -> None:
    big_newsroom.export(jobs=2)
    before = _tree(big_newsroom.out)
    from pipeline.export import html

    def killed(self: object, entries: object, **kw: object) -> object:
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer would
        raise AssertionError("unreachable")

    monkeypatch.setattr(html.HtmlExporter, "edition_files", killed)
    (big_newsroom.out / "fa" / "story-001.html").unlink()  # so the run has a page to write
    with pytest.raises(WorkerFailed, match="worker process died"):
        big_newsroom.export(jobs=2)
    after = _tree(big_newsroom.out)
    del before["fa/story-001.html"]
    assert after == before  # nothing renamed in, no temporary file left
    assert not any(name.endswith(".tmp") for name in after) and MANIFEST in after
    assert _children() == []


def test_a_process_with_other_threads_builds_in_process(big_newsroom: Newsroom, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from pipeline.export import html

    real = html.HtmlExporter.render_article
    pids: set[int] = set()

    def spy(self: html.HtmlExporter, page: object) -> bytes:
        pids.add(os.getpid())  # in a forked worker this set is the worker's copy
        return real(self, page)  # type: ignore[arg-type]

    monkeypatch.setattr(html.HtmlExporter, "render_article", spy)
    stop = threading.Event()
    server = threading.Thread(target=stop.wait)  # as the web server's request threads
    server.start()
    try:
        big_newsroom.export(langs=["fa"], jobs=2)
    finally:
        stop.set()
        server.join()
    assert pids == {os.getpid()} and (big_newsroom.out / "fa" / "story-001.html").is_file()


def _children() -> list[int]:
    import multiprocessing

    return [p.pid or 0 for p in multiprocessing.active_children()]


def test_a_workers_span_reads_what_the_whole_run_reads_of_its_articles(
        big_newsroom: Newsroom) -> None:
    # Each worker reads the counts, credits and dates of its own span of slugs: the rows must be
    # those the whole run's queries give for those articles, no fewer and no others.
    from pipeline.export.policy import Policy
    from pipeline.store import editions as rows

    store, settings = big_newsroom.store, big_newsroom.settings
    shown = Policy.from_settings(settings, include_machine=True).publishable
    langs = ("fa", "ar", "sq")
    span = ("river-clean", "story-040")
    reads = [
        (lambda **kw: rows.tallies(store, settings.targets, **kw)),
        (lambda **kw: rows.credits(store, langs, shown, **kw)),
        (lambda **kw: rows.article_dates(store, settings.source, langs, **kw)),
    ]
    for read in reads:
        whole = read()
        part = read(span=span)
        assert part == {slug: v for slug, v in whole.items() if span[0] <= slug <= span[1]}
        assert "river-clean" in part and "story-040" in part and "budget-vote" not in part
        assert read(article="story-007") == {"story-007": whole["story-007"]}


def test_the_report_with_workers_is_the_report_of_one_process(big_newsroom: Newsroom,
                                                              tmp_path: Path) -> None:
    big_newsroom.out = tmp_path / "one"
    one = big_newsroom.export(include_machine=True, jobs=1).to_dict()
    big_newsroom.out = tmp_path / "two"
    two = big_newsroom.export(include_machine=True, jobs=2).to_dict()
    assert two["languages"] == one["languages"] and two["files"] == one["files"]
    assert any(lang["held_back"] for lang in one["languages"].values())
