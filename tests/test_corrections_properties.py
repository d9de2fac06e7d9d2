"""Property tests: over random extract/translate/review/note/export sequences, no approved or human
text is ever lost or replaced by a machine, and editions publish only approved text.

The machine step is the translate stage's own store writer (`store.mt.pending_units` then
`write_machine`, what `pipeline translate` commits per batch) with deterministic machine text, so
hundreds of steps run in seconds; the real engine path is walked in tests/corrections/.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from pipeline import corrections
from pipeline.errors import PipelineError
from pipeline.export.publish import ExportOptions, publish
from pipeline.review import actions
from pipeline.states import Action
from pipeline.store import Store, open_store
from pipeline.store import mt as store_mt
from pipeline.store import translations as tr
from pipeline.store.articles import save_article
from pipeline.store.mt import MachineResult
from pipeline.workspace import init
from tests.factories import make_article

#: Each slot of the article has versions close enough to pair as edits of one another.
SLOTS = [
    ("title", ["Council approves the bridge", "Council approves the river bridge"]),
    ("paragraph", ["Ten councillors voted for the plan.", "Eleven councillors voted for the plan.",
                   "Twelve councillors voted for the plan."]),
    ("paragraph", ["Work starts in June and takes a year.",
                   "Work starts in July and takes a year."]),
]
EXTRA = ("paragraph", "The mayor welcomed the decision on Tuesday.")
PEOPLE = ("mina", "reza")
REVIEW = ("approve", "edit", "reject", "confirm", "accept", "revert")
MACHINE_PREFIX = "ماشین: "


class Newsroom(RuleBasedStateMachine):
    """One article in a real workspace, changed at random by extract, machine and people."""

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="corr-prop-"))
        self.settings = init(self.tmp / "ws", "en", ("fa",))
        self.store: Store = open_store(self.settings.database)
        self.extracted = False
        self.counter = 0

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- steps -------------------------------------------------------------------------------

    @rule(versions=st.tuples(*(st.integers(0, len(v) - 1) for _, v in SLOTS)), extra=st.booleans())
    def extract(self, versions: tuple[int, ...], extra: bool) -> None:
        parts = [(kind, texts[i]) for (kind, texts), i in zip(SLOTS, versions, strict=True)]
        if extra:
            parts.append(EXTRA)
        save_article(self.store, make_article("story", parts), ("fa",))
        self.extracted = True

    @precondition(lambda self: self.extracted)
    @rule()
    def translate(self) -> None:
        pending = store_mt.pending_units(self.store, "fa")
        store_mt.write_machine(self.store, [
            MachineResult(u.unit_id, "fa", MACHINE_PREFIX + u.text, origin="mt", engine="test",
                          expected_revision=u.revision) for u in pending], who="machine")

    @precondition(lambda self: self.extracted)
    @rule(pick=st.integers(0, 50))
    def rogue_machine(self, pick: int) -> None:
        """A machine writing straight through the store's one write path, whatever the status."""
        uid = self._unit(pick)
        try:
            tr.change(self.store, uid, "fa", Action.MACHINE, who="machine",
                      text=MACHINE_PREFIX + "rogue", origin="mt")
        except PipelineError:
            pass

    @precondition(lambda self: self.extracted)
    @rule(pick=st.integers(0, 50), action=st.sampled_from(REVIEW), who=st.sampled_from(PEOPLE))
    def review(self, pick: int, action: str, who: str) -> None:
        uid = self._unit(pick)
        self.counter += 1
        try:
            if action == "approve":
                actions.approve(self.store, uid, "fa", who=who)
            elif action == "edit":
                actions.edit(self.store, uid, "fa", f"ترجمهٔ {who} {self.counter}", who=who)
            elif action == "reject":
                actions.reject(self.store, uid, "fa", "not right", who=who)
            elif action == "confirm":
                actions.confirm(self.store, uid, "fa", who=who)
            elif action == "accept":
                actions.accept_suggestion(self.store, uid, "fa", who=who)
            else:
                row = self.store.conn.execute(
                    "SELECT id FROM events WHERE unit_id = ? AND lang = 'fa' AND new_text IS NOT"
                    " NULL ORDER BY id LIMIT 1", (uid,)).fetchone()
                if row:
                    actions.revert(self.store, uid, "fa", row[0], who=who)
        except PipelineError:
            pass  # refused by the rules: fine, as long as nothing changed (checked below)

    @precondition(lambda self: self.extracted)
    @rule()
    def add_note(self) -> None:
        self.counter += 1
        corrections.add_note(self.store, "story", f"Correction number {self.counter}.",
                             langs=("fa",), who="editor")

    @precondition(lambda self: self.extracted)
    @rule(policy=st.sampled_from(("keep_with_notice", "withdraw", "machine_with_notice")))
    def export(self, policy: str) -> None:
        out = self.tmp / "editions"
        publish(replace(self.settings, on_source_change=policy),
                ExportOptions(out=out, langs=("en", "fa"), formats=("json",)))
        page_path = out / "fa" / "story.json"
        if not page_path.exists():
            return
        page = json.loads(page_path.read_text(encoding="utf-8"))
        approved = self._approved_texts()
        for unit in page["units"]:
            if unit["fallback"]:
                assert unit["text"] == unit["source"]
                continue
            if policy == "machine_with_notice" and unit["changed"]:
                continue  # machine text on purpose, with a notice
            assert unit["text"] in approved, ("published text nobody approved", unit)
        for note in page["notes"]:
            assert note["fallback"] or note["text"] in approved
        if page["translation_status"] == "approved":
            assert not any(u["changed"] or u["fallback"] for u in page["units"])

    # -- invariants ---------------------------------------------------------------------------

    @invariant()
    def machine_never_replaces_a_person(self) -> None:
        """Walk the whole history: no machine event touched a row a person wrote or approved."""
        person: dict[tuple[str, str], bool] = {}
        for unit, lang, action, old_text, new_text, detail in self.store.conn.execute(
                "SELECT unit_id, lang, action, old_text, new_text, detail FROM events ORDER BY id"):
            key = (unit, lang)
            if action in ("edit", "revert", "approve", "confirm"):
                person[key] = True
            elif action == "machine":
                assert not person.get(key), ("machine replaced a person's text", unit, old_text)
            elif action == "suggest":
                assert old_text == new_text, "a suggestion changed the text"
            elif action == "source_changed":
                source = json.loads(detail)["from_unit"]
                person[key] = person.get((source, lang), False)

    @invariant()
    def what_was_approved_is_kept(self) -> None:
        approved = self._approved_texts()
        for status, text, published in self.store.conn.execute(
                "SELECT status, text, published_text FROM translations"):
            if published is not None:
                assert published in approved
                assert text is not None  # a row that was published never loses its text
            if status == "approved":
                assert text == published

    def _approved_texts(self) -> set[str]:
        return {t for (t,) in self.store.conn.execute(
            "SELECT new_text FROM events WHERE action IN ('approve', 'confirm')"
            " AND new_text IS NOT NULL")}

    def _unit(self, pick: int) -> str:
        ids = [r[0] for r in self.store.conn.execute(
            "SELECT id FROM units WHERE obsolete = 0 ORDER BY position")]
        return ids[pick % len(ids)]


Newsroom.TestCase.settings = settings(
    max_examples=40, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
test_no_approved_or_human_text_is_lost_or_replaced_by_a_machine = Newsroom.TestCase
