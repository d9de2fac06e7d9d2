"""XLIFF export and import: valid against the OASIS schemas, read right by translate-toolkit,
imported back under the PO import's rules (three-way, conflicts, claims, codes intact)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.interchange.tm import maskers
from pipeline.interchange.xliff_import import XliffImportResult, import_xliff
from pipeline.interchange.xliff_write import export_xliff
from pipeline.states import XLIFF_STATES, Action, Status
from pipeline.store import Store
from pipeline.store import translations as tr
from pipeline.store.review import claim
from tests.interchange.helpers import FA, PARTS, XLIFF_SCHEMAS, event_count, rows, seed, xmllint

VERSIONS = ("1.2", "2.0")


def _export(store: Store, out: Path, version: str, tags: dict[str, str] | None = None) -> Path:
    _, per_lang = maskers(store, ("fa",))
    [r] = export_xliff(store, ("fa",), out, version=version, source="en",
                       tags=tags or {"fa": "fa-IR"}, project="ws", maskers=per_lang)
    return r.path


def _import(store: Store, *paths: Path, approve: bool = False, who: str = "nima",
            lang: str | None = None) -> list[XliffImportResult]:
    _, per_lang = maskers(store, ("fa", "ar", "sq"))
    return import_xliff(store, list(paths), targets=("fa", "ar", "sq"), who=who,
                        maskers=per_lang, approve=approve, lang=lang)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _retarget(path: Path, version: str, uid: str, new: str, state: str) -> None:
    """A translator's change in a CAT tool: new target text, state set to `state`."""
    text = path.read_text(encoding="utf-8")
    if version == "1.2":
        rx = re.compile(rf'(<trans-unit id="{uid}".*?)<target [^>]*>.*?</target>', re.S)
        text, n = rx.subn(lambda m: f'{m.group(1)}<target state="{state}">{new}</target>', text)
    else:
        rx = re.compile(rf'(<unit id="{uid}".*?)<segment state="[^"]*" subState="[^"]*">'
                        r'(<source>.*?</source>)<target>.*?</target>', re.S)
        text, n = rx.subn(lambda m: f'{m.group(1)}<segment state="{state}">{m.group(2)}'
                          f'<target>{new}</target>', text)
    assert n == 1
    path.write_text(text, encoding="utf-8")


DONE = {"1.2": "translated", "2.0": "translated"}
NOT_DONE = {"1.2": "needs-review-translation", "2.0": "initial"}


@pytest.mark.parametrize("version", VERSIONS)
def test_export_validates_against_the_oasis_schema(store: Store, tmp_path: Path,
                                                   version: str) -> None:
    seed(store)
    xmllint(_export(store, tmp_path, version), schema=XLIFF_SCHEMAS[version])


def test_every_status_has_an_xliff_state() -> None:
    assert set(XLIFF_STATES) == set(Status)
    for status, st in XLIFF_STATES.items():
        person = status in (Status.TRANSLATED, Status.APPROVED)
        assert (st.v20_state in ("translated", "reviewed", "final")) == person
        assert st.v20_substate == f"pipeline:{status.value}"


def test_translate_toolkit_reads_texts_and_states_12(store: Store, tmp_path: Path) -> None:
    from translate.storage import xliff

    ids = seed(store)
    units = {u.xmlelement.get("id"): u
             for u in xliff.xlifffile.parsefile(str(_export(store, tmp_path, "1.2"))).units}
    for i, (_, source) in enumerate(PARTS):
        assert units[ids[i]].source == source  # codes give their original text back
    for i in (0, 1, 2):
        u = units[ids[i]]
        assert (u.target, u.isapproved(), u.isfuzzy()) == (FA[i], True, False)
    machine = units[ids[3]]
    assert (machine.target, machine.isapproved(), machine.isfuzzy()) == (FA[3], False, True)
    assert not units[ids[4]].target


def test_translate_toolkit_reads_texts_and_states_20(store: Store, tmp_path: Path) -> None:
    from translate.storage import xliff2

    ids = seed(store)
    units = {u.getid(): u for u in
             xliff2.Xliff2File.parsefile(str(_export(store, tmp_path, "2.0"))).units}
    # translate-toolkit reads 2.0 text without the codes' original data, as the standard
    # keeps it apart (<originalData>); what is between the codes is exact.
    assert units[ids[0]].source == PARTS[0][1]
    assert units[ids[1]].target == FA[1]
    assert units[ids[2]].source == "Read the report at  or mail ."
    assert units[ids[3]].source == " says A & B < C "
    for i in (0, 1, 2):
        assert units[ids[i]].isapproved() and not units[ids[i]].isfuzzy()
    assert units[ids[3]].isfuzzy() and not units[ids[3]].isapproved()
    assert not units[ids[4]].target


@pytest.mark.parametrize("version", VERSIONS)
def test_unchanged_file_imports_nothing(store: Store, tmp_path: Path, version: str) -> None:
    seed(store)
    path = _export(store, tmp_path, version)
    before, events = rows(store, "fa"), event_count(store)
    [r] = _import(store, path)
    assert (r.imported, r.conflicts, r.refused) == (0, (), ())
    assert rows(store, "fa") == before and event_count(store) == events


@pytest.mark.parametrize("version", VERSIONS)
def test_edit_marked_done_is_a_human_edit(store: Store, tmp_path: Path, version: str) -> None:
    ids = seed(store)
    path = _export(store, tmp_path, version)
    _retarget(path, version, ids[3], "ریورساید کوریر می‌گوید ... Riverside Courier [1]"
              .replace("ریورساید کوریر می‌گوید ... ", "به گفتهٔ "), DONE[version])
    [r] = _import(store, path)
    t = tr.get(store, ids[3], "fa")
    assert r.imported == 1 and (t.status, t.origin, t.translated_by) == (
        "translated", "xliff", "nima")
    assert t.text == "به گفتهٔ Riverside Courier [1]"


@pytest.mark.parametrize("version", VERSIONS)
def test_edit_not_marked_done_is_reported_not_applied(store: Store, tmp_path: Path,
                                                      version: str) -> None:
    ids = seed(store)
    path = _export(store, tmp_path, version)
    _retarget(path, version, ids[3], "متن تازه Riverside Courier [1]", NOT_DONE[version])
    [r] = _import(store, path)
    assert r.imported == 0 and [c.unit_id for c in r.unfinished] == [ids[3]]
    assert tr.get(store, ids[3], "fa").text == FA[3]


@pytest.mark.parametrize("version", VERSIONS)
def test_newer_database_edit_is_a_conflict(store: Store, tmp_path: Path, version: str) -> None:
    ids = seed(store)
    path = _export(store, tmp_path, version)
    tr.change(store, ids[1], "fa", Action.EDIT, who="sara", text="ویرایش تازه‌تر", origin="human")
    _retarget(path, version, ids[1], "نسخهٔ فایل", DONE[version])
    [r] = _import(store, path)
    assert r.imported == 0 and [c.unit_id for c in r.conflicts] == [ids[1]]
    assert "after the export" in r.conflicts[0].reason and r.conflicts[0].line > 1
    assert tr.get(store, ids[1], "fa").text == "ویرایش تازه‌تر"


@pytest.mark.parametrize("version", VERSIONS)
def test_lost_inline_code_is_refused_with_its_line(store: Store, tmp_path: Path,
                                                   version: str) -> None:
    ids = seed(store)
    path = _export(store, tmp_path, version)
    _retarget(path, version, ids[3], "متن بدون نام و ارجاع", DONE[version])
    [r] = _import(store, path)
    assert [c.unit_id for c in r.refused] == [ids[3]]
    assert "Riverside Courier" in r.refused[0].reason
    line = next(n for n, text in enumerate(path.read_text("utf-8").splitlines(), 1)
                if f'id="{ids[3]}"' in text)
    assert r.refused[0].line == line
    assert tr.get(store, ids[3], "fa").text == FA[3]


def test_changed_code_content_is_refused_20(store: Store, tmp_path: Path) -> None:
    ids = seed(store)
    path = _export(store, tmp_path, "2.0")
    _retarget(path, "2.0", ids[3], '<ph id="1" dataRef="d1"/> و <ph id="2" dataRef="d9"/>',
              "translated")
    _edit(path, '<data id="d2">[1]</data>', '<data id="d2">[1]</data><data id="d9">[7]</data>')
    [r] = _import(store, path)
    assert [c.unit_id for c in r.refused] == [ids[3]] and "[7]" in r.refused[0].reason


def test_claimed_unit_is_a_conflict(store: Store, tmp_path: Path) -> None:
    ids = seed(store)
    path = _export(store, tmp_path, "2.0")
    claim(store, ids[3], "fa", "sara", minutes=30)
    _retarget(path, "2.0", ids[3], "Riverside Courier [1] تازه", "translated")
    [r] = _import(store, path, who="nima")
    assert [c.unit_id for c in r.conflicts] == [ids[3]] and "claimed by sara" in r.conflicts[0].reason


def test_approve_needs_a_reviewer_and_approves(store: Store, tmp_path: Path) -> None:
    ids = seed(store)
    path = _export(store, tmp_path, "1.2")
    _retarget(path, "1.2", ids[3], "Riverside Courier [1] درست", "signed-off")
    [r] = _import(store, path, approve=True, who="ali")
    assert (r.imported, r.approved) == (1, 1)
    assert tr.get(store, ids[3], "fa").status == "approved"


def test_all_files_are_checked_before_any_is_applied(store: Store, tmp_path: Path) -> None:
    ids = seed(store)
    good = _export(store, tmp_path / "a", "2.0")
    _retarget(good, "2.0", ids[3], "Riverside Courier [1] خوب", "translated")
    bad = tmp_path / "bad.xlf"
    bad.write_text(good.read_text("utf-8").replace("</file>", "</fil>"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        _import(store, good, bad)
    assert err.value.path == str(bad) and err.value.line is not None
    assert tr.get(store, ids[3], "fa").text == FA[3]


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: t.replace('trgLang="fa-IR"', 'trgLang="de-DE"'), "not a target"),
    (lambda t: t.replace('<unit id="', '<unit idx="', 1), "without an id"),
    (lambda t: t.replace('dataRef="d1"', 'dataRef="d99"', 1), "names no <data>"),
    (lambda t: '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]>\n' + t.split("\n", 1)[1],
     "declares entities"),
    (lambda t: t.replace("urn:oasis:names:tc:xliff:document:2.0", "urn:example"), "not supported"),
])
def test_bad_files_name_file_and_line(store: Store, tmp_path: Path, change: object,
                                      message: str) -> None:
    seed(store)
    path = _export(store, tmp_path, "2.0")
    path.write_text(change(path.read_text("utf-8")), encoding="utf-8")  # type: ignore[operator]
    with pytest.raises(InputError) as err:
        _import(store, path)
    assert message in err.value.message and err.value.path == str(path) and err.value.line


@pytest.mark.parametrize("version", VERSIONS)
def test_translate_toolkit_rewrite_imports_cleanly(store: Store, tmp_path: Path,
                                                   version: str) -> None:
    """A tool built on translate-toolkit loads our file, edits a target and saves it."""
    from translate.storage import xliff, xliff2

    ids = seed(store)
    path = _export(store, tmp_path, version)
    cls = xliff.xlifffile if version == "1.2" else xliff2.Xliff2File
    store_tt = cls.parsefile(str(path))
    unit = next(u for u in store_tt.units if u.getid().endswith(ids[0]))
    unit.target = "گفتگوهای صلح دوباره آغاز شد"
    unit.marktranslated() if version == "2.0" else unit.markfuzzy(False)
    out = tmp_path / f"tt-{version}.xlf"
    out.write_bytes(bytes(store_tt))
    if version == "2.0":  # translate-toolkit writes 1.2 in the 1.1 namespace; 2.0 must hold
        xmllint(out, schema=XLIFF_SCHEMAS[version])
    events = event_count(store)
    [r] = _import(store, out)
    # Unit 0 was approved by ali (revision current): the tool's edit applies over it.
    assert (r.imported, r.conflicts, r.refused) == (1, (), ())
    assert tr.get(store, ids[0], "fa").text == "گفتگوهای صلح دوباره آغاز شد"
    assert event_count(store) == events + 1


def test_xliff2po_po2xliff_round_trip_imports_cleanly(store: Store, tmp_path: Path) -> None:
    ids = seed(store)
    path = _export(store, tmp_path, "1.2")
    po, back = tmp_path / "fa.po", tmp_path / "back.xlf"
    subprocess.run(["xliff2po", str(path), str(po)], check=True, capture_output=True,
                   timeout=120)
    text = po.read_text("utf-8")
    assert f"#: {ids[3]}" in text  # the unit id rides along as a reference
    po.write_text(text.replace(f'#: {ids[3]}\n#, fuzzy\n', f"#: {ids[3]}\n")
                  .replace(f'msgstr "{FA[3]}"', 'msgstr "به گفتهٔ Riverside Courier [1]"'),
                  encoding="utf-8")
    subprocess.run(["po2xliff", str(po), str(back)], check=True, capture_output=True,
                   timeout=120)
    events = event_count(store)
    [r] = _import(store, back, lang="fa")  # po2xliff writes no target language
    assert (r.imported, r.conflicts, r.refused) == (1, (), ())
    assert tr.get(store, ids[3], "fa").text == "به گفتهٔ Riverside Courier [1]"
    assert event_count(store) == events + 1


def test_reexport_of_an_unchanged_workspace_is_byte_identical(store: Store, tmp_path: Path) -> None:
    seed(store)
    first = _export(store, tmp_path, "2.0").read_bytes()
    assert _export(store, tmp_path, "2.0").read_bytes() == first


@pytest.mark.parametrize("version", VERSIONS)
def test_a_unit_id_twice_is_refused_with_both_lines_and_nothing_applied(
    store: Store, tmp_path: Path, version: str
) -> None:
    ids = seed(store)
    path = _export(store, tmp_path, version)
    _retarget(path, version, ids[3], "Riverside Courier [1] خوب", DONE[version])
    text = path.read_text(encoding="utf-8")
    # The second unit's element gets the first unit's id (resname too, which 1.2 reads first).
    text = text.replace(f'id="{ids[1]}"', f'id="{ids[0]}"').replace(
        f'resname="{ids[1]}"', f'resname="{ids[0]}"').replace(
        f"u-{ids[1]}", f"u-{ids[0]}").replace(f">{ids[1]}</context>", f">{ids[0]}</context>")
    path.write_text(text, encoding="utf-8")
    lines = [n for n, line in enumerate(text.splitlines(), 1) if f'id="{ids[0]}"' in line]
    with pytest.raises(InputError) as err:
        _import(store, path)
    assert err.value.line == lines[1] and f"first on line {lines[0]}" in err.value.message
    assert tr.get(store, ids[3], "fa").text == FA[3]


@pytest.mark.parametrize("version", VERSIONS)
def test_entries_read_back_a_few_at_a_time_decide_as_all_at_once(
    store: Store, tmp_path: Path, version: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The entries are read and decided in chunks; decisions and their order do not depend on
    it."""
    from pipeline.interchange import xliff_import

    monkeypatch.setattr(xliff_import, "CHUNK", 2)
    ids = seed(store)
    path = _export(store, tmp_path, version)
    tr.change(store, ids[1], "fa", Action.EDIT, who="sara", text="ویرایش تازه‌تر", origin="human")
    _retarget(path, version, ids[1], "نسخهٔ فایل", DONE[version])
    _retarget(path, version, ids[3], "Riverside Courier [1] خوب", DONE[version])
    [r] = _import(store, path)
    assert r.imported == 1 and [c.unit_id for c in r.conflicts] == [ids[1]]
    assert tr.get(store, ids[3], "fa").text == "Riverside Courier [1] خوب"
    assert tr.get(store, ids[1], "fa").text == "ویرایش تازه‌تر"


@pytest.mark.parametrize("version", VERSIONS)
def test_a_file_broken_after_its_first_entries_were_written_changes_nothing(
    store: Store, tmp_path: Path, version: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One file is read, decided and written in one pass: a bad end undoes the whole file."""
    from pipeline.interchange import xliff_import

    monkeypatch.setattr(xliff_import, "CHUNK", 2)
    monkeypatch.setattr(tr, "CHUNK", 1)  # each change written as soon as it is decided
    ids = seed(store)
    path = _export(store, tmp_path, version)
    _retarget(path, version, ids[3], "Riverside Courier [1] خوب", DONE[version])
    events = event_count(store)
    text = path.read_text(encoding="utf-8")
    end = "</file>"
    path.write_text(text.replace(end, "<broken>" + end), encoding="utf-8")
    with pytest.raises(InputError) as err:
        _import(store, path)
    assert err.value.path == str(path) and err.value.line
    assert tr.get(store, ids[3], "fa").text == FA[3] and event_count(store) == events
    path.write_text(text, encoding="utf-8")
    [r] = _import(store, path)  # the same file, whole: applied
    assert r.imported == 1 and tr.get(store, ids[3], "fa").text == "Riverside Courier [1] خوب"


def test_an_undefined_entity_without_a_doctype_is_refused(store: Store, tmp_path: Path) -> None:
    ids = seed(store)
    path = _export(store, tmp_path, "1.2")
    _retarget(path, "1.2", ids[3], "a &nbsp; Riverside Courier [1]", DONE["1.2"])
    with pytest.raises(InputError) as err:
        _import(store, path)
    # libxml2 itself refuses it (the walk for kept references runs only with a DOCTYPE).
    assert err.value.path == str(path) and "undefined entity" in err.value.message
    assert err.value.line
    assert tr.get(store, ids[3], "fa").text == FA[3]
