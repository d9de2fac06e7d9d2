"""The glossary: terms with the translation each language must use, or terms kept as they are.

Editors keep it as a CSV file (pipeline.toml `paths.glossary`, default glossary.csv) that any
spreadsheet opens; `pipeline glossary import` makes the database match the file in one
transaction (pipeline.store.glossary). Translate masks kept terms so the model cannot change
them, review shows the terms a unit contains, and `pipeline check` flags terms translated
another way.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from pipeline.catalogs.writer import write_atomic
from pipeline.errors import InputError, UsageError
from pipeline.inputfile import read_text
from pipeline.models import GlossaryTerm as Term
from pipeline.store import Store
from pipeline.store import glossary as table
from pipeline.textcheck import check_decoded, find_bad, line_break_in

#: The CSV header, in this order. `lang` is a target language or `*` (every language);
#: `keep` is yes/no: yes means the term stays as it is in every translation.
COLUMNS = ("term", "lang", "translation", "keep", "note")
#: A glossary is a few thousand terms; a bigger file is almost certainly the wrong file.
MAX_BYTES = 5 * 1024 * 1024
_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0", ""}
#: A cell a spreadsheet would run as a formula (OWASP's list: = + - @, tab, carriage return),
#: possibly behind the quotes our own escaping added.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"'+[=+\-@\t\r]")


def escape_cell(cell: str) -> str:
    """A cell a spreadsheet shows as text: a leading ' before formula characters (OWASP).

    Cells that already start with quotes before such a character get one more, so
    `unescape_cell` gives back exactly what was written.
    >>> escape_cell("=HYPERLINK(1)"), escape_cell("'=x"), escape_cell("'s-Hertogenbosch")
    ("'=HYPERLINK(1)", "''=x", "'s-Hertogenbosch")
    """
    return "'" + cell if _FORMULA.match(cell) else cell


def unescape_cell(cell: str) -> str:
    """The inverse of `escape_cell`.

    >>> unescape_cell("'=HYPERLINK(1)"), unescape_cell("''=x"), unescape_cell("'s-Hertogenbosch")
    ('=HYPERLINK(1)', "'=x", "'s-Hertogenbosch")
    """
    return cell[1:] if _ESCAPED.match(cell) else cell


def validate(term: Term, targets: Sequence[str]) -> str | None:
    """Why the entry cannot be used, or None."""
    for what, text in (("term", term.term), ("translation", term.translation),
                       ("note", term.note), ("lang", term.lang)):
        bad = find_bad(text or "")
        if bad is not None:
            return f"the {what} contains {bad[1]} at character {bad[0] + 1}; remove it"
    for what, text in (("term", term.term), ("translation", term.translation)):
        if line_break_in(text or ""):  # NEL and U+2028/2029 too: it would show as two lines
            return f"the {what} holds a line break; a glossary entry is one line"
    if not term.term.strip():
        return "empty term"
    if term.term != term.term.strip():
        return f"term {term.term!r} has spaces around it"
    if term.lang != "*" and term.lang not in targets:
        return (f"language {term.lang!r} is not a target of this workspace "
                f"({', '.join(targets)}, or * for all)")
    if term.keep and term.translation and term.translation != term.term:
        return f"{term.term!r} is kept as it is, so it cannot also have a translation"
    if not term.keep and not (term.translation or "").strip():
        return f"{term.term!r} needs a translation, or keep = yes"
    if not term.keep and term.lang == "*":
        return f"{term.term!r}: a translation is per language; use * only with keep = yes"
    return None


def read_csv(path: Path, targets: Sequence[str]) -> list[Term]:
    """The terms of a glossary CSV file; any problem is an InputError naming the file and line."""
    # The shared safe opener: regular files only, bounded; UTF-8 (a spreadsheet's BOM is
    # fine) or UTF-16/32 with a BOM (what spreadsheets save as "Unicode text"); no binary.
    text = read_text(path, max_bytes=MAX_BYTES, what="glossary CSV")
    check_decoded(text, text.encode("utf-8", "surrogatepass"), path=path)  # no controls
    if not text.strip():
        raise InputError(f"empty file; a glossary starts with the header {','.join(COLUMNS)}",
                         path=path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        raise InputError(f"not a CSV file ({exc})", path=path, line=1) from None
    if len(header) == 1 and (sep := next((c for c in ";\t|" if c in header[0]), None)):
        name = {";": "semicolons", "\t": "tabs", "|": "bars"}[sep]
        raise InputError(f"the columns are separated by {name}, not commas (a spreadsheet's "
                         "regional CSV); save it as comma-separated CSV", path=path, line=1)
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        raise InputError(f"the header names {', '.join(twice)} more than once", path=path, line=1)
    missing = [c for c in COLUMNS[:2] if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    if missing or unknown:
        raise InputError(
            f"the header must name the columns {', '.join(COLUMNS)} (term and lang required)"
            + (f"; unknown: {', '.join(unknown)}" if unknown else ""), path=path, line=1)
    terms: list[Term] = []
    seen: dict[tuple[str, str], int] = {}
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise InputError(f"{len(row)} fields, the header has {len(header)}", path=path,
                                 line=line)
            cells = dict(zip(header, (unescape_cell(c) for c in row), strict=True))
            broken = next((c for c in ("term", "lang", "translation", "keep")
                           if line_break_in(cells.get(c, ""))), None)
            if broken:  # a quoted cell spanning lines: fine in a note, never in a term
                raise InputError(f"the {broken} cell holds a line break", path=path, line=line)
            keep = cells.get("keep", "").strip().lower()
            if keep not in _YES | _NO:
                raise InputError(f"keep must be yes or no, not {keep!r}", path=path, line=line)
            term = Term(
                term=cells["term"], lang=cells["lang"].strip(),
                translation=cells.get("translation", "").strip() or None,
                keep=keep in _YES, note=cells.get("note", "").strip() or None,
            )
            why = validate(term, targets)
            if why is not None:
                raise InputError(why, path=path, line=line)
            if term.key in seen:
                raise InputError(f"{term.term!r} ({term.lang}) is already on line {seen[term.key]}",
                                 path=path, line=line)
            seen[term.key] = line
            terms.append(term)
    except csv.Error as exc:
        raise InputError(f"broken CSV ({exc})", path=path, line=reader.line_num) from None
    return terms


def write_csv(path: Path, terms: Iterable[Term]) -> None:
    """Write the terms as a glossary CSV file (atomically), sorted by term and language."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for t in sorted(terms, key=lambda t: (t.term.casefold(), t.term, t.lang)):
        writer.writerow([escape_cell(c) for c in (
            t.term, t.lang, "" if t.keep else (t.translation or ""), "yes" if t.keep else "no",
            t.note or "")])
    write_atomic(path, out.getvalue().encode("utf-8"))


def import_csv(store: Store, path: Path, targets: Sequence[str], *,
               prune: bool = False) -> tuple[list[Term], table.SyncResult]:
    """Make the database glossary match the file (see `store.glossary.sync` for --prune)."""
    terms = read_csv(path, targets)
    return terms, table.sync(store, terms, prune=prune, source=str(path))


def _file_terms(path: Path, store: Store, targets: Sequence[str]) -> list[Term]:
    """The glossary file's terms, to change one and write them back; the database's if none."""
    if not path.exists():
        return table.load(store)
    try:
        return read_csv(path, targets)
    except InputError as exc:
        if exc.message.startswith("empty file"):
            return []
        raise UsageError(f"{exc}; fix the glossary file first: add and remove change it as well "
                         "as the database") from None


def add_term(store: Store, path: Path, term: Term, targets: Sequence[str]) -> bool:
    """Add or replace one entry in the database and in the glossary file; True if it was new.

    The file keeps whatever else it holds (also edits not imported yet); nothing changes if
    either cannot be written.
    """
    why = validate(term, targets)
    if why is not None:
        raise UsageError(why)
    with store.transaction():
        terms = [t for t in _file_terms(path, store, targets) if t.key != term.key]
        new = table.put(store, term)
        write_csv(path, [*terms, term])  # before COMMIT: a failed write changes nothing
    return new


def remove_term(store: Store, path: Path, term: str, lang: str, targets: Sequence[str]) -> None:
    """Remove one entry from the database and from the glossary file."""
    with store.transaction():
        terms = _file_terms(path, store, targets)
        table.delete(store, term, lang)
        write_csv(path, [t for t in terms if t.key != (term, lang)])
