"""Reading PO catalogs for checking: find them, tell their language, turn entries into items."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from pipeline import languages
from pipeline.errors import ConfigError, InputError, UsageError
from pipeline.states import Status

if TYPE_CHECKING:
    import polib

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


def find_po_files(paths: Iterable[Path]) -> list[Path]:
    """The .po files named or found (recursively, sorted) under the given paths."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.po") if p.is_file())
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError(f"--po {path}: no such file or directory")
    if not found:
        raise UsageError(f"--po found no .po files in {', '.join(str(p) for p in paths)}")
    return list(dict.fromkeys(found))


def read_catalog(path: Path) -> polib.POFile:
    """A validated catalog; InputError with file and line for a malformed one."""
    try:
        from pipeline.catalogs.pofile import load_po  # the catalogs stage's strict reader
    except ImportError:  # until the catalogs stage has landed on main
        return _load_with_polib(path)
    return load_po(path)


_STRING = r'"(?:[^"\\\n]++|\\.)*+"'  # possessive: no backtracking
# The first line that is neither blank, a comment, a keyword with one complete string, nor a
# continuation string: one scan of the whole file in C instead of a Python loop per line.
_BAD_LINE = re.compile(
    r"^(?![ \t]*(?:#.*|(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)[ \t]+)?"
    rf"{_STRING}[ \t\r]*|[ \t\r]*)$).+$",
    re.MULTILINE,
)


def _load_with_polib(path: Path) -> polib.POFile:
    """polib with the minimum strictness polib lacks (it drops the tail of unterminated strings)."""
    import polib

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=path) from None
    if b"\0" in data:
        raise InputError("binary data, not a PO file", path=path, line=data[: data.index(b"\0")]
                         .count(b"\n") + 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError("not valid UTF-8", path=path,
                         line=data[: exc.start].count(b"\n") + 1) from None
    bad = _BAD_LINE.search(text)
    if bad is not None:
        raise InputError(f"malformed PO line: {bad.group(0).strip()[:60]!r}", path=path,
                         line=text.count("\n", 0, bad.start()) + 1)
    try:
        return polib.pofile(text, encoding="utf-8")
    except (OSError, ValueError) as exc:
        found = re.search(r"line (\d+)", str(exc))
        raise InputError(f"malformed PO file: {exc}", path=path,
                         line=int(found.group(1)) if found else None) from None


def catalog_language(path: Path, catalog: polib.POFile) -> str:
    """The target language from the Language header, else from the path (<lang>/LC_MESSAGES)."""
    code = (catalog.metadata.get("Language") or "").strip().replace("-", "_")
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


def catalog_items(path: Path, catalog: polib.POFile) -> Iterator[Item]:
    """Entries as items. Fuzzy = machine, non-fuzzy with text = translated, empty = untranslated."""
    for entry in catalog:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            forms = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
            sources = [entry.msgid] + [entry.msgid_plural] * max(len(forms) - 1, 0)
        else:
            forms, sources = [entry.msgstr], [entry.msgid]
        filled = [f for f in forms if f]
        pairs: tuple[tuple[str, str], ...] = ()
        if not filled:
            status = Status.UNTRANSLATED.value
        else:
            if "fuzzy" in entry.flags:
                status = Status.MACHINE.value
            elif len(filled) == len(forms):
                status = Status.TRANSLATED.value
            else:  # a plural with some forms missing is not translated (as gettext sees it)
                status = Status.UNTRANSLATED.value
            pairs = tuple(zip(sources, forms, strict=True))
        suppressed = tuple(
            (m.group(1), m.group(2))
            for m in map(SUPPRESS_COMMENT.match, (entry.tcomment or "").splitlines()) if m
        )
        article = entry.occurrences[0][0] if entry.occurrences else str(path)
        yield Item(
            unit_id=entry.msgctxt or "", article=article, source=entry.msgid, status=status,
            pairs=pairs, where=f"{path}:{entry.linenum}", suppressed=suppressed,
            plural=bool(entry.msgid_plural),
        )
