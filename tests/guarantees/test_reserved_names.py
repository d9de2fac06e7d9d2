"""Guarantee: an article is never reported published while its page is an edition's own file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.ids import RESERVED_SLUGS
from pipeline.store import open_store
from pipeline.workspace import Settings, init
from tests.factories import add_article
from tests.guarantees.conftest import Run


@pytest.fixture
def ws(tmp_path: Path) -> Settings:
    return init(tmp_path / "ws", "en", ("fa",))


def test_articles_named_like_edition_files_get_their_own_pages(ws: Settings, run: Run,
                                                               tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.md").write_text("---\ntitle: Front page notes\nslug: index\n---\n\nBody one.\n")
    (pages / "b.md").write_text("# Index\n\nBody two.\n")
    (pages / "c.md").write_text("---\ntitle: Feed\n---\n\nBody three.\n")
    (pages / "d.md").write_text("---\ntitle: Tags\n---\n\nBody four.\n")
    assert run("extract", pages, "-w", ws.root).returncode == 0
    with open_store(ws.database) as store:
        slugs = sorted(r[0] for r in store.db.execute("SELECT id FROM articles"))
    assert not set(slugs) & RESERVED_SLUGS
    proc = run("export", "--lang", "en", "--json", "--format", "html,json,markdown",
               "-w", ws.root)
    assert proc.returncode == 0, proc.stderr
    published = [d["slug"] for d in json.loads(proc.stdout)["languages"]["en"]["published"]]
    assert sorted(published) == slugs
    out = ws.editions / "en"
    for slug in published:  # every article reported published has its own page in each format
        for ext in ("html", "json", "md"):
            assert (out / f"{slug}.{ext}").is_file(), (slug, ext)
    index = (out / "index.html").read_text()
    assert all(f"{slug}.html" in index for slug in published)


def test_an_article_stored_under_a_reserved_name_is_held_back_not_published(
    ws: Settings, run: Run
) -> None:
    with open_store(ws.database) as store:  # as an older version may have stored it
        add_article(store, "index", [("title", "Index"), ("paragraph", "Body.")], langs=("fa",))
    proc = run("export", "--lang", "en", "--json", "-w", ws.root)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)["languages"]["en"]
    assert report["published"] == []
    assert "a name the edition uses" in report["held_back"][0]["reason"]
    assert "<title>" in (ws.editions / "en" / "index.html").read_text()  # the listing page
