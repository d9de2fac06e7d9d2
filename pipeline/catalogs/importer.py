"""PO import: a translator's edits come back as human actions, one transaction per file.

Every file is checked before anything is applied, so a malformed file changes nothing. An entry
whose msgid is no longer its unit's source, whose translation a person changed in the database
after the export, or whose unit another person has claimed, is a conflict: reported, never
applied. What the export gave out comes from the store (`store.exports`), so files that went
through msgmerge, msgcat, pomerge or Poedit are judged the same way.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.catalogs.bulk import LineDetail, cycle_collector_paused
from pipeline.catalogs.export import AS_OF_HEADER, FORMAT, REVISION_NOTE
from pipeline.catalogs.pofile import CheckedPo, check_po
from pipeline.catalogs.strict import Entry
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
from pipeline.states import Action, Status
from pipeline.store import Store, now
from pipeline.store import translations as tr
from pipeline.store.bulk_index import indexes_rebuilt_after
from pipeline.store.catalog import ImportTarget, bulk_cache, import_targets
from pipeline.store.editions import is_placeholder
from pipeline.store.review import claim_refusal, clear_claims
from pipeline.textcheck import check_human_text, find_bad, too_long

log = logging.getLogger(__name__)

_NOTE_PREFIX = REVISION_NOTE + " "
PLACEHOLDER_REASON = ("placeholder text of a random-weight test model, not a translation: not "
                      "imported; write a real translation, or pass --confirm-placeholder")


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
    unfinished: tuple[Conflict, ...] = ()  # changed but still fuzzy: not imported
    placeholder: tuple[Conflict, ...] = ()  # test-model text confirmed unchanged: not imported


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
    """The revision the export's note names (`REVISION_NOTE N`), if the entry kept it."""
    for note in reversed(entry.notes):  # the export writes it after its other notes
        if note.startswith(_NOTE_PREFIX):
            number = note[len(_NOTE_PREFIX):]
            if number.isdecimal():  # what the regex's \d+ accepts, without a match per entry
                return int(number)
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
    confirm_placeholder: bool = False,
    progress: Callable[[int], None] | None = None,
) -> list[ImportResult]:
    """Check every file, then apply each in its own transaction; returns one result per file.

    Each entry is decided three ways (`catalogs.threeway`): what the export gave out (from the
    store's records, not from the file's comments), the database now, and the file.
    `confirm_placeholder` lets an unchanged, un-fuzzied entry confirm placeholder text of a
    random-weight test model (otherwise it is reported and not imported).
    """
    if approve and not who:
        raise UsageError("--approve needs a reviewer name: pass --reviewer NAME or set "
                         "PIPELINE_REVIEWER")
    with cycle_collector_paused():
        checked = [_checked_texts(check_po(p)) for p in paths]
        langs = [file_language(c, targets) for c in checked]
        # Each file's entries as a list `_apply` empties while it writes them; the CheckedPo
        # (which holds them too) is let go first, so a written entry is freed at once.
        files = [(c.path, c.header, list(c.entries[1:])) for c in checked]
        del checked
        return [_apply(store, path, header, entries, lang, who=who, approve=approve,
                       four_eyes=four_eyes, confirm_placeholder=confirm_placeholder,
                       progress=progress)
                for (path, header, entries), lang in zip(files, langs, strict=True)]


def _checked_texts(checked: CheckedPo) -> CheckedPo:
    """The file without its decoded text, once every translation passed the text check every
    input does (controls PO can escape). The entries hold all the import needs; the text is
    the largest single object of a big catalog, held for every file until the last is applied.
    """
    for e in checked.entries[1:]:
        for s in e.msgstr:
            if s and (find_bad(s) is not None or too_long(s)):
                check_human_text(s, what="the translation", path=checked.path, line=e.line)
    return replace(checked, text="")


def _apply(store: Store, path: Path, header: dict[str, str], entries: list[Entry], lang: str,
           *, who: str | None, approve: bool, four_eyes: bool, confirm_placeholder: bool,
           progress: Callable[[int], None] | None) -> ImportResult:
    """Decide and write one file's entries (header excluded) in one transaction.

    `entries` is emptied, and each entry let go once its write is made: SQLite keeps a UTF-8
    copy inside every string it is given, so the texts of written entries held to the end
    would cost a third more memory on a big catalog.
    """
    counts = {"imported": 0, "approved": 0, "skipped": 0}
    conflicts: list[Conflict] = []
    held: list[Conflict] = []
    unfinished: list[Conflict] = []
    placeholder: list[Conflict] = []
    finished: list[str] = []  # units whose claim by `who` the import ends
    edit_fields = {"origin": "po", "translated_by": who}
    approve_fields = {"reviewed_by": who}
    edit_detail = LineDetail(display_path(path.name), edit_fields)
    approve_detail = LineDetail(display_path(path.name), approve_fields)
    ts = now()

    def plan(live: list[tuple[Entry, ImportTarget]],
             bases: dict[str, Given | None]) -> Iterator[tr.Change]:
        """The writes, made as they are decided (so 100k of them are never held at once).

        Entries and their bases are popped: once written, nothing here holds them.
        """
        live.reverse()
        pop, n = live.pop, 0
        for _ in range(len(live)):
            e, target = pop()
            n += 1
            if progress and n % 1000 == 0:
                progress(1000)
            (uid, _, _, db_text, status, revision, writer, origin, flags, claimed_by,
             claim_expires, by_person, rowid, _) = target
            assert status is not None  # a str; Status is a StrEnum, so members compare equal
            text = e.msgstr[0]
            done = "fuzzy" not in e.flags
            verdict, reason, base_is_current = decide(
                bases.pop(uid, None), Current(revision, db_text, status), Incoming(text, done))
            if verdict is Verdict.CONFLICT:
                conflicts.append(Conflict(e.line, uid, reason))
                continue
            if verdict is Verdict.UNFINISHED:
                unfinished.append(Conflict(e.line, uid, reason))
                continue
            edit = verdict is Verdict.APPLY
            approving = approve and done and bool(text) and (
                edit or (base_is_current and status == Status.TRANSLATED))
            if not edit and not approving:
                counts["skipped"] += 1
                continue
            if claimed_by is not None:
                refusal = claim_refusal(uid, lang, claimed_by, claim_expires, who, at=ts)
                if refusal is not None:
                    conflicts.append(Conflict(e.line, uid, refusal.message))
                    continue
                if claimed_by == who:
                    finished.append(uid)
            if (text == db_text and not confirm_placeholder
                    and is_placeholder(tuple(json.loads(flags)), origin)):
                placeholder.append(Conflict(e.line, uid, PLACEHOLDER_REASON))
                continue
            # The row as read in this transaction: change_many need not read it again.
            read: tr.Read | None = tr.Read(status, db_text, revision, by_person, rowid)
            if edit:
                yield tr.Change(uid, lang, Action.EDIT, who, text, revision, None, None,
                                edit_fields, edit_detail(e.line), read)
                revision, writer, read = revision + 1, who, None
                counts["imported"] += 1
            if approving:
                if four_eyes and writer == who:
                    held.append(Conflict(e.line, e.msgctxt, "not approved: the four-eyes rule "
                                         "forbids approving text you wrote"))
                    continue
                yield tr.Change(uid, lang, Action.APPROVE, who, None, revision, None, None,
                                approve_fields, approve_detail(e.line), read)
                counts["approved"] += 1

    with bulk_cache(store), store.transaction():
        # The file's msgids, so the units' sources equal to them are held once, not twice.
        sources = {e.msgctxt: e.msgid for e in entries if e.msgctxt}
        found = import_targets(store, lang, list(sources), sources=sources, given_in=FORMAT)
        missing = [t.unit_id for t in found.values() if t.status is None and not t.obsolete]
        if missing:
            tr.ensure_rows(store, [lang], missing)
            found.update(import_targets(store, lang, missing, sources=sources,
                                        given_in=FORMAT))
        del sources
        live: list[tuple[Entry, ImportTarget]] = []
        bases: dict[str, Given | None] = {}
        rest: list[Named] = []  # entries whose base the export records must tell
        rest_text: dict[str, str | None] = {}  # their database text
        get, add = found.get, live.append
        for e in entries:
            if e.obsolete:
                counts["skipped"] += 1
                continue
            target = get(e.msgctxt) if e.msgctxt else None
            why = _conflict(e, target)
            if why is not None:
                conflicts.append(Conflict(e.line, e.msgctxt, why))
                continue
            assert target is not None
            add((e, target))
            named = _exported_revision(e)
            if named is not None and named == target.revision and target.given is not None:
                bases[target.unit_id] = target.given  # what `resolve_bases` would find
            else:
                rest.append(Named(target.unit_id, named, e.msgstr[0]))
                rest_text[target.unit_id] = target.text
        entries.clear()
        del found
        if rest:
            # Most bases are the database's text: `rest_text` has them held once, not twice.
            bases.update(resolve_bases(store, FORMAT, lang, rest, header.get(AS_OF_HEADER),
                                       rest_text))
        del rest, rest_text
        # The store's compare-and-set write, with events, fed as the entries are decided.
        with indexes_rebuilt_after(store, "translations", tr.WRITTEN, len(live)):
            tr.change_many(store, plan(live, bases))
        clear_claims(store, lang, finished, who)
    imported, approved, skipped = counts["imported"], counts["approved"], counts["skipped"]
    log.info("imported %s: %d edits, %d approved, %d skipped, %d conflicts", path,
             imported, approved, skipped, len(conflicts))
    return ImportResult(path, lang, imported, approved, skipped, tuple(conflicts),
                        tuple(held), tuple(unfinished), tuple(placeholder))
