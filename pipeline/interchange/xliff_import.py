"""XLIFF import: a translator's or agency's work comes back as human actions, as PO import does.

The rules are the PO import's: every file is read and checked before any is applied, each file
is one transaction, and each unit is decided three ways (`catalogs.threeway`: what our export
gave out, from the store's records; the database now; the file). Conflicts, units another
person has claimed, and targets whose inline codes did not come back intact are reported with
their line and never applied.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any

from pipeline.catalogs.bulk import LineDetail, cycle_collector_paused
from pipeline.catalogs.importer import PLACEHOLDER_REASON, Conflict
from pipeline.catalogs.threeway import (
    Current,
    Given,
    Incoming,
    Named,
    Verdict,
    decide,
    resolve_bases,
)
from pipeline.errors import InputError, UsageError
from pipeline.inputfile import display_path
from pipeline.interchange.inline import masks_lost
from pipeline.interchange.xliff_read import XliffEntry, XliffFile, read_xliff, scan_xliff
from pipeline.interchange.xliff_write import FORMAT
from pipeline.states import Action, Status
from pipeline.store import Store, now
from pipeline.store import translations as tr
from pipeline.store.bulk_index import indexes_rebuilt_once_big
from pipeline.store.catalog import ImportTarget, bulk_cache, import_targets
from pipeline.store.editions import is_placeholder
from pipeline.store.review import claim_refusal, clear_claims
from pipeline.store.staging import CHUNK, Duplicate, Stage, StagedEntry, staging, staging_writes
from pipeline.translate.masking import Masker

log = logging.getLogger(__name__)

#: The origin of translations written by an XLIFF import (a person's work, like "po").
ORIGIN = "xliff"

_APPLY, _CONFLICT, _UNFINISHED = Verdict.APPLY, Verdict.CONFLICT, Verdict.UNFINISHED
_EDIT, _APPROVE = Action.EDIT, Action.APPROVE
#: Builds a named tuple from its fields without its Python-level constructor (per entry).
new = tuple.__new__


@dataclass(frozen=True)
class XliffImportResult:
    """What importing one XLIFF file did."""

    path: Path
    lang: str
    version: str
    imported: int
    approved: int
    skipped: int  # unchanged, empty, or without a target
    conflicts: tuple[Conflict, ...] = ()
    held: tuple[Conflict, ...] = ()  # edited but not approved (four-eyes rule)
    unfinished: tuple[Conflict, ...] = ()  # changed but still marked not done: not imported
    placeholder: tuple[Conflict, ...] = ()
    refused: tuple[Conflict, ...] = field(default=())  # inline codes not intact

    @property
    def problems(self) -> int:
        return len(self.conflicts) + len(self.refused)


def _conflict(entry: XliffEntry | StagedEntry, target: ImportTarget | None) -> str | None:
    if target is None:
        return f"unit {entry.unit_id} is not in the database (was the file exported by pipeline?)"
    if target.obsolete:
        return "the unit is no longer in its article (the article was re-extracted)"
    if entry.source != target.source_text:
        return "the English source changed since the export; export again and redo this unit"
    return None


#: One chunk of a file's entries, each with its unit and translation (None: no such unit) and
#: what our export gave out at the revision the entry names (None: not known from that).
Chunk = Sequence[tuple[XliffEntry | StagedEntry, ImportTarget | None, Given | None]]


def import_xliff(
    store: Store,
    paths: Sequence[Path],
    *,
    targets: Sequence[str],
    who: str | None,
    maskers: dict[str, Masker],
    lang: str | None = None,
    approve: bool = False,
    four_eyes: bool = False,
    confirm_placeholder: bool = False,
    progress: Callable[[int], None] | None = None,
) -> list[XliffImportResult]:
    """Read and check every file, then apply each in its own transaction.

    `lang` is the language of files that do not name their target language.
    """
    if approve and not who:
        raise UsageError("--approve needs a reviewer name: pass --reviewer NAME or set "
                         "PIPELINE_REVIEWER")
    options: dict[str, Any] = dict(who=who, approve=approve, four_eyes=four_eyes,
                   confirm_placeholder=confirm_placeholder, progress=progress)
    with cycle_collector_paused():
        if len(paths) == 1:
            # One file: read, decided and written in one pass, in the one transaction that a
            # bad entry anywhere in the file rolls back whole (nothing of a bad file is
            # applied), so its entries need not be staged first.
            xf, entries = read_xliff(paths[0])
            code = xf.language(targets, lang)
            return [_apply(store, xf, code, _streamed(store, entries, code, xf.path),
                           masker=maskers[code], **options)]
        return _import_staged(store, paths, targets, lang, maskers, options)


def _import_staged(store: Store, paths: Sequence[Path], targets: Sequence[str],
                   lang: str | None, maskers: dict[str, Masker],
                   options: dict[str, Any]) -> list[XliffImportResult]:
    """Several files: every one read and checked (its entries staged, not held) before any
    is applied."""
    with staging(store) as stage:
        files = []
        with staging_writes(stage):
            for n, p in enumerate(paths):
                try:
                    files.append(scan_xliff(p, partial(stage.add, n)))
                    stage.flush()
                except Duplicate as dup:
                    raise InputError(_twice(dup.unit_id, dup.first), path=Path(p),
                                     line=dup.line) from None
        langs = [f.language(targets, lang) for f in files]
        return [_apply(store, f, code, _staged(store, stage, n, code),
                       masker=maskers[code], **options)
                for n, (f, code) in enumerate(zip(files, langs, strict=True))]


def _twice(unit_id: str, first: int) -> str:
    return f"unit id {unit_id!r} appears twice (first on line {first})"


def _staged(store: Store, stage: Stage, file: int, lang: str) -> Iterator[Chunk]:
    """A staged file's chunks (run inside the file's transaction)."""
    missing = stage.missing_rows(file, lang)
    if missing:
        tr.ensure_rows(store, [lang], missing)
    yield from stage.read(file, lang, FORMAT)


def _streamed(store: Store, entries: Iterator[XliffEntry], lang: str,
              path: Path) -> Iterator[Chunk]:
    """A file's chunks as it is read (run inside the file's transaction), each looked up
    by key; a unit id seen twice is an InputError (the transaction then undoes the file)."""
    seen: dict[str, int] = {}  # unit id -> its line
    while chunk := list(islice(entries, CHUNK)):
        for e in chunk:
            first = seen.get(e.unit_id)
            if first is not None:
                raise InputError(_twice(e.unit_id, first), path=path, line=e.line)
            seen[e.unit_id] = e.line
        ids = [e.unit_id for e in chunk]
        found = import_targets(store, lang, ids, given_in=FORMAT, by_key=True)
        missing = [t.unit_id for t in found.values() if t.status is None and not t.obsolete]
        if missing:
            tr.ensure_rows(store, [lang], missing)
            found.update(import_targets(store, lang, missing, given_in=FORMAT, by_key=True))
        out: list[tuple[XliffEntry | StagedEntry, ImportTarget | None, Given | None]] = []
        for e in chunk:
            t = found.get(e.unit_id)
            # What the export gave out at the row's revision is the base of an entry that
            # names that revision; other entries' bases are resolved from the records.
            given = t.given if t is not None and e.revision == t.revision else None
            out.append((e, t, given))
        yield out


def _apply(store: Store, xf: XliffFile, lang: str, chunks: Iterator[Chunk], *,
           who: str | None, masker: Masker,
           approve: bool, four_eyes: bool, confirm_placeholder: bool,
           progress: Callable[[int], None] | None) -> XliffImportResult:
    counts = {"imported": 0, "approved": 0, "skipped": 0}
    conflicts: list[Conflict] = []
    refused: list[Conflict] = []
    held: list[Conflict] = []
    unfinished: list[Conflict] = []
    placeholder: list[Conflict] = []
    finished: list[str] = []
    edit_fields = {"origin": ORIGIN, "translated_by": who}
    approve_fields = {"reviewed_by": who}
    edit_detail = LineDetail(display_path(xf.path.name), edit_fields)
    approve_detail = LineDetail(display_path(xf.path.name), approve_fields)
    ts = now()

    def plan() -> Iterator[tr.Change]:
        """The writes, made a chunk at a time as the entries are decided (so 100k of them are
        never held at once). One loop per entry: a generator per stage cost more than the
        decisions."""
        n = 0
        skipped = imported = approved_n = 0
        for chunk in chunks:
            ok: list[tuple[XliffEntry | StagedEntry, ImportTarget, Given | None]] = []
            unknown: list[Named] = []
            for item in chunk:
                e, target, base = item
                if target is None or target.obsolete or e.source != target.source_text:
                    conflicts.append(Conflict(e.line, e.unit_id, _conflict(e, target) or ""))
                    continue
                if e.target is None:
                    skipped += 1
                    continue
                ok.append(item)  # type: ignore[arg-type]  # target is not None here
                if base is None:
                    unknown.append(Named(e.unit_id, e.revision, e.target))
            if unknown:
                # Entries whose named revision our records do not hold (or that name none, as
                # files converted by other tools have): the other ways of knowing what was
                # given.
                found = resolve_bases(store, FORMAT, lang, unknown, xf.as_of)
                ok = [(e, t, b if b is not None else found.get(e.unit_id)) for e, t, b in ok]
            for e, target, base in ok:
                n += 1
                if n % 500 == 0:
                    wrote(n)
                    if progress and n % 1000 == 0:
                        progress(1000)
                (uid, _, _, now_text, status, revision, writer, origin, flags, claimed_by,
                 claim_expires, by_person, rowid, _) = target
                assert status is not None
                line, text, checked = e.line, e.target, e.checked
                assert text is not None
                verdict, reason, base_is_current = decide(
                    base, new(Current, (revision, now_text, status)),
                    new(Incoming, (text, checked)))
                if verdict is _CONFLICT:
                    conflicts.append(Conflict(line, uid, reason))
                    continue
                if verdict is _UNFINISHED:
                    unfinished.append(Conflict(line, uid, reason.replace(
                        "still fuzzy", "not marked translated").replace(
                        "clear the fuzzy flag", "mark it translated or final")))
                    continue
                edit = verdict is _APPLY
                approving = approve and checked and bool(text) and (
                    edit or (base_is_current and status == Status.TRANSLATED))
                if not edit and not approving:
                    skipped += 1
                    continue
                lost = masks_lost(target.source_text, text, masker) if edit else None
                if lost is not None:
                    refused.append(Conflict(line, uid, lost))
                    continue
                if claimed_by is not None:
                    refusal = claim_refusal(uid, lang, claimed_by, claim_expires, who, at=ts)
                    if refusal is not None:
                        conflicts.append(Conflict(line, uid, refusal.message))
                        continue
                if (text == now_text and not confirm_placeholder
                        and is_placeholder(tuple(json.loads(flags)), origin)):
                    placeholder.append(Conflict(line, uid, PLACEHOLDER_REASON))
                    continue
                if claimed_by is not None and claimed_by == who:
                    finished.append(uid)
                # The row as read in this transaction: change_many need not read it again.
                read: tr.Read | None = new(tr.Read, (status, now_text, revision,
                                                     bool(by_person), rowid))
                if edit:
                    # Built as tuples, as the PO import builds them (keywords and the named
                    # tuple's own constructor cost more per change).
                    yield new(tr.Change, (uid, lang, _EDIT, who, text, revision, None, None,
                                          edit_fields, edit_detail(line), read))
                    revision, writer, read = revision + 1, who, None
                    imported += 1
                if approving:
                    if four_eyes and writer == who:
                        held.append(Conflict(line, uid, "not approved: the four-eyes rule "
                                             "forbids approving text you wrote"))
                        continue
                    yield new(tr.Change, (uid, lang, _APPROVE, who, None, revision, None, None,
                                          approve_fields, approve_detail(line), read))
                    approved_n += 1
        counts.update(imported=imported, approved=approved_n, skipped=skipped)

    with bulk_cache(store), store.transaction():
        # The store's compare-and-set write, with events, fed as the entries are decided; an
        # index most rows move is built once after a big write.
        with indexes_rebuilt_once_big(store, "translations", tr.WRITTEN) as wrote:
            tr.change_many(store, plan())
        clear_claims(store, lang, finished, who)
    # Reported in file order (entries without a base known from the records are decided
    # with their chunk, so the lists are built in order already; sorted to be sure).
    for found_list in (conflicts, refused, held, unfinished, placeholder):
        found_list.sort(key=lambda c: c.line)
    imported, approved, skipped = counts["imported"], counts["approved"], counts["skipped"]
    log.info("imported %s: %d edits, %d approved, %d skipped, %d conflicts, %d refused",
             xf.path, imported, approved, skipped, len(conflicts), len(refused))
    return XliffImportResult(xf.path, lang, xf.version, imported, approved, skipped,
                             tuple(conflicts), tuple(held), tuple(unfinished),
                             tuple(placeholder), tuple(refused))
