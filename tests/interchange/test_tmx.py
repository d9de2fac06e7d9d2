"""TMX export and import: valid TMX 1.4b, read right by translate-toolkit, into the memory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.interchange.tm import export_tm, import_tm, import_tm_each
from pipeline.models import FLAG_TEST_MODEL
from pipeline.states import Action
from pipeline.store import Store
from pipeline.store import translations as tr
from pipeline.store.interchange import count_entries
from pipeline.translate.memory import Memory
from pipeline.translate.run import translate_pending
from tests.interchange.helpers import FA, PARTS, TMX_DTD, add, approve, event_count, rows, seed, xmllint


def _export(store: Store, tmp_path: Path, langs: tuple[str, ...] = ("fa", "ar"),
            tags: dict[str, str] | None = None) -> Path:
    path = tmp_path / "out.tmx"
    export_tm(store, path, langs, source="en", tags=tags or {"fa": "fa-IR"})
    return path


def _tmx(body: str, *, srclang: str = "en", tool: str = "OmegaT") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool='
            f'"{tool}" creationtoolversion="3.6" segtype="sentence" o-tmf="x" adminlang="en"'
            f' srclang="{srclang}" datatype="plaintext"/>\n<body>\n{body}</body></tmx>\n')


def _tu(src: str, **targets: str) -> str:
    tuvs = "".join(f'<tuv xml:lang="{lang.replace("_", "-")}"><seg>{text}</seg></tuv>'
                   for lang, text in targets.items())
    return f'<tu><tuv xml:lang="en"><seg>{src}</seg></tuv>{tuvs}</tu>\n'


def test_export_validates_against_the_tmx_dtd(store: Store, tmp_path: Path) -> None:
    seed(store)
    xmllint(_export(store, tmp_path), dtd=TMX_DTD)


def test_translate_toolkit_reads_our_texts_and_languages(store: Store, tmp_path: Path) -> None:
    from translate.storage import tmx

    ids = seed(store)
    tm = tmx.tmxfile.parsefile(str(_export(store, tmp_path)))
    got = {(u.getid(), u.source): u.gettarget("fa-IR") for u in tm.units}
    source = {uid: text for uid, (_, text) in zip(ids, PARTS, strict=True)}
    for i in (0, 1, 2):  # approved in fa: whole units, masks given back as their text
        assert got[(ids[i], source[ids[i]])] == FA[i]
    assert not any(uid == ids[3] for uid, _ in got)  # machine text is not memory
    assert not any(uid == ids[4] for uid, _ in got)
    arabic = [u for u in tm.units if u.getid() == ids[0]][0]
    assert arabic.gettarget("ar") == "استؤنفت محادثات السلام"


def test_masks_are_inline_codes_in_the_file(store: Store, tmp_path: Path) -> None:
    ids = seed(store)
    tr.change(store, ids[3], "fa", Action.APPROVE, who="ali", reviewed_by="ali")
    text = _export(store, tmp_path).read_text(encoding="utf-8")
    assert '<ph x="3" type="link">https://example.org/report</ph>' in text
    assert '<bpt i="1" x="1" type="x-tag">&lt;b&gt;</bpt>' in text
    assert '<ept i="1">&lt;/b&gt;</ept>' in text
    assert '<ph x="1" type="x-term">Riverside Courier</ph>' in text
    assert '<ph x="2" type="x-ref">[1]</ph>' in text


def test_sentence_pairs_where_the_sentences_line_up(store: Store, tmp_path: Path) -> None:
    from translate.storage import tmx

    ids = seed(store)
    tm = tmx.tmxfile.parsefile(str(_export(store, tmp_path)))
    by_id = {u.getid(): u for u in tm.units}
    assert by_id[f"{ids[1]}.s1"].source == "The talks resumed on Monday."
    assert by_id[f"{ids[1]}.s1"].gettarget("fa-IR") == "مذاکرات دوشنبه از سر گرفته شد."
    assert by_id[f"{ids[1]}.s2"].gettarget("fa-IR") == "تا جمعه ادامه خواهد داشت."
    text = (tmp_path / "out.tmx").read_text(encoding="utf-8")
    assert f'tuid="{ids[1]}.s2" segtype="sentence"' in text
    assert f'tuid="{ids[1]}" segtype="paragraph"' in text


def test_header_and_variants_carry_dates_users_and_tags(store: Store, tmp_path: Path) -> None:
    seed(store)
    text = _export(store, tmp_path, tags={"fa": "fa-IR", "ar": "ar-EG"}).read_text("utf-8")
    assert 'srclang="en"' in text and 'segtype="paragraph"' in text
    assert 'xml:lang="fa-IR" creationid="sara" changeid="ali" creationdate="' in text
    assert 'xml:lang="ar-EG"' in text
    assert '<prop type="x-article">peace-talks</prop>' in text


def test_test_model_text_is_never_exported(store: Store, tmp_path: Path) -> None:
    ids = add(store)
    tr.change(store, ids[0], "fa", Action.MACHINE, who=None, text="متن آزمایشی",
              origin="mt", flags=[FLAG_TEST_MODEL])
    tr.change(store, ids[0], "fa", Action.APPROVE, who="ali", reviewed_by="ali")
    assert "متن آزمایشی" not in _export(store, tmp_path).read_text("utf-8")


def test_reexport_of_an_unchanged_workspace_is_byte_identical(store: Store, tmp_path: Path) -> None:
    seed(store)
    first = _export(store, tmp_path).read_bytes()
    assert _export(store, tmp_path).read_bytes() == first


def test_import_fills_memory_and_never_touches_units(store: Store, tmp_path: Path) -> None:
    ids = add(store)
    before, events = rows(store, "fa"), event_count(store)
    path = tmp_path / "agency.tmx"
    path.write_text(_tmx(_tu("Peace talks resume", fa_IR="گفتگوهای صلح دوباره آغاز شد")
                         + _tu("Nobody has translated this yet.", FA="هنوز کسی ترجمه نکرده")
                         + _tu("Peace talks resume", de="Friedensgespräche", sq="Bisedimet")),
                    encoding="utf-8")
    [r] = import_tm(store, [path], source="en", targets=("fa", "ar"))
    assert (r.added, r.replaced, r.tool) == (2, 0, "OmegaT 3.6")
    assert r.other_langs == {"de": 1, "sq": 1}  # sq is a workspace language, not asked for
    assert rows(store, "fa") == before and event_count(store) == events
    memory = Memory.load(store, "fa")
    assert memory.lookup("peace  TALKS resume") == "گفتگوهای صلح دوباره آغاز شد"
    assert memory.imported_from("Peace talks resume") == ("agency.tmx", "OmegaT 3.6")
    again = import_tm(store, [path], source="en", targets=("fa",))[0]
    assert (again.added, again.unchanged) == (0, 2)
    assert ids


def test_translate_uses_imported_memory_with_file_provenance(store: Store, tmp_path: Path) -> None:
    ids = add(store, parts=[("title", "Peace talks resume")])
    path = tmp_path / "agency.tmx"
    path.write_text(_tmx(_tu("Peace talks resume", fa="گفتگوهای صلح")), encoding="utf-8")
    import_tm(store, [path], source="en", targets=("fa",))
    translate_pending(store, "en", ["fa"])  # no model installed: memory covers the unit
    t = tr.get(store, ids[0], "fa")
    assert (t.text, t.status, t.origin, t.package, t.package_version) == (
        "گفتگوهای صلح", "machine", "tm", "agency.tmx", "OmegaT 3.6")


def test_own_approved_translation_wins_over_imported(store: Store, tmp_path: Path) -> None:
    ids = add(store)
    approve(store, ids[0], "fa", FA[0])
    path = tmp_path / "agency.tmx"
    path.write_text(_tmx(_tu("Peace talks resume", fa="چیز دیگری")), encoding="utf-8")
    import_tm(store, [path], source="en", targets=("fa",))
    assert Memory.load(store, "fa").lookup("Peace talks resume") == FA[0]


def test_our_export_imports_back_whole(store: Store, tmp_path: Path) -> None:
    seed(store)
    [r] = import_tm(store, [_export(store, tmp_path)], source="en", targets=("fa", "ar"))
    assert r.refused == [] and r.by_lang == {"fa": 5, "ar": 1}  # 3 units + 2 sentence pairs
    assert count_entries(store) == {"ar": 1, "fa": 5}


def test_lost_mask_refused_with_file_and_line(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "bad.tmx"
    path.write_text(_tmx(_tu("Peace talks resume", fa="صلح")
                         + _tu("See https://example.org/a now", fa="ببینید https://example.org/b")),
                    encoding="utf-8")
    [r] = import_tm(store, [path], source="en", targets=("fa",))
    assert r.added == 1 and [x.line for x in r.refused] == [5]
    assert "https://example.org/a" in r.refused[0].reason


@pytest.mark.parametrize(("content", "message", "line"), [
    ('<?xml version="1.0"?>\n<tmx version="1.4"><header/><body><tu>\n</body></tmx>',
     "not well-formed", 3),
    ('<?xml version="1.0"?>\n<xliff version="1.2"/>', "not a TMX file", 2),
    ('<?xml version="1.0"?>\n<tmx version="9"><header/></tmx>', "version 9", 2),
    ('<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
     '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n'
     '<tmx version="1.4"><header/><body><tu><tuv xml:lang="en"><seg>&lol2;</seg></tuv></tu>'
     '</body></tmx>', "declares entities", 2),
    ('<?xml version="1.0"?>\n<!DOCTYPE tmx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
     '<tmx version="1.4"><header/><body><tu><tuv xml:lang="en"><seg>&xxe;</seg></tuv></tu>'
     '</body></tmx>', "declares entities", 2),
    ('<?xml version="1.0"?>\n<tmx version="1.4"><header/><body><tu><tuv xml:lang="en"><seg>'
     '&undefined;</seg></tuv></tu></body></tmx>', "not well-formed", 2),
    ('<?xml version="1.0"?>\n<tmx version="1.4"><header/><body>' + "<x>" * 300 + "</x>" * 300
     + "</body></tmx>", "not well-formed", 2),
])
def test_bad_files_are_refused_with_file_and_line(store: Store, tmp_path: Path, content: str,
                                                  message: str, line: int) -> None:
    good, bad = tmp_path / "good.tmx", tmp_path / "bad.tmx"
    good.write_text(_tmx(_tu("Peace talks resume", fa="صلح")), encoding="utf-8")
    bad.write_text(content, encoding="utf-8")
    out = list(import_tm_each(store, [bad, good], source="en", targets=("fa",)))
    assert isinstance(out[0], InputError)
    assert message in out[0].message and out[0].path == str(bad) and out[0].line == line
    assert "lol" not in str(out[0]) or "declares" in str(out[0])
    assert count_entries(store) == {"fa": 1}  # the good file still went in


def test_a_file_failing_halfway_stores_nothing(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "half.tmx"
    path.write_text(_tmx(_tu("Peace talks resume", fa="صلح") * 3 + "<tu><tuv>"),
                    encoding="utf-8")
    [err] = list(import_tm_each(store, [path], source="en", targets=("fa",)))
    assert isinstance(err, InputError) and count_entries(store) == {}


def test_fifo_binary_and_huge_inputs_are_refused(store: Store, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.interchange import xmlsafe

    fifo = tmp_path / "pipe.tmx"
    os.mkfifo(fifo)
    binary = tmp_path / "bin.tmx"
    binary.write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    big = tmp_path / "big.tmx"
    big.write_text(_tmx(_tu("Peace talks resume", fa="صلح") * 50), encoding="utf-8")
    monkeypatch.setattr(xmlsafe, "MAX_BYTES", 1000)
    out = list(import_tm_each(store, [fifo, binary, big], source="en", targets=("fa",)))
    assert [type(x) for x in out] == [InputError] * 3
    assert "not a regular file" in str(out[0])
    assert "binary" in str(out[1]) or "well-formed" in str(out[1])
    assert "too large" in str(out[2])


def test_oversized_text_and_deep_nesting_are_refused_in_plain_words(store: Store,
                                                                     tmp_path: Path) -> None:
    huge, deep = tmp_path / "huge.tmx", tmp_path / "deep.tmx"
    # libxml2's cap on one text node is 10,000,000 characters.
    huge.write_text(_tmx(_tu("x" * 10_000_001, fa="صلح")), encoding="utf-8")
    deep.write_text(_tmx("<x>" * 300 + "</x>" * 300), encoding="utf-8")
    out = list(import_tm_each(store, [huge, deep], source="en", targets=("fa",)))
    assert [type(x) for x in out] == [InputError, InputError]
    assert "Text node too long" in str(out[0]) and "depth" in str(out[1])
    for err in out:
        assert "XML_PARSE_HUGE" not in str(err) and err.line is not None
        assert "\n" not in str(err)
    assert count_entries(store) == {}


def test_a_character_xml_cannot_hold_names_the_unit_and_leaves_no_file(store: Store,
                                                                         tmp_path: Path) -> None:
    ids = seed(store)
    approve(store, ids[1], "fa", "مذاکرات\x01 دوشنبه")
    path = tmp_path / "out.tmx"
    with pytest.raises(InputError) as err:
        export_tm(store, path, ("fa", "ar"), source="en", tags={"fa": "fa-IR"})
    assert str(err.value).startswith(f"the fa translation of unit {ids[1]} holds the character "
                                     "U+0001")
    assert [p.name for p in tmp_path.iterdir()] == ["ws"]  # the workspace; no temporary file


def test_segments_are_found_after_props_and_before_stray_notes(store: Store,
                                                               tmp_path: Path) -> None:
    path = tmp_path / "props.tmx"
    path.write_text(_tmx(
        '<tu><tuv xml:lang="en"><prop type="x">p</prop><seg>Peace talks resume</seg></tuv>'
        '<tuv xml:lang="fa"><note>n</note><prop type="x">p</prop><seg>صلح</seg></tuv></tu>\n'
        '<tu><tuv xml:lang="en"><seg>Talks end</seg><note>after the seg</note></tuv>'
        '<tuv xml:lang="fa"><seg>پایان</seg><prop type="x">late</prop></tuv></tu>\n'),
        encoding="utf-8")
    [r] = import_tm(store, [path], source="en", targets=("fa",))
    assert (r.added, r.refused) == (2, [])
    memory = Memory.load(store, "fa")
    assert memory.lookup("Peace talks resume") == "صلح" and memory.lookup("Talks end") == "پایان"
