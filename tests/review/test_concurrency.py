"""Eight processes claim and approve from one queue: no double hand-out, no lost event, no lock error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from pipeline.store import Store
from pipeline.workspace import Settings
from tests.review.helpers import article_with_mt

ROOT = Path(__file__).resolve().parents[2]

WORKER = r"""
import json, os, sys, time
from pipeline.review import actions
from pipeline.review.queue import claim_next
from pipeline.store import open_store

db, who, seconds, gate = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
with open_store(db) as store:
    # Start together: a worker that starts early must not drain the queue alone.
    open(f"{gate}.{who}", "w").close()
    while not os.path.exists(gate):
        time.sleep(0.005)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        item = claim_next(store, "fa", who, minutes=30)
        if item is None:
            break
        t0 = time.time()
        t = actions.approve(store, item.unit_id, "fa", who=who, revision=item.revision)
        print(json.dumps({"unit": item.unit_id, "claimed": t0, "done": time.time(),
                          "revision": t.revision}), flush=True)
"""


def test_eight_processes_share_one_queue(workspace: Settings, store: Store) -> None:
    units: list[str] = []
    for n in range(40):
        units += article_with_mt(store, f"art-{n}", [f"Paragraph {n}.{i}." for i in range(24)])
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    gate = workspace.root / "go"
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(workspace.database), f"rev{i}", "4",
                          str(gate)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for i in range(8)
    ]
    deadline = time.monotonic() + 60
    while len(list(workspace.root.glob("go.rev*"))) < 8 and time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            break  # a worker died early: its stderr is checked below
        time.sleep(0.01)
    gate.touch()
    logs = {}
    for i, p in enumerate(procs):
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert "locked" not in err.lower() and "Traceback" not in err, err
        logs[f"rev{i}"] = [json.loads(line) for line in out.splitlines()]

    done = [(who, rec) for who, recs in logs.items() for rec in recs]
    print(f"{len(done)} approvals by {sum(1 for r in logs.values() if r)} workers")
    assert len(done) > 50, "the workers made too little progress to prove anything"
    assert sum(1 for recs in logs.values() if recs) >= 2
    per_unit = Counter(rec["unit"] for _, rec in done)
    assert max(per_unit.values()) == 1, "a unit was handed to two reviewers"
    assert all(rec["revision"] == 2 for _, rec in done)

    events = store.conn.execute(
        "SELECT unit_id, who FROM events WHERE lang = 'fa' AND action = 'approve'").fetchall()
    assert sorted(events) == sorted((rec["unit"], who) for who, rec in done)
    approved = store.conn.execute(
        "SELECT count(*) FROM translations WHERE lang = 'fa' AND status = 'approved'").fetchone()[0]
    assert approved == len(done)
    # Nothing is left claimed: each approval ended its claim.
    assert store.conn.execute(
        "SELECT count(*) FROM translations WHERE claimed_by IS NOT NULL").fetchone()[0] == 0


def test_parallel_cli_claims_are_disjoint(workspace: Settings, store: Store) -> None:
    for n in range(3):
        article_with_mt(store, f"cli-{n}", [f"Line {n}.{i}." for i in range(9)])
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen([sys.executable, "-m", "pipeline", "review", "claim", "--lang", "fa",
                          "--count", "6", "--json", "--reviewer", f"r{i}",
                          "-w", str(workspace.root)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for i in range(5)
    ]
    claimed: list[str] = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0 and err == "", err
        claimed += [item["unit_id"] for item in json.loads(out)]
    assert len(claimed) == 30 and len(set(claimed)) == 30
