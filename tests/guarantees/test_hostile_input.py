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
