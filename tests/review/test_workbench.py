"""The one-unit screen's data: diffs, glossary marks, suggestions, history, comments, checks."""

from __future__ import annotations

import pytest

from pipeline.checks.live import checker, load_glossary
from pipeline.checks.run import CheckOptions
from pipeline.errors import NotFound, UsageError
from pipeline.review import actions, comments
from pipeline.review.history import describe, unit_history
from pipeline.review.workbench import mark_terms, unit_view, word_diff
from pipeline.store import Store
from pipeline.store import translations as tr
from tests.factories import add_article
from tests.review.helpers import article_with_mt


def _view(store: Store, uid: str, lang: str = "fa", text: str | None = None):  # type: ignore[no-untyped-def]
    return unit_view(store, uid, lang, source_lang="en",
                     check=checker(store, lang, CheckOptions()),
                     contains=load_glossary(store, lang).contains, text=text)


def test_word_diff_marks_changed_words_and_keeps_every_character() -> None:
    old, new = "The mayor met <b>them</b> on Monday.", "The new mayor met them on Tuesday."
    segs = word_diff(old, new)
    assert "".join(s.text for s in segs if s.kind != "added") == old
    assert "".join(s.text for s in segs if s.kind != "removed") == new
    assert ("removed", "Monday") in [(s.kind, s.text) for s in segs]
    assert word_diff(None, "x")[0].kind == "added"


def test_terms_are_marked_in_the_source_whatever_the_case_and_spacing(store: Store) -> None:
    from pipeline.review.workbench import Term

    segs = mark_terms("The European  Union and the union.",
                      [Term("European Union", "اتحادیه اروپا", False, False)])
    assert [(s.kind, s.text, s.note) for s in segs][1] == ("term", "European  Union",
                                                            "اتحادیه اروپا")
    assert "".join(s.text for s in segs) == "The European  Union and the union."


def test_view_has_context_terms_suggestions_and_findings(store: Store) -> None:
    store.db["glossary"].insert({"term": "Tehran", "lang": "fa", "translation": "تهران",
                                 "do_not_translate": 0})
    ids = article_with_mt(store, "a1", ["Before.", "Talks in Tehran in 1988.", "After."])
    v = _view(store, ids[2])
    assert v.item.title == "Title of a1"
    assert v.previous and v.previous["source"] == "Before."
    assert v.next and v.next["source"] == "After."
    assert [(t.term, t.translation, t.used) for t in v.terms] == [("Tehran", "تهران", False)]
    assert [s.kind for s in v.source] == ["text", "term", "text"]
    assert {f.check_id for f in v.findings} >= {"numbers", "glossary"}
    draft = _view(store, ids[2], text="گفتگوها در تهران در ۱۹۸۸.")
    assert not {"numbers", "glossary"} & {f.check_id for f in draft.findings}
    assert draft.terms[0].used
    actions.edit(store, ids[2], "fa", "گفتگوها در تهران در ۱۹۸۸.", who="ana")
    after = _view(store, ids[2])
    assert [(s.origin, s.text) for s in after.suggestions] == [("machine", f"ماشین {ids[2][:6]}")]
    assert after.history[0].action == "edit" and after.history[0].diff
    with pytest.raises(NotFound):
        _view(store, "nope")


def test_changed_source_shows_the_old_english_and_its_diff(store: Store) -> None:
    ids = article_with_mt(store, "a1", ["The council met on Monday to talk."])
    add_article(store, "a1", [("title", "Title of a1"),
                              ("paragraph", "The council met on Tuesday to talk.")], langs=("fa",))
    new_id = store.conn.execute("SELECT replaced_by FROM units WHERE id = ?",
                                (ids[1],)).fetchone()[0]
    v = _view(store, new_id)
    assert v.item.status == "stale"
    assert v.old_source == "The council met on Monday to talk."
    assert [(s.kind, s.text) for s in v.source_diff if s.kind != "same"] == [
        ("removed", "Monday"), ("added", "Tuesday")]
    assert ("earlier", f"ماشین {ids[1][:6]}") not in [(s.origin, s.text) for s in v.suggestions]


def test_comments_are_events_in_the_history_and_change_nothing(store: Store) -> None:
    ids = article_with_mt(store, "a1", ["One."])
    before = tr.get(store, ids[1], "fa")
    made = comments.add(store, ids[1], "fa", "  Is «Mr» right here? <script>x</script> ",
                        who="ana")
    assert made["text"] == "Is «Mr» right here? <script>x</script>"
    after = tr.get(store, ids[1], "fa")
    assert (after.revision, after.status, after.text) == (before.revision, before.status,
                                                          before.text)
    assert [c["who"] for c in comments.thread(store, ids[1], "fa")] == ["ana"]
    assert comments.thread(store, ids[1], "ar") == []
    history = unit_history(store, ids[1], "fa")
    assert history[-1]["action"] == "comment"
    assert "comment" in describe(history[-1]) and "(on machine)" in describe(history[-1])
    view = _view(store, ids[1])
    assert view.comments[0]["text"].startswith("Is «Mr»")
    assert view.history[0].note == made["text"]


@pytest.mark.parametrize("text, message", [
    ("   ", "empty"), ("x" * 5000, "characters long"), ("a\x00b", "control characters")])
def test_bad_comments_are_refused(store: Store, text: str, message: str) -> None:
    ids = article_with_mt(store, "a1", ["One."])
    with pytest.raises(UsageError, match=message):
        comments.add(store, ids[1], "fa", text, who="ana")
    with pytest.raises(NotFound):
        comments.add(store, "nope", "fa", "hi", who="ana")
    assert comments.thread(store, ids[1], "fa") == []
