"""Masks as inline codes: the spans MT must not touch become TMX/XLIFF codes, and are checked back.

`translate.masking.Masker` finds the protected spans (URLs, e-mail addresses, [n] markers, inline
markup, Markdown code and emphasis, do-not-translate terms). Here a text becomes pieces: plain
text and `Code`s. Paired markup (`<b>`...`</b>`, `**`...`**`) becomes an opening and a closing
code when properly nested, everything else a standalone placeholder. Codes carry their original
text, so every format can give it back exactly.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Literal, NamedTuple

from pipeline.translate.masking import Masker

Role = Literal["ph", "open", "close"]

_OPEN_TAG = re.compile(r"^<([A-Za-z][A-Za-z0-9]*)(?:\s[^<>]*)?>$")
_CLOSE_TAG = re.compile(r"^</([A-Za-z][A-Za-z0-9]*)\s*>$")
#: TMX `type` / XLIFF 1.2 `ctype` of each kind of span (TMX 1.4 names where one fits).
CODE_TYPES = {"url": "link", "email": "link", "ref": "x-ref", "tag": "x-tag", "code": "x-code",
              "emphasis": "bold", "term": "x-term"}


class Code(NamedTuple):
    """One inline code: its number in the segment, what it protects, and its original text.

    A named tuple (immutable like the frozen dataclasses): an export builds several per unit.
    """

    id: int  # 1-based, in source order; a target's code that matches a source code shares it
    kind: str
    role: Role
    native: str
    pair: int | None = None  # the opening code's id, on both codes of a pair

    @property
    def type(self) -> str:
        return CODE_TYPES.get(self.kind, "x-" + self.kind)


Piece = str | Code


@lru_cache(maxsize=4096)
def _tag_key(text: str) -> tuple[str | None, bool]:
    """(element name, closing) of a markup span that can pair; (None, False) for the rest.

    Cached: the same few tags (`<b>`, `</b>`) come back in every unit.
    """
    if text.endswith("/>"):
        return None, False
    if m := _CLOSE_TAG.match(text):
        return m.group(1).lower(), True
    if m := _OPEN_TAG.match(text):
        return m.group(1).lower(), False
    return None, False


_PH: tuple[Role, None] = ("ph", None)


#: The kinds of span that can pair (markup tags, Markdown emphasis); the rest are placeholders.
_PAIRABLE = frozenset({"tag", "emphasis"})


def _pairing(found: Sequence[tuple[int, int, str]],
             natives: Sequence[str]) -> list[tuple[Role, int | None]] | None:
    """(role, index of the opening span) per span; only properly nested pairs become pairs.

    None when no span can pair (every span a placeholder), the common case of links alone.
    """
    roles: list[tuple[Role, int | None]] | None = None
    stack: list[tuple[str, int]] = []
    for i, (_, _, kind) in enumerate(found):
        if kind == "tag":
            key, closing = _tag_key(natives[i])
        elif kind == "emphasis":
            key = natives[i]
            closing = bool(stack) and stack[-1][0] == key
        else:
            continue
        if key is None:
            continue
        if not closing:
            stack.append((key, i))
        elif stack and stack[-1][0] == key:
            _, j = stack.pop()
            if roles is None:
                roles = [_PH] * len(found)
            roles[j] = ("open", j)
            roles[i] = ("close", j)
        else:
            stack.clear()  # a close that does not match the innermost open: no pairs across it
    return roles


#: Builds a Code from its fields without the named tuple's Python-level __new__ (several
#: codes per unit of a 100k-unit export).
_new = tuple.__new__


def split(text: str, masker: Masker, match: Sequence[Code] = (),
          found: list[tuple[int, int, str]] | None = None) -> list[Piece]:
    """`text` as plain pieces and codes.

    With `match` (the source's codes, as `split` gave them), a code with the same role and
    text as a source code takes that code's id, so tools can line target codes up with source
    codes; others get new ids after the source's. `found` is `masker.protected(text)` where
    the caller has it already.
    """
    if found is None:
        found = masker.protected(text)
    if not found:
        return [text] if text else []
    pieces: list[Piece] = []
    append = pieces.append
    pos = 0
    if len(match) == len(found) and all(c.kind == kind and c.native == text[a:b] for c, (
            a, b, kind) in zip(match, found, strict=True)):
        # A target that keeps the source's codes in order (the usual translation) pairs them
        # the same way and gives each its source id: the source's codes are its codes.
        for c, (a, b, _) in zip(match, found, strict=True):
            if a > pos:
                append(text[pos:a])
            append(c)
            pos = b
        if pos < len(text):
            append(text[pos:])
        return pieces
    roles = None
    for span in found:
        if span[2] in _PAIRABLE:
            roles = _pairing(found, [text[a:b] for a, b, _ in found])
            break
    if roles is None and not match:
        # The common case (links, numbers, terms): placeholders numbered in order.
        for i, (a, b, kind) in enumerate(found, 1):
            if a > pos:
                append(text[pos:a])
            append(_new(Code, (i, kind, "ph", text[a:b], None)))
            pos = b
    elif not match and roles is not None:
        # A source with markup: numbered in order too, each pair named by its opening code.
        for i, (a, b, kind) in enumerate(found):
            if a > pos:
                append(text[pos:a])
            role, opener = roles[i]
            append(_new(Code, (i + 1, kind, role, text[a:b],
                               None if opener is None else opener + 1)))
            pos = b
    else:
        free: dict[tuple[str, str], list[int]] = {}
        next_id = 1
        for c in match:
            free.setdefault((c.role, c.native), []).append(c.id)
            if c.id >= next_id:
                next_id = c.id + 1
        ids: list[int] = []
        for i, (a, b, kind) in enumerate(found):
            native = text[a:b]
            role, opener = _PH if roles is None else roles[i]
            pool = free.get((role, native)) if free else None
            if pool:
                cid = pool.pop(0)
            else:
                cid = next_id
                next_id += 1
            ids.append(cid)
            if a > pos:
                append(text[pos:a])
            append(_new(Code, (cid, kind, role, native, None if opener is None else ids[opener])))
            pos = b
    if pos < len(text):
        append(text[pos:])
    return pieces


def codes(pieces: Iterable[Piece]) -> list[Code]:
    return [p for p in pieces if isinstance(p, Code)]


def joined(pieces: Iterable[Piece]) -> str:
    """The text again: plain pieces and the codes' original text."""
    return "".join(p if isinstance(p, str) else p.native for p in pieces)


def masks_lost(source: str, target: str, masker: Masker) -> str | None:
    """Why the target does not keep the source's protected spans intact, or None if it does.

    The spans are compared as they are written (a URL or a kept name must come back exactly,
    once per time the source has it); a span the target adds is refused too.
    """
    mine, theirs = masker.spans_both(source, target)
    if mine == theirs or sorted(mine) == sorted(theirs):
        return None
    want, got = Counter(mine), Counter(theirs)
    missing = sorted((want - got).elements())
    extra = sorted((got - want).elements())
    parts = []
    if missing:
        parts.append("missing " + ", ".join(repr(s) for s in missing[:3]))
    if extra:
        parts.append("not in the source " + ", ".join(repr(s) for s in extra[:3]))
    return "inline codes not kept intact (" + "; ".join(parts) + ")"

