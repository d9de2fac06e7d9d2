"""The validated PO reader: every malformed file is one InputError naming file and line."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from pipeline.catalogs.pofile import check_po, load_po
from pipeline.errors import InputError

MSGFMT = shutil.which("msgfmt")

HEADER = (
    'msgid ""\nmsgstr ""\n'
    '"Project-Id-Version: test 1\\n"\n'
    '"Language: fa\\n"\n'
    '"MIME-Version: 1.0\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Content-Transfer-Encoding: 8bit\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
)
HEADER_LINES = HEADER.count("\n")


def write(tmp_path: Path, body: str | bytes, name: str = "x.po") -> Path:
    path = tmp_path / name
    path.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
    return path


def msgfmt_ok(path: Path) -> bool:
    assert MSGFMT is not None
    return subprocess.run([MSGFMT, "--check", "-o", "/dev/null", str(path)],
                          capture_output=True).returncode == 0


def test_good_file_loads_with_context_plurals_comments_and_obsolete(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + (
        '#\n# translator note\n#. extracted\n#: articles/a.txt\n#, fuzzy\n'
        'msgctxt "a:1"\nmsgid "Hello"\nmsgstr "سلام"\n\n'
        'msgctxt "a:2"\nmsgid "Hello"\nmsgstr ""\n"دو "\n"خط\\n\\"نقل\\""\n\n'
        '#| msgid "old"\nmsgid "%d file"\nmsgid_plural "%d files"\nmsgstr[0] "%d پرونده"\n'
        'msgstr[1] "%d پرونده"\n\n'
        '#~ msgid "gone"\n#~ msgstr "رفته"\n'
    ))
    po = load_po(path)
    assert [e.msgctxt for e in po] == ["a:1", "a:2", None, None]
    assert po[0].flags == ["fuzzy"] and po[0].msgstr == "سلام"
    assert po[1].msgstr == 'دو خط\n"نقل"'
    assert po[2].msgstr_plural == {0: "%d پرونده", 1: "%d پرونده"}
    assert po[3].obsolete
    assert po.metadata["Language"] == "fa"
    if MSGFMT:
        assert msgfmt_ok(path)


def test_check_po_returns_header_and_entries(tmp_path: Path) -> None:
    checked = check_po(write(tmp_path, HEADER + 'msgid "a"\nmsgstr "b"\n'))
    assert checked.language == "fa"
    assert checked.encoding == "utf-8"
    assert [(e.msgid, e.msgstr) for e in checked.entries[1:]] == [("a", ("b",))]


# (name, body after the header, expected message part, line relative to the header's end)
MALFORMED = [
    ("unterminated", 'msgid "Hello\nmsgstr "x"\n', "unterminated string", 1),
    ("unterminated_continuation", 'msgid "a"\nmsgstr ""\n"open\n', "unterminated string", 3),
    ("inner_quote", 'msgid "say "hi""\nmsgstr "x"\n', "after the closing quote", 1),
    ("missing_msgstr", 'msgid "a"\n\nmsgid "b"\nmsgstr "c"\n', "missing msgstr", 3),
    ("missing_msgstr_at_end", 'msgid "a"\nmsgstr "b"\n\nmsgid "c"\n', "missing msgstr", 4),
    ("msgstr_without_msgid", 'msgid "a"\nmsgstr "b"\nmsgstr "c"\n', "msgstr without a msgid", 3),
    ("string_outside_entry", '# note\n"stray"\n', "outside any entry", 2),
    ("unknown_keyword", 'msgid "a"\nmsgstring "b"\n', "unexpected 'msgstring", 2),
    ("junk_line", 'msgid "a"\nmsgstr "b"\nhello\n', "unexpected 'hello'", 3),
    ("comment_inside_entry", 'msgid "a"\n# note\nmsgstr "b"\n', "missing msgstr", 2),
    ("bad_comment", '#foo\nmsgid "a"\nmsgstr "b"\n', "unknown comment kind", 1),
    ("plural_without_msgid_plural", 'msgid "a"\nmsgstr[0] "b"\n', "msgid_plural", 2),
    ("plural_index_gap", 'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"\nmsgstr[2] "c"\n',
     "expected msgstr[1]", 4),
    ("plural_count", 'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"\nmsgstr[1] "c"\n'
     'msgstr[2] "d"\n', "nplurals=2", 1),
    ("unsupported_escape", 'msgid "a"\nmsgstr "b\\a"\n', "unsupported escape", 2),
    ("two_strings_one_line", 'msgid "a" "b"\nmsgstr "c"\n', "two strings on one line", 1),
    ("no_space", 'msgid"a"\nmsgstr "b"\n', "put a space", 1),
    ("duplicate", 'msgid "a"\nmsgstr "x"\n\nmsgid "a"\nmsgstr "y"\n', "duplicate entry", 4),
    ("duplicate_with_context", 'msgctxt "k"\nmsgid "a"\nmsgstr "x"\n\nmsgctxt "k"\nmsgid "a"\n'
     'msgstr "y"\n', "duplicate entry", 5),
    ("duplicate_obsolete", 'msgid "a"\nmsgstr "x"\n\n#~ msgid "a"\n#~ msgstr "y"\n',
     "duplicate entry", 4),
    ("newline_end", 'msgid "a\\n"\nmsgstr "b"\n', "end with a newline", 1),
    ("newline_begin", 'msgid "a"\nmsgstr "\\nb"\n', "begin with a newline", 1),
    ("c_format", '#, c-format\nmsgid "%d items"\nmsgstr "items"\n', "c-format", 2),
    ("python_brace_format", '#, python-brace-format\nmsgid "{n} items"\nmsgstr "{m} items"\n',
     "python-brace-format", 2),
    ("mixed_obsolete", 'msgid "a"\n#~ msgstr "b"\n', "mixes obsolete", 2),
]


@pytest.mark.parametrize(("body", "message", "line"),
                         [pytest.param(b, m, n, id=i) for i, b, m, n in MALFORMED])
def test_malformed_file_is_one_error_with_file_and_line(tmp_path: Path, body: str, message: str,
                                                        line: int) -> None:
    path = write(tmp_path, HEADER + body)
    with pytest.raises(InputError) as err:
        load_po(path)
    assert message in err.value.message
    assert err.value.path == str(path)
    assert err.value.line == HEADER_LINES + line
    assert str(err.value).startswith(f"{path}:{HEADER_LINES + line}: ")


@pytest.mark.skipif(MSGFMT is None, reason="GNU msgfmt not installed")
@pytest.mark.parametrize("body", [b for i, b, m, n in MALFORMED
                                  if i not in ("unsupported_escape", "two_strings_one_line",
                                               "no_space", "bad_comment")])
def test_msgfmt_rejects_the_same_files(tmp_path: Path, body: str) -> None:
    # Our rejections are msgfmt's (plus four polib cannot read back, excluded above).
    assert not msgfmt_ok(write(tmp_path, HEADER + body))


def test_polib_alone_misreads_an_unterminated_string(tmp_path: Path) -> None:
    # Why the strict pass exists: polib silently drops the last character, no error.
    path = write(tmp_path, HEADER + 'msgid "Hello\nmsgstr "سلام\n')
    po = polib.pofile(str(path))
    assert (po[0].msgid, po[0].msgstr) == ("Hell", "سلا")
    with pytest.raises(InputError, match="unterminated"):
        load_po(path)


def test_no_header_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no header entry") as err:
        load_po(write(tmp_path, 'msgid "a"\nmsgstr "b"\n'))
    assert err.value.line == 1


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    body = (HEADER + 'msgid "a"\nmsgstr "').encode() + b"\xe9t\xe9" + b'"\n'
    with pytest.raises(InputError, match="invalid UTF-8") as err:
        load_po(write(tmp_path, body))
    assert err.value.line == HEADER_LINES + 2


def test_declared_latin1_but_utf8_bytes_is_a_charset_mismatch(tmp_path: Path) -> None:
    body = HEADER.replace("charset=UTF-8", "charset=ISO-8859-1") + 'msgid "a"\nmsgstr "été"\n'
    with pytest.raises(InputError, match="declares charset=ISO-8859-1 but the text is UTF-8") \
            as err:
        load_po(write(tmp_path, body))
    assert err.value.line == HEADER_LINES + 2


def test_file_in_its_declared_legacy_charset_is_read(tmp_path: Path) -> None:
    body = HEADER.replace("charset=UTF-8", "charset=windows-1256") + 'msgid "a"\nmsgstr "سلام"\n'
    po = load_po(write(tmp_path, body.encode("cp1256")))
    assert po[0].msgstr == "سلام"


def test_bytes_invalid_in_the_declared_legacy_charset_are_rejected(tmp_path: Path) -> None:
    body = (HEADER.replace("charset=UTF-8", "charset=US-ASCII") + 'msgid "a"\nmsgstr "').encode()
    with pytest.raises(InputError, match="invalid US-ASCII bytes") as err:
        load_po(write(tmp_path, body + b'caf\xe9"\n'))
    assert err.value.line == HEADER_LINES + 2


def test_unknown_charset_is_rejected(tmp_path: Path) -> None:
    body = HEADER.replace("charset=UTF-8", "charset=klingon-8") + 'msgid "a"\nmsgstr "b"\n'
    with pytest.raises(InputError, match="unknown charset 'klingon-8'"):
        load_po(write(tmp_path, body))


def test_binary_file_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="binary data") as err:
        load_po(write(tmp_path, b"msgid \"a\"\nmsgstr \"b\"\n\x00\x01\x02"))
    assert err.value.line == 3


def test_mo_file_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="compiled MO file"):
        load_po(write(tmp_path, b"\xde\x12\x04\x95" + bytes(24)))


def test_utf16_file_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="UTF-16"):
        load_po(write(tmp_path, (HEADER + 'msgid "a"\nmsgstr "b"\n').encode("utf-16")))


def test_too_large_file_is_rejected_before_reading(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + 'msgid "a"\nmsgstr "b"\n')
    with pytest.raises(InputError, match="too large"):
        load_po(path, max_bytes=100)
    assert len(load_po(path, max_bytes=10_000)) == 1


def test_missing_file_and_directory_are_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="missing"):
        load_po(tmp_path / "nope.po")
    with pytest.raises(InputError, match="directory"):
        load_po(tmp_path)


def test_crlf_and_bom_are_accepted_but_a_stray_cr_is_not(tmp_path: Path) -> None:
    text = HEADER + 'msgid "a"\nmsgstr "b"\n'
    po = load_po(write(tmp_path, b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()))
    assert po[0].msgstr == "b"
    with pytest.raises(InputError, match="carriage return") as err:
        load_po(write(tmp_path, text + 'msgid "c"\rmsgstr "d"\n', "cr.po"))
    assert err.value.line == HEADER_LINES + 3
