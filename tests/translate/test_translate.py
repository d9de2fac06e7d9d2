"""`pipeline translate` end to end on real (random-weight) packages: structure, not wording."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.errors import ModelError, NotFound
from pipeline.models import FLAG_MASK_LOST, FLAG_TEST_MODEL
from pipeline.states import Action
from pipeline.store import Store, events, open_store
from pipeline.store import translations as tr
from pipeline.store.articles import load_article
from pipeline.translate.engine import EngineOptions
from pipeline.translate.masking import protected_spans
from pipeline.translate.run import translate_pending
from pipeline.workspace import Settings, init
from tests.factories import add_article
from tests.translate.conftest import ROOT, run_cli

FAST = EngineOptions(beam=2, batch_size=8, intra_threads=1)

PARTS = [
    ("title", "Council approves the school budget"),
    ("paragraph", "The city council met on Tuesday. It approved money for three new schools."),
    ("paragraph", "Details are at https://example.org/budget and questions go to desk@example.org [1]."),
    ("heading", "What happens next"),
    ("paragraph", "Building starts in spring. The council met on Tuesday."),
]


def _units(store: Store, slug: str) -> list[str]:
    return [u.id for u in load_article(store, slug).units]


def test_every_unit_translated_with_provenance(argos_dir: Path, store: Store) -> None:
    add_article(store, "budget", PARTS)
    report = translate_pending(store, "en", ("fa", "ar", "sq"), options=FAST)
    assert report.written == 3 * len(PARTS)
    assert report.test_model
    for lang in ("fa", "ar", "sq"):
        for uid in _units(store, "budget"):
            t = tr.get(store, uid, lang)
            assert t.status == "machine" and t.origin == "mt" and t.engine == "ctranslate2"
            assert t.text and t.text.strip()
            assert t.package == f"translate-en_{lang}" and t.package_version == "0.0.1"
            assert t.pivot == f"en>{lang}"
            assert isinstance(t.score, float)
            assert FLAG_TEST_MODEL in t.flags
            hist = events.history(store, uid, lang)
            assert [e["action"] for e in hist] == ["machine"]
            assert hist[0]["detail"]["pivot"] == f"en>{lang}"


def test_sentences_are_deduplicated_before_the_model(argos_dir: Path, store: Store) -> None:
    add_article(store, "budget", [*PARTS, ("paragraph", PARTS[1][1])])  # one unit repeated
    report = translate_pending(store, "en", ("fa",), options=FAST)
    assert report.written == len(PARTS) + 1
    # Each unit is one sentence here; the repeat costs nothing, a lost mask costs one retry.
    assert report.sentences == len(PARTS) + report.langs[0].mask_lost
    uids = _units(store, "budget")
    assert tr.get(store, uids[1], "fa").text == tr.get(store, uids[-1], "fa").text


def test_rerun_translates_nothing_and_stale_units_again(argos_dir: Path, store: Store) -> None:
    add_article(store, "budget", PARTS)
    translate_pending(store, "en", ("fa",), options=FAST)
    again = translate_pending(store, "en", ("fa",), options=FAST)
    assert again.written == 0 and again.sentences == 0 and again.model_calls == 0
    uid = _units(store, "budget")[1]
    tr.change(store, uid, "fa", Action.SOURCE_CHANGED, who="extract")
    third = translate_pending(store, "en", ("fa",), options=FAST)
    assert third.written == 1
    assert tr.get(store, uid, "fa").status == "machine"


def test_human_text_is_never_overwritten(argos_dir: Path, store: Store) -> None:
    add_article(store, "budget", PARTS)
    a, b, c = _units(store, "budget")[:3]
    tr.change(store, a, "fa", Action.EDIT, who="mina", text="متن مینا")
    tr.change(store, b, "fa", Action.EDIT, who="mina", text="متن تایید شده")
    tr.change(store, b, "fa", Action.APPROVE, who="reza")
    tr.change(store, c, "fa", Action.EDIT, who="mina", text="رد شده")
    tr.change(store, c, "fa", Action.REJECT, who="reza", reason="wrong name")
    before = {u: tr.get(store, u, "fa") for u in (a, b, c)}
    report = translate_pending(store, "en", ("fa",), options=FAST)
    assert report.written == len(PARTS) - 3
    for u in (a, b, c):
        assert tr.get(store, u, "fa") == before[u]


def test_a_person_s_edit_saved_while_the_model_runs_is_kept(
    argos_dir: Path, store: Store, workspace: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reviewer saves (as the web does, in another connection) after translate read the unit
    and before it writes: the machine's write is refused, the person's text stands."""
    from pipeline.store import mt as store_mt

    add_article(store, "budget", PARTS)
    first = _units(store, "budget")[0]
    real, edited = store_mt.write_batch, []

    def save_first_then_write(*args: object, **kwargs: object) -> int:
        if not edited:
            with open_store(workspace.database) as other:
                tr.change(other, first, "fa", Action.EDIT, who="mina", text="متن مینا")
            edited.append(first)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store_mt, "write_batch", save_first_then_write)
    report = translate_pending(store, "en", ("fa",), options=FAST)
    assert edited and report.langs[0].skipped == 1 and report.written == len(PARTS) - 1
    t = tr.get(store, first, "fa")
    assert (t.text, t.status) == ("متن مینا", "translated")
    assert [e["action"] for e in events.history(store, first, "fa")][-1] == "edit"


def test_translation_memory_fills_without_a_model_call(argos_dir: Path, store: Store) -> None:
    add_article(store, "first", [("title", "Prices rose again"), ("paragraph", "Bread costs more.")])
    uid = _units(store, "first")[0]
    tr.change(store, uid, "fa", Action.EDIT, who="mina", text="قیمت‌ها دوباره بالا رفت")
    tr.change(store, uid, "fa", Action.APPROVE, who="reza")
    # Same source up to folding (case, spaces): a memory hit.
    add_article(store, "second", [("title", "prices  rose AGAIN")])
    report = translate_pending(store, "en", ("fa",), article="second", options=FAST)
    assert report.sentences == 0 and report.model_calls == 0
    t = tr.get(store, _units(store, "second")[0], "fa")
    assert (t.status, t.origin, t.text) == ("machine", "tm", "قیمت‌ها دوباره بالا رفت")
    assert FLAG_TEST_MODEL not in t.flags and t.package is None
    assert not report.test_model


def test_placeholders_restored_or_unit_flagged(argos_dir: Path, store: Store) -> None:
    store.db["glossary"].insert({"term": "Nejat Society", "lang": "*", "do_not_translate": 1})
    parts = [("paragraph", "The Nejat Society wrote to https://example.org/x [2]."),
             ("paragraph", "Mail info@example.org about <b>this</b>.")]
    add_article(store, "masks", parts)
    report = translate_pending(store, "en", ("fa", "ar"), options=FAST)
    assert report.written == 4
    for lang in ("fa", "ar"):
        for uid, (_, text) in zip(_units(store, "masks"), parts, strict=True):
            t = tr.get(store, uid, lang)
            spans = protected_spans(text, ["Nejat Society"])
            assert spans
            restored = all(s in (t.text or "") for s in spans)
            assert restored or FLAG_MASK_LOST in t.flags
            assert "\u27e6" not in (t.text or "")  # no placeholder is ever stored


def test_pivot_through_english_is_recorded(argos_dir: Path, tmp_path: Path) -> None:
    ws = init(tmp_path / "fa-ws", "fa", ("sq", "en"))
    with open_store(ws.database) as store:
        add_article(store, "khabar", [("title", "شورای شهر بودجه را تصویب کرد")], langs=("sq", "en"))
        report = translate_pending(store, "fa", ("sq", "en"), options=FAST)
        assert {r.lang: r.route for r in report.langs} == {"sq": "fa>en>sq", "en": "fa>en"}
        uid = _units(store, "khabar")[0]
        t = tr.get(store, uid, "sq")
        assert t.pivot == "fa>en>sq" and t.package == "translate-fa_en+translate-en_sq"
        assert FLAG_TEST_MODEL in t.flags


def test_missing_route_fails_before_any_work(argos_dir: Path, tmp_path: Path) -> None:
    ws = init(tmp_path / "sq-ws", "sq", ("fa",))
    with open_store(ws.database) as store:
        add_article(store, "lajm", [("title", "Këshilli miratoi buxhetin")], langs=("fa",))
        with pytest.raises(ModelError, match="sq-fa"):
            translate_pending(store, "sq", ("fa",), options=FAST)
        assert tr.get(store, _units(store, "lajm")[0], "fa").status == "untranslated"


def test_missing_route_fails_that_language_only(argos_dir: Path, tmp_path: Path,
                                               runner: CliRunner) -> None:
    from pipeline.translate import packages

    packages.remove("en", "ar")
    ws = init(tmp_path / "ws", "en", ("fa", "ar"))
    with open_store(ws.database) as store:
        add_article(store, "budget", PARTS[:2], langs=("fa", "ar"))
        units = _units(store, "budget")
    result = runner.invoke(app, ["translate", "-w", str(ws.root), "--beam", "1", "--threads", "1"])
    assert result.exit_code == 1, result.output
    assert "error: ar not translated: no installed package translates en-ar" in result.output
    with open_store(ws.database) as store:
        assert {tr.get(store, u, "fa").status for u in units} == {"machine"}
        assert {tr.get(store, u, "ar").status for u in units} == {"untranslated"}


def test_memory_alone_needs_no_route(argos_dir: Path, tmp_path: Path) -> None:
    ws = init(tmp_path / "sq-ws", "sq", ("fa",))
    with open_store(ws.database) as store:
        add_article(store, "lajm", [("title", "Këshilli miratoi buxhetin")], langs=("fa",))
        uid = _units(store, "lajm")[0]
        tr.change(store, uid, "fa", Action.EDIT, who="mina", text="شورا بودجه را تصویب کرد")
        tr.change(store, uid, "fa", Action.APPROVE, who="reza")
        add_article(store, "lajm-2", [("title", "këshilli  miratoi BUXHETIN")], langs=("fa",))
        report = translate_pending(store, "sq", ("fa",), options=FAST)  # no sq-fa route exists
        assert report.written == 1 and report.model_calls == 0
        t = tr.get(store, _units(store, "lajm-2")[0], "fa")
        assert (t.origin, t.text) == ("tm", "شورا بودجه را تصویب کرد")
        add_article(store, "lajm-3", [("title", "Një lajm tjetër")], langs=("fa",))
        with pytest.raises(ModelError, match="sq-fa"):
            translate_pending(store, "sq", ("fa",), options=FAST)


def test_article_and_limit_select_units(argos_dir: Path, store: Store) -> None:
    add_article(store, "budget", PARTS)
    add_article(store, "other", [("title", "Another story"), ("paragraph", "Short text.")])
    report = translate_pending(store, "en", ("fa",), article="other", options=FAST)
    assert report.written == 2
    report = translate_pending(store, "en", ("fa",), limit=2, options=FAST)
    assert report.written == 2
    with pytest.raises(NotFound):
        translate_pending(store, "en", ("fa",), article="nope", options=FAST)


def test_cli_translate_warns_about_test_model_and_json(argos_dir: Path, workspace: Settings,
                                                       store: Store, runner: CliRunner) -> None:
    add_article(store, "budget", PARTS)
    result = runner.invoke(app, ["translate", "-w", str(workspace.root), "--lang", "fa",
                                 "--beam", "1", "--batch-size", "4", "--threads", "1", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["written"] == len(PARTS) and data["test_model"] is True
    for key in ("pending", "written", "from_memory", "mask_lost", "skipped", "reused"):
        assert data[key] == sum(lang[key] for lang in data["languages"]), key
    assert "TEST MODEL" in result.stderr and "pipeline models install" in result.stderr
    result = runner.invoke(app, ["translate", "-w", str(workspace.root), "--quiet"])
    assert result.exit_code == 0
    assert result.stdout == ""  # quiet and not a TTY: no bar, no summary


def test_cli_missing_package_is_one_line_exit_1(tmp_path: Path, workspace: Settings,
                                                store: Store) -> None:
    add_article(store, "budget", PARTS)
    proc = run_cli("translate", "-w", str(workspace.root), packages=tmp_path / "empty",
                   check=False)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "pipeline models install" in proc.stderr


def test_translate_run_never_loads_torch_or_argos_translate(argos_dir: Path, workspace: Settings,
                                                            store: Store) -> None:
    add_article(store, "budget", PARTS[:2])
    code = (
        "import sys; from pipeline.store import open_store;"
        "from pipeline.translate.run import translate_pending;"
        "from pipeline.translate.engine import EngineOptions;"
        f"s = open_store({str(workspace.database)!r});"
        "r = translate_pending(s, 'en', ('fa',), options=EngineOptions(beam=1, intra_threads=1));"
        "assert r.written == 2, r;"
        "heavy = [m for m in ('torch', 'stanza', 'spacy', 'argostranslate.translate') if m in sys.modules];"
        "print(heavy)"
    )
    env = {"PYTHONPATH": str(ROOT), "ARGOS_PACKAGES_DIR": str(argos_dir), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test_killed_run_resumes_without_losing_or_repeating(argos_dir: Path, workspace: Settings,
                                                        store: Store) -> None:
    from pipeline.ids import unit_id
    from pipeline.models import Article, Unit, UnitKind
    from pipeline.store.articles import save_article

    # Two sentences a unit, one short and one long: shortest-first translation commits the short
    # ones long before their units are complete, so a kill leaves sentences for the resume.
    units = []
    for i in range(400):
        short = f"Story {i} is short."
        text = f"{short} It tells about the council, its budget and the roads in district {i}."
        units.append(Unit(unit_id("many", text), UnitKind.PARAGRAPH, text, i,
                          ((0, len(short)), (len(short) + 1, len(text)))))
    save_article(store, Article("many", "x", "Many", tuple(units)), ("fa",))
    total = len(units)
    env_args = ["translate", "-w", str(workspace.root), "--lang", "fa", "--batch-size", "2",
                "--beam", "4", "--threads", "1", "--quiet"]
    import os
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ARGOS_PACKAGES_DIR": str(argos_dir)}
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", *env_args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done = 0
    deadline = time.time() + 120
    try:
        while time.time() < deadline and proc.poll() is None:
            with sqlite3.connect(workspace.database) as conn:
                done = conn.execute("SELECT count(*) FROM translations WHERE lang='fa'"
                                    " AND status='machine'").fetchone()[0]
                partial = conn.execute("SELECT count(*) FROM mt_sentences").fetchone()[0]
            if done >= 16 and partial >= done + 16:
                break
            time.sleep(0.05)
    finally:
        proc.kill()  # SIGKILL: no cleanup runs
        proc.wait()
    counts = tr_counts(workspace.database)
    if counts.get("machine", 0) == total:
        pytest.skip("the run finished before it could be killed (machine too fast)")
    assert 0 < counts["machine"] < total
    # Consistent: one event per machine row, no half-written rows.
    with sqlite3.connect(workspace.database) as conn:
        n_events = conn.execute("SELECT count(*) FROM events WHERE action='machine'").fetchone()[0]
        empty = conn.execute("SELECT count(*) FROM translations WHERE status='machine'"
                             " AND (text IS NULL OR text = '')").fetchone()[0]
    assert n_events == counts["machine"] and empty == 0
    with sqlite3.connect(workspace.database) as conn:
        committed = conn.execute("SELECT count(*) FROM mt_sentences").fetchone()[0]
    assert committed >= counts["machine"]
    resumed = json.loads(run_cli(*env_args, "--json", packages=argos_dir).stdout)
    assert tr_counts(workspace.database) == {"machine": total}
    # Committed sentences are reused, not decoded again: every sentence the resumed run sent to
    # the model is a new row.
    with sqlite3.connect(workspace.database) as conn:
        after = conn.execute("SELECT count(*) FROM mt_sentences").fetchone()[0]
    # Sentences of units the kill left unfinished come back from the table.
    assert resumed["languages"][0]["reused"] > 0
    assert resumed["sentences"] == after - committed > 0
    with sqlite3.connect(workspace.database) as conn:
        repeated = conn.execute("SELECT count(*) FROM (SELECT unit_id FROM events WHERE"
                                " action='machine' GROUP BY unit_id HAVING count(*) > 1)").fetchone()[0]
    assert repeated == 0


def tr_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT status, count(*) FROM translations WHERE lang='fa'"
                                 " GROUP BY status").fetchall())


def test_sentence_level_memory_mixes_with_mt(argos_dir: Path, store: Store) -> None:
    from pipeline.ids import unit_id
    from pipeline.models import Article, Unit, UnitKind
    from pipeline.store.articles import save_article

    add_article(store, "first", [("title", "Bread costs more.")], langs=("fa",))
    uid = _units(store, "first")[0]
    tr.change(store, uid, "fa", Action.EDIT, who="mina", text="نان گران‌تر شد.")
    tr.change(store, uid, "fa", Action.APPROVE, who="reza")
    text = "Prices rose in May.  Bread costs more."
    unit = Unit(unit_id("second", text), UnitKind.PARAGRAPH, text, 0, ((0, 19), (21, 38)))
    save_article(store, Article("second", "x", "Second", (unit,)), ("fa",))
    report = translate_pending(store, "en", ("fa",), article="second", options=FAST)
    assert report.sentences == 1  # only the first sentence went to the model
    t = tr.get(store, unit.id, "fa")
    assert t.origin == "mt" and FLAG_TEST_MODEL in t.flags
    assert t.text is not None and t.text.endswith("  نان گران‌تر شد.")


def test_progress_bar_only_on_a_terminal(argos_dir: Path, workspace: Settings, store: Store) -> None:
    import os
    import pty

    add_article(store, "budget", PARTS)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ARGOS_PACKAGES_DIR": str(argos_dir),
           "COLUMNS": "160"}
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "pipeline", "translate", "-w", str(workspace.root), "--lang",
             "fa", "--beam", "1", "--threads", "1"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=follower, env=env,
            timeout=120,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                data = os.read(leader, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(leader)
    terminal = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0
    assert "sentences/s" in terminal and f"{len(PARTS)}/{len(PARTS)}" in terminal
    assert "TEST MODEL" in terminal
    assert "sentences/s" not in proc.stdout.decode()  # the bar goes to the terminal only


def test_sentences_reach_the_model_shortest_first_across_articles(
        argos_dir: Path, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.translate.engine import Engine

    words = "the council met again to talk about schools roads and the new budget plan".split()
    for n, slug in enumerate(("one", "two", "three")):
        add_article(store, slug, [("paragraph", " ".join(words[: 3 + (7 * i + 5 * n) % 12]) + ".")
                                  for i in range(6)], langs=("fa",))
    seen: list[list[int]] = []
    real = Engine.translate

    def spy(self: Engine, route: object, texts: list[str]) -> object:
        seen.append(self.token_counts(route, texts))  # type: ignore[arg-type]
        return real(self, route, texts)  # type: ignore[arg-type]

    monkeypatch.setattr(Engine, "translate", spy)
    report = translate_pending(store, "en", ("fa",), options=EngineOptions(beam=1, batch_size=3))
    assert report.written == 18 and len(seen) == report.model_calls > 2
    flat = [n for batch in seen for n in batch]
    assert flat == sorted(flat)  # one sort over every article, not per article or chunk


def test_same_model_and_options_reuse_sentences_other_options_decode_again(
        argos_dir: Path, store: Store) -> None:
    add_article(store, "budget", PARTS, langs=("fa",))
    first = translate_pending(store, "en", ("fa",), options=FAST)
    uid = _units(store, "budget")[0]
    before = tr.get(store, uid, "fa").text
    tr.change(store, uid, "fa", Action.SOURCE_CHANGED, who="extract")
    again = translate_pending(store, "en", ("fa",), options=FAST)
    assert (again.written, again.sentences, again.model_calls) == (1, 0, 0)
    assert again.langs[0].reused == 1
    after = tr.get(store, uid, "fa")
    assert after.text == before and after.origin == "mt" and after.package == "translate-en_fa"
    tr.change(store, uid, "fa", Action.SOURCE_CHANGED, who="extract")
    other = translate_pending(store, "en", ("fa",), options=EngineOptions(beam=1, batch_size=8))
    assert other.sentences == 1 and other.langs[0].reused == 0
    assert first.sentences >= len(PARTS)


def test_last_batch_carries_unmasked_sources_so_a_lost_placeholder_costs_no_extra_call(
        argos_dir: Path, store: Store) -> None:
    add_article(store, "link", [("paragraph", "Read the report at https://example.org/r today.")],
                langs=("fa",))
    report = translate_pending(store, "en", ("fa",), options=FAST)
    assert report.written == 1
    assert (report.model_calls, report.sentences) == (1, 2)  # masked and unmasked, one call
    t = tr.get(store, _units(store, "link")[0], "fa")
    assert "https://example.org/r" in (t.text or "") or FLAG_MASK_LOST in t.flags


def test_inter_threads_put_several_batches_in_one_call(argos_dir: Path, store: Store) -> None:
    parts = [("paragraph", f"Item {i} of the list is about the council.") for i in range(8)]
    add_article(store, "list", parts, langs=("fa",))
    one = translate_pending(store, "en", ("fa",), options=EngineOptions(
        beam=1, batch_size=2, inter_threads=2, intra_threads=1))
    assert one.written == 8
    # Masked numbers are retried unmasked; either way two batches go in each call.
    assert one.model_calls == -(-one.sentences // 4)


def test_progress_reports_add_up_to_the_plan(argos_dir: Path, store: Store) -> None:
    from pipeline.translate.run import Step

    add_article(store, "budget", PARTS)
    planned: list[tuple[int, int]] = []
    steps: list[Step] = []
    report = translate_pending(store, "en", ("fa", "ar"), options=FAST,
                               on_plan=lambda u, t: planned.append((u, t)), progress=steps.append)
    assert len(planned) == 1 and planned[0][0] == 2 * len(PARTS) and planned[0][1] > 0
    assert sum(s.units for s in steps) == report.written == 2 * len(PARTS)
    assert sum(s.sentences for s in steps) == report.sentences
    # Every token planned or found on the way (retries) is reported done exactly once.
    assert sum(s.tokens for s in steps) == planned[0][1] + sum(s.added for s in steps)


@pytest.mark.parametrize("value", ["x", "0,-1", "1,,a", "99999"])
def test_bad_device_index_is_a_usage_error(value: str, workspace: Settings, runner: CliRunner) -> None:
    result = runner.invoke(app, ["translate", "-w", str(workspace.root), "--device-index", value])
    assert result.exit_code == 2
    assert "--device-index" in result.output and "Traceback" not in result.output
