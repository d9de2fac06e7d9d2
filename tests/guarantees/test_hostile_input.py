"""Guarantee: the held-back classes of hostile input get one line naming the file and place.

Declared charsets that are no charsets (base64, rot13, unicode_escape, punycode), JSON that
names a key twice, and other inputs that reached a traceback or a silently wrong result before
the shared readers (`pipeline.inputfile`) refused them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.store import open_store
from pipeline.workspace import Settings

#: Python codecs a file can name but that are no character sets (bytes-to-bytes transforms,
#: escapes, IDNA labels, "undefined"): each gave a LookupError or UnicodeError traceback.
NO_CHARSETS = ["base64", "rot13", "zlib", "hex", "uu", "punycode", "undefined", "idna",
               "unicode_escape", "raw_unicode_escape"]


def _refused(args: list[str], path: Path, workspace: Path) -> str:
    result = CliRunner().invoke(app, [*args, str(path), "-w", str(workspace)])
    assert result.exit_code in (1, 2), (result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and str(path) in errors[0], result.stderr
    return errors[0]


def _units(ws: Settings) -> list[tuple[str, str]]:
    with open_store(ws.database) as store:
        return [(r[0], r[1]) for r in store.db.execute(
            "SELECT unit_id, coalesce(text, '') FROM translations ORDER BY unit_id, lang")]


@pytest.mark.parametrize("charset", NO_CHARSETS)
def test_a_po_file_declaring_a_codec_that_is_no_charset_is_one_line(
    charset: str, seeded: Settings, tmp_path: Path
) -> None:
    po = tmp_path / "fa.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: fa\\n"\n'
                  f'"Content-Type: text/plain; charset={charset}\\n"\n\n'
                  'msgctxt "u1"\nmsgid "Ferry"\nmsgstr "Boat"\n', encoding="ascii")
    before = _units(seeded)
    for command in (["po", "import"], ["check", "--po"]):
        line = _refused(command, po, seeded.root)
        assert f"{po}:4: unknown charset {charset!r}" in line
    assert _units(seeded) == before


@pytest.mark.parametrize("charset", NO_CHARSETS)
def test_an_html_page_declaring_a_codec_that_is_no_charset_is_read_as_utf8(
    charset: str, tmp_path: Path
) -> None:
    page = tmp_path / "page.html"
    page.write_text(f'<html><head><meta charset="{charset}"><title>Ferry link opens</title>'
                    "</head><body><article><h1>Ferry link opens</h1><p>A new ferry link opens "
                    "between the two towns on Monday, officials said.</p><p>The caf\u00e9 by "
                    "the dock stays open, officials said.</p></article></body></html>",
                    encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", "--dry-run", "--json", str(page)])
    assert result.exit_code == 0, (result.stderr, result.exception)
    (article,) = json.loads(result.stdout)
    assert any("caf\u00e9" in u["text"] for u in article["units"])


def test_an_html_page_declaring_utf16_in_ascii_bytes_is_utf8_as_browsers_read_it(
    tmp_path: Path
) -> None:
    page = tmp_path / "page.html"
    page.write_text('<html><head><meta charset="utf-16"><title>Ferry link opens</title></head>'
                    "<body><article><h1>Ferry link opens</h1><p>A new ferry link opens between "
                    "the two river towns on Monday, officials said.</p></article></body></html>",
                    encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", "--dry-run", "--json", str(page)])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["title"] == "Ferry link opens"


def test_a_review_batch_line_naming_a_key_twice_is_refused(seeded: Settings,
                                                           tmp_path: Path) -> None:
    with open_store(seeded.database) as store:
        uid = store.db.execute("SELECT id FROM units ORDER BY id LIMIT 1").fetchone()[0]
    batch = tmp_path / "decisions.jsonl"
    batch.write_text(f'{{"unit": "{uid}", "action": "approve"}}\n'
                     f'{{"unit": "{uid}", "action": "edit", "text": "a", "text": "b"}}\n')
    before = _units(seeded)
    line = _refused(["review", "apply", "--lang", "fa", "--reviewer", "ana"], batch, seeded.root)
    assert f"{batch}:2: the JSON names the key 'text' twice" in line
    assert _units(seeded) == before


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_a_review_batch_line_with_a_number_json_has_not_is_refused(
    value: str, seeded: Settings, tmp_path: Path
) -> None:
    # Python's json reads NaN and Infinity; the line was then judged on a None action.
    with open_store(seeded.database) as store:
        uid = store.db.execute("SELECT id FROM units ORDER BY id LIMIT 1").fetchone()[0]
    batch = tmp_path / "decisions.jsonl"
    batch.write_text(f'{{"unit": "{uid}", "action": "edit", "text": "a", "revision": {value}}}\n')
    before = _units(seeded)
    line = _refused(["review", "apply", "--lang", "fa", "--reviewer", "ana"], batch, seeded.root)
    assert f"{batch}:1: not valid JSON ({value} is not a JSON number)" in line
    assert _units(seeded) == before


def _exported(ws: Settings, tmp_path: Path, version: str) -> tuple[Path, str, str]:
    """An XLIFF file of the workspace (fa), the first unit's id and its <source> element."""
    out = tmp_path / f"x{version}"
    result = CliRunner().invoke(app, ["xliff", "export", "--lang", "fa", "--version", version,
                                      "-o", str(out), "-w", str(ws.root)])
    assert result.exit_code == 0, result.stderr
    path = out / "articles.fa.xlf"
    text = path.read_text(encoding="utf-8")
    start = text.index("<source>")
    return path, text, text[start:text.index("</source>", start) + len("</source>")]


def _with_target(ws: Settings, tmp_path: Path, version: str, target: str,
                 doctype: str = "") -> Path:
    path, text, source = _exported(ws, tmp_path, version)
    if version == "2.0":
        text = text.replace('<segment state="initial" subState="pipeline:untranslated">'
                            + source, f'<segment state="translated">{source}'
                            f"<target>{target}</target>", 1)
    else:
        text = text.replace(source, f'{source}<target state="translated">{target}</target>', 1)
    if doctype:
        text = text.replace("?>\n", f"?>\n{doctype}\n", 1)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("version", ["1.2", "2.0"])
def test_an_undefined_entity_in_xliff_is_refused_not_stored_or_dropped(
    version: str, seeded: Settings, tmp_path: Path
) -> None:
    # An external DTD makes libxml2 accept `&nbsp;` undeclared; it was stored as the literal
    # "&nbsp;" (1.2) or silently dropped (2.0).
    path = _with_target(seeded, tmp_path, version, "a &nbsp; b",
                        doctype='<!DOCTYPE xliff SYSTEM "xliff.dtd">')
    before = _units(seeded)
    assert "&nbsp; is not defined" in _refused(["xliff", "import"], path, seeded.root)
    assert _units(seeded) == before


def test_an_undefined_entity_in_tmx_is_refused(seeded: Settings, tmp_path: Path) -> None:
    tmx = tmp_path / "memory.tmx"
    tmx.write_text('<?xml version="1.0"?>\n<!DOCTYPE tmx SYSTEM "file:///etc/passwd">\n'
                   '<tmx version="1.4"><header srclang="en" segtype="sentence" datatype="plaintext"'
                   ' o-tmf="x" adminlang="en" creationtool="t" creationtoolversion="1"/><body>\n'
                   '<tu><tuv xml:lang="en"><seg>Ferry</seg></tuv>\n'
                   '<tuv xml:lang="fa"><seg>&xxe;</seg></tuv></tu></body></tmx>\n')
    assert f"{tmx}:5: the entity reference &xxe; is not defined" in _refused(
        ["tm", "import"], tmx, seeded.root)
    with open_store(seeded.database) as store:
        assert not store.db["tm_entries"].count


@pytest.mark.parametrize("hexa", ["FFFFFFFFFFFFFFFFFFFFFFFF", " 41", "0x41", "4_1", "-1",
                                  "110000"])
def test_an_xliff_code_point_that_is_not_hex_digits_is_refused(
    hexa: str, seeded: Settings, tmp_path: Path
) -> None:
    path = _with_target(seeded, tmp_path, "2.0", f'a<cp hex="{hexa}"/>b')
    assert f"<cp hex={hexa!r}> is not a code point" in _refused(["xliff", "import"], path,
                                                                 seeded.root)


def test_an_xliff_file_of_an_unknown_version_in_a_known_namespace_is_refused(
    seeded: Settings, tmp_path: Path
) -> None:
    path = _with_target(seeded, tmp_path, "2.0", "قایق")
    path.write_text(path.read_text(encoding="utf-8").replace('version="2.0"', 'version="3.0"'),
                    encoding="utf-8")
    assert "XLIFF version 3.0 is not supported" in _refused(["xliff", "import"], path,
                                                            seeded.root)


@pytest.mark.parametrize("fmt", ["po", "xliff"])
def test_a_translation_of_only_spaces_is_not_imported(fmt: str, seeded: Settings,
                                                      tmp_path: Path) -> None:
    if fmt == "xliff":
        path = _with_target(seeded, tmp_path, "2.0", "   ")
    else:
        out = tmp_path / "locales"
        CliRunner().invoke(app, ["po", "export", "--out", str(out), "-w", str(seeded.root)])
        path = out / "fa" / "LC_MESSAGES" / "articles.po"
        text = path.read_text(encoding="utf-8")
        at = text.index('msgstr ""', text.index("msgctxt"))
        path.write_text(text[:at] + 'msgstr "   "' + text[at + 9:], encoding="utf-8")
    before = _units(seeded)
    result = CliRunner().invoke(app, [fmt, "import", str(path), "-w", str(seeded.root)])
    assert result.exit_code == 0, result.stderr
    assert _units(seeded) == before


@pytest.mark.parametrize(("body", "message"), [
    ("term,lang,translation\nfer\u2028ry,fa,x\n", ":2: the term cell holds a line break"),
    ("term,lang,translation\nfer\x85ry,fa,x\n", ":2: the term cell holds a line break"),
    ("term,lang,translation\nferry,fa,x\u2029y\n", ":2: the translation cell holds a line break"),
    ("term;lang;translation\nferry;fa;x\n", ":1: the columns are separated by semicolons"),
    ("term\tlang\ttranslation\nferry\tfa\tx\n", ":1: the columns are separated by tabs"),
])
def test_glossary_line_separators_and_other_delimiters_are_one_line(
    body: str, message: str, seeded: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "g.csv"
    path.write_text(body, encoding="utf-8")
    assert f"{path}{message}" in _refused(["glossary", "import"], path, seeded.root)
    with open_store(seeded.database) as store:
        assert not store.db["glossary"].count


@pytest.mark.parametrize(("name", "body", "line"), [
    ("dump.txt", b"Title\n\n" + b"a\n" * 150_000, 100_001),
    ("post.md", b"# Title\n\n" + b"a\n\n" * 75_000, 100_001),
    ("page.html", b"<html><body><h1>T</h1>\n" + b"<p>a</p>\n" * 150_000 + b"</body></html>",
     99_999),  # <html>, <body>, <h1> are on line 1
])
def test_a_file_of_millions_of_tiny_blocks_is_refused_before_it_is_parsed(
    name: str, body: bytes, line: int, tmp_path: Path
) -> None:
    # Without the cap, 5M lines took 65 s of CPU and 1.5 GB; 1M HTML paragraphs 2.3 GB.
    from tests.guarantees.conftest import one_error_line, run_pipeline

    path = tmp_path / name
    path.write_bytes(body)
    proc = run_pipeline("extract", "--dry-run", path, timeout=60)
    assert f"{path}:{line}: over 100,000" in one_error_line(proc, naming=path)


@pytest.mark.parametrize("args", [
    ["corrections", "add", "{slug}", "--note", "fixed the date\x1b[31m"],
    ["corrections", "withdraw", "{slug}", "--reason", "legal\x07"],
    ["suppress", "{unit}", "--lang", "fa", "--check", "numbers", "--reason", "ok\x01"],
])
def test_a_control_character_in_a_note_or_reason_never_reaches_the_database(
    args: list[str], seeded: Settings
) -> None:
    # Notes and reasons are printed in the editions' Atom/RSS feeds and JUnit reports: XML.
    with open_store(seeded.database) as store:
        slug = store.db.execute("SELECT id FROM articles ORDER BY id LIMIT 1").fetchone()[0]
        unit = store.db.execute("SELECT id FROM units ORDER BY id LIMIT 1").fetchone()[0]
        before = store.db.execute("SELECT (SELECT count(*) FROM events) + "
                                  "(SELECT count(*) FROM article_events)").fetchone()[0]
    filled = [a.format(slug=slug, unit=unit) for a in args]
    result = CliRunner().invoke(app, [*filled, "--reviewer", "ana", "-w", str(seeded.root)]
                                if args[0] == "suppress" else [*filled, "-w", str(seeded.root)],
                                env={"PIPELINE_REVIEWER": "ana"})
    assert result.exit_code in (1, 2), (result.output, result.exception)
    assert "the control character U+00" in result.stderr
    with open_store(seeded.database) as store:
        assert store.db.execute("SELECT (SELECT count(*) FROM events) + "
                                "(SELECT count(*) FROM article_events)").fetchone()[0] == before
        assert not store.db["suppressions"].count
        assert not store.db.execute("SELECT count(*) FROM notes").fetchone()[0]


def test_an_error_quoting_user_data_with_line_breaks_stays_one_line(seeded: Settings,
                                                                    tmp_path: Path) -> None:
    # A quoted header cell holding a line break, in a file whose name holds one too: the
    # message quoted both, and printed three lines.
    path = tmp_path / "odd\nname.csv"
    path.write_text('term,lang,"trans\nlation"\nferry,fa,x\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["glossary", "import", str(path), "-w", str(seeded.root)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert "odd\\nname.csv:1: " in result.stderr and "trans\\nlation" in result.stderr


@pytest.mark.parametrize("command", [["extract"], ["glossary", "import"], ["po", "import"],
                                     ["review", "apply", "--lang", "fa"], ["tm", "import"]])
def test_a_dangling_link_and_a_loop_of_links_say_what_they_are(
    command: list[str], seeded: Settings, tmp_path: Path
) -> None:
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "gone.txt")
    loop = tmp_path / "loop.txt"
    (tmp_path / "other.txt").symlink_to(loop)
    loop.symlink_to(tmp_path / "other.txt")
    assert "gone.txt, which does not exist" in _refused(command, dangling, seeded.root)
    assert "is a loop of symbolic links" in _refused(command, loop, seeded.root)


def test_a_control_character_in_a_pipeline_toml_text_is_a_configuration_error(
    seeded: Settings
) -> None:
    # The site name is printed in every page and feed of the editions.
    text = seeded.config_path.read_text(encoding="utf-8")
    seeded.config_path.write_text(text.replace("[site]", '[site]\nname = "River\\u0001side"', 1),
                                  encoding="utf-8")
    result = CliRunner().invoke(app, ["status", "-w", str(seeded.root)])
    assert result.exit_code == 2
    assert "site.name contains the control character U+0001" in result.stderr


def test_file_names_that_are_not_utf8_are_read_stored_and_printed_escaped(
    seeded: Settings, tmp_path: Path
) -> None:
    # b"caf\xe9" (a Latin-1 name): Python keeps the byte as a lone surrogate, which SQLite and
    # UTF-8 output refused with tracebacks (extract of a folder, PO import, TMX import).
    import os

    from tests.guarantees.conftest import run_pipeline

    pages = tmp_path / "pages"
    pages.mkdir()
    name = os.fsdecode(b"caf\xe9.txt")
    (pages / name).write_text("Ferry link opens\n\nA new ferry link opens between the two river "
                              "towns on Monday, officials said.\n", encoding="utf-8")
    proc = run_pipeline("extract", pages, "-w", seeded.root, timeout=120)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    with open_store(seeded.database) as store:
        sources = {r[0] for r in store.db.execute("SELECT source FROM articles")}
    assert str(pages / "caf\\xe9.txt") in sources
    out = tmp_path / "locales"
    assert run_pipeline("po", "export", "-o", out, "-w", seeded.root).returncode == 0
    po = out / "fa" / "LC_MESSAGES" / os.fsdecode(b"articles-\xe9.po")
    text = (out / "fa" / "LC_MESSAGES" / "articles.po").read_text(encoding="utf-8")
    at = text.index('msgstr ""', text.index("msgctxt"))
    po.write_text(text[:at] + 'msgstr "قایق"' + text[at + 9:], encoding="utf-8")
    proc = run_pipeline("po", "import", po, "-w", seeded.root, timeout=120)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr


BOM = "\ufeff"


@pytest.mark.parametrize(("name", "body"), [
    ("joined.txt", (BOM + "Ferry news\n\nThe ferry sails.\n" + BOM + "Bus news\n\nBuses run.\n")),
    ("page.html", "<html><body><h1>Ferry news</h1><p>The ferry\ufeff sails.</p></body></html>"),
    ("article.html", "<!doctype html><html><head><title>T</title></head><body><article><h1>Ferry"
     " news</h1><p>The ferry&#xFEFF; sails on time.</p></article></body></html>"),
    ("post.md", "---\ntitle: Ferry\ufeff news\n---\n\nThe ferry sails.\n"),
])
def test_a_byte_order_mark_in_the_middle_of_an_input_is_refused_with_its_place(
    name: str, body: str, seeded: Settings, tmp_path: Path
) -> None:
    # A BOM at the very start is read and dropped; one further on (files joined with `cat`, an
    # invisible paste) would ride along unseen into every translation and edition.
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    before = _units(seeded)
    result = CliRunner().invoke(app, ["extract", str(path), "-w", str(seeded.root)])
    if result.exit_code == 0:  # HTML that drops it as browsers show it (nothing) is fine too
        assert name.endswith(".html"), result.output
    else:
        assert "byte order mark (U+FEFF)" in _refused(["extract"], path, seeded.root)
        assert _units(seeded) == before
    with open_store(seeded.database) as store:
        assert not store.db.execute("SELECT count(*) FROM units WHERE source_text LIKE ?",
                                    (f"%{BOM}%",)).fetchone()[0]
        assert not store.db.execute("SELECT count(*) FROM articles WHERE title LIKE ?",
                                    (f"%{BOM}%",)).fetchone()[0]


def test_a_byte_order_mark_at_the_start_of_a_file_is_still_read(seeded: Settings,
                                                                 tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_text(BOM + "Ferry news\n\nThe ferry sails.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(path), "-w", str(seeded.root)])
    assert result.exit_code == 0, result.stderr
    with open_store(seeded.database) as store:
        assert not store.db.execute("SELECT count(*) FROM units WHERE source_text LIKE ?",
                                    (f"%{BOM}%",)).fetchone()[0]


def test_a_byte_order_mark_inside_an_edit_a_glossary_or_a_po_entry_is_refused(
    seeded: Settings, tmp_path: Path
) -> None:
    with open_store(seeded.database) as store:
        unit = store.db.execute("SELECT id FROM units ORDER BY id LIMIT 1").fetchone()[0]
    edit = CliRunner().invoke(app, ["review", "edit", unit, "--lang", "fa", "--text",
                                    f"متن{BOM}تازه", "--reviewer", "ana", "-w", str(seeded.root)])
    assert edit.exit_code in (1, 2) and "byte order mark (U+FEFF)" in edit.stderr, edit.stderr
    glossary = tmp_path / "g.csv"
    glossary.write_text(f"term,lang,translation\nferry,fa,کشتی{BOM}\n", encoding="utf-8")
    assert f"{glossary}:2:" in _refused(["glossary", "import"], glossary, seeded.root)
    out = tmp_path / "locales"
    CliRunner().invoke(app, ["po", "export", "--out", str(out), "-w", str(seeded.root)])
    po = out / "fa" / "LC_MESSAGES" / "articles.po"
    text = po.read_text(encoding="utf-8")
    at = text.index('msgstr ""', text.index("msgctxt"))
    po.write_text(text[:at] + f'msgstr "کشتی{BOM}"' + text[at + 9:], encoding="utf-8")
    before = _units(seeded)
    assert "byte order mark (U+FEFF)" in _refused(["po", "import"], po, seeded.root)
    assert _units(seeded) == before
    with open_store(seeded.database) as store:
        assert not store.db["glossary"].count
