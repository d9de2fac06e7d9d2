"""Format-string checks for PO entries flagged c-format, python-format or python-brace-format.

These mirror `msgfmt --check-format`: a translation must use the same placeholders as its
source, or the program printing it would crash or show the wrong value.
"""

from __future__ import annotations

import re

_C = re.compile(r"%(?:(\d+)\$)?[-+ #0']*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?:hh|h|ll|l|L|q|j|z|t)?"
                r"([diouxXeEfFgGaAcspn%])")
_PY = re.compile(r"%(?:\(([^)]*)\))?[-+ #0]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"
                 r"([diouxXeEfFgGcrsa%])")
_BRACE = re.compile(r"\{\{|\}\}|\{([^{}!:]*)(?:![rsa])?(?::[^{}]*)?\}")

_INT = set("diouxXc")


def _kind(conv: str) -> str:
    """Conversions that accept the same argument type compare equal (%d and %i)."""
    if conv in _INT:
        return "int"
    if conv in "eEfFgGaA":
        return "float"
    return conv


def _c_specs(text: str) -> list[tuple[str | None, str]]:
    return [(pos, _kind(conv)) for pos, conv in _C.findall(text) if conv != "%"]


def _py_specs(text: str) -> list[tuple[str | None, str]]:
    return [(name or None, "any" if conv in "rsa" else _kind(conv))
            for name, conv in _PY.findall(text) if conv != "%"]


def _brace_names(text: str) -> set[str]:
    return {m.group(1) for m in _BRACE.finditer(text) if m.group(1) is not None}


def mismatch(flags: tuple[str, ...], source: str, target: str) -> str | None:
    """Why `target`'s placeholders do not fit `source`'s, or None when they do."""
    if "c-format" in flags:
        a, b = _c_specs(source), _c_specs(target)
        named = any(p for p, _ in a + b)
        if (sorted(a, key=str) if named else a) != (sorted(b, key=str) if named else b):
            return "c-format placeholders of msgid and msgstr differ"
    if "python-format" in flags:
        a, b = _py_specs(source), _py_specs(target)
        if any(n for n, _ in a):
            if {n for n, _ in b} - {n for n, _ in a}:
                return "python-format msgstr uses a name the msgid does not have"
        elif [k for _, k in a] != [k for _, k in b]:
            return "python-format placeholders of msgid and msgstr differ"
    if "python-brace-format" in flags and _brace_names(target) - _brace_names(source):
        return "python-brace-format msgstr uses a field the msgid does not have"
    return None
