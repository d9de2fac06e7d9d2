"""Escaping text for the XML we write by hand (faster than building trees, and streamable)."""

from __future__ import annotations

import re

from pipeline.errors import InputError
from pipeline.escaping import amp_lt_gt

#: Characters XML 1.0 cannot hold at all (not even as references); `check` says which.
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def text(value: str) -> str:
    """Character data: & < > escaped; CR as a reference, since parsers turn a bare CR into LF."""
    value = amp_lt_gt(value)
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    return value


def attr(value: str) -> str:
    """An attribute value in double quotes (white space kept as references)."""
    value = text(value)
    if '"' in value:
        value = value.replace('"', "&quot;")
    if "\n" in value or "\t" in value:
        value = value.replace("\n", "&#10;").replace("\t", "&#9;")
    return value


def check(value: str, what: str) -> str:
    """`value`, or InputError if XML cannot hold one of its characters (a NUL, say)."""
    m = ILLEGAL.search(value)
    if m:
        raise InputError(f"{what} holds the character U+{ord(m.group()):04X}, which XML cannot "
                         "hold; fix the text (pipeline review edit) and export again")
    return value
