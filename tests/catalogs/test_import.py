"""PO import: edits become human actions; conflicts, malformed files and machines change nothing."""

from __future__ import annotations

import gc
from pathlib import Path

import polib
import pytest

from pipeline.catalogs.export import catalog_path, export_catalogs, template_path
from pipeline.catalogs.importer import import_files
from pipeline.errors import InputError, UsageError
from pipeline.states import Action
from pipeline.store import Store, events
from pipeline.store import translations as tr
from pipeline.store.catalog import bulk_cache, import_targets
from pipeline.workspace import Settings
from tests.catalogs.helpers import seed
from tests.factories import add_article


def exported(store: Store, workspace: Settings) -> Path:
    export_catalogs(store, workspace.targets, workspace.locales, project="newsroom")
    return catalog_path(workspace.locales, "fa")


def edit(path: Path, changes: dict[str, str], unfuzzy: bool = True) -> Path:
    """What a translator does in Poedit: change msgstrs and clear the fuzzy flag."""
    po = polib.pofile(str(path))
    for e in po:
        if e.msgctxt in changes:
            e.msgstr = changes[e.msgctxt]
            if unfuzzy and "fuzzy" in e.flags:
                e.flags.remove("fuzzy")
    out = path.with_name("edited.po")
    po.save(str(out))
    return out


def run(store: Store, workspace: Settings, *paths: Path, **kw: object):  # type: ignore[no-untyped-def]
    return import_files(store, list(paths), targets=workspace.targets,
                        who=kw.pop("who", "tara"), **kw)  # type: ignore[arg-type]


def counts(store: Store) -> tuple[int, int]:
    return (store.conn.execute("SELECT count(*) FROM events").fetchone()[0],
            store.conn.execute("SELECT sum(revision) FROM translations").fetchone()[0])


def test_changed_entry_becomes_translated_with_an_edit_event(store: Store,
                                                             workspace: Settings) -> None:
    ids = seed(store)
    path = edit(exported(store, workspace), {ids[0]: "گفتگوهای صلح دوباره آغاز شد", ids[2]: "تکرار"})
    [result] = run(store, workspace, path)
    assert (result.imported, result.approved, result.conflicts) == (2, 0, ())
    t = tr.get(store, ids[0], "fa")
    assert (t.text, t.status, t.origin, t.translated_by) == (
        "گفتگوهای صلح دوباره آغاز شد", "translated", "po", "tara")
    last = events.history(store, ids[0], "fa")[-1]
    assert (last["action"], last["who"], last["old_status"]) == ("edit", "tara", "machine")
    assert tr.get(store, ids[2], "fa").status == "translated"


def test_unchanged_entries_are_skipped_and_an_edit_left_fuzzy_is_reported(
        store: Store, workspace: Settings) -> None:
    ids = seed(store)
    before = counts(store)
    # ids[0] edited but still fuzzy; everything else as exported.
    path = edit(exported(store, workspace), {ids[0]: "ویرایش نیمه‌کاره"}, unfuzzy=False)
    [result] = run(store, workspace, path)
    assert (result.imported, result.skipped) == (0, 3)
    assert [c.unit_id for c in result.unfinished] == [ids[0]]
    assert "still fuzzy" in result.unfinished[0].reason
    assert counts(store) == before
    assert tr.get(store, ids[0], "fa").status == "machine"


def test_removing_fuzzy_without_editing_is_a_human_confirmation(store: Store,
                                                               workspace: Settings) -> None:
    ids = seed(store)
    machine_text = tr.get(store, ids[0], "fa").text
    assert machine_text is not None
    [result] = run(store, workspace, edit(exported(store, workspace), {ids[0]: machine_text}))
    assert result.imported == 1
    assert tr.get(store, ids[0], "fa").status == "translated"


def test_approve_records_edit_then_approve(store: Store, workspace: Settings) -> None:
    ids = seed(store)
    path = edit(exported(store, workspace), {ids[0]: "متن تازه"})
    [result] = run(store, workspace, path, approve=True, who="omid")
    assert (result.imported, result.approved) == (1, 1)
    t = tr.get(store, ids[0], "fa")
    assert (t.status, t.reviewed_by) == ("approved", "omid")
    assert [e["action"] for e in events.history(store, ids[0], "fa")][-2:] == ["edit", "approve"]


def test_approve_needs_a_reviewer(store: Store, workspace: Settings) -> None:
    seed(store)
    with pytest.raises(UsageError, match="--reviewer"):
        run(store, workspace, exported(store, workspace), approve=True, who=None)


def test_four_eyes_holds_back_approval_of_own_edit(store: Store, workspace: Settings) -> None:
    ids = seed(store)
    path = edit(exported(store, workspace), {ids[0]: "متن تازه"})
    [result] = run(store, workspace, path, approve=True, four_eyes=True)
    assert (result.imported, result.approved, len(result.held)) == (1, 0, 1)
    assert tr.get(store, ids[0], "fa").status == "translated"


def test_source_changed_since_export_is_a_conflict(store: Store, workspace: Settings) -> None:
    ids = seed(store)
    path = edit(exported(store, workspace), {ids[0]: "متن تازه", ids[2]: "دیگری"})
    text = path.read_text(encoding="utf-8").replace(
        'msgid "Peace talks resume"\nmsgstr "متن تازه"',
        'msgid "Peace talks resumed"\nmsgstr "متن تازه"')
    path.write_text(text, encoding="utf-8")
    [result] = run(store, workspace, path)
    assert [c.unit_id for c in result.conflicts] == [ids[0]]
    assert "source changed" in result.conflicts[0].reason
    assert result.imported == 1  # the other edit still applies
    assert tr.get(store, ids[0], "fa").status == "machine"


def test_person_changed_it_after_export_is_a_conflict(store: Store, workspace: Settings) -> None:
    ids = seed(store)
    path = edit(exported(store, workspace), {ids[1]: "نسخهٔ مترجم"})
    tr.change(store, ids[1], "fa", Action.EDIT, who="reza", text="نسخهٔ ویراستار")
    [result] = run(store, workspace, path)
    assert len(result.conflicts) == 1 and "after the export" in result.conflicts[0].reason
    assert tr.get(store, ids[1], "fa").text == "نسخهٔ ویراستار"


def test_unknown_and_obsolete_units_are_conflicts(store: Store, workspace: Settings) -> None:
    ids = seed(store)
    path = edit(exported(store, workspace), {ids[0]: "الف", ids[3]: "ب"})
    text = path.read_text(encoding="utf-8").replace(f'msgctxt "{ids[0]}"', 'msgctxt "nope"')
    path.write_text(text, encoding="utf-8")
    # Re-extraction drops the last paragraph: its unit becomes obsolete.
    from tests.catalogs.helpers import PARTS

    add_article(store, "peace-talks", PARTS[:3], source="articles/peace-talks.txt")
    [result] = run(store, workspace, path)
    reasons = sorted(c.reason for c in result.conflicts)
    assert len(reasons) == 2
    assert "no longer in its article" in reasons[0] and "not in the database" in reasons[1]


def test_malformed_file_applies_nothing_not_even_other_files(store: Store,
                                                             workspace: Settings) -> None:
    ids = seed(store)
    good = edit(exported(store, workspace), {ids[0]: "درست"})
    bad = good.with_name("bad.po")
    bad.write_text(good.read_text(encoding="utf-8").replace('msgstr "درست"', 'msgstr "درست'),
                   encoding="utf-8")
    before = counts(store)
    with pytest.raises(InputError, match="unterminated") as err:
        run(store, workspace, good, bad)
    assert err.value.path == str(bad) and err.value.line
    assert counts(store) == before


def test_error_midway_rolls_back_the_whole_file(store: Store, workspace: Settings,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    ids = seed(store)
    path = edit(exported(store, workspace), {ids[0]: "یک", ids[2]: "دو"})
    before = counts(store)
    cache_before = store.conn.execute("PRAGMA cache_size").fetchone()[0]

    def fail(*args: object) -> None:  # the updates ran; the events insert fails
        raise RuntimeError("disk full")

    monkeypatch.setattr("pipeline.store.translations.events.record_rows", fail)
    with pytest.raises(RuntimeError):
        run(store, workspace, path)
    assert counts(store) == before
    assert tr.get(store, ids[0], "fa").status == "machine"
    assert gc.isenabled()  # the cycle collector paused during the import runs again
    # the larger page cache of the bulk write is given back, also after a failure
    assert store.conn.execute("PRAGMA cache_size").fetchone()[0] == cache_before


def test_bulk_cache_is_raised_during_the_write_only(store: Store) -> None:
    before = store.conn.execute("PRAGMA cache_size").fetchone()[0]
    with bulk_cache(store, mib=64):
        assert store.conn.execute("PRAGMA cache_size").fetchone()[0] == -64 * 1024
    assert store.conn.execute("PRAGMA cache_size").fetchone()[0] == before


def test_duplicate_and_charset_mismatch_files_are_rejected(store: Store,
                                                          workspace: Settings) -> None:
    ids = seed(store)
    path = exported(store, workspace)
    text = path.read_text(encoding="utf-8")
    entry = text[text.index(f'msgctxt "{ids[0]}"'):].split("\n\n")[0]
    dup = path.with_name("dup.po")
    dup.write_text(text + "\n" + entry + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="duplicate entry"):
        run(store, workspace, dup)
    latin = path.with_name("latin.po")
    latin.write_text(text.replace("charset=UTF-8", "charset=ISO-8859-1"), encoding="utf-8")
    with pytest.raises(InputError, match="charset=ISO-8859-1"):
        run(store, workspace, latin)


def test_template_and_foreign_language_files_are_rejected(store: Store,
                                                          workspace: Settings) -> None:
    seed(store)
    exported(store, workspace)
    with pytest.raises(InputError, match="no Language"):
        run(store, workspace, template_path(workspace.locales))
    de = catalog_path(workspace.locales, "fa").with_name("de.po")
    de.write_text(catalog_path(workspace.locales, "fa").read_text(encoding="utf-8")
                  .replace("Language: fa", "Language: de"), encoding="utf-8")
    with pytest.raises(InputError, match="'de'"):
        run(store, workspace, de)


def test_import_never_lets_a_machine_overwrite_the_human_edit(store: Store,
                                                              workspace: Settings) -> None:
    ids = seed(store)
    run(store, workspace, edit(exported(store, workspace), {ids[0]: "ویرایش انسانی"}))
    from pipeline.errors import TransitionError

    with pytest.raises(TransitionError):
        tr.change(store, ids[0], "fa", Action.MACHINE, who=None, text="ماشین")
    assert tr.get(store, ids[0], "fa").text == "ویرایش انسانی"


def test_regional_language_variant_maps_to_the_target(store: Store, workspace: Settings) -> None:
    ids = seed(store)
    path = edit(exported(store, workspace), {ids[2]: "تکرار"})
    path.write_text(path.read_text(encoding="utf-8").replace("Language: fa", "Language: fa_IR"),
                    encoding="utf-8")
    [result] = run(store, workspace, path)
    assert (result.lang, result.imported) == ("fa", 1)


def test_import_targets_scan_and_key_lookup_agree(store: Store) -> None:
    """A file naming most units is matched by one scan, a small one by key: same answers."""
    ids = seed(store)
    scanned = import_targets(store, "fa", [*ids, "no-such-unit"])  # >= half: the scan
    assert set(scanned) == set(ids)
    assert scanned[ids[1]].status == "approved" and scanned[ids[1]].translated_by == "sara"
    assert scanned[ids[2]].status == "untranslated" and scanned[ids[2]].text is None
    keyed = import_targets(store, "fa", [ids[1]])  # 1 of 4 units: by key
    assert keyed == {ids[1]: scanned[ids[1]]}
    assert import_targets(store, "ar", [ids[0]])[ids[0]].source_text == "Peace talks resume"
    assert import_targets(store, "fa", []) == {}


def test_import_targets_hold_a_source_equal_to_the_callers_as_that_same_string(
        store: Store) -> None:
    ids = seed(store)
    mine = "".join(["Peace talks ", "resume"])  # equal to unit 0's source, another object
    for unit_ids in (list(ids), [ids[0]]):  # the scan, and the lookup by key
        found = import_targets(store, "fa", unit_ids, sources={ids[0]: mine})
        assert found[ids[0]].source_text is mine


def test_import_targets_carry_what_an_export_gave_out_at_the_rows_revision(
        store: Store, workspace: Settings) -> None:
    from pipeline.store.exports import given_at_revisions
    ids = seed(store)
    exported(store, workspace)
    tr.change(store, ids[3], "fa", Action.EDIT, who="sara", text="بعد از خروجی")  # since then
    for unit_ids in (list(ids), [ids[0]]):  # the scan, and the lookup by key
        found = import_targets(store, "fa", unit_ids, given_in="po")
        for uid, target in found.items():
            recorded = given_at_revisions(store, "po", "fa", {uid: target.revision})
            assert target.given == recorded.get(uid) or uid == ids[3]
    assert found[ids[0]].given is not None and found[ids[0]].given.fuzzy
    scanned = import_targets(store, "fa", list(ids), given_in="po")
    assert scanned[ids[3]].given is None  # its revision now was never given out
    assert scanned[ids[1]].given is not None and scanned[ids[1]].given.text == scanned[ids[1]].text
    assert import_targets(store, "fa", list(ids))[ids[0]].given is None  # not asked for


def test_reimporting_an_unchanged_file_after_a_rejection_keeps_it_rejected(
        store: Store, workspace: Settings) -> None:
    from pipeline.review import actions

    ids = seed(store)
    run(store, workspace, edit(exported(store, workspace), {ids[0]: "ترجمهٔ مترجم"}))
    path = exported(store, workspace)  # unit 0 is translated (not fuzzy) in this file
    actions.reject(store, ids[0], "fa", "the name is wrong", who="ali")
    before = counts(store)
    for approve in (False, True):
        [result] = run(store, workspace, path, approve=approve, who="sara")
        assert (result.imported, result.approved, result.conflicts) == (0, 0, ())
    assert counts(store) == before
    assert tr.get(store, ids[0], "fa").status == "rejected"


def test_import_respects_another_reviewers_claim(store: Store, workspace: Settings) -> None:
    from pipeline.store import review as q

    ids = seed(store)
    path = edit(exported(store, workspace), {ids[0]: "ویرایش", ids[2]: "تکرار"})
    q.claim(store, ids[0], "fa", "r1", minutes=30)
    before = tr.get(store, ids[0], "fa")
    for approve in (False, True):
        [result] = run(store, workspace, path, approve=approve, who="r2")
        assert [c.unit_id for c in result.conflicts] == [ids[0]]
        assert "claimed by r1" in result.conflicts[0].reason
    assert tr.get(store, ids[0], "fa") == before
    [own] = run(store, workspace, path, who="r1")  # the holder's own import goes through
    assert own.imported == 1 and tr.get(store, ids[0], "fa").text == "ویرایش"
    claimed = store.conn.execute("SELECT claimed_by FROM translations WHERE unit_id = ? AND"
                                 " lang = 'fa'", (ids[0],)).fetchone()[0]
    assert claimed is None  # finishing the unit ends the claim, as review actions do


def test_unfuzzied_placeholder_entry_is_reported_not_imported(store: Store,
                                                               workspace: Settings) -> None:
    from pipeline.models import FLAG_TEST_MODEL

    ids = seed(store)
    tr.change(store, ids[0], "fa", Action.MACHINE, who=None, text="کلمات تصادفی",
              flags=[FLAG_TEST_MODEL], origin="mt")
    path = edit(exported(store, workspace), {ids[0]: "کلمات تصادفی"})  # fuzzy cleared, same text
    before = counts(store)
    [result] = run(store, workspace, path)
    assert [c.unit_id for c in result.placeholder] == [ids[0]] and result.imported == 0
    assert counts(store) == before
    [confirmed] = run(store, workspace, path, confirm_placeholder=True)
    assert confirmed.imported == 1 and tr.get(store, ids[0], "fa").status == "translated"


def test_control_characters_in_a_translation_are_refused_with_file_and_line(
        store: Store, workspace: Settings) -> None:
    ids = seed(store)
    path = edit(exported(store, workspace), {ids[0]: "یک\fدو"})  # \f: PO can escape it, XML not
    before = counts(store)
    with pytest.raises(InputError, match="U[+]000C") as err:
        run(store, workspace, path)
    assert err.value.path == str(path) and err.value.line
    assert counts(store) == before


@pytest.mark.parametrize("name", ["fa.po", "918273645.po", 'we"ird\\name.po'])
def test_spliced_event_details_equal_the_store_encoding(name: str) -> None:
    from pipeline.catalogs.bulk import LineDetail

    fields = {"origin": "po", "translated_by": "تارا 918273645"}
    for line in (1, 918273645, 12345):
        assert LineDetail(name, fields)(line) == tr.detail_json({"file": name, "line": line},
                                                                 fields)
