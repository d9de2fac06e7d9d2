"""Checking PO catalogs without a workspace: statuses, languages, bad files, suppressions."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import polib
import pytest

from pipeline import languages
from pipeline.checks.run import build_options, run_po
from pipeline.errors import InputError, UsageError


def write_po(path: Path, entries: list[dict[str, object]], lang: str | None = "fa") -> Path:
    """A valid catalog written by polib, the reference writer."""
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "MIME-Version": "1.0"}
    if lang:
        po.metadata["Language"] = lang
        po.metadata["Plural-Forms"] = languages.plural_forms(lang)
    for fields in entries:
        po.append(polib.POEntry(**fields))  # type: ignore[arg-type]
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))
    return path


FA_ENTRIES: list[dict[str, object]] = [
    {"msgid": "Published on %(date)s", "msgstr": "منتشر شده در %(date)s",
     "occurrences": [("templates/edition.html", "3")]},
    {"msgid": "Contents", "msgstr": "فهرست"},
    {"msgid": "Read in %(language)s", "msgstr": "خواندن به %(language)s", "flags": ["fuzzy"]},
    {"msgid": "Editions", "msgstr": ""},
]


def test_po_statuses_and_completeness(tmp_path: Path) -> None:
    path = write_po(tmp_path / "fa.po", FA_ENTRIES)
    report = run_po([path], build_options(None))
    [fa] = report.languages
    assert fa.lang == "fa"
    assert fa.completeness.units == {**fa.completeness.units, "translated": 2, "machine": 1,
                                     "untranslated": 1}
    # In PO a non-fuzzy entry counts as approved: PO has no separate approval.
    assert fa.completeness.approved_percent == 50.0
    assert fa.completeness.translated_percent == 50.0
    assert fa.findings == () and report.passed


def test_threshold_fails_on_untranslated_entries(tmp_path: Path) -> None:
    path = write_po(tmp_path / "fa.po", FA_ENTRIES)
    report = run_po([path], build_options(None, min_translated=100))
    assert not report.passed
    assert [(lang, t.kind, t.actual) for lang, t in report.failed_thresholds] == [
        ("fa", "translated", 50.0)]


def test_directory_is_searched_and_language_read_from_path(tmp_path: Path) -> None:
    write_po(tmp_path / "locales/fa/LC_MESSAGES/messages.po", FA_ENTRIES[:2], lang=None)
    write_po(tmp_path / "locales/sq/LC_MESSAGES/messages.po",
             [{"msgid": "Contents", "msgstr": "Përmbajtja"},
              {"msgid": "Read the report now, please.", "msgstr": "Read the report now, please."}],
             lang="sq")
    report = run_po([tmp_path / "locales"], build_options(None))
    assert [r.lang for r in report.languages] == ["fa", "sq"]
    sq = report.languages[1]
    [finding] = sq.findings
    assert finding.check_id == "same_as_source"
    sq_file = tmp_path / "locales/sq/LC_MESSAGES/messages.po"
    line = sq_file.read_text().splitlines().index('msgid "Read the report now, please."') + 1
    assert finding.extra["where"] == f"{sq_file}:{line}"
    report = run_po([tmp_path / "locales"], build_options(None, langs=("fa",)))
    assert [r.lang for r in report.languages] == ["fa"] and report.passed


def test_plural_forms_are_each_checked(tmp_path: Path) -> None:
    path = write_po(tmp_path / "ar.po", [{
        "msgid": "%d article", "msgid_plural": "%d articles",
        "msgstr_plural": {0: "%d مقالة", 1: "مقالتان", 2: "%d مقالات", 3: "%d مقالة",
                          4: "%d مقالة", 5: ""},
    }], lang="ar")
    [ar] = run_po([path], build_options(None)).languages
    assert ar.completeness.units["untranslated"] == 1  # a missing plural form: not translated
    # The dual form may leave out %d; the empty sixth form is reported once, as empty.
    assert [f.check_id for f in ar.findings] == ["empty"]


def test_suppression_comment_in_the_po_entry(tmp_path: Path) -> None:
    entry = {"msgid": "In 1988.", "msgstr": "در ۱۳۶۷.",
             "tcomment": "ignore-check numbers: the edition uses the Solar Hijri year"}
    [fa] = run_po([write_po(tmp_path / "fa.po", [entry])], build_options(None)).languages
    assert not fa.findings
    assert fa.suppressed[0].extra["reason"] == "the edition uses the Solar Hijri year"
    entry["tcomment"] = "ignore-check numbers"  # no reason: not a suppression
    [fa] = run_po([write_po(tmp_path / "fa.po", [entry])], build_options(None)).languages
    assert [f.check_id for f in fa.findings] == ["numbers"]


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (b'msgid ""\nmsgstr ""\n"Language: fa\\n"\n\nmsgid "Hello"\nmsgstr "unterminated\n', 6),
        (b'msgid ""\nmsgstr ""\n"Language: fa\\n"\n\nmsgid "Hello"\nmsgstr "\xff\xfe"\n', 6),
        (b'msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "b"\nnonsense here\n', 6),
        (b'msgid "a"\nmsgstr "b\x00"\n', 2),
    ],
    ids=["unterminated", "bad-utf8", "junk-line", "binary"],
)
def test_malformed_po_is_an_input_error_with_file_and_line(tmp_path: Path, content: bytes,
                                                           line: int) -> None:
    path = tmp_path / "fa.po"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        run_po([path], build_options(None))
    assert err.value.path == str(path) and err.value.line == line


def test_unknown_language_is_an_input_error(tmp_path: Path) -> None:
    path = write_po(tmp_path / "catalog.po", FA_ENTRIES[:1], lang=None)
    with pytest.raises(InputError, match="Language header"):
        run_po([path], build_options(None))


def test_missing_path_and_empty_directory_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        run_po([tmp_path / "nope"], build_options(None))
    with pytest.raises(UsageError, match="no .po files"):
        run_po([tmp_path], build_options(None))


def test_by_article_groups_by_reference(tmp_path: Path) -> None:
    path = write_po(tmp_path / "fa.po", FA_ENTRIES)
    [fa] = run_po([path], build_options(None, by_article=True)).languages
    assert {a.article for a in fa.articles} == {"templates/edition.html", str(path)}


def test_regional_language_codes_match_their_language(tmp_path: Path) -> None:
    path = write_po(tmp_path / "fa_IR.po", FA_ENTRIES, lang="fa_IR")
    options = build_options(None, langs=("fa",))
    report = run_po([path], options)
    assert [r.lang for r in report.languages] == ["fa_IR"]
    strict = replace(options, min_translated_by_lang={"fa": 60.0})
    assert [t.kind for _, t in run_po([path], strict).failed_thresholds] == ["translated"]


@pytest.mark.parametrize(
    ("lang", "header"),
    [
        ("fa", "nplurals=1; plural=0;"),  # what Babel < 2.19 wrote for Persian
        # Babel 2.18's Arabic: forms 4 and 5 swapped against GNU gettext's order.
        ("ar", "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3"
               " : n%100>=0 && n%100<=2 ? 4 : 5);"),
        ("sq", "nplurals=2; plural=(n > 1);"),
        ("fa", "nplurals=2; plural=n >;"),
    ],
)
def test_changed_plural_forms_header_is_a_warning(tmp_path: Path, lang: str, header: str) -> None:
    path = write_po(tmp_path / f"{lang}.po", [{"msgid": "Contents", "msgstr": "x"}], lang=lang)
    text = path.read_text(encoding="utf-8").replace(languages.plural_forms(lang), header)
    path.write_text(text, encoding="utf-8")
    report = run_po([path], build_options(None))
    [result] = report.languages
    [finding] = [f for f in result.findings if f.check_id == "plural_forms"]
    assert finding.severity == "warning" and finding.lang == lang
    assert finding.extra["where"].startswith(f"{path}:")
    assert report.passed  # a warning: fails only with --fail-on warning
    assert not run_po([path], build_options(None, fail_on="warning")).passed


def test_pinned_plural_forms_written_differently_are_not_flagged(tmp_path: Path) -> None:
    path = write_po(tmp_path / "fa.po", [{"msgid": "Contents", "msgstr": "فهرست"}])
    text = path.read_text(encoding="utf-8").replace("plural=(n > 1);", "plural=n>1;")
    path.write_text(text, encoding="utf-8")
    [fa] = run_po([path], build_options(None)).languages
    assert fa.findings == ()
