"""The whole corrections story through the CLI: publish, edit the English, translate, review."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import polib
import yaml

from pipeline.export.dates import format_day
from tests.corrections.conftest import PERSIAN, STORY, Desk

OLD = "Ten councillors voted for the plan and two against it."
NEW = "Eleven councillors voted for the plan and two against it."
SLUG = "river-bridge"


def _today_fa() -> str:
    return format_day(dt.datetime.now(dt.UTC).date(), "fa")


def _front_matter(text: str) -> dict[str, object]:
    return yaml.safe_load(text.split("---\n")[1])


def _unit(page: dict[str, object], source: str) -> dict[str, object]:
    units = page["units"]
    assert isinstance(units, list)
    return next(u for u in units if u["source"] == source)


def test_edited_story_keeps_its_approved_translation_until_the_change_is_reviewed(
        desk: Desk) -> None:
    page = desk.edition_json(f"fa/{SLUG}.json")
    assert page["translation_status"] == "approved" and page["updated"] is None
    assert _unit(page, OLD)["text"] == PERSIAN[OLD]

    # The English is corrected: one word of one paragraph.
    desk.run("extract", str(desk.write_story(STORY.replace(OLD, NEW))))
    report = desk.json("export", "--format", "html,json,markdown")
    fa = report["languages"]["fa"]
    assert fa["correction_pending"] == [SLUG]
    pending = next(d for d in fa["published"] if d["slug"] == SLUG)
    assert pending["status"] == "correction_pending" and pending["pending_units"] == 1
    assert f"pipeline translate --lang fa --article {SLUG}" in pending["next_step"]

    page = desk.edition_json(f"fa/{SLUG}.json")
    assert page["translation_status"] == "correction_pending"
    changed = _unit(page, NEW)
    assert changed["text"] == PERSIAN[OLD] and changed["changed"] is True  # last approved text
    assert all(u["text"] == PERSIAN[u["source"]] for u in page["units"] if u["source"] != NEW)
    html = desk.edition(f"fa/{SLUG}.html")
    today = dt.datetime.now(dt.UTC).date()
    assert "notice-correction" in html
    assert (f'در <time datetime="{today}">{_today_fa()}</time> به زبان انگلیسی به‌روز شد'
            in html)
    assert html.count('data-changed="true"') == 1
    assert _front_matter(desk.edition(f"fa/{SLUG}.md"))["translation_status"] == \
        "correction_pending"
    assert "notice-correction" not in desk.edition(f"en/{SLUG}.html")  # the original is current

    text = desk.run("export").output
    assert "correction pending" in text and "pipeline review queue --lang fa" in text
    history = desk.run("history", SLUG, "--lang", "fa").output
    assert "revised" in history and "[-Ten-]{+Eleven+}" in history
    check = desk.run("check", "--lang", "fa", ok=False)
    assert check.exit_code in (0, 1) and "correction pending" in check.output
    assert SLUG in check.output

    # Poedit and msgmerge see the old English as the previous msgid of a fuzzy entry.
    desk.run("po", "export", "--lang", "fa")
    po_path = desk.root / "locales" / "fa" / "LC_MESSAGES" / "articles.po"
    entry = next(e for e in polib.pofile(str(po_path)) if e.msgid == NEW)
    assert entry.fuzzy and entry.previous_msgid == OLD and entry.msgstr == PERSIAN[OLD]
    if shutil.which("msgfmt") and shutil.which("msgmerge"):
        subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po_path)], check=True)
        merged = subprocess.run(
            ["msgmerge", "--previous", "--quiet", "-o", "-", str(po_path),
             str(desk.root / "locales" / "articles.pot")],
            check=True, capture_output=True, text=True).stdout
        assert f'#| msgid "{OLD}"' in merged

    # Machine translation makes a suggestion; the text and the edition stay as approved.
    desk.run("translate", "--lang", "fa", "--quiet")
    first = desk.json("review", "queue", "--lang", "fa")[0]
    assert first["source"] == NEW and first["status"] == "stale"
    assert first["text"] == PERSIAN[OLD] and first["machine_suggestion"]
    assert first["machine_suggestion"] != PERSIAN[OLD]
    assert {"op": "insert", "text": "Eleven"} in first["source_diff"]
    queue_text = desk.run("review", "queue", "--lang", "fa").output
    assert "{+Eleven+}" in queue_text and "machine suggestion" in queue_text
    desk.run("export", "--format", "html,json,markdown")
    assert _unit(desk.edition_json(f"fa/{SLUG}.json"), NEW)["text"] == PERSIAN[OLD]

    # The reviewer approves the suggestion: the next export is current again.
    done = desk.json("review", "accept", first["unit_id"], "--lang", "fa", who="Reza")
    assert done["status"] == "approved" and done["text"] == first["machine_suggestion"]
    desk.run("export", "--format", "html,json,markdown")
    page = desk.edition_json(f"fa/{SLUG}.json")
    assert page["translation_status"] == "approved"
    assert _unit(page, NEW)["text"] == first["machine_suggestion"]
    assert not _unit(page, NEW)["changed"]
    html = desk.edition(f"fa/{SLUG}.html")
    assert "notice-correction" not in html and 'data-changed' not in html
    assert f"به‌روزشده در <time datetime=\"{dt.datetime.now(dt.UTC).date()}\">{_today_fa()}" in html
    meta = _front_matter(desk.edition(f"fa/{SLUG}.md"))
    assert meta["translation_status"] == "approved" and meta["updated_display"] == _today_fa()

    # The history has every step.
    steps = desk.json("history", SLUG, "--lang", "fa")
    article_steps = [e["action"] for e in steps if e["scope"] == "article"]
    assert article_steps == ["extracted", "revised"]
    unit_steps = [e["action"] for e in steps
                  if e["scope"] == "unit" and e["unit_id"] == first["unit_id"]]
    assert unit_steps == ["source_changed", "suggest", "approve"]
    old_unit = next(e for e in steps if e["scope"] == "article" and e["action"] == "revised")
    edit = old_unit["detail"]["edited"][0]
    assert (edit["old"], edit["new"], edit["new_unit"]) == (OLD, NEW, first["unit_id"])
    old_steps = [e["action"] for e in steps if e["scope"] == "unit"
                 and e["unit_id"] == edit["old_unit"]]
    assert old_steps == ["machine", "edit", "approve"]


def test_still_correct_confirms_the_old_translation_in_one_action(desk: Desk) -> None:
    reworded = STORY.replace("should take a year.", "should take about a year.")
    desk.run("extract", str(desk.write_story(reworded)))
    first = desk.json("review", "queue", "--lang", "fa")[0]
    assert first["status"] == "stale" and first["machine_suggestion"] is None
    done = desk.json("review", "confirm", first["unit_id"][:8], "--lang", "fa", who="Reza")
    assert done["status"] == "approved" and done["text"] == first["text"]
    desk.run("export", "--format", "json")
    page = desk.edition_json(f"fa/{SLUG}.json")
    assert page["translation_status"] == "approved" and page["updated"] is not None
    history = desk.json("history", first["unit_id"], "--lang", "fa")
    assert [e["action"] for e in history] == ["source_changed", "confirm"]
    again = desk.run("review", "confirm", first["unit_id"], "--lang", "fa", ok=False, who="Reza")
    assert again.exit_code == 1 and "not stale" in again.output


def test_correction_note_is_printed_in_english_until_its_translation_is_approved(
        desk: Desk) -> None:
    note = "An earlier version of this article said the vote was on Tuesday."
    added = desk.json("corrections", "add", SLUG, "--note", note, who="Editor")
    assert added["kind"] == "correction" and added["translations"] == {
        "fa": "untranslated", "ar": "untranslated"}
    desk.run("export", "--format", "html,json")
    en = desk.edition(f"en/{SLUG}.html")
    assert note in en and "corrections-heading" in en
    page = desk.edition_json(f"fa/{SLUG}.json")
    assert page["translation_status"] == "correction_pending"
    assert page["notes"][0]["fallback"] is True and page["notes"][0]["text"] == note
    html = desk.edition(f"fa/{SLUG}.html")
    assert f'<span lang="en" dir="ltr">{note}</span>' in html and "در انتظار ترجمه" in html

    desk.run("translate", "--lang", "fa", "--quiet")  # machine text alone is not published
    desk.run("export", "--format", "json")
    assert desk.edition_json(f"fa/{SLUG}.json")["notes"][0]["fallback"] is True
    note_fa = "در نسخهٔ پیشین این مطلب روز رأی‌گیری سه‌شنبه ذکر شده بود."
    desk.run("review", "edit", added["id"], "--lang", "fa", "--text", note_fa, who="Mina")
    desk.run("review", "approve", added["id"], "--lang", "fa", who="Reza")
    desk.run("export", "--format", "html,json")
    page = desk.edition_json(f"fa/{SLUG}.json")
    assert page["translation_status"] == "approved"
    assert page["notes"] == [{"id": added["id"], "label": "correction", "text": note_fa,
                              "fallback": False, "date": added["at"][:10],
                              "date_display": _today_fa()}]
    html = desk.edition(f"fa/{SLUG}.html")
    assert "اصلاحیه" in html and note_fa in html and "به‌روزشده در" in html
    listed = desk.json("corrections", "list", SLUG)
    assert listed["notes"][0]["translations"]["fa"] == "approved"

    desk.json("corrections", "remove", added["id"], who="Editor")
    desk.run("export", "--format", "html,json")
    assert desk.edition_json(f"fa/{SLUG}.json")["notes"] == []
    assert note not in desk.edition(f"en/{SLUG}.html")
    actions = [e["action"] for e in desk.json("history", SLUG) if e["scope"] == "article"]
    assert actions == ["extracted", "note_added", "note_removed"]


def test_withdrawn_story_leaves_every_edition_on_the_next_export(desk: Desk) -> None:
    for lang in ("en", "fa"):
        assert (desk.root / "editions" / lang / f"{SLUG}.html").is_file()
    out = desk.json("corrections", "withdraw", SLUG, "--reason", "the source recanted",
                    who="Editor")
    assert out["reason"] == "the source recanted"
    report = desk.json("export", "--format", "html,json,markdown")
    for lang in ("en", "fa", "ar"):
        held = {d["slug"]: d for d in report["languages"][lang]["held_back"]}
        assert "withdrawn on" in held[SLUG]["reason"] and "source recanted" in held[SLUG]["reason"]
        assert f"corrections restore {SLUG}" in held[SLUG]["next_step"]
        assert not (desk.root / "editions" / lang / f"{SLUG}.html").exists()
    assert report["files"]["removed"] >= 6
    assert SLUG not in desk.edition("fa/index.html")
    listed = desk.json("corrections", "list")
    assert listed["withdrawn"][0]["slug"] == SLUG and listed["withdrawn"][0]["who"] == "Editor"
    assert [e["action"] for e in desk.json("history", SLUG)][-1] == "withdrawn"

    desk.json("corrections", "restore", SLUG, who="Editor")
    desk.run("export")
    assert (desk.root / "editions" / "fa" / f"{SLUG}.html").is_file()


BAD = [
    (["corrections", "add", "no-such-story", "--note", "x"], "no article 'no-such-story'"),
    (["corrections", "add", SLUG, "--note", "   "], "the note is empty"),
    (["corrections", "add", SLUG, "--note", "x", "--kind", "apology"], "--kind 'apology'"),
    (["corrections", "withdraw", SLUG, "--reason", ""], "the reason is empty"),
    (["corrections", "remove", "ffffffffff"], "no unit"),
    (["review", "accept", "ffffffffff", "--lang", "fa"], "no unit"),
    (["history", SLUG, "--lang", "de"], "not a target language"),
]


def test_bad_corrections_input_is_one_line_and_changes_nothing(desk: Desk) -> None:
    before = desk.json("history", SLUG, "--lang", "fa")
    for args, message in BAD:
        result = desk.run(*args, ok=False, who="Editor")
        assert result.exit_code in (1, 2), args
        assert message in result.output and "Traceback" not in result.output, args
    unit = desk.json("review", "queue", "--lang", "fa", "--status", "approved")[0]["unit_id"]
    refused = desk.run("review", "accept", unit, "--lang", "fa", ok=False, who="Reza")
    assert refused.exit_code == 1 and "no machine suggestion" in refused.output
    assert desk.json("history", SLUG, "--lang", "fa") == before
