"""Reading PO catalogs for checking: find them, tell their language, turn entries into items."""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from pipeline import languages
from pipeline.catalogs.pofile import CheckedPo, check_po
from pipeline.errors import ConfigError, InputError, UsageError
from pipeline.states import Status
from pipeline.store.editions import is_placeholder

# A translator comment that suppresses a check on one entry, with a reason:
#   # ignore-check numbers: the source counts in Gregorian years, the edition in Solar Hijri
SUPPRESS_COMMENT = re.compile(r"^\s*ignore-check\s+([a-z_]+)\s*:\s*(\S.*?)\s*$")


class Item(NamedTuple):
    """One unit (or PO entry) in one language: its status, and the text pairs to check."""

    unit_id: str
    article: str
    source: str
    status: str
    pairs: tuple[tuple[str, str], ...]
    where: str | None = None
    suppressed: tuple[tuple[str, str], ...] = ()  # (check_id, reason) from the PO entry
    plural: bool = False  # the pairs are the plural forms of a gettext message
    placeholder: bool = False  # output of a random-weight test model nobody wrote or confirmed


def find_po_files(paths: Iterable[Path]) -> list[Path]:
    """The .po files named or found (recursively, sorted) under the given paths."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.po") if p.is_file())
        elif os.path.lexists(path):
            found.append(path)  # the strict reader says what it is if not a regular file
        else:
            raise UsageError(f"--po {path}: no such file or directory")
    if not found:
        raise UsageError(f"--po found no .po files in {', '.join(str(p) for p in paths)}")
    return list(dict.fromkeys(found))


def read_catalog(path: Path) -> CheckedPo:
    """A catalog that passed the catalogs stage's strict check (msgfmt rules, charset, size).

    InputError with file and line for a malformed one. The strict pass already holds every
    entry, so checking needs no polib objects: about half of polib's own load time.
    """
    return check_po(path)


# Comments the strict pass does not keep: the first reference (the article a unit came from)
# and suppressions. Each belongs to the next entry after it.
_COMMENT = re.compile(r"^#(?::[ \t]*(\S+)|[ \t]+ignore-check[ \t]+(.*))$", re.MULTILINE)


def _comments(text: str) -> tuple[list[int], list[tuple[str | None, str | None]]]:
    """Line numbers and (reference, ignore-check text) of the comments checks care about."""
    lines: list[int] = []
    found: list[tuple[str | None, str | None]] = []
    line, pos = 1, 0
    for m in _COMMENT.finditer(text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        lines.append(line)
        found.append((m.group(1), m.group(2)))
    return lines, found


def catalog_language(path: Path, catalog: CheckedPo) -> str:
    """The target language from the Language header, else from the path (<lang>/LC_MESSAGES)."""
    code = (catalog.language or "").strip().replace("-", "_")
    if not code:
        parts = path.parts
        if "LC_MESSAGES" in parts and parts.index("LC_MESSAGES") > 0:
            code = parts[parts.index("LC_MESSAGES") - 1]
        else:
            code = path.stem
    try:
        return languages.validate(code)
    except ConfigError:
        raise InputError(
            f"cannot tell the language (got {code!r}); set the Language header", path=path
        ) from None


def catalog_items(path: Path, catalog: CheckedPo) -> Iterator[Item]:
    """Entries as items. Fuzzy = machine, non-fuzzy with text = translated, empty = untranslated."""
    comment_lines, comments = _comments(catalog.text)
    entries = catalog.entries[1:]  # [0] is the header
    per_entry: dict[int, list[tuple[str | None, str | None]]] = {}
    for line, comment in zip(comment_lines, comments, strict=True):
        i = bisect.bisect_left(entries, line, key=lambda e: e.line)
        if i < len(entries):
            per_entry.setdefault(i, []).append(comment)
    for i, entry in enumerate(entries):
        if entry.obsolete:
            continue
        forms = entry.msgstr
        sources = [entry.msgid] + [entry.msgid_plural or entry.msgid] * (len(forms) - 1)
        filled = [f for f in forms if f]
        pairs: tuple[tuple[str, str], ...] = ()
        if not filled:
            status = Status.UNTRANSLATED.value
        else:
            if entry.fuzzy:
                status = Status.MACHINE.value
            elif len(filled) == len(forms):
                status = Status.TRANSLATED.value
            else:  # a plural with some forms missing is not translated (as gettext sees it)
                status = Status.UNTRANSLATED.value
            pairs = tuple(zip(sources, forms, strict=True))
        article, suppressed = str(path), []
        for reference, ignore in reversed(per_entry.get(i, ())):
            if reference:
                article = reference.rsplit(":", 1)[0] if reference[-1:].isdigit() else reference
            elif ignore and (m := SUPPRESS_COMMENT.match(f"ignore-check {ignore}")):
                suppressed.append((m.group(1), m.group(2)))
        yield Item(
            unit_id=entry.msgctxt or "", article=article, source=entry.msgid, status=status,
            pairs=pairs, where=f"{path}:{entry.line}", suppressed=tuple(suppressed),
            plural=entry.msgid_plural is not None, placeholder=_placeholder(entry.notes),
        )


def _placeholder(notes: tuple[str, ...]) -> bool:
    """Whether the export's provenance note says test-model text (`origin mt, ..., flags
    test_model`), the same rule as `store.editions.is_placeholder`."""
    for note in notes:
        if "test_model" not in note or ": " not in note:
            continue
        bits = dict(b.split(" ", 1) for b in note.rsplit(": ", 1)[1].split(", ") if " " in b)
        if "test_model" in bits.get("flags", "").split():
            return is_placeholder(("test_model",), bits.get("origin"))
    return False
