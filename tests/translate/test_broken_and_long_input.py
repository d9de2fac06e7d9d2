"""A broken package fails only its language; overlong sentences and units never blow up memory."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.states import Status
from pipeline.store import Store, open_store
from pipeline.store import translations as tr
from pipeline.store.articles import load_article
from pipeline.translate import packages
from pipeline.translate.engine import Engine, EngineOptions
from pipeline.translate.routing import find_route
from pipeline.translate.run import MAX_UNIT_CHARS
from pipeline.workspace import Settings
from tests.factories import add_article
from tests.translate.conftest import ROOT

PARTS = [("title", "Council approves the school budget"),
         ("paragraph", "The city council met on Tuesday. It approved money for new schools.")]


def _cli(ws: Settings, argos: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "ARGOS_PACKAGES_DIR": str(argos),
           "HOME": str(ws.root)}
    return subprocess.run([sys.executable, "-m", "pipeline", *args, "-w", str(ws.root)],
                          capture_output=True, text=True, env=env, timeout=600)


@pytest.mark.parametrize("broken", ["model/model.bin", "model/config.json",
                                    "sentencepiece.model"])
def test_a_broken_installed_package_fails_its_language_and_the_others_go_on(
    broken: str, argos_dir: Path, workspace: Settings, store: Store
) -> None:
    add_article(store, "budget", PARTS)
    pkg = packages.find("en", "fa", argos_dir)
    assert pkg is not None
    (pkg.path / broken).write_bytes(b"garbage" * 100)
    proc = _cli(workspace, argos_dir, "translate", "--lang", "fa,ar,sq", "--beam", "1")
    assert proc.returncode == 1, proc.stderr
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: fa not translated: ")
    assert "Traceback" not in proc.stderr
    with open_store(workspace.database) as s:
        units = [u.id for u in load_article(s, "budget").units]
        for lang, want in (("fa", Status.UNTRANSLATED), ("ar", Status.MACHINE),
                           ("sq", Status.MACHINE)):
            assert {tr.get(s, u, lang).status for u in units} == {want}, lang


def test_a_long_sentence_goes_to_the_model_in_pieces(argos_dir: Path) -> None:
    route = find_route("en", "fa", packages.installed(argos_dir))
    assert route is not None
    engine = Engine(EngineOptions(beam=1, batch_size=64, intra_threads=1, max_input_tokens=32))
    sentence = " ".join(f"word{i}" for i in range(400))  # no full stop: one sentence
    tokens = engine.token_counts(route, [sentence])[0]
    (out,) = engine.translate(route, [sentence])
    assert tokens > 32 * 4
    assert engine.sentences == -(-tokens // 32)  # ceil: every piece at most 32 tokens
    assert out.text.strip()


def test_a_10_mb_unit_is_reported_not_translated_and_memory_stays_bounded(
    argos_dir: Path, workspace: Settings, store: Store
) -> None:
    huge = "word " * (2 * 1024 * 1024)  # 10 MiB, one sentence
    add_article(store, "huge", [("title", "A normal title"), ("paragraph", huge)])
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = _cli(workspace, argos_dir, "translate", "--lang", "fa", "--json")
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert proc.returncode == 1, proc.stderr
    assert f"1 units over {MAX_UNIT_CHARS:,} characters were not translated" in proc.stderr
    report = json.loads(proc.stdout)
    assert report["written"] == 1  # the title
    # ru_maxrss of children is the largest child so far: bounded by 1.5 GiB either way.
    assert max(peak_kib, before) < 1.5 * 1024 * 1024
    assert tr.get(store, load_article(store, "huge").units[1].id, "fa").status == "untranslated"
