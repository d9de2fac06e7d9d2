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
from pathlib import Path

from pipeline.catalogs.importer import (
    PLACEHOLDER_REASON,
    Conflict,
    _cycle_collector_paused,
    _LineDetail,
)
from pipeline.catalogs.threeway import (
    Current,
    Given,
    Incoming,
    Named,
    Verdict,
    decide,
    resolve_bases,
)
from pipeline.errors import UsageError
from pipeline.interchange.inline import masks_lost
from pipeline.interchange.xliff_read import XliffEntry, XliffFile, read_xliff
from pipeline.interchange.xliff_write import FORMAT
from pipeline.states import Action, Status
from pipeline.store import Store, now
from pipeline.store import translations as tr
from pipeline.store.catalog import ImportTarget, bulk_cache, import_targets
from pipeline.store.editions import is_placeholder
from pipeline.store.review import claim_refusal, clear_claims
from pipeline.translate.masking import Masker

log = logging.getLogger(__name__)

#: The origin of translations written by an XLIFF import (a person's work, like "po").
ORIGIN = "xliff"


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


def _conflict(entry: XliffEntry, target: ImportTarget | None) -> str | None:
    if target is None:
        return f"unit {entry.unit_id} is not in the database (was the file exported by pipeline?)"
    if target.obsolete:
        return "the unit is no longer in its article (the article was re-extracted)"
    if entry.source != target.source_text:
        return "the English source changed since the export; export again and redo this unit"
    return None


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
    with _cycle_collector_paused():
        files = [read_xliff(p) for p in paths]
        langs = [f.language(targets, lang) for f in files]
        return [_apply(store, f, code, who=who, masker=maskers[code], approve=approve,
                       four_eyes=four_eyes, confirm_placeholder=confirm_placeholder,
                       progress=progress) for f, code in zip(files, langs, strict=True)]


def _apply(store: Store, xf: XliffFile, lang: str, *, who: str | None, masker: Masker,
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
    edit_detail = _LineDetail(xf.path.name, edit_fields)
    approve_detail = _LineDetail(xf.path.name, approve_fields)
    ts = now()

    def plan(live: list[tuple[XliffEntry, ImportTarget, str]],
             bases: dict[str, Given | None]) -> Iterator[tr.Change]:
        """The writes, made as they are decided (so 100k of them are never held at once)."""
        for n, (e, target, text) in enumerate(live, 1):
            if progress and n % 1000 == 0:
                progress(1000)
            assert target.status is not None
            status = target.status
            verdict, reason, base_is_current = decide(
                bases.get(target.unit_id), Current(target.revision, target.text, status),
                Incoming(text, e.checked))
            if verdict is Verdict.CONFLICT:
                conflicts.append(Conflict(e.line, target.unit_id, reason))
                continue
            if verdict is Verdict.UNFINISHED:
                unfinished.append(Conflict(e.line, target.unit_id, reason.replace(
                    "still fuzzy", "not marked translated").replace(
                    "clear the fuzzy flag", "mark it translated or final")))
                continue
            edit = verdict is Verdict.APPLY
            approving = approve and e.checked and bool(text) and (
                edit or (base_is_current and status == Status.TRANSLATED))
            if not edit and not approving:
                counts["skipped"] += 1
                continue
            lost = masks_lost(target.source_text, text, masker) if edit else None
            if lost is not None:
                refused.append(Conflict(e.line, target.unit_id, lost))
                continue
            if target.claimed_by is not None:
                refusal = claim_refusal(target.unit_id, lang, target.claimed_by,
                                        target.claim_expires, who, at=ts)
                if refusal is not None:
                    conflicts.append(Conflict(e.line, target.unit_id, refusal.message))
                    continue
            if (text == target.text and not confirm_placeholder
                    and is_placeholder(tuple(json.loads(target.flags)), target.origin)):
                placeholder.append(Conflict(e.line, target.unit_id, PLACEHOLDER_REASON))
                continue
            if target.claimed_by is not None and target.claimed_by == who:
                finished.append(target.unit_id)
            revision, writer = target.revision, target.translated_by
            if edit:
                yield tr.Change(target.unit_id, lang, Action.EDIT, who=who, text=text,
                                expected_revision=revision, fields=edit_fields,
                                detail_encoded=edit_detail(e.line))
                revision, writer = revision + 1, who
                counts["imported"] += 1
            if approving:
                if four_eyes and writer == who:
                    held.append(Conflict(e.line, target.unit_id, "not approved: the four-eyes "
                                         "rule forbids approving text you wrote"))
                    continue
                yield tr.Change(target.unit_id, lang, Action.APPROVE, who=who,
                                expected_revision=revision, fields=approve_fields,
                                detail_encoded=approve_detail(e.line))
                counts["approved"] += 1

    with bulk_cache(store), store.transaction():
        found = import_targets(store, lang, [e.unit_id for e in xf.entries])
        missing = [t.unit_id for t in found.values() if t.status is None and not t.obsolete]
        if missing:
            tr.ensure_rows(store, [lang], missing)
            found.update(import_targets(store, lang, missing))
        live: list[tuple[XliffEntry, ImportTarget, str]] = []
        for e in xf.entries:
            target = found.get(e.unit_id)
            why = _conflict(e, target)
            if why is not None:
                conflicts.append(Conflict(e.line, e.unit_id, why))
                continue
            assert target is not None
            if e.target is None:
                counts["skipped"] += 1
                continue
            live.append((e, target, e.target))
        del found
        bases = resolve_bases(store, FORMAT, lang,
                              [Named(t.unit_id, e.revision, text) for e, t, text in live],
                              xf.as_of)
        for _e, t, _text in live:  # most bases are the database's text: hold that string once
            base = bases.get(t.unit_id)
            if base is not None and base.text == t.text and base.text is not t.text:
                bases[t.unit_id] = Given(t.unit_id, base.revision, t.text, base.fuzzy)
        # The store's compare-and-set write, with events, fed as the entries are decided.
        tr.change_many(store, plan(live, bases))
        clear_claims(store, lang, finished, who)
    imported, approved, skipped = counts["imported"], counts["approved"], counts["skipped"]
    log.info("imported %s: %d edits, %d approved, %d skipped, %d conflicts, %d refused",
             xf.path, imported, approved, skipped, len(conflicts), len(refused))
    return XliffImportResult(xf.path, lang, xf.version, imported, approved, skipped,
                             tuple(conflicts), tuple(held), tuple(unfinished),
                             tuple(placeholder), tuple(refused))
