"""An export worker's single read: the same counts and dates as the policy's and dates' queries."""

from __future__ import annotations

from pipeline import corrections
from pipeline.models import FLAG_TEST_MODEL
from pipeline.states import Action
from pipeline.store import Store
from pipeline.store import editions as rows
from pipeline.store import mt as store_mt
from pipeline.store import translations as tr
from pipeline.store.articles import load_article
from pipeline.store.edition_stream import iter_tallied
from pipeline.store.mt import MachineResult
from pipeline.workspace import Settings
from tests.factories import add_article, publish_and_edit

PARTS = [("title", "Bridge approved"), ("paragraph", "Ten councillors voted for it."),
         ("paragraph", "Work starts in June.")]
FA = ["پل تصویب شد", "ده عضو شورا به آن رأی دادند.", "کار در خرداد آغاز می‌شود."]


def _varied(store: Store) -> None:
    """Articles in every state the counts tell apart: approved, corrected with a suggestion and a
    note, added paragraphs, test-model machine text, blank and space-only text, no units."""
    edited = publish_and_edit(store, "bridge", PARTS, "fa", FA,
                              {PARTS[1][1]: "Eleven councillors voted for it."})
    unit = edited[PARTS[1][1]]
    store_mt.write_machine(store, [MachineResult(unit, "fa", "یازده", origin="mt",
                                                 engine="ctranslate2")], who="machine")
    corrections.add_note(store, "bridge", "The vote was on Tuesday.", langs=("fa",), who="ed")
    note = corrections.add_note(store, "bridge", "Later news.", langs=("fa",), who="ed",
                                label="update")
    tr.change(store, note.unit_id, "fa", Action.EDIT, who="mina", text="خبر", origin="human")
    tr.change(store, note.unit_id, "fa", Action.APPROVE, who="reza")
    add_article(store, "placeholder", PARTS)
    for u in load_article(store, "placeholder").units:
        tr.change(store, u.id, "ar", Action.MACHINE, who=None, text="نص", origin="mt",
                  flags=[FLAG_TEST_MODEL])
        tr.change(store, u.id, "sq", Action.EDIT, who="ana", text=" ", origin="human",
                  flags=[FLAG_TEST_MODEL])
    add_article(store, "empty", [])


def test_the_stream_counts_and_dates_as_the_grouped_queries_do(workspace: Settings,
                                                              store: Store) -> None:
    _varied(store)
    metas = rows.articles(store)
    langs = ("fa", "ar")  # a run of some languages: counts are for every target all the same
    source = {slug: per[workspace.source]
              for slug, per in rows.article_dates(store, workspace.source, ()).items()}
    tallies = rows.tallies(store, workspace.targets)
    dates = rows.article_dates(store, workspace.source, langs)
    contents = {c.meta.slug: c for c in rows.iter_contents(store, metas, langs)}
    read = {t.content.meta.slug: t for t in iter_tallied(store, metas, langs, workspace.targets,
                                                         source, span=False)}
    assert set(read) == set(contents) == {"bridge", "placeholder"}
    for slug, t in read.items():
        assert t.tallies == tallies[slug]
        assert t.dates == {lang: d for lang, d in dates[slug].items() if lang in langs}
        assert t.content == contents[slug]
    bridge = read["bridge"].tallies["fa"]
    assert bridge.pending_by_status and bridge.suggested_by_status and bridge.notes_by_status
    assert read["placeholder"].tallies["ar"].test_model_by_status
    assert read["placeholder"].tallies["sq"].empty_by_status
    assert read["bridge"].dates["fa"].updated is not None
