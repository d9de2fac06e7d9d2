"""Editions while the English of a published article is being corrected, under each policy."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import jdatetime
import pytest

from pipeline import corrections
from pipeline.errors import ConfigError
from pipeline.export.publish import ExportOptions, publish
from pipeline.states import Action
from pipeline.store import Store
from pipeline.store import editions as rows
from pipeline.store import mt as store_mt
from pipeline.store import translations as tr
from pipeline.store.articles import load_article, save_article
from pipeline.store.mt import MachineResult
from pipeline.workspace import Settings, parse_config
from tests.factories import make_article, publish_and_edit

PARTS = [("title", "Bridge approved"), ("paragraph", "Ten councillors voted for it."),
         ("paragraph", "Work starts in June.")]
FA = ["پل تصویب شد", "ده عضو شورا به آن رأی دادند.", "کار در خرداد آغاز می‌شود."]
OLD, NEW = PARTS[1][1], "Eleven councillors voted for it."
SUGGESTION = "یازده عضو شورا به آن رأی دادند."


def _export(settings: Settings, out: Path, **kw: Any) -> Any:
    return publish(replace(settings, **kw) if kw else settings,
                   ExportOptions(out=out, langs=("en", "fa"), formats=("json", "html")))


def _page(out: Path, lang: str = "fa") -> Any:
    return json.loads((out / lang / "bridge.json").read_text(encoding="utf-8"))


@pytest.fixture
def edited(store: Store) -> str:
    return publish_and_edit(store, "bridge", PARTS, "fa", FA, {OLD: NEW})[OLD]


def _suggest(store: Store, unit: str) -> None:
    store_mt.write_machine(store, [MachineResult(unit, "fa", SUGGESTION, origin="mt",
                                                 engine="ctranslate2")], who="machine")


def test_keep_with_notice_shows_the_last_approved_text_marked(workspace: Settings, store: Store,
                                                              edited: str, tmp_path: Path) -> None:
    report = _export(workspace, tmp_path / "out")
    d = next(x for x in report.languages["fa"].published if x.slug == "bridge")
    assert (d.status, d.pending, d.added) == ("correction_pending", 1, 0)
    page = _page(tmp_path / "out")
    assert [u["text"] for u in page["units"]] == FA
    assert [u["changed"] for u in page["units"]] == [False, True, False]
    assert page["source_updated"] and page["translation_status"] == "correction_pending"
    _suggest(store, edited)  # a suggestion changes nothing under this policy
    _export(workspace, tmp_path / "out")
    assert [u["text"] for u in _page(tmp_path / "out")["units"]] == FA


def test_withdraw_holds_the_article_back_and_says_what_to_do(workspace: Settings, edited: str,
                                                             tmp_path: Path) -> None:
    _export(workspace, tmp_path / "out")
    assert (tmp_path / "out" / "fa" / "bridge.json").exists()
    report = _export(workspace, tmp_path / "out", on_source_change="withdraw")
    held = next(x for x in report.languages["fa"].held_back if x.slug == "bridge")
    assert "1 stale" in held.reason
    assert "pipeline review queue --lang fa --article bridge" in held.next_step
    assert "keep_with_notice" in held.next_step
    assert not (tmp_path / "out" / "fa" / "bridge.json").exists()  # removed on this export
    assert (tmp_path / "out" / "en" / "bridge.json").exists()


def test_machine_with_notice_shows_the_suggestion_once_there_is_one(
        workspace: Settings, store: Store, edited: str, tmp_path: Path) -> None:
    _export(workspace, tmp_path / "out", on_source_change="machine_with_notice")
    assert _page(tmp_path / "out")["units"][1]["text"] == FA[1]  # no suggestion yet: the approved text
    _suggest(store, edited)
    report = _export(workspace, tmp_path / "out", on_source_change="machine_with_notice")
    assert report.languages["fa"].published[0].unreviewed == 1
    page = _page(tmp_path / "out")
    assert page["units"][1]["text"] == SUGGESTION and page["units"][1]["changed"]
    html = (tmp_path / "out" / "fa" / "bridge.html").read_text(encoding="utf-8")
    assert "notice-machine" in html and "notice-correction" in html


def test_a_paragraph_added_to_a_published_article_is_shown_in_english_marked(
        workspace: Settings, store: Store, tmp_path: Path) -> None:
    publish_and_edit(store, "bridge", PARTS, "fa", FA, {})
    save_article(store, make_article("bridge", [*PARTS, ("paragraph", "The mayor welcomed it.")]),
                 ("fa",))
    _export(workspace, tmp_path / "out")
    page = _page(tmp_path / "out")
    assert page["translation_status"] == "correction_pending"
    last = page["units"][-1]
    assert (last["text"], last["fallback"], last["changed"]) == ("The mayor welcomed it.", True,
                                                                True)
    html = (tmp_path / "out" / "fa" / "bridge.html").read_text(encoding="utf-8")
    assert 'lang="en" dir="ltr" data-changed="true"' in html


def test_an_article_never_approved_is_not_published_by_an_edit(workspace: Settings, store: Store,
                                                               tmp_path: Path) -> None:
    save_article(store, make_article("bridge", PARTS), ("fa",))
    save_article(store, make_article("bridge", [PARTS[0], ("paragraph", NEW), PARTS[2]]), ("fa",))
    report = _export(workspace, tmp_path / "out")
    assert [d.slug for d in report.languages["fa"].held_back] == ["bridge"]
    assert "pipeline translate --lang fa --article bridge" in \
        report.languages["fa"].held_back[0].next_step


def test_dates_follow_the_last_approved_change(workspace: Settings, store: Store, edited: str,
                                               tmp_path: Path) -> None:
    before = rows.article_dates(store, "en", ["fa"])["bridge"]
    assert before["fa"].updated is None and before["fa"].published == "2024-05-01"
    modified = before["fa"].date_modified
    assert modified and before["en"].updated  # the English was revised
    _suggest(store, edited)
    assert rows.date_modified(store, "bridge", "fa", "en") == modified  # a suggestion is not a change
    tr.change(store, edited, "fa", Action.EDIT, who="mina", text=SUGGESTION, origin="human")
    t = tr.change(store, edited, "fa", Action.APPROVE, who="reza")
    after = rows.article_dates(store, "en", ["fa"])["bridge"]["fa"]
    assert after.updated == t.corrected_at == after.modified and after.modified > modified
    _export(workspace, tmp_path / "out")
    page = _page(tmp_path / "out")
    assert page["translation_status"] == "approved" and page["updated"] == after.updated[:10]
    assert page["date_modified"] == after.modified


def test_solar_hijri_edition_writes_the_updated_date_in_its_calendar(
        workspace: Settings, store: Store, edited: str, tmp_path: Path) -> None:
    corrections.add_note(store, "bridge", "The vote was on Monday.", langs=("fa",), who="ed")
    _export(workspace, tmp_path / "out", persian_calendar="solar_hijri")
    html = (tmp_path / "out" / "fa" / "bridge.html").read_text(encoding="utf-8")
    year = jdatetime.date.today().year
    assert str(year).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) in html
    assert "The vote was on Monday." in html and "۱۴۰۳" in html  # published 2024-05-01


def test_withdrawn_article_is_held_back_everywhere_and_kept_in_the_store(workspace: Settings, store: Store,
                                                                edited: str, tmp_path: Path) -> None:
    corrections.withdraw(store, "bridge", reason="legal", who="ed")
    report = _export(workspace, tmp_path / "out")
    for lang in ("en", "fa"):
        assert report.languages[lang].published == []
        assert "withdrawn on" in report.languages[lang].held_back[0].reason
    assert load_article(store, "bridge").slug == "bridge"  # nothing is deleted


def test_on_source_change_setting_is_validated(tmp_path: Path) -> None:
    s = parse_config({"export": {"on_source_change": "withdraw"}}, tmp_path)
    assert s.on_source_change == "withdraw"
    with pytest.raises(ConfigError, match="export.on_source_change must be one of"):
        parse_config({"export": {"on_source_change": "panic"}}, tmp_path)


def test_hostile_note_is_escaped_in_every_format(workspace: Settings, store: Store,
                                                 edited: str, tmp_path: Path) -> None:
    corrections.add_note(store, "bridge", "<script>alert(1)</script> *bold* [x](javascript:y)",
                         langs=("fa",), who="ed")
    publish(workspace, ExportOptions(out=tmp_path / "out", langs=("en", "fa"),
                                     formats=("html", "markdown")))
    for lang in ("en", "fa"):
        html = (tmp_path / "out" / lang / "bridge.html").read_text(encoding="utf-8")
        assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        md = (tmp_path / "out" / lang / "bridge.md").read_text(encoding="utf-8")
        assert "\\<script\\>" in md and "\\*bold\\*" in md and "\\[x\\]" in md
