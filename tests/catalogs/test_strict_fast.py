"""The strict PO parser's fast path reads every file exactly as its line-by-line state machine.

Each case is parsed both ways: the same entries (values, flags, notes, lines) or the same error
(message and line). The cases are the shapes the fast path takes and the ones it must hand
back to the state machine.
"""

from __future__ import annotations

import random

import pytest

from pipeline.catalogs import strict
from pipeline.errors import InputError

HEADER = ('# a translator comment\nmsgid ""\nmsgstr ""\n"Language: fa\\n"\n'
          '"Content-Type: text/plain; charset=UTF-8\\n"\n'
          '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n')

ENTRIES = [
    '#. note one\n#. pipeline revision 3\n#: a.txt\nmsgctxt "u1"\nmsgid "Hi \\"x\\""\n'
    'msgstr "سلام"\n',
    '#, fuzzy\nmsgctxt "u2"\nmsgid "a"\nmsgstr "b"\n',
    '# translator\n#.  padded note  \n#: r\n#: s\n#, fuzzy, python-format\nmsgctxt "u3"\n'
    'msgid "%s x"\nmsgstr "%s y"\n',
    'msgctxt "u4"\nmsgid ""\n"wrapped "\n"text"\nmsgstr ""\n"wrapped "\n"done"\n',
    'msgid "no context"\nmsgstr "none"\n',
    'msgid "tab\\tnew\\nline\\\\back\\\\nslash"\nmsgstr "t\\tn\\nb\\\\"\n',
    'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "yek"\nmsgstr[1] "ziad"\n',
    '#~ msgctxt "old"\n#~ msgid "gone"\n#~ msgstr "rafte"\n',
    '#| msgid "before"\nmsgctxt "u5"\nmsgid "after"\nmsgstr "baad"\n',
    '#, fuzzy\n#. notes after flags\nmsgid "order"\nmsgstr "tartib"\n',
    '#.\n#.\t\n#,\nmsgid "bare tokens"\nmsgstr "x"\n',
    '#. nbsp\u00a0\nmsgid "unicode blank"\nmsgstr "y"\n',
    'msgid  "two spaces"\nmsgstr\t"tab"\n',
    '  msgid "indented"\n  msgstr "too"\n',
    'msgid "blank inside"\n\nmsgstr "entry"\n',
    'msgid "trailing"   \nmsgstr "space"  \n',
    '##, double hash\nmsgid "hash"\nmsgstr "x"\n',
    'msgid "joined"\nmsgstr "b"\n\n"after a blank line"\n',
]

BROKEN = [
    'msgid "bad \\a escape"\nmsgstr "x"\n',
    'msgid "unterminated\nmsgstr "x"\n',
    '#.note\nmsgid "a"\nmsgstr "b"\n',
    '#  two spaces\nmsgid "a"\nmsgstr "b"\n',
    'msgid "a"\nmsgstr "b"\nmsgstr "c"\n',
    'msgid "a"\nmsgstr "b"\nmsgid_plural "c"\n',
    'msgid "a"\nmsgstr "b"\n#~ "obsolete continuation"\n',
    'msgid "a"\nmsgstr "b"\n#~ msgstr "c"\n',
    'msgid "a"\n#. comment before msgstr\nmsgstr "b"\n',
    'msgid "a" "two strings"\nmsgstr "b"\n',
    'msgctxt "u"\nmsgid "a"\nmsgstr "b"\nmsgctxt "u"\nmsgid "a"\nmsgstr "c"\n',
    'msgid "a\\n"\nmsgstr "b"\n',
    'msgid "a"\n',
    'garbage\n',
]


def both(text: str) -> tuple[object, object]:
    def run(fast: bool) -> object:
        try:
            return strict.parse("x.po", text, fast=fast)
        except InputError as exc:
            return ("error", exc.message, exc.line)
    return run(True), run(False)


@pytest.mark.parametrize("entry", ENTRIES + BROKEN)
def test_fast_path_reads_each_shape_as_the_state_machine(entry: str) -> None:
    for text in (HEADER + entry, HEADER + entry + "\n" + ENTRIES[0].replace("u1", "z"),
                 HEADER + entry.rstrip("\n")):
        fast, slow = both(text)
        assert fast == slow, text


@pytest.mark.parametrize("entry", BROKEN)
def test_broken_shapes_are_errors_on_both_paths(entry: str) -> None:
    fast, slow = both(HEADER + entry)
    assert isinstance(fast, tuple) and fast[0] == "error", fast


def test_fast_path_agrees_on_a_shuffled_catalog_of_every_shape() -> None:
    rng = random.Random(12)
    for _ in range(30):
        picked = rng.sample(ENTRIES, k=len(ENTRIES))
        text = HEADER + "\n".join(e.replace('"u', f'"{i}u') for i, e in enumerate(picked))
        if rng.random() < 0.3:
            text += rng.choice(BROKEN)
        fast, slow = both(text)
        assert fast == slow


def test_fast_path_takes_the_usual_entries() -> None:
    text = HEADER + "\n".join(ENTRIES[:6])
    entries, _ = strict.parse("x.po", text)
    assert [e.msgctxt for e in entries[1:]] == ["u1", "u2", "u3", "u4", None, None]
    assert entries[1].notes == ("note one", "pipeline revision 3")
    assert entries[1].msgid == 'Hi "x"' and entries[6].msgid == "tab\tnew\nline\\back\\nslash"
    assert entries[3].flags == ("fuzzy", "python-format") and entries[3].notes == ("padded note",)
    assert entries[4].msgid == "wrapped text"
    assert entries[4].line == text.count("\n", 0, text.index('msgctxt "u4"')) + 1
