"""`pipeline translate --cluster`: a real Dask scheduler and workers on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.ids import unit_id
from pipeline.models import Article, Unit, UnitKind
from pipeline.store import open_store
from pipeline.store.articles import save_article
from pipeline.workspace import Settings, init
from tests.cluster import DASK, Cluster, free_port, start_cluster, worker_env
from tests.conftest import CORPUS
from tests.translate.conftest import ROOT, run_cli

pytest.importorskip("distributed")
pytestmark = pytest.mark.skipif(not DASK.exists(), reason="the dask command is not installed")


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    c = start_cluster(tmp_path / "cluster")
    yield c
    c.stop()


def _corpus_workspace(path: Path, argos_dir: Path) -> Settings:
    """A workspace holding the shared corpus pages (else our examples where it is absent)."""
    settings = init(path, "en", ("fa", "sq"))
    pages = CORPUS / "pages" if (CORPUS / "pages").is_dir() else ROOT / "examples"
    run_cli("extract", "-w", str(path), str(pages), packages=argos_dir)
    return settings


def _rows(db: Path) -> list[tuple[object, ...]]:
    """Status and provenance of every translation, in a stable order."""
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT unit_id, lang, status, origin, engine, package, package_version, pivot, flags,"
            " revision FROM translations ORDER BY unit_id, lang").fetchall()


def _machine_events(db: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT unit_id, lang, detail FROM events WHERE action = 'machine'"
                            " ORDER BY unit_id, lang").fetchall()


TRANSLATE = ("--beam", "2", "--batch-size", "4", "--threads", "1", "--json")


def test_cluster_run_writes_what_a_local_run_writes(argos_dir: Path, tmp_path: Path,
                                                   cluster: Cluster) -> None:
    local = _corpus_workspace(tmp_path / "local", argos_dir)
    remote = tmp_path / "remote"
    shutil.copytree(local.root, remote)
    a = json.loads(run_cli("translate", "-w", str(local.root), *TRANSLATE,
                           packages=argos_dir).stdout)
    b = json.loads(run_cli("translate", "-w", str(remote), "--cluster", cluster.address,
                           *TRANSLATE, packages=argos_dir).stdout)
    assert a["executor"] == "local" and b["executor"] == "dask"
    assert a["written"] == b["written"] > 20
    assert _rows(local.database) == _rows(remote / "pipeline.db")
    # Provenance names where the model ran; one machine event per translation.
    events = _machine_events(remote / "pipeline.db")
    assert len(events) == len({(u, lang) for u, lang, _ in events}) == b["written"]
    assert {json.loads(d)["executor"] for _, _, d in events if d} == {"dask"}
    # The workers had no packages: the coordinator shipped them, checked by hash.
    for packages in cluster.worker_dirs:
        assert {p.name for p in packages.iterdir()} >= {p.name for p in argos_dir.iterdir()
                                                        if p.name.startswith("en_")}


def test_scheduler_address_from_the_environment(argos_dir: Path, tmp_path: Path,
                                                cluster: Cluster) -> None:
    ws = _corpus_workspace(tmp_path / "ws", argos_dir)
    env = {**worker_env(argos_dir), "PIPELINE_DASK_SCHEDULER": cluster.address}
    proc = subprocess.run([sys.executable, "-m", "pipeline", "translate", "-w", str(ws.root),
                           "--lang", "sq", *TRANSLATE], env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["executor"] == "dask"


def test_no_reachable_scheduler_is_one_line(argos_dir: Path, tmp_path: Path) -> None:
    ws = _corpus_workspace(tmp_path / "ws", argos_dir)
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    proc = run_cli("translate", "-w", str(ws.root), "--cluster", address, packages=argos_dir,
                   check=False, timeout=120)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and address in lines[0] and "Traceback" not in proc.stderr
    with sqlite3.connect(ws.database) as conn:
        assert conn.execute("SELECT count(*) FROM events WHERE action='machine'").fetchone()[0] == 0


def test_a_worker_that_cannot_install_the_package_stops_the_run_before_decoding(
        argos_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the worker's package directory should be")
    c = start_cluster(tmp_path / "cluster", workers=1, worker_packages=blocker / "packages")
    try:
        ws = _corpus_workspace(tmp_path / "ws", argos_dir)
        proc = run_cli("translate", "-w", str(ws.root), "--cluster", c.address, "--lang", "fa",
                       packages=argos_dir, check=False, timeout=300)
    finally:
        c.stop()
    assert proc.returncode == 1, proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert "worker tcp://127.0.0.1:" in line and "en_fa" in line
    assert _machine_events(ws.database) == []


def _many_units(settings: Settings, n: int = 300) -> int:
    """Units of two sentences, one short and one long, so a kill leaves half-done units."""
    units = []
    for i in range(n):
        short = f"Story {i} is short."
        text = f"{short} It tells about the council, its budget and the roads in district {i}."
        units.append(Unit(unit_id("many", text), UnitKind.PARAGRAPH, text, i,
                          ((0, len(short)), (len(short) + 1, len(text)))))
    with open_store(settings.database) as store:
        save_article(store, Article("many", "x", "Many", tuple(units)), settings.targets)
    return n


def _count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(sql).fetchone()[0])


#: The killed runs' options; a resumed run reuses committed sentences only with the same ones.
SLOW = ("--beam", "4", "--batch-size", "2", "--threads", "1")


def _start_run(ws: Settings, address: str, argos_dir: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "translate", "-w", str(ws.root), "--cluster", address,
         *SLOW, "--quiet"],
        env=worker_env(argos_dir), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_for(db: Path, proc: subprocess.Popen[bytes], committed: int) -> None:
    deadline = time.time() + 180
    while time.time() < deadline and proc.poll() is None:
        if _count(db, "SELECT count(*) FROM mt_sentences") >= committed:
            return
        time.sleep(0.05)


def test_a_worker_killed_mid_run_loses_nothing(argos_dir: Path, tmp_path: Path,
                                               cluster: Cluster) -> None:
    ws = init(tmp_path / "ws", "en", ("fa",))
    total = _many_units(ws)
    proc = _start_run(ws, cluster.address, argos_dir)
    try:
        _wait_for(ws.database, proc, 20)
        cluster.workers[0].kill()  # SIGKILL: its batches in flight are lost with it
        _, err = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err.decode()
    assert _count(ws.database, "SELECT count(*) FROM translations WHERE status='machine'") == total
    # Every unit committed once: one machine event each, no batch applied twice.
    assert _count(ws.database, "SELECT count(*) FROM events WHERE action='machine'") == total


def test_a_killed_coordinator_resumes_and_decodes_only_what_was_not_committed(
        argos_dir: Path, tmp_path: Path, cluster: Cluster) -> None:
    ws = init(tmp_path / "ws", "en", ("fa",))
    total = _many_units(ws)
    proc = _start_run(ws, cluster.address, argos_dir)
    try:
        _wait_for(ws.database, proc, 40)
    finally:
        proc.kill()  # kill -9: no cleanup, batches in flight are lost
        proc.wait()
    done = _count(ws.database, "SELECT count(*) FROM translations WHERE status='machine'")
    if done == total:
        pytest.skip("the run finished before it could be killed (machine too fast)")
    committed = _count(ws.database, "SELECT count(*) FROM mt_sentences")
    resumed = json.loads(run_cli("translate", "-w", str(ws.root), "--cluster", cluster.address,
                                 *SLOW, "--json", packages=argos_dir).stdout)
    assert _count(ws.database, "SELECT count(*) FROM translations WHERE status='machine'") == total
    after = _count(ws.database, "SELECT count(*) FROM mt_sentences")
    # What the resumed run sent to the cluster is exactly what was not committed before.
    assert resumed["sentences"] == after - committed > 0
    assert resumed["languages"][0]["reused"] > 0
    assert _count(ws.database, "SELECT count(*) FROM (SELECT unit_id FROM events WHERE"
                               " action='machine' GROUP BY unit_id HAVING count(*) > 1)") == 0
