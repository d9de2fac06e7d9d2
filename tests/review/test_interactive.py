"""The `review next` loop, driven by scripted keys against a real store."""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.review import interactive
from pipeline.review.interactive import PDI, RLI, Terminal
from pipeline.store import Store
from pipeline.store import translations as tr
from tests.review.helpers import article_with_mt


def _term(keys: list[str], edits: list[str | None] | None = None) -> tuple[Terminal, list[str]]:
    out: list[str] = []
    answers: Iterator[str] = iter(keys)
    edited = iter(edits or [])

    def ask(prompt: str) -> str:
        try:
            return next(answers)
        except StopIteration:
            raise EOFError from None

    return Terminal(write=out.append, ask=ask, edit=lambda current: next(edited)), out


def test_loop_approves_edits_rejects_and_skips(store: Store) -> None:
    ids = article_with_mt(store, "a1", ["One.", "Two.", "Three."])
    term, out = _term(["a", "e", "x", "r", "", "r", "bad grammar", "s"], edits=["متن من"])
    tally = interactive.run(store, term, lang="fa", source_lang="en", who="ana", minutes=30)
    assert (tally.approved, tally.edited, tally.rejected, tally.skipped) == (1, 1, 1, 1)
    assert [tr.get(store, u, "fa").status for u in ids] == [
        "approved", "translated", "rejected", "machine"]
    assert tr.get(store, ids[1], "fa").text == "متن من"
    assert tr.get(store, ids[2], "fa").reason == "bad grammar"
    assert "nothing left in the queue." in out
    # The skipped unit's claim was given back.
    assert store.conn.execute("SELECT count(*) FROM translations WHERE claimed_by IS NOT NULL"
                              ).fetchone()[0] == 0


def test_screen_shows_context_and_isolates_rtl_text(store: Store) -> None:
    ids = article_with_mt(store, "a1", ["One.", "Two."])
    term, out = _term(["s", "q"])
    interactive.run(store, term, lang="fa", source_lang="en", who="ana", minutes=30)
    screen = out[1]  # the second unit: has a previous and a next paragraph
    assert "Title of a1" in screen and f"unit {ids[1]}" in screen
    assert "previous paragraph" in screen and "next paragraph" in screen and "Two." in screen
    assert f"{RLI}ماشین {ids[1][:6]}{PDI}" in screen
    assert "(fa, right-to-left)" in screen and "(en, left-to-right)" in screen


def test_quit_and_end_of_input_release_the_claim(store: Store) -> None:
    article_with_mt(store, "a1", ["One."])
    for keys in (["q"], []):
        term, _ = _term(keys)
        tally = interactive.run(store, term, lang="fa", source_lang="en", who="ana", minutes=30)
        assert tally.approved == 0
        assert store.conn.execute("SELECT count(*) FROM translations WHERE claimed_by IS NOT"
                                  " NULL").fetchone()[0] == 0


def test_conflict_is_reported_and_the_loop_goes_on(store: Store) -> None:
    ids = article_with_mt(store, "a1", ["One."])
    term, out = _term(["a", "a"])
    # Someone else changes the first unit after it was shown: the shown revision is now old.
    original_render = interactive.render

    def render_then_change(item, ctx, source_lang, **kw):  # type: ignore[no-untyped-def]
        if item.unit_id == ids[0] and item.revision == 1:
            store.conn.execute("UPDATE translations SET revision = revision + 1 WHERE unit_id = ?"
                               " AND lang = 'fa'", (ids[0],))
        return original_render(item, ctx, source_lang, **kw)

    interactive.render = render_then_change  # type: ignore[assignment]
    try:
        tally = interactive.run(store, term, lang="fa", source_lang="en", who="ana", minutes=30)
    finally:
        interactive.render = original_render  # type: ignore[assignment]
    assert tally.failed == 1 and tally.approved == 1
    assert any(line.startswith("not done:") and "changed since you read it" in line
               for line in out)
    assert tr.get(store, ids[0], "fa").status == "machine"


def test_only_right_to_left_text_is_isolated() -> None:
    assert interactive.isolate("مرحبا IAEA 2024", "ar") == f"{RLI}مرحبا IAEA 2024{PDI}"
    assert interactive.isolate("Përshëndetje", "sq") == "Përshëndetje"


def test_screen_counts_what_is_left(store: Store) -> None:
    article_with_mt(store, "a1", ["One.", "Two.", "Three."])
    total = store.conn.execute("SELECT count(*) FROM translations WHERE lang = 'fa'"
                               " AND status = 'machine'").fetchone()[0]
    assert total >= 3
    term, out = _term(["a", "s", "q"])
    interactive.run(store, term, lang="fa", source_lang="en", who="ana", minutes=30)
    screens = [o for o in out if o.startswith("=" * 72)]
    assert f"(about {total - 1} more in the queue)" in screens[0]
    # One approved, one skipped this session: neither is counted again.
    assert f"(about {total - 2} more in the queue)" in screens[1]
    assert f"(about {total - 3} more in the queue)" in screens[2]


def _placeholder(store: Store, uid: str) -> None:
    from pipeline.models import FLAG_MASK_LOST, FLAG_TEST_MODEL
    from pipeline.states import Action

    tr.change(store, uid, "fa", Action.MACHINE, who=None, text="کلمات تصادفی",
              flags=[FLAG_TEST_MODEL, FLAG_MASK_LOST], origin="mt")


def test_placeholder_text_is_flagged_and_approving_it_needs_a_second_key(store: Store) -> None:
    ids = article_with_mt(store, "a1", [])
    _placeholder(store, ids[0])
    term, out = _term(["a", "n", "a", "y"])
    tally = interactive.run(store, term, lang="fa", source_lang="en", who="ana", minutes=30)
    assert "PLACEHOLDER" in out[0] and "flag mask_lost" in out[0]
    assert "not approved; choose again." in out
    assert tally.approved == 1 and tr.get(store, ids[0], "fa").status == "approved"


def test_approving_placeholder_text_needs_explicit_confirmation(store: Store) -> None:
    import pytest

    from pipeline.errors import PolicyError
    from pipeline.review import actions

    ids = article_with_mt(store, "a1", ["One."])
    _placeholder(store, ids[0])
    with pytest.raises(PolicyError, match="placeholder"):
        actions.approve(store, ids[0], "fa", who="ana")
    assert tr.get(store, ids[0], "fa").status == "machine"
    assert actions.approve(store, ids[0], "fa", who="ana", confirm_placeholder=True).status == \
        "approved"
    actions.approve(store, ids[1], "fa", who="ana")  # ordinary machine text: one step, as before


def test_an_edit_with_a_control_character_is_refused_and_the_session_goes_on(
        store: Store) -> None:
    ids = article_with_mt(store, "a1", ["One."])
    term, out = _term(["e", "a"], edits=["متن\x00خراب"])
    tally = interactive.run(store, term, lang="fa", source_lang="en", who="ana", minutes=30)
    assert any("NUL" in line for line in out)
    assert tally.failed == 1 and tally.approved == 1
    assert tr.get(store, ids[0], "fa").text == f"ماشین {ids[0][:6]}"
