"""PO export: one catalog per target language plus a template, from the store.

Each unit is one entry whose msgctxt is the unit id, so equal texts stay separate entries and
an import finds its unit again. Whatever no person has checked is fuzzy (states.po_flags).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline import __version__, languages
from pipeline.catalogs.writer import PoEntry, render, write_atomic
from pipeline.states import Status, po_flags
from pipeline.store import Store, exports
from pipeline.store.catalog import CatalogRow, export_rows, latest_change

log = logging.getLogger(__name__)

DOMAIN = "articles"
#: Marks the extracted comment an import reads the exported revision back from.
REVISION_NOTE = "pipeline revision"
#: The header naming the snapshot a catalog was made from (msgmerge keeps headers, not notes).
AS_OF_HEADER = "X-Pipeline-As-Of"
#: The format name under which PO exports are recorded in the store (`store.exports`).
FORMAT = "po"
_SPACE = re.compile(r"\s")


@dataclass(frozen=True)
class ExportResult:
    """One written catalog and how its entries break down."""

    lang: str | None  # None for the template
    path: Path
    entries: int
    fuzzy: int
    translated: int  # non-fuzzy with a translation
    untranslated: int


def catalog_path(out: Path, lang: str) -> Path:
    return out / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def template_path(out: Path) -> Path:
    return out / f"{DOMAIN}.pot"


def _po_date(stamp: str | None) -> str:
    """gettext's date format from our ISO stamps; fixed dates keep re-exports byte-identical."""
    if not stamp:
        return "1970-01-01 00:00+0000"
    return f"{stamp[:10]} {stamp[11:16]}+0000"


def _header(project: str, lang: str | None, pot_date: str, po_date: str,
            last_translator: str | None) -> list[tuple[str, str]]:
    name = languages.english_name(lang) if lang else "none"
    return [
        ("Project-Id-Version", f"{project} {DOMAIN}"),
        ("Report-Msgid-Bugs-To", ""),
        ("POT-Creation-Date", pot_date),
        ("PO-Revision-Date", po_date),
        ("Last-Translator", last_translator or "none"),
        ("Language-Team", f"{name} (pipeline workspace {project})"),
        ("Language", lang or ""),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
        ("Plural-Forms", languages.plural_forms(lang) if lang else "nplurals=2; plural=(n != 1);"),
        ("X-Generator", f"pipeline {__version__}"),
    ]


@lru_cache(maxsize=4096)
def _reference(source: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(#: references, extra #. notes): gettext cannot hold a path with spaces in a reference."""
    if not source or _SPACE.search(source):
        return (), ((f"source file: {source}",) if source else ())
    return (source,), ()


def provenance(row: CatalogRow) -> str:
    """A one-line note naming where the translation came from and what state it is in."""
    status = Status(row.status)
    bits = [f"{k} {v}" for k, v in (("origin", row.origin), ("engine", row.engine),
                                     ("package", row.package),
                                     ("version", row.package_version)) if v]
    if status is Status.MACHINE:
        head = "machine translation, not reviewed"
    elif status is Status.STALE:
        head = "stale: the English source changed after this was translated"
    elif status is Status.REJECTED:
        head = f"rejected ({row.reason})" if row.reason else "rejected"
    elif status is Status.TRANSLATED:
        head = f"translated by {row.translated_by or 'someone'}, awaiting review"
    elif status is Status.APPROVED:
        head = f"approved by {row.reviewed_by or 'someone'}"
    else:
        head = "untranslated"
    flags = json.loads(row.flags or "[]")
    if flags:
        bits.append("flags " + " ".join(flags))
    return head + (": " + ", ".join(bits) if bits else "")


def _newlines_agree(source: str, target: str) -> bool:
    return (source.startswith("\n") == target.startswith("\n")
            and source.endswith("\n") == target.endswith("\n"))


def entry_for(row: CatalogRow, lang: str | None) -> PoEntry:
    """The PO entry of one unit (lang None: the template entry, no translation)."""
    refs, extra = _reference(row.source_file)
    place = f"{row.article}, {row.kind} {row.position + 1}"
    if lang is None:
        return PoEntry(msgid=row.source_text, msgctxt=row.unit_id, notes=(place, *extra),
                       references=refs)
    text = row.text if row.text is not None else (row.suggestion or "")
    flags = tuple(po_flags(row.status)) if text else ()  # empty msgstr: untranslated, not fuzzy
    notes = [place, *extra, provenance(row), f"{REVISION_NOTE} {row.revision}"]
    if text and not flags and not _newlines_agree(row.source_text, text):
        # msgfmt --check rejects a checked entry whose leading/trailing newlines differ.
        flags = ("fuzzy",)
        notes.append("fuzzy because its leading or trailing newlines differ from the source")
    previous = None
    if "fuzzy" in flags and row.source_before is not None and row.source_before != row.source_text:
        previous = row.source_before  # only fuzzy entries may carry #| (gettext's rule)
    if row.suggestion_meta and row.suggestion and row.suggestion != text:
        notes.append(f"machine suggestion for the new source: {row.suggestion}")
    return PoEntry(msgid=row.source_text, msgstr=text, msgctxt=row.unit_id, notes=tuple(notes),
                   references=refs, flags=flags, previous_msgid=previous)


def export_catalogs(
    store: Store,
    langs: Sequence[str],
    out: Path,
    *,
    project: str,
    progress: Callable[[int], None] | None = None,
) -> list[ExportResult]:
    """Write `<out>/<lang>/LC_MESSAGES/articles.po` per language and `<out>/articles.pot`."""
    pot_date = _po_date(latest_change(store, None))
    results = [_write_template(store, out, project, pot_date)]
    for lang in langs:
        results.append(_write_catalog(store, lang, out, project, pot_date))
        if progress:
            progress(1)
    return results


def _write_template(store: Store, out: Path, project: str, pot_date: str) -> ExportResult:
    rows = list(export_rows(store, None))
    entries = [entry_for(r, None) for r in rows]
    path = template_path(out)
    header = _header(project, None, pot_date, pot_date, None)
    write_atomic(path, _encode(header, entries, f"Template of the {DOMAIN} of {project}"))
    log.info("wrote %s (%d entries)", path, len(entries))
    return ExportResult(None, path, len(entries), 0, 0, len(entries))


def _write_catalog(store: Store, lang: str, out: Path, project: str,
                   pot_date: str) -> ExportResult:
    rows = list(export_rows(store, lang))
    entries = [entry_for(r, lang) for r in rows]
    people = [(r.updated_at or "", r.reviewed_by or r.translated_by) for r in rows
              if r.status in (Status.TRANSLATED, Status.APPROVED)]
    last = max(people)[1] if people else None
    given = [exports.Out(r.unit_id, r.revision, e.msgstr, bool(e.flags), r.updated_at)
             for r, e in zip(rows, entries, strict=True)]
    as_of = exports.snapshot_of(given)
    header = [*_header(project, lang, pot_date, _po_date(latest_change(store, lang)), last),
              (AS_OF_HEADER, as_of)]
    path = catalog_path(out, lang)
    note = (f"{languages.english_name(lang)} translation of the {DOMAIN} of {project}. Entries "
            "marked fuzzy are machine output or out of date; remove the fuzzy flag when checked.")
    data = _encode(header, entries, note)
    # Recorded before the file is in place, so an import finds what the file was given
    # whatever moment a kill comes: a record no file names is harmless, the reverse is not.
    exports.record(store, FORMAT, lang, as_of, given)
    write_atomic(path, data)
    fuzzy = sum(1 for e in entries if e.flags)
    done = sum(1 for e in entries if e.msgstr and not e.flags)
    log.info("wrote %s (%d entries)", path, len(entries))
    return ExportResult(lang, path, len(entries), fuzzy, done, len(entries) - fuzzy - done)


def _encode(header: list[tuple[str, str]], entries: Iterable[PoEntry], comment: str) -> bytes:
    return render(header, entries, comments=(comment,)).encode("utf-8")
