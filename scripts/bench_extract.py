#!/usr/bin/env python3
"""Benchmark text-dump extraction on >= 2,000 pages made by permuting the corpus pages.

Prints MB/s and pages/s of `pipeline.extract.iter_files` (no database) as ratios against a
baseline measured in the same run (reading every file and splitting it into lines), and the peak
memory (max RSS) of runs over a quarter, half and all of the pages, each in a fresh process, to
show memory stays flat as the corpus grows.

    python scripts/bench_extract.py [--pages 2000] [--corpus ../shared/corpus]

With `--dumps DIR` (a directory of dump kinds, e.g. `lynx/`, `w3m/`, `browser/`, each of
`*.txt` pages, as `scripts/eval_public.py --dump-cache` leaves them) it instead prints, per kind,
the MB of input per CPU second of extraction and of the reading baseline, medians of `--runs`
runs interleaved (baseline, extract, baseline, ...).
"""

from __future__ import annotations

import _project_env  # noqa: F401  # isort: skip  (runs the script in .venv)

import argparse
import json
import logging
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_pages(corpus: Path, out: Path, n: int, seed: int = 7) -> list[Path]:
    """n pages: each a corpus page with its posts (footer-delimited chunks) shuffled."""
    rng = random.Random(seed)
    sources = [p.read_text("utf-8") for p in sorted((corpus / "pages").glob("*.txt"))]
    if not sources:
        sys.exit(f"no corpus pages under {corpus / 'pages'}")
    paths = []
    for i in range(n):
        text = sources[i % len(sources)]
        blocks = text.split("\n\n")
        head, mid, tail = blocks[:2], blocks[2:-2], blocks[-2:]
        # Swap a few body blocks so pages differ while keeping their shape.
        for _ in range(3):
            if len(mid) > 2:
                a, b = rng.randrange(len(mid)), rng.randrange(len(mid))
                mid[a], mid[b] = mid[b], mid[a]
        path = out / f"page_{i:05d}.txt"
        path.write_text("\n\n".join(head + mid + tail), "utf-8")
        paths.append(path)
    return paths


def baseline(paths: list[Path]) -> tuple[float, float]:
    """(wall, CPU) seconds to read every page and split it into lines."""
    t, c = time.perf_counter(), time.process_time()
    lines = 0
    for p in paths:
        lines += len(p.read_text("utf-8").splitlines())
    return time.perf_counter() - t, time.process_time() - c


def extract(paths: list[Path]) -> tuple[float, float, int]:
    """(wall, CPU) seconds and article count of extracting every page (no database)."""
    from pipeline.extract.api import iter_files

    t, c = time.perf_counter(), time.process_time()
    articles = 0
    for r in iter_files(paths, fmt="text"):
        if r.error is not None:
            raise SystemExit(str(r.error))
        articles += len(r.articles)
    return time.perf_counter() - t, time.process_time() - c, articles


def dump_kinds(root: Path, runs: int) -> None:
    """MB per CPU second of extracting each kind of dump under `root`, against plain reading."""
    from statistics import median

    print(f"{'dumps':10}{'pages':>7}{'MB':>7}{'read MB/cpu-s':>15}{'extract MB/cpu-s':>18}"
          f"{'ratio':>8}")
    for kind in sorted(p for p in root.iterdir() if p.is_dir()):
        paths = sorted(kind.glob("*.txt"))
        if not paths:
            continue
        mb = sum(p.stat().st_size for p in paths) / 1e6
        base, cpu = [], []
        for _ in range(runs):  # interleaved: the machine is shared, its load drifts
            base.append(baseline(paths)[1])
            cpu.append(_extract_all(paths))
        b, c = median(base), median(cpu)
        print(f"{kind.name:10}{len(paths):7d}{mb:7.1f}{mb / b:15.1f}{mb / c:18.2f}{c / b:8.0f}x")
    print("(CPU seconds of this process, medians; ratio = extract time / read time)")


def _extract_all(paths: list[Path]) -> float:
    """CPU seconds to extract every page (a page that fails, as real dumps can, counts too)."""
    from pipeline.extract.api import iter_files

    c = time.process_time()
    for _ in iter_files(paths, fmt="text"):
        pass
    return time.process_time() - c


def child(list_file: str) -> None:
    """Run extraction over the listed pages and print the peak RSS in MB (a fresh process)."""
    paths = [Path(p) for p in Path(list_file).read_text("utf-8").splitlines()]
    _, _, articles = extract(paths)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"pages": len(paths), "articles": articles, "peak_mb": peak}))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--dumps", type=Path, help="a directory of dump kinds (lynx/, w3m/, ...)")
    ap.add_argument("--runs", type=int, default=3, help="runs per kind with --dumps (median)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child)
        return 0
    sys.path.insert(0, str(ROOT))
    if args.dumps:
        logging.disable(logging.WARNING)  # real dumps carry stray bytes: one warning each
        dump_kinds(args.dumps, args.runs)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        paths = make_pages(args.corpus, out, args.pages)
        mb = sum(p.stat().st_size for p in paths) / 1e6
        base, base_cpu = min(baseline(paths) for _ in range(3))
        took, cpu, articles = extract(paths)
        print(f"pages {len(paths)}  articles {articles}  input {mb:.1f} MB  "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"{'':24}{'MB/s':>9}{'pages/s':>9}{'MB/cpu-s':>10}{'ratio':>9}")
        print(f"{'baseline read+split':24}{mb / base:9.1f}{len(paths) / base:9.0f}"
              f"{mb / base_cpu:10.1f}{1:9.2f}")
        print(f"{'extract (text dumps)':24}{mb / took:9.2f}{len(paths) / took:9.0f}"
              f"{mb / cpu:10.2f}{base / took:9.4f}")
        print("(ratio = baseline time / extract time; MB/cpu-s counts this process's CPU only, "
              "steadier on a shared machine)")
        print("peak memory by run size (fresh process each):")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        peaks = []
        for frac in (4, 2, 1):
            subset = paths[: max(1, len(paths) // frac)]
            lst = out / f"list_{frac}.txt"
            lst.write_text("\n".join(map(str, subset)), "utf-8")
            res = subprocess.run([sys.executable, __file__, "--child", str(lst)],
                                 capture_output=True, text=True, env=env, check=True)
            data = json.loads(res.stdout)
            peaks.append(data["peak_mb"])
            print(f"  {data['pages']:6d} pages  peak {data['peak_mb']:7.1f} MB")
        print(f"peak memory ratio (all / quarter): {peaks[-1] / peaks[0]:.2f} "
              f"(input grew {len(paths) / max(1, len(paths) // 4):.0f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
