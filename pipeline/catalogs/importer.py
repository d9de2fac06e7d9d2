"""PO import: a translator's edits come back as human actions, one transaction per file.

Every file is checked before anything is applied, so a malformed file changes nothing. An entry
whose msgid is no longer its unit's source, or whose translation a person changed in the
database after the export, is a conflict: reported, never applied.
"""

from __future__ import annotations

import gc
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.catalogs.export import REVISION_NOTE
from pipeline.catalogs.pofile import CheckedPo, check_po
from pipeline.catalogs.strict import Entry
from pipeline.errors import InputError, UsageError
from pipeline.states import Action, Status
from pipeline.store import Store
from pipeline.store import translations as tr
from pipeline.store.catalog import ImportTarget, bulk_cache, import_targets

log = logging.getLogger(__name__)

_REVISION = re.compile(re.escape(REVISION_NOTE) + r" (\d+)$")
_DONE = {False: {Status.TRANSLATED, Status.APPROVED}, True: {Status.APPROVED}}


@dataclass(frozen=True)
class Conflict:
    """An entry that was not applied, and why."""

    line: int
    unit_id: str | None
    reason: str


@dataclass(frozen=True)
class ImportResult:
    """What importing one file did."""

    path: Path
    lang: str
    imported: int  # edits applied (status translated, or approved with --approve)
    approved: int
    skipped: int  # fuzzy, empty, obsolete or unchanged entries
    conflicts: tuple[Conflict, ...] = ()
    held: tuple[Conflict, ...] = field(default=())  # edited but not approved (four-eyes rule)


def file_language(checked: CheckedPo, targets: Sequence[str]) -> str:
    """The target language a PO file is for, from its Language header."""
    lang = (checked.language or "").replace("-", "_")
    if not lang:
        raise InputError("no Language in the PO header (is this the .pot template?); cannot "
                         "tell which language the translations are in", path=checked.path,
                         line=checked.entries[0].line)
    if lang not in targets and lang.split("_")[0] in targets:
        lang = lang.split("_")[0]  # Poedit may have set a regional variant such as fa_IR
    if lang not in targets:
        raise InputError(f"the file is for language {lang!r}, which is not a target of this "
                         f"workspace ({', '.join(targets)})", path=checked.path,
                         line=checked.entries[0].line)
    return lang


def _exported_revision(entry: Entry) -> int | None:
    for note in entry.notes:
        if not note.startswith(REVISION_NOTE):  # cheap test first: most notes are not it
            continue
        m = _REVISION.match(note)
        if m:
            return int(m.group(1))
    return None


def _conflict(entry: Entry, target: ImportTarget | None) -> str | None:
    if entry.msgctxt is None:
        return "no msgctxt, so no unit to apply it to (was the file exported by pipeline?)"
    if target is None:
        return f"unit {entry.msgctxt} is not in the database"
    if target.obsolete:
        return "the unit is no longer in its article (the article was re-extracted)"
    if entry.msgid_plural is not None:
        return "plural entries do not belong to any unit"
    if entry.msgid != target.source_text:
        return "the English source changed since the export; export again and redo this entry"
    return None


def import_files(
    store: Store,
    paths: Sequence[Path],
    *,
    targets: Sequence[str],
    who: str | None,
    approve: bool = False,
    four_eyes: bool = False,
    progress: Callable[[int], None] | None = None,
) -> list[ImportResult]:
    """Check every file, then apply each in its own transaction; returns one result per file."""
    if approve and not who:
        raise UsageError("--approve needs a reviewer name: pass --reviewer NAME or set "
                         "PIPELINE_REVIEWER")
    with _cycle_collector_paused():
        checked = [check_po(p) for p in paths]
        langs = [file_language(c, targets) for c in checked]
        return [_apply(store, c, lang, who=who, approve=approve, four_eyes=four_eyes,
                       progress=progress) for c, lang in zip(checked, langs, strict=True)]


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while the entries and writes of big files are built.

    An import allocates several objects per entry and none of them form cycles, yet the
    collector keeps re-scanning them all (about 12% of a 100k-entry import). Reference counting
    still frees everything; the collector's previous state is restored, also on errors.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _apply(store: Store, checked: CheckedPo, lang: str, *, who: str | None, approve: bool,
           four_eyes: bool, progress: Callable[[int], None] | None) -> ImportResult:
    entries = [e for e in checked.entries[1:]]
    imported = approved = skipped = 0
    conflicts: list[Conflict] = []
    held: list[Conflict] = []
    planned: list[tr.Change] = []
    detail = {"file": checked.path.name}
    with bulk_cache(store), store.transaction():
        found = import_targets(store, lang, [e.msgctxt for e in entries if e.msgctxt])
        missing = [t.unit_id for t in found.values() if t.status is None and not t.obsolete]
        if missing:
            tr.ensure_rows(store, [lang], missing)
            found.update(import_targets(store, lang, missing))
        for n, e in enumerate(entries, 1):
            if progress and n % 1000 == 0:
                progress(1000)
            if e.obsolete:
                skipped += 1
                continue
            target = found.get(e.msgctxt) if e.msgctxt else None
            why = _conflict(e, target)
            if why is not None:
                conflicts.append(Conflict(e.line, e.msgctxt, why))
                continue
            assert target is not None and target.status is not None
            text = e.msgstr[0]
            status = target.status  # a str; Status is a StrEnum, so members compare equal
            if e.fuzzy or not text or (text == target.text and status in _DONE[approve]):
                skipped += 1
                continue
            exported = _exported_revision(e)
            if (exported is not None and target.revision > exported and text != target.text
                    and status not in (Status.MACHINE, Status.UNTRANSLATED)):
                conflicts.append(Conflict(e.line, e.msgctxt, (
                    f"a person changed this translation in the database after the export "
                    f"(revision {target.revision}, the file has {exported}); export again")))
                continue
            revision, writer = target.revision, target.translated_by
            where = {**detail, "line": e.line}
            if text != target.text or status not in _DONE[False]:
                planned.append(tr.Change(target.unit_id, lang, Action.EDIT, who=who, text=text,
                                         expected_revision=revision, detail=where,
                                         fields={"origin": "po", "translated_by": who}))
                revision, writer = revision + 1, who
                imported += 1
            if approve:
                if four_eyes and writer == who:
                    held.append(Conflict(e.line, e.msgctxt, "not approved: the four-eyes rule "
                                         "forbids approving text you wrote"))
                    continue
                planned.append(tr.Change(target.unit_id, lang, Action.APPROVE, who=who,
                                         expected_revision=revision, detail=where,
                                         fields={"reviewed_by": who}))
                approved += 1
        tr.change_many(store, planned)  # the store's compare-and-set write, with events
    log.info("imported %s: %d edits, %d approved, %d skipped, %d conflicts", checked.path,
             imported, approved, skipped, len(conflicts))
    return ImportResult(checked.path, lang, imported, approved, skipped, tuple(conflicts),
                        tuple(held))
