"""Checking the workspace database: completeness, thresholds, findings, suppressions, glossary."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline.checks.run import build_options, run_database
from pipeline.errors import NotFound, UsageError
from pipeline.ids import unit_id
from pipeline.states import Action
from pipeline.store import Store
from pipeline.store import checks as queries
from pipeline.store import translations as tr
from pipeline.workspace import Settings
from tests.factories import add_article

PARTS = [
    ("title", "Talks resume in Geneva"),
    ("paragraph", "In 1988 the war ended after eight years."),
    ("paragraph", "Read the report at https://example.org/report."),
    ("paragraph", "The minister did not comment."),
]


def _uid(slug: str, text: str) -> str:
    return unit_id(slug, text, 0)


@pytest.fixture
def filled(store: Store) -> Store:
    add_article(store, "talks", PARTS)
    fa = {
        PARTS[0][1]: ("مذاکرات در ژنو از سر گرفته شد", Action.APPROVE),
        PARTS[1][1]: ("در سال ۱۹۸۷ جنگ پس از هشت سال پایان یافت.", Action.EDIT),  # wrong year
        PARTS[2][1]: ("گزارش را در https://example.org/report بخوانید.", Action.MACHINE),
    }
    for source, (text, action) in fa.items():
        uid = _uid("talks", source)
        tr.change(store, uid, "fa", Action.MACHINE, who="mt", text=text)
        if action is Action.APPROVE:
            tr.change(store, uid, "fa", Action.APPROVE, who="ana")
        elif action is Action.EDIT:
            tr.change(store, uid, "fa", Action.EDIT, who="ana", text=text)
    return store


def test_completeness_counts_units_and_words_by_status(workspace: Settings, filled: Store) -> None:
    report = run_database(workspace, build_options(workspace, langs=("fa", "sq")))
    fa, sq = report.languages
    assert fa.completeness.units["approved"] == 1
    assert fa.completeness.units["translated"] == 1
    assert fa.completeness.units["machine"] == 1
    assert fa.completeness.units["untranslated"] == 1
    assert fa.completeness.total_words == sum(len(t.split()) for _, t in PARTS)
    assert fa.completeness.approved_percent == 25.0
    assert fa.completeness.translated_percent == 50.0  # machine does not count
    assert sq.completeness.units["untranslated"] == 4 and sq.completeness.translated_percent == 0
    assert fa.checked == 3 and sq.checked == 0


def test_wrong_year_is_an_error_finding_with_its_unit(workspace: Settings, filled: Store) -> None:
    report = run_database(workspace, build_options(workspace, langs=("fa",)))
    [finding] = [f for f in report.languages[0].findings if f.check_id == "numbers"]
    assert finding.unit_id == _uid("talks", PARTS[1][1])
    assert finding.article == "talks" and finding.severity == "error"
    assert "1988" in finding.message
    assert not report.passed and report.exit_code == 1


def test_thresholds_from_flags_and_toml(workspace: Settings, filled: Store) -> None:
    opts = build_options(workspace, langs=("fa",), min_approved=25)
    report = run_database(workspace, replace(opts, disabled=("numbers",)))
    assert report.passed
    report = run_database(workspace, replace(opts, disabled=("numbers",), min_approved=26))
    assert [(lang, t.kind) for lang, t in report.failed_thresholds] == [("fa", "approved")]
    ws = replace(workspace, min_translated_by_lang={"fa": 60.0}, disabled_checks=("numbers",))
    report = run_database(ws, build_options(ws, langs=("fa",)))
    assert [t.kind for _, t in report.failed_thresholds] == ["translated"]
    # A flag replaces the per-language setting.
    report = run_database(ws, build_options(ws, langs=("fa",), min_translated=50))
    assert report.passed


def test_suppression_with_reason_moves_finding_aside(workspace: Settings, filled: Store) -> None:
    uid = _uid("talks", PARTS[1][1])
    queries.add_suppression(filled, uid, "fa", "numbers", "the edition counts differently", "ana")
    report = run_database(workspace, build_options(workspace, langs=("fa",)))
    result = report.languages[0]
    assert not [f for f in result.findings if f.check_id == "numbers"]
    assert [f.extra["reason"] for f in result.suppressed] == ["the edition counts differently"]
    assert report.passed
    assert queries.remove_suppression(filled, uid, "fa", "numbers")
    assert not run_database(workspace, build_options(workspace, langs=("fa",))).passed


def test_suppressing_an_unknown_unit_is_not_found(filled: Store) -> None:
    with pytest.raises(NotFound):
        queries.add_suppression(filled, "nope", "fa", "numbers", "x", None)


def test_glossary_terms_from_the_database(workspace: Settings, filled: Store) -> None:
    filled.db.table("glossary").insert_all([
        {"term": "Geneva", "lang": "fa", "translation": "ژنو", "do_not_translate": 0},
        {"term": "minister", "lang": "fa", "translation": "وزیر", "do_not_translate": 0},
    ])
    uid = _uid("talks", PARTS[3][1])
    tr.change(filled, uid, "fa", Action.MACHINE, who="mt", text="مقام اظهار نظر نکرد.")
    report = run_database(workspace, build_options(workspace, langs=("fa",)))
    glossary = [f for f in report.languages[0].findings if f.check_id == "glossary"]
    assert [f.unit_id for f in glossary] == [uid]  # Geneva -> ژنو is respected


def test_by_article_reports_each_article(workspace: Settings, filled: Store) -> None:
    add_article(filled, "other", [("title", "Another story here")])
    report = run_database(workspace, build_options(workspace, langs=("fa",), by_article=True))
    articles = {a.article: a for a in report.languages[0].articles}
    assert set(articles) == {"talks", "other"}
    assert articles["other"].approved_percent == 0 and articles["talks"].approved_percent == 25


def test_unknown_disabled_check_is_a_usage_error(workspace: Settings) -> None:
    with pytest.raises(UsageError, match="nonsense"):
        build_options(replace(workspace, disabled_checks=("nonsense",)))


def test_fail_on_warning_fails_on_warnings(workspace: Settings, store: Store) -> None:
    add_article(store, "w", [("title", "Hello world")])
    uid = _uid("w", "Hello world")
    tr.change(store, uid, "fa", Action.MACHINE, who="mt", text="سلام  دنیا")  # double space
    assert run_database(workspace, build_options(workspace, langs=("fa",))).passed
    report = run_database(workspace, build_options(workspace, langs=("fa",), fail_on="warning"))
    assert not report.passed
    with pytest.raises(UsageError):
        build_options(workspace, fail_on="fatal")


def test_rejected_text_is_not_checked_but_counts_as_not_done(workspace: Settings,
                                                            filled: Store) -> None:
    uid = _uid("talks", PARTS[1][1])  # the translation with the wrong year
    tr.change(filled, uid, "fa", Action.REJECT, who="ana", reason="wrong year")
    report = run_database(workspace, build_options(workspace, langs=("fa",)))
    fa = report.languages[0]
    assert not [f for f in fa.findings if f.check_id == "numbers"]
    assert fa.completeness.units["rejected"] == 1 and fa.checked == 2


def test_placeholder_model_text_fails_the_check_in_the_database_and_in_po_files(
        workspace: Settings, store: Store) -> None:
    from pipeline.catalogs.export import export_catalogs
    from pipeline.checks.run import run_po
    from pipeline.models import FLAG_TEST_MODEL

    add_article(store, "talks", PARTS[:2])
    placeholder, edited = _uid("talks", PARTS[0][1]), _uid("talks", PARTS[1][1])
    for uid in (placeholder, edited):
        tr.change(store, uid, "fa", Action.MACHINE, who=None, text="کلمات تصادفی تست",
                  flags=[FLAG_TEST_MODEL], origin="mt")
    tr.change(store, placeholder, "fa", Action.APPROVE, who="ana")  # approved, still placeholder
    tr.change(store, edited, "fa", Action.EDIT, who="ana", text="در سال ۱۹۸۸ جنگ پس از هشت سال "
              "پایان یافت.", origin="human")  # a person's words: no longer placeholder text
    options = build_options(workspace, langs=("fa",))
    report = run_database(workspace, options)
    found = [f.unit_id for f in report.languages[0].findings if f.check_id == "test_model"]
    assert found == [placeholder] and report.exit_code == 1
    export_catalogs(store, ["fa"], workspace.locales, project="newsroom")
    po = run_po([workspace.locales], options)
    assert [f.unit_id for f in po.languages[0].findings if f.check_id == "test_model"] == [
        placeholder]


def test_a_suppression_reason_with_control_characters_is_refused(filled: Store) -> None:
    from pipeline.errors import InputError

    uid = _uid("talks", PARTS[1][1])
    with pytest.raises(InputError, match="U[+]0001"):
        queries.add_suppression(filled, uid, "fa", "numbers", "Solar\x01Hijri", "ana")
    assert queries.suppressions(filled, ["fa"]) == {}
