"""Storing extractions: idempotent, edits keep translations as stale suggestions, complete wins."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.extract.api import extract_paths, store_articles
from pipeline.states import Action
from pipeline.store import Store
from pipeline.store import translations as tr
from pipeline.store.articles import load_article
from pipeline.store.events import history
from pipeline.workspace import Settings
from tests.extract.pages import BRIDGE, ORCHARD, article_page, listing

TITLE = "Pupils learn to press apple juice"
SLUG = "pupils-learn-to-press-apple-juice"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


def _save(store: Store, *paths: Path) -> list:  # type: ignore[type-arg]
    return store_articles(store, extract_paths(paths), ("fa", "ar", "sq"))


def test_reextraction_is_idempotent(tmp_path: Path, workspace: Settings, runner: CliRunner) -> None:
    page = _write(tmp_path / "p.txt", listing())
    args = ["extract", "-w", str(workspace.root), str(page)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    again = runner.invoke(app, [*args, "--json"])
    assert again.exit_code == 0
    assert [r["unchanged"] for r in json.loads(again.stdout)] == [True, True]


def test_edited_paragraph_carries_translation_as_stale(tmp_path: Path, store: Store) -> None:
    page = _write(tmp_path / "p.txt", article_page(TITLE, ORCHARD))
    _save(store, page)
    old = next(u for u in load_article(store, SLUG).units if u.text == ORCHARD[1])
    tr.change(store, old.id, "fa", Action.EDIT, who="translator", text="ترجمه قدیم")
    tr.change(store, old.id, "fa", Action.APPROVE, who="editor")
    edited = ORCHARD[1].replace("three kinds", "four kinds")
    (res,) = _save(store, _write(page, article_page(TITLE, [ORCHARD[0], edited, *ORCHARD[2:]])))
    assert (res.added, res.obsoleted, res.carried) == (1, 1, 1)
    new = next(u for u in load_article(store, SLUG).units if u.text == edited)
    t = tr.get(store, new.id, "fa")
    assert (t.status, t.suggestion, t.origin) == ("stale", "ترجمه قدیم", "stale")
    assert tr.get(store, new.id, "ar").status == "untranslated"  # nothing to carry there
    event = history(store, new.id, "fa")[-1]
    assert (event["action"], event["old_status"], event["new_status"]) == (
        "source_changed", "approved", "stale")
    assert event["detail"]["from_unit"] == old.id
    assert event["detail"]["old_source"] == ORCHARD[1]
    assert store.conn.execute("SELECT obsolete, replaced_by FROM units WHERE id = ?",
                              (old.id,)).fetchone() == (1, new.id)
    assert tr.get(store, old.id, "fa").status == "approved"  # the old unit's history stays


def test_removed_paragraph_is_obsoleted(tmp_path: Path, store: Store) -> None:
    page = _write(tmp_path / "p.txt", article_page(TITLE, ORCHARD))
    _save(store, page)
    (res,) = _save(store, _write(page, article_page(TITLE, ORCHARD[:2] + ORCHARD[4:])))
    assert res.obsoleted == 2 and res.added == 0
    live = [u.text for u in load_article(store, SLUG).units]
    assert ORCHARD[2] not in live and ORCHARD[0] in live


def test_teaser_never_overwrites_complete_article(tmp_path: Path, store: Store) -> None:
    full = _write(tmp_path / "bridge.txt", article_page("Stone bridge closed for repairs",
                                                       [*BRIDGE, "Repairs will take a month."]))
    teaser = _write(tmp_path / "front.txt", listing(teaser=True))
    _save(store, full)
    results = _save(store, teaser)
    assert any(r.skipped for r in results)
    art = load_article(store, "stone-bridge-closed-for-repairs")
    assert not art.truncated and art.source == str(full)
    assert "Repairs will take a month." in [u.text for u in art.units]


def test_complete_article_replaces_teaser(tmp_path: Path, store: Store) -> None:
    teaser = _write(tmp_path / "front.txt", listing(teaser=True))
    full = _write(tmp_path / "bridge.txt", article_page("Stone bridge closed for repairs",
                                                       [*BRIDGE, "Repairs will take a month."]))
    _save(store, teaser)
    assert load_article(store, "stone-bridge-closed-for-repairs").truncated
    _save(store, full)
    art = load_article(store, "stone-bridge-closed-for-repairs")
    assert not art.truncated and art.source == str(full)


def test_one_article_when_listing_and_own_page_in_one_run(tmp_path: Path) -> None:
    teaser = _write(tmp_path / "front.txt", listing(teaser=True))
    full = _write(tmp_path / "bridge.txt", article_page("Stone bridge closed for repairs",
                                                       [*BRIDGE, "Repairs will take a month."]))
    arts = [a for a in extract_paths([teaser, full]) if a.slug.startswith("stone-bridge")]
    assert len(arts) == 1 and not arts[0].truncated


def test_dry_run_json_format_and_no_database(tmp_path: Path, runner: CliRunner) -> None:
    page = _write(tmp_path / "p.txt", listing())
    result = runner.invoke(app, ["extract", "--json", "--dry-run", str(page)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [a["title"] for a in data] == [TITLE, "Stone bridge closed for repairs"]
    first = data[0]
    assert set(first) == {"source", "slug", "title", "category", "tags", "byline", "date",
                          "date_iso", "truncated", "captions", "units"}
    assert first["source"] == str(page) and first["date_iso"] == "2025-10-02"
    unit = first["units"][1]
    assert set(unit) == {"id", "kind", "text", "sentences"}
    for u in first["units"]:
        for a, b in u["sentences"]:
            assert 0 <= a < b <= len(u["text"])
    assert not list(tmp_path.glob("**/*.db"))


def test_two_complete_copies_do_not_flip_flop(tmp_path: Path, store: Store) -> None:
    short = _write(tmp_path / "front.txt", listing())
    longer = _write(tmp_path / "bridge.txt", article_page("Stone bridge closed for repairs",
                                                         [*BRIDGE, "Repairs will take a month."]))
    _save(store, short)
    _save(store, longer)
    again = [r for r in _save(store, short) if r.slug.startswith("stone-bridge")]
    assert again[0].skipped  # the shorter copy from the listing does not replace the longer one
    assert [r.unchanged for r in _save(store, longer)] == [True]
    assert load_article(store, "stone-bridge-closed-for-repairs").source == str(longer)


def test_examples_extract_to_three_articles(runner: CliRunner) -> None:
    root = Path(__file__).resolve().parents[2]
    result = runner.invoke(app, ["extract", "--json", "--dry-run", str(root / "examples")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert sorted(a["slug"] for a in data) == [
        "bakery-cooperative-buys-the-old-mill", "library-extends-its-opening-hours",
        "new-ferry-link-opens-between-the-two-river-towns"]
    mill = next(a for a in data if a["slug"].startswith("bakery"))
    assert mill["source"].endswith(".html") and not mill["truncated"]  # the full page won
