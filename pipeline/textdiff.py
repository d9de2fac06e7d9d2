"""Word-level differences between two versions of a text (an edited English paragraph).

Shared by `pipeline history`, the review views and anything else that shows what changed:
`word_diff` gives the operations, `inline` writes them git-style for a terminal.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

#: Words (letters, digits, marks, joined by ' or -), runs of white space, single other characters.
_TOKEN = re.compile(r"\w+(?:['’\-]\w+)*|\s+|[^\w\s]", re.UNICODE)

Op = Literal["equal", "delete", "insert"]


@dataclass(frozen=True)
class Piece:
    """A run of the texts: unchanged (`equal`), only in the old (`delete`) or only in the new."""

    op: Op
    text: str


def tokens(text: str) -> list[str]:
    """The text cut into words, white space and punctuation; joined they give the text back.

    >>> tokens("ten-year plan, 10 km")
    ['ten-year', ' ', 'plan', ',', ' ', '10', ' ', 'km']
    """
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> list[Piece]:
    """The pieces that turn `old` into `new`, word by word; joined they give either text back.

    >>> [(p.op, p.text) for p in word_diff("voted ten to two", "voted eleven to two")]
    [('equal', 'voted '), ('delete', 'ten'), ('insert', 'eleven'), ('equal', ' to two')]
    """
    a, b = tokens(old), tokens(new)
    out: list[Piece] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _add(out, "equal", "".join(a[i1:i2]))
            continue
        if tag in ("delete", "replace"):
            _add(out, "delete", "".join(a[i1:i2]))
        if tag in ("insert", "replace"):
            _add(out, "insert", "".join(b[j1:j2]))
    return _slide(out)


def _slide(pieces: list[Piece]) -> list[Piece]:
    """Move a lone insert or delete so it starts on a word: 'The {+new +}plan', not 'The{+ new+} plan'.

    Both say the same; sliding the piece by its leading space keeps the marks on whole words.
    """
    out = list(pieces)
    for i in range(1, len(out) - 1):
        prev, cur, nxt = out[i - 1], out[i], out[i + 1]
        if (prev.op == "equal" and nxt.op == "equal" and cur.op != "equal"
                and cur.text[:1].isspace() and nxt.text[:1] == cur.text[:1]
                and not cur.text[-1:].isspace()):
            space = cur.text[0]
            out[i - 1] = Piece("equal", prev.text + space)
            out[i] = Piece(cur.op, cur.text[1:] + space)
            out[i + 1] = Piece("equal", nxt.text[1:]) if len(nxt.text) > 1 else Piece("equal", "")
    return [p for p in out if p.text]


def _add(out: list[Piece], op: Op, text: str) -> None:
    if not text:
        return
    if out and out[-1].op == op:
        out[-1] = Piece(op, out[-1].text + text)
    else:
        out.append(Piece(op, text))


def inline(old: str, new: str) -> str:
    """The change on one line, as `git diff --word-diff` writes it: [-old-]{+new+}.

    >>> inline("voted ten to two", "voted eleven to two")
    'voted [-ten-]{+eleven+} to two'
    """
    marks = {"equal": ("", ""), "delete": ("[-", "-]"), "insert": ("{+", "+}")}
    return "".join(f"{marks[p.op][0]}{p.text}{marks[p.op][1]}" for p in word_diff(old, new))


def as_json(old: str, new: str) -> list[dict[str, str]]:
    """The pieces as JSON-ready mappings: [{"op": "delete", "text": "ten"}, ...]."""
    return [{"op": p.op, "text": p.text} for p in word_diff(old, new)]
