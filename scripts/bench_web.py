#!/usr/bin/env python3
"""Benchmark the web workspace on a big workspace against a real `pipeline serve` on 127.0.0.1.

    python scripts/bench_web.py [--units 100000] [--reviewers 8] [--approvals 50] [--keep DIR]

Figures (server time is the Server-Timing header every answer carries):
- the queue page and the unit view (the review screen's HTML, when present), their JSON twins,
  and the editor's article page: median and p95 server time (target < 50 ms), each also as a
  ratio to the bare signed-in request measured in the same run (GET /api/me: guard, session
  lookup, JSON) and to the library call behind it;
- N concurrent simulated reviewers (threads with their own API tokens, each claiming and
  approving `--approvals` units of its own article): approve p50/p95 server time and round trip
  (target p95 < 50 ms), throughput, and errors (target 0).
The workspace is built as scripts/bench_review.py builds it (articles of 100 units, 3 languages,
machine text in all, a few approved, rejected and stale).
"""

from __future__ import annotations

import _project_env  # noqa: F401  # isort: skip  (runs the script in .venv)

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import httpx  # noqa: E402
from bench_review import LANGS, build, fill_store, mix_statuses  # noqa: E402

from pipeline import accounts  # noqa: E402
from pipeline.accounts import Role  # noqa: E402
from pipeline.store import open_store  # noqa: E402

PASSWORD = "benchmark password"


def server_ms(response: httpx.Response, metric: str = "app") -> float:
    """The server's own time (or CPU time, metric "cpu") for the answer, from Server-Timing."""
    value = response.headers.get("server-timing", "")
    for entry in value.split(","):
        name, _, dur = entry.strip().partition(";dur=")
        if name == metric:
            return float(dur)
    raise SystemExit(f"no Server-Timing {metric} on {response.request.url}: {value!r}")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(root: Path, port: int) -> subprocess.Popen[bytes]:
    """`pipeline serve` as a person starts it, in its own process; waits until it answers."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--port", str(port),
                             "--workspace", str(root)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"pipeline serve exited: {proc.stderr.read().decode()[-2000:]}"
                             if proc.stderr else "pipeline serve exited")
        try:
            httpx.get(f"http://127.0.0.1:{port}/signin", timeout=1)
            return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("pipeline serve did not answer within 60 s")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def signed_in(base: str, name: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30, follow_redirects=False)
    page = client.get("/signin")
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the sign-in page"
    r = client.post("/signin", data={"name": name, "password": PASSWORD,
                                     "csrf_token": token.group(1)})
    assert r.status_code == 303, (r.status_code, r.text[:300])
    return client


def time_get(client: httpx.Client, path: str, runs: int) -> tuple[int, list[float], list[float]]:
    """Status, server wall times and server CPU times of `runs` sequential GETs."""
    client.get(path)  # warm: templates compiled, thread's connection opened
    times, cpu, status = [], [], 0
    for _ in range(runs):
        r = client.get(path)
        status = r.status_code
        times.append(server_ms(r))
        cpu.append(server_ms(r, "cpu"))
    return status, times, cpu


def library_ms(db: Path, unit: str, runs: int) -> tuple[float, float]:
    """The library calls behind the queue and the unit view, timed in this process."""
    from pipeline.review.queue import list_queue
    from pipeline.store import review as q

    with open_store(db) as store:
        def median(fn: object) -> float:
            out = []
            for _ in range(runs):
                t0 = time.perf_counter()
                fn()  # type: ignore[operator]
                out.append((time.perf_counter() - t0) * 1000)
            return statistics.median(out)

        queue_ms = median(lambda: list_queue(store, "fa", who="editor", limit=50))
        unit_ms = median(lambda: (q.with_hints(store, [q.item(store, unit, "fa")]),
                                  q.context(store, unit, "fa")))
    return queue_ms, unit_ms


def reviewer(base: str, token: str, article: str, approvals: int, results: list[tuple],
             barrier: threading.Barrier) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, timeout=30, headers=headers) as client:
        barrier.wait()
        for _ in range(approvals):
            t0 = time.perf_counter()
            claimed = client.post("/api/queue/ar/claim", json={"article": article})
            t1 = time.perf_counter()
            if claimed.status_code != 200 or claimed.json()["item"] is None:
                results.append(("claim", claimed.status_code, server_ms(claimed), t1 - t0))
                continue
            item = claimed.json()["item"]
            results.append(("claim", claimed.status_code, server_ms(claimed), t1 - t0))
            t0 = time.perf_counter()
            r = client.post(f"/api/units/{item['unit_id']}/ar/approve",
                            json={"revision": item["revision"]})
            results.append(("approve", r.status_code, server_ms(r), time.perf_counter() - t0))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=100_000, help="units (x 3 languages)")
    ap.add_argument("--reviewers", type=int, default=8, help="concurrent simulated reviewers")
    ap.add_argument("--approvals", type=int, default=50, help="claim+approve cycles per reviewer")
    ap.add_argument("--runs", type=int, default=30, help="requests per timed page")
    ap.add_argument("--dir", type=Path, help="where to build (default: /dev/shm when present)")
    ap.add_argument("--keep", type=Path,
                    help="keep the workspace in this directory (and reuse it when it is there)")
    args = ap.parse_args()

    shm = Path("/dev/shm")
    where = args.dir or (shm if shm.is_dir() else None)
    base_dir = Path(tempfile.mkdtemp(prefix="bench-web-", dir=where)) if args.keep is None \
        else args.keep
    proc = None
    try:
        t0 = time.perf_counter()
        names = [f"reviewer{i}" for i in range(args.reviewers)]
        db = base_dir / "ws" / "pipeline.db"
        if args.keep is not None and db.exists():
            print(f"reusing the workspace in {args.keep} (its earlier approvals included)")
        else:
            db = build(base_dir / "ws", args.units)
            fill_store(db)
            mix_statuses(db)
        with open_store(db) as store:
            for name in [*names, "editor"]:
                if not any(u.name == name for u in accounts.list_users(store)):
                    accounts.add_user(store, name, Role.ADMIN if name == "editor"
                                      else Role.REVIEWER, password=PASSWORD, targets=LANGS)
            tokens = {name: accounts.new_token(store, name) for name in names}
            # Each reviewer gets an article of its own that still has machine text in ar, so
            # a reused workspace still gives every reviewer work.
            articles = [r[0] for r in store.conn.execute(
                "SELECT u.article_id FROM units u JOIN translations t ON t.unit_id = u.id"
                " AND t.lang = 'ar' WHERE t.status = 'machine' GROUP BY u.article_id"
                " HAVING count(*) >= ? ORDER BY u.article_id LIMIT ?",
                (args.approvals, len(names)))]
            if len(articles) < len(names):
                raise SystemExit("not enough articles with work left; use a fresh workspace")
            unit = store.conn.execute(
                "SELECT id FROM units WHERE article_id = 'article-00001' ORDER BY position"
                " LIMIT 1 OFFSET 50").fetchone()[0]
        print(f"workspace: {args.units} units x {len(LANGS)} languages, machine text, "
              f"{args.reviewers + 1} users, built in {time.perf_counter() - t0:.1f}s")

        port = free_port()
        proc = start_server(base_dir / "ws", port)
        base = f"http://127.0.0.1:{port}"
        editor = signed_in(base, "editor")
        _s, baseline, _c = time_get(editor, "/api/me", args.runs)
        base_ms = statistics.median(baseline)
        lib_queue, lib_unit = library_ms(db, unit, args.runs)
        load = os.getloadavg()[0]
        print(f"machine load average {load:.1f} on {os.cpu_count()} cores (server times are wall "
              "time and grow with it)")
        print(f"baseline: signed-in GET /api/me {base_ms:.2f} ms server time (median); library "
              f"queue page {lib_queue:.2f} ms, unit view {lib_unit:.2f} ms in-process")
        pages = [
            ("queue page (HTML)", "/review/fa", lib_queue),
            ("unit view (HTML)", f"/review/fa/unit/{unit}", lib_unit),
            ("queue (JSON API)", "/api/queue/fa?limit=50", lib_queue),
            ("unit (JSON API)", f"/api/units/{unit}/fa", lib_unit),
            ("editor's article list", "/editor", None),
            ("editor's article page", "/editor/article-00001/fa", None),
            ("dashboard", "/dashboard", None),
        ]
        for label, path, lib in pages:
            status, times, cpu = time_get(editor, path, args.runs)
            if status != 200:
                print(f"{label:<22} {path}: HTTP {status}, not measured (not in this build)")
                continue
            med, p95 = statistics.median(times), pct(times, 0.95)
            vs_lib = f", {med / lib:.1f}x the library call" if lib else ""
            verdict = "ok" if p95 < 50 else "OVER 50 ms"
            print(f"{label:<22} median {med:6.2f} ms, p95 {p95:6.2f} ms server time, CPU "
                  f"median {statistics.median(cpu):6.2f} ms ({med / base_ms:.1f}x baseline"
                  f"{vs_lib}) [{verdict}]")

        count_sql = ("SELECT count(*) FROM events WHERE action = 'approve' AND lang = 'ar'"
                     " AND who LIKE 'reviewer%'")
        with open_store(db) as store:
            approved_before = store.conn.execute(count_sql).fetchone()[0]
        results: list[tuple] = []
        barrier = threading.Barrier(len(names))
        threads = [threading.Thread(target=reviewer, args=(base, tokens[n], articles[i],
                                                           args.approvals, results, barrier))
                   for i, n in enumerate(names)]
        t0 = time.perf_counter()
        cpu0 = cpu_seconds(proc.pid)
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=600)
        wall = time.perf_counter() - t0
        server_cpu = cpu_seconds(proc.pid) - cpu0
        approves = [r for r in results if r[0] == "approve"]
        errors = [r for r in results if r[1] >= 400]
        server = [r[2] for r in approves]
        trip = [r[3] * 1000 for r in approves]
        ok = [r for r in approves if r[1] == 200]
        print(f"{len(names)} concurrent reviewers: {len(ok)} approvals in {wall:.1f}s "
              f"({len(ok) / wall:.0f}/s); approve server time p50 {pct(server, 0.5):.2f} ms, "
              f"p95 {pct(server, 0.95):.2f} ms; round trip p50 {pct(trip, 0.5):.2f} ms, "
              f"p95 {pct(trip, 0.95):.2f} ms "
              f"[{'ok' if pct(server, 0.95) < 50 else 'OVER 50 ms'}]; errors: {len(errors)}"
              + (f" {sorted({r[1] for r in errors})}" if errors else ""))
        with open_store(db) as store:
            approved = store.conn.execute(count_sql).fetchone()[0] - approved_before
        print(f"server CPU: {server_cpu:.2f}s for {len(ok)} claim+approve pairs -> "
              f"{1000 * server_cpu / max(1, len(ok)):.1f} ms per pair (HTTP, guard, library, "
              "SQLite), whatever the machine's load")
        print(f"history: {approved} approve events recorded for {len(ok)} approvals answered")
    finally:
        if proc is not None:
            stop_server(proc)
        if args.keep is None:
            shutil.rmtree(base_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
