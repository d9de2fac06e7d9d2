#!/usr/bin/env python3
"""Benchmark `pipeline export`: N articles x 3 languages; articles/s and peak memory, as ratios.

The baseline, measured in the same run on the same database, is a bare Jinja2 render of the same
pages (title and paragraphs, autoescaped, into memory): the floor any templating exporter pays.
Each measurement runs in its own child process so its peak memory (ru_maxrss) is its own.

    PYTHONPATH=. python scripts/bench_export.py [--articles 10000] [--units 6] [--keep DIR]
                                                [--jobs N]

A cold run writes into a new directory, as a user's first export does, and no run deletes
an earlier run's tree before it (they are all deleted at the end): on ext4 without a journal
the file creations that follow a large deletion cost several times more system time.

The export runs with --jobs N worker processes (default: one per core) and, as a second row,
with one process; CPU seconds count the workers' too, peak memory is the largest process's.
"""

from __future__ import annotations

import _project_env  # noqa: F401  # isort: skip  (runs the script in .venv)

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("fa", "ar", "sq")
TARGET = 1000  # articles/s on a cold run (issue 17)

# Child programs: each prints one JSON line {"seconds", "pages", "maxrss_kb"}.
EXPORT_CHILD = """
import json, resource, sys, time
from pathlib import Path
from pipeline.workspace import load
from pipeline.export.publish import ExportOptions, publish
s = load(Path(sys.argv[1]))
u0 = resource.getrusage(resource.RUSAGE_SELF)
cpu0 = u0.ru_utime + u0.ru_stime
t = time.perf_counter()
# With a base URL, so the run also writes every sitemap, the news sitemap and robots.txt.
r = publish(s, ExportOptions(out=Path(sys.argv[2]), langs=("fa", "ar", "sq"),
                             formats=tuple(sys.argv[3].split(",")), include_machine=True,
                             base_url="https://news.example.org/editions/", jobs=int(sys.argv[4])))
dt = time.perf_counter() - t
pages = sum(len(x.published) for x in r.languages.values())
u = resource.getrusage(resource.RUSAGE_SELF)
w = resource.getrusage(resource.RUSAGE_CHILDREN)  # the worker processes, once they are joined
print(json.dumps({"seconds": dt, "pages": pages, "written": len(r.written),
                  "cpu": u.ru_utime + u.ru_stime - cpu0 + w.ru_utime + w.ru_stime,
                  "maxrss_kb": max(u.ru_maxrss, w.ru_maxrss)}))
"""

BASELINE_CHILD = """
import json, resource, sys, time
from pathlib import Path
import jinja2
from pipeline.workspace import load
from pipeline.store import open_store
from pipeline.store import editions as rows
s = load(Path(sys.argv[1]))
u0 = resource.getrusage(resource.RUSAGE_SELF)
cpu0 = u0.ru_utime + u0.ru_stime
tpl = jinja2.Environment(autoescape=True).from_string(
    '<!DOCTYPE html><html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ title }}</title>'
    '</head><body><h1>{{ title }}</h1>{% for p in paras %}<p>{{ p }}</p>{% endfor %}</body></html>')
t = time.perf_counter()
pages = 0
size = 0
with open_store(s.database) as store:
    for c in rows.iter_contents(store, rows.articles(store), ("fa", "ar", "sq")):
        for lang, trs in c.translations.items():
            texts = [trs[u.id].text for u in c.units if u.id in trs]
            size += len(tpl.render(lang=lang, title=texts[0], paras=texts[1:]).encode())
            pages += 1
dt = time.perf_counter() - t
u = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": dt, "pages": pages, "bytes": size,
                  "cpu": u.ru_utime + u.ru_stime - cpu0, "maxrss_kb": u.ru_maxrss}))
"""


def build(root: Path, articles: int, units: int) -> None:
    """A workspace with `articles` articles: fa and sq approved, ar unreviewed machine text."""
    sys.path.insert(0, str(ROOT))
    from pipeline.states import Action
    from pipeline.store import open_store
    from pipeline.store import translations as tr
    from pipeline.workspace import init
    from tests.factories import add_article

    settings = init(root, "en", LANGS)
    start = time.perf_counter()
    with open_store(settings.database) as store:
        for i in range(articles):
            parts = [("title", f"Article {i}: the council meets on day {i % 28 + 1}")]
            parts += [("paragraph", f"Paragraph {j} of article {i} says <something> & more, "
                                    "with enough words to look like a real paragraph of news.")
                      for j in range(units - 1)]
            slug = f"article-{i:05d}"
            # Bylines, a category and tags, so byline, tag and category pages are part of the work.
            add_article(store, slug, parts, date_iso=f"20{10 + i % 15}-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
                        byline=f"Reporter {i % 40}", category=("Local", "World", "Sport")[i % 3],
                        tags=(f"topic {i % 50}", f"series {i % 7}"))
            with store.transaction():
                from pipeline.store.articles import load_article

                for u in load_article(store, slug).units:
                    for lang, word in (("fa", "متن"), ("sq", "teksti")):
                        tr.change(store, u.id, lang, Action.EDIT, who="bench", text=f"{word} {u.text}")
                        tr.change(store, u.id, lang, Action.APPROVE, who="review")
                    tr.change(store, u.id, "ar", Action.MACHINE, who=None, text=f"نص {u.text}",
                              origin="mt", engine="ctranslate2", package="translate-en_ar")
            if i and i % 1000 == 0:
                print(f"  built {i} articles ({time.perf_counter() - start:.0f} s)", file=sys.stderr)


def child(code: str, *args: str) -> dict[str, float]:
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, check=False)
    if proc.returncode != 0:
        sys.exit(f"benchmark child failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--units", type=int, default=6, help="units per article (title + paragraphs)")
    ap.add_argument("--keep", type=Path, help="build (or reuse) the workspace here")
    ap.add_argument("--format", default="html", help="formats to export, comma separated")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of each measurement; the median counts (the machine is shared)")
    ap.add_argument("--jobs", type=int, default=None,
                    help="worker processes of the export (default: one per core)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from pipeline.export.workers import default_jobs

    jobs = args.jobs or default_jobs()

    tmp = tempfile.TemporaryDirectory(prefix="bench-export-")
    ws = args.keep or Path(tmp.name) / "ws"
    if not (ws / "pipeline.toml").is_file():
        print(f"building {args.articles} articles x {args.units} units x {len(LANGS)} languages "
              f"in {ws}", file=sys.stderr)
        build(ws, args.articles, args.units)
    # Every cold run writes into a directory of its own that nothing deletes until all runs are
    # done. A cold run starts where a user's first export starts: no edition directory yet, and
    # no tree of edition files deleted a moment ago. Deleting the previous run's tree first (as
    # this script did) made each cold run pay for that deletion: on ext4 without a journal (this
    # machine's disk) the inode allocator skips, and re-reads, every inode freed in the last
    # 60 s (360 s while its inode-table block is unwritten), so each of the next ~32,000 file
    # creations scanned thousands of just-freed inodes: 10 s of system time, 3-5x that of the
    # same creations in a fresh directory.
    outs = Path(tmp.name)

    runs: dict[str, list[dict[str, float]]] = {"base": [], "cold": [], "warm": [], "one": []}
    for i in range(args.repeat):
        # Interleaved, so a burst of load on the shared machine hits every kind alike.
        out = outs / f"editions-{i}"
        runs["base"].append(child(BASELINE_CHILD, str(ws)))
        runs["cold"].append(child(EXPORT_CHILD, str(ws), str(out), args.format, str(jobs)))
        runs["warm"].append(child(EXPORT_CHILD, str(ws), str(out), args.format, str(jobs)))
        if jobs > 1:
            runs["one"].append(child(EXPORT_CHILD, str(ws), str(outs / f"one-{i}"), args.format,
                                     "1"))
        print(f"  run {i + 1}/{args.repeat} done", file=sys.stderr)
    # Medians, wall and CPU each on its own: one lucky or unlucky run moves neither.
    base, cold, warm, *one = ({key: statistics.median(r[key] for r in runs[k]) for key in runs[k][0]}
                              for k in ("base", "cold", "warm", "one") if runs[k])

    n = args.articles
    print(f"export of {n} articles x {len(LANGS)} languages ({args.format}, --jobs {jobs}; the "
          f"baseline is 1 process; medians of {args.repeat})")
    # CPU seconds too: on a shared machine wall time also counts the other processes' turns.
    print(f"{'':34}{'seconds':>9}{'cpu s':>8}{'articles/s':>12}{'per cpu s':>11}{'pages/s':>10}"
          f"{'peak MB':>9}{'x baseline':>12}")
    rows = [("baseline: bare Jinja2 render", base), ("export, cold (writes all)", cold),
            ("export, re-run (nothing changed)", warm)]
    rows += [("export, cold, --jobs 1", r) for r in one]
    for name, r in rows:
        print(f"{name:34}{r['seconds']:9.2f}{r['cpu']:8.2f}{n / r['seconds']:12.0f}"
              f"{n / r['cpu']:11.0f}{r['pages'] / r['seconds']:10.0f}"
              f"{r['maxrss_kb'] / 1024:9.0f}{r['seconds'] / base['seconds']:12.2f}")
    print(f"cold run wrote {cold['written']} files; re-run wrote {warm['written']}")
    print(f"memory: export peak is {cold['maxrss_kb'] / base['maxrss_kb']:.2f}x the baseline's")
    for what, secs in (("wall", cold["seconds"]), ("cpu", cold["cpu"])):
        rate = n / secs
        print(f"target >= {TARGET} articles/s (feeds and sitemaps included), cold, {what} time: "
              f"{rate:.0f} ({'met' if rate >= TARGET else 'NOT met'})")
    tmp.cleanup()


if __name__ == "__main__":
    main()
