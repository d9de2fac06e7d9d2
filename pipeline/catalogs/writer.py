"""Writing PO text quickly and atomically (polib's writer re-wraps every line and is ~5x slower).

The output is what GNU gettext writes without line wrapping: multi-line strings are split after
each `\\n`, escapes are the ones polib reads back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline import atomicfile


@dataclass(frozen=True)
class PoEntry:
    """One message to write: comments, flags, context, source and translation."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    notes: tuple[str, ...] = ()  # extracted comments (#.)
    references: tuple[str, ...] = ()  # source files (#:)
    flags: tuple[str, ...] = ()  # (#,)
    previous_msgid: str | None = None  # (#| msgid): the source this translation was made from


def escape(text: str) -> str:
    """PO string escaping, the inverse of polib.unescape."""
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if '"' in text:
        text = text.replace('"', '\\"')
    if "\n" in text:
        text = text.replace("\n", "\\n")
    if "\t" in text:
        text = text.replace("\t", "\\t")
    if "\r" in text or "\v" in text or "\b" in text or "\f" in text:
        text = text.replace("\r", "\\r").replace("\v", "\\v").replace("\b", "\\b")
        text = text.replace("\f", "\\f")
    return text


def field(keyword: str, text: str) -> str:
    """`keyword "text"`, split gettext-style after each inner newline."""
    nl = text.find("\n")
    if nl < 0 or nl == len(text) - 1:
        return f'{keyword} "{escape(text)}"\n'
    pieces = text.split("\n")
    last = pieces.pop()
    lines = [f'{keyword} ""\n'] + [f'"{escape(p)}\\n"\n' for p in pieces]
    if last:
        lines.append(f'"{escape(last)}"\n')
    return "".join(lines)


def _comment(prefix: str, text: str) -> str:
    # A newline inside a comment would start a line polib and msgfmt read as something else.
    return f"{prefix} {' '.join(text.split())}\n" if text.strip() else f"{prefix}\n"


def render_entry(e: PoEntry) -> str:
    parts = [_comment("#.", n) for n in e.notes]
    if e.references:
        parts.append("#: " + " ".join(e.references) + "\n")
    if e.flags:
        parts.append("#, " + ", ".join(e.flags) + "\n")
    if e.previous_msgid is not None:
        # gettext's previous-message comment: Poedit and msgmerge show it as a diff.
        parts.append("".join(f"#| {line}" for line in
                             field("msgid", e.previous_msgid).splitlines(keepends=True)))
    if e.msgctxt is not None:
        parts.append(field("msgctxt", e.msgctxt))
    parts.append(field("msgid", e.msgid))
    parts.append(field("msgstr", e.msgstr))
    return "".join(parts)


def render(header: Sequence[tuple[str, str]], entries: Iterable[PoEntry],
           comments: Sequence[str] = ()) -> str:
    """A whole PO file: header comments, the header entry, then the entries."""
    head = "".join(_comment("#", c) for c in comments)
    meta = "".join(f"{k}: {v}\n" for k, v in header)
    out = [head + 'msgid ""\n' + field("msgstr", meta)]
    out.extend(render_entry(e) for e in entries)
    return "\n".join(out)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically (pipeline.atomicfile: exclusive temp file, no symlink
    followed, fsync, rename). A crash or Ctrl-C leaves the old file or the new one."""
    atomicfile.write_atomic(path, data)
