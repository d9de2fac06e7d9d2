"""The publishing policy: what each edition shows and the reason it gives for what it holds back."""

from __future__ import annotations

from dataclasses import replace

from pipeline.export.policy import APPROVED, ORIGINAL, PARTIAL, UNREVIEWED, Policy, decide
from pipeline.states import Action
from pipeline.store import translations as tr
from pipeline.store.articles import load_article
from pipeline.store.editions import Tally
from tests.export.conftest import Newsroom


def _published(report, lang):  # type: ignore[no-untyped-def]
    return {d.slug: d.status for d in report.languages[lang].published}


def test_default_publishes_only_fully_approved_articles(newsroom: Newsroom) -> None:
    report = newsroom.export()
    assert _published(report, "fa") == {"budget-vote": APPROVED}
    assert _published(report, "ar") == {"river-clean": APPROVED}
    assert _published(report, "sq") == {}
    assert _published(report, "en") == {"river-clean": ORIGINAL, "budget-vote": ORIGINAL}
    held = {d.slug: d.reason for d in report.languages["fa"].held_back}
    assert "2 machine" in held["river-clean"] and "--include machine" in held["river-clean"]
    assert not (newsroom.out / "fa" / "river-clean.html").exists()
    assert (newsroom.out / "fa" / "budget-vote.html").exists()


def test_include_machine_publishes_unreviewed_text_and_counts_it(newsroom: Newsroom) -> None:
    report = newsroom.export(include_machine=True)
    assert _published(report, "fa") == {"budget-vote": APPROVED, "river-clean": UNREVIEWED}
    assert _published(report, "ar") == {"budget-vote": UNREVIEWED, "river-clean": APPROVED}
    assert report.languages["ar"].placeholder == ["budget-vote"]
    assert report.languages["fa"].placeholder == []
    # sq has one approved unit of two: still short of the default 100 %.
    assert "1 untranslated" in report.languages["sq"].held_back[0].reason


def test_settings_include_machine_is_the_default_and_cli_value_wins(newsroom: Newsroom) -> None:
    newsroom.settings = replace(newsroom.settings, include_machine=True)
    assert "river-clean" in _published(newsroom.export(), "fa")
    assert "river-clean" not in _published(newsroom.export(include_machine=False), "fa")


def test_min_completeness_per_language_publishes_partial_articles(newsroom: Newsroom) -> None:
    newsroom.settings = replace(newsroom.settings, min_completeness_by_lang={"sq": 50})
    report = newsroom.export()
    assert _published(report, "sq") == {"river-clean": PARTIAL}
    page = newsroom.read("sq/river-clean.html")
    assert "Fillon pastrimi i lumit" in page
    # The untranslated paragraph is shown in English and marked as English.
    assert '<p class="paragraph" lang="en" dir="ltr">Volunteers met at dawn by the bridge.</p>' in page
    # fa keeps its default of 100 %.
    assert _published(report, "fa") == {"budget-vote": APPROVED}


def test_stale_and_rejected_text_is_never_published(newsroom: Newsroom) -> None:
    unit = load_article(newsroom.store, "budget-vote").units[1]
    tr.change(newsroom.store, unit.id, "fa", Action.REJECT, who="reza", reason="wrong figures")
    report = newsroom.export(include_machine=True)
    assert "budget-vote" not in _published(report, "fa")
    assert "1 rejected" in report.languages["fa"].held_back[0].reason
    unit = load_article(newsroom.store, "river-clean").units[0]
    tr.change(newsroom.store, unit.id, "ar", Action.SOURCE_CHANGED, who=None)
    report = newsroom.export(include_machine=True)
    assert "river-clean" not in _published(report, "ar")
    assert "1 stale" in report.languages["ar"].held_back[0].reason


def test_withdrawn_article_page_is_removed_on_the_next_run(newsroom: Newsroom) -> None:
    newsroom.export()
    assert (newsroom.out / "fa" / "budget-vote.html").exists()
    unit = load_article(newsroom.store, "budget-vote").units[0]
    tr.change(newsroom.store, unit.id, "fa", Action.REJECT, who="reza", reason="typo")
    report = newsroom.export()
    assert not (newsroom.out / "fa" / "budget-vote.html").exists()
    assert "fa/budget-vote.html" in report.removed
    assert "budget-vote" not in newsroom.read("fa/index.html")


def test_decide_table() -> None:
    strict, lenient = Policy(), Policy(include_machine=True, min_completeness_by_lang={"fa": 50})
    cases = [
        (strict, {"approved": 4}, True, APPROVED),
        (strict, {"approved": 3, "machine": 1}, False, ""),
        (lenient, {"approved": 3, "machine": 1}, True, UNREVIEWED),
        (lenient, {"approved": 1, "translated": 1, "untranslated": 2}, True, PARTIAL),
        (lenient, {"approved": 1, "untranslated": 3}, False, ""),
        (lenient, {"untranslated": 4}, False, ""),
    ]
    for policy, counts, published, status in cases:
        d = decide("a-slug", "fa", Tally(total=4, by_status=counts), policy)
        assert (d.published, d.status) == (published, status), (counts, d)
        assert d.reason


def test_empty_approved_text_does_not_count() -> None:
    d = decide("a", "fa", Tally(total=2, by_status={"approved": 2}, empty_by_status={"approved": 1}),
               Policy())
    assert not d.published and "empty" in d.reason


def test_unsafe_slug_is_held_back_everywhere() -> None:
    d = decide("../etc", "fa", Tally(total=1, by_status={"approved": 1}), Policy())
    assert not d.published and "slug" in d.reason


def test_a_person_editing_test_model_text_clears_the_placeholder_notice(newsroom: Newsroom) -> None:
    from tests.export.conftest import BUDGET_AR, approve

    assert newsroom.export(include_machine=True).languages["ar"].placeholder == ["budget-vote"]
    # Approving placeholder words does not make them a translation: the notice stays.
    for unit in load_article(newsroom.store, "budget-vote").units:
        tr.change(newsroom.store, unit.id, "ar", Action.APPROVE, who="reza")
    report = newsroom.export()
    assert report.languages["ar"].placeholder == ["budget-vote"]
    assert "Placeholder text, not a translation." in newsroom.read("ar/budget-vote.html")
    # A translator rewriting every unit (the flag stays on the row) does.
    approve(newsroom.store, "budget-vote", "ar", BUDGET_AR)
    report = newsroom.export()
    assert report.languages["ar"].placeholder == []
    assert "Placeholder text, not a translation." not in newsroom.read("ar/budget-vote.html")
