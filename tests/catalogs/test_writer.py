"""The PO writer: whatever text a unit holds comes back exactly through the strict reader."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.catalogs.pofile import load_po
from pipeline.catalogs.writer import PoEntry, escape, render

HEADER_FIELDS = [("Language", "fa"), ("Content-Type", "text/plain; charset=UTF-8"),
                 ("Plural-Forms", "nplurals=1; plural=0;")]
# Any text but NUL (a PO file cannot hold it); newlines, quotes, backslashes, RTL marks welcome.
TEXT = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
               max_size=60)


@settings(max_examples=150, deadline=None)
@given(source=TEXT.filter(bool), target=TEXT, context=TEXT)
def test_any_text_round_trips(tmp_path_factory: object, source: str, target: str,
                              context: str) -> None:
    # Keep msgfmt's newline rule satisfiable: the exporter marks such entries fuzzy.
    entry = PoEntry(msgid=source, msgstr=target, msgctxt=context, flags=("fuzzy",),
                    notes=("line one\nline two",))
    path = Path(tmp_path_factory.mktemp("w")) / "x.po"  # type: ignore[attr-defined]
    path.write_text(render(HEADER_FIELDS, [entry], comments=("note",)), encoding="utf-8")
    [back] = list(load_po(path))
    assert (back.msgctxt, back.msgid, back.msgstr) == (context, source, target)


def test_escape_is_polibs_inverse() -> None:
    assert escape('a"b\\c\nd\te') == 'a\\"b\\\\c\\nd\\te'
