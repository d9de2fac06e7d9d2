"""Guarantee, fuzzed: every parser of untrusted input returns or raises InputError, nothing else.

Hypothesis mutates valid documents (PO, glossary CSV, review batches, front matter, XLIFF,
TMX, HTML and text dumps) byte by byte and writes them to real files that the readers open
through `pipeline.inputfile`; any other exception (a traceback for a user) fails the test.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import PipelineError

PO = ('msgid ""\nmsgstr ""\n"Language: fa\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
      '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n#. note\n#, fuzzy\nmsgctxt "u1"\n'
      'msgid "Ferry \\"link\\""\nmsgstr "قایق"\n\nmsgid "one"\nmsgid_plural "many"\n'
      'msgstr[0] "a"\nmsgstr[1] "b"\n\n#~ msgid "old"\n#~ msgstr "x"\n').encode()
CSV = "term,lang,translation,keep,note\nferry,fa,قایق,no,\"two\nlines\"\nNATO,*,,yes,\n".encode()
BATCH = b'{"unit": "u1", "action": "edit", "text": "a\\u2028b", "revision": 3}\n' \
        b'{"unit": "u2", "action": "reject", "reason": "no", "lang": "fa"}\n'
FRONT = b"---\ntitle: Ferry\ndate: 2024-03-04\ntags: [a, b]\nslug: ferry\n---\n\n# Ferry\n\nText.\n"
HTML = (b'<!doctype html><html><head><meta charset="utf-8"><title>Ferry</title></head><body>'
        b"<article><h1>Ferry link</h1><p>A new ferry link opens on Monday, officials said.</p>"
        b"<ul><li>one</li></ul><table><tr><td>x</td></tr></table></article></body></html>")
DUMP = b"Ferry link opens\n\nBy Jonas Weber\nMarch 4, 2024\n\nA new ferry link opens on Monday.\n"
XLIFF = (b'<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:'
         b'document:2.0" version="2.0" srcLang="en" trgLang="fa"><file id="f"><unit id="u1">'
         b'<segment state="translated"><source>Ferry</source><target>a<ph id="1" dataRef="d"/>'
         b'<cp hex="41"/>b</target></segment><originalData><data id="d">&lt;b&gt;</data>'
         b"</originalData></unit></file></xliff>\n")
TMX = (b'<?xml version="1.0"?>\n<tmx version="1.4"><header srclang="en" segtype="sentence" '
       b'datatype="plaintext" o-tmf="x" adminlang="en" creationtool="t" creationtoolversion="1"/>'
       b'<body><tu tuid="1"><tuv xml:lang="en"><seg>Ferry <bpt i="1">&lt;b&gt;</bpt>x</seg>'
       + '</tuv><tuv xml:lang="fa"><seg>قایق</seg></tuv></tu></body></tmx>\n'.encode())


def _po(path: Path) -> Any:
    from pipeline.catalogs.pofile import check_po
    return check_po(path)


def _csv(path: Path) -> Any:
    from pipeline.glossary import read_csv
    return read_csv(path, ("fa", "ar"))


def _batch(path: Path) -> Any:
    from pipeline.inputfile import read_text, split_lines
    from pipeline.review.batch import parse
    return parse(split_lines(read_text(path, max_bytes=2**20)), source=str(path),
                 default_lang="fa", langs=("fa", "ar"))


def _extract(name: str) -> Callable[[Path], Any]:
    def run(path: Path) -> Any:
        from pipeline.extract.api import iter_files
        target = path.with_name(name)
        path.rename(target)
        for result in iter_files([target]):
            if result.error is not None:
                raise result.error
    return run


def _xliff(path: Path) -> Any:
    from pipeline.interchange.xliff_read import scan_xliff
    entries: list[Any] = []
    return scan_xliff(path, entries.append), entries


def _tmx(path: Path) -> Any:
    from pipeline.interchange.tmx import read_tmx
    return list(read_tmx(path, lambda header: None))


READERS: dict[str, tuple[bytes, Callable[[Path], Any]]] = {
    "po": (PO, _po), "glossary csv": (CSV, _csv), "review batch": (BATCH, _batch),
    "markdown": (FRONT, _extract("post.md")), "html": (HTML, _extract("page.html")),
    "text dump": (DUMP, _extract("dump.txt")), "xliff": (XLIFF, _xliff), "tmx": (TMX, _tmx),
}

#: Bytes that break parsers: quotes, escapes, markup, separators, BOMs, NUL, invalid UTF-8.
_NASTY = st.sampled_from([b'"', b"\\", b"\n", b"\r", b"<", b">", b"&", b"[", b"{", b"---\n",
                          b"\x00", b"\xef\xbb\xbf", b"\xff", b"\xc0\xaf", b"\xe2\x80\xa8",
                          b"#", b":", b",", b"\t", b"!!", b"&#0;", b"&x;", b"]]>", b"msgstr[9] ",
                          "\u202e".encode(), b"\xed\xa0\x80", b"\x0c", b"*", b"- "])


@st.composite
def mutated(draw: st.DrawFn, base: bytes) -> bytes:
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        choice = draw(st.integers(0, 3))
        if choice == 0 and data:  # delete a run
            del data[at:at + draw(st.integers(1, 8))]
        elif choice == 1:  # insert nasty bytes
            data[at:at] = draw(_NASTY)
        elif choice == 2:  # insert random bytes
            data[at:at] = draw(st.binary(min_size=1, max_size=6))
        else:  # duplicate a slice
            data[at:at] = data[at:at + draw(st.integers(1, 40))]
    return bytes(data)


@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_mutated_input_is_read_or_refused_with_an_input_error(reader: str) -> None:
    base, read = READERS[reader]

    @settings(max_examples=150, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(mutated(base))
    def check(data: bytes) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "input"
            path.write_bytes(data)
            try:
                read(path)
            except PipelineError as exc:
                assert "\n" not in exc.message, exc.message

    check()
