#!/usr/bin/env python3
"""Benchmark TMX and XLIFF export/import on N units against translate-toolkit's own parse.

The baseline is translate-toolkit reading the very file ours wrote or reads (parse, then every
unit's source and target), measured in the same run. Targets: each <= 1.5x. Each step runs in
a forked child, so its peak memory (max RSS) is its own. Usage:

    PYTHONPATH=. python scripts/bench_interchange.py [--units 100000]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.interchange.tm import export_tm, import_tm, maskers  # noqa: E402
from pipeline.interchange.xliff_import import import_xliff  # noqa: E402
from pipeline.interchange.xliff_write import export_xliff  # noqa: E402
from pipeline.states import Action  # noqa: E402
from pipeline.store import open_store  # noqa: E402
from pipeline.store import translations as tr  # noqa: E402
from pipeline.store.articles import save_article  # noqa: E402
from pipeline.workspace import init  # noqa: E402
from tests.factories import make_article  # noqa: E402

PER_ARTICLE = 20


def in_child(fn: Callable[[], Any]) -> tuple[float, float]:
    """(seconds, peak MiB) of fn() run in a forked child."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        start = time.perf_counter()
        fn()
        os.write(w, str(time.perf_counter() - start).encode())
        os._exit(0)
    os.close(w)
    with os.fdopen(r) as fh:
        seconds = float(fh.read() or "nan")
    _, status, usage = os.wait4(pid, 0)
    if status != 0:
        raise SystemExit(f"benchmark step failed (status {status})")
    return seconds, usage.ru_maxrss / 1024


def best(fn: Callable[[], Any], runs: int = 2) -> tuple[float, float]:
    """Fastest time and its peak memory over `runs` (the machine is shared)."""
    return min(in_child(fn) for _ in range(runs))


def tt_parse(path: Path, kind: str) -> None:
    from translate.storage import tmx, xliff, xliff2

    cls = {"tmx": tmx.tmxfile, "1.2": xliff.xlifffile, "2.0": xliff2.Xliff2File}[kind]
    store = cls.parsefile(str(path))
    for u in store.units:
        _ = (u.source, u.target)


def build(root: Path, units: int) -> Any:
    settings = init(root, "en", ("fa",))
    store = open_store(settings.database)
    for a in range(units // PER_ARTICLE):
        parts = [("paragraph", f"Paragraph {i} of article {a}: the committee met on <b>Monday</b>"
                  f" to discuss the budget (see https://example.org/a{a}/{i}).")
                 for i in range(PER_ARTICLE)]
        save_article(store, make_article(f"article-{a}", parts, source=f"articles/a{a}.txt"),
                     ["fa"])
    ids = [r[0] for r in store.conn.execute("SELECT id FROM units ORDER BY rowid")]
    text = ("بند {n}: کمیته روز <b>دوشنبه</b> برای بحث دربارهٔ بودجه دیدار کرد"
            " (https://example.org/{src}).")
    changes = []
    for n, uid in enumerate(ids):
        url = store.conn.execute("SELECT source_text FROM units WHERE id = ?", (uid,)).fetchone()
        src = url[0].split("https://example.org/")[1].rstrip(").")
        t = text.format(n=n, src=src)
        if n % 2:
            changes.append(tr.Change(uid, "fa", Action.MACHINE, text=t, fields={"origin": "mt"}))
        else:
            changes.append(tr.Change(uid, "fa", Action.EDIT, who="sara", text=t,
                                     fields={"origin": "human", "translated_by": "sara"}))
            changes.append(tr.Change(uid, "fa", Action.APPROVE, who="ali",
                                     fields={"reviewed_by": "ali"}))
    tr.change_many(store, changes)
    return settings, store


def line(name: str, ours: tuple[float, float], base: tuple[float, float]) -> float:
    ratio = ours[0] / base[0]
    verdict = "ok" if ratio <= 1.5 else "OVER 1.5x"
    print(f"{name:<22} {ours[0]:7.2f}s {ours[1]:6.0f} MiB   translate-toolkit parse "
          f"{base[0]:7.2f}s {base[1]:6.0f} MiB   ratio {ratio:4.2f}x  {verdict}")
    return ratio


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        settings, store = build(root / "ws", args.units)
        print(f"built {args.units} units in {time.perf_counter() - t0:.1f}s")
        _, per_lang = maskers(store, ("fa",))
        tmx = root / "tm.tmx"

        def tm_out() -> None:
            export_tm(store, tmx, ("fa",), source="en", tags={"fa": "fa-IR"})

        ours = best(tm_out)
        line("tm export", ours, best(lambda: tt_parse(tmx, "tmx")))

        def tm_in() -> None:
            with open_store(settings.database) as s:
                import_tm(s, [tmx], source="en", targets=("fa",))
                s.conn.execute("DELETE FROM tm_entries")  # the next run starts from empty

        line("tm import", best(tm_in), best(lambda: tt_parse(tmx, "tmx")))
        for version in ("1.2", "2.0"):
            out = root / f"x{version}"

            def x_out(version: str = version, out: Path = out) -> None:
                export_xliff(store, ("fa",), out, version=version, source="en",
                             tags={"fa": "fa-IR"}, project="ws", maskers=per_lang)

            x_out()  # records the export once, as a user's first export would
            path = out / "articles.fa.xlf"
            line(f"xliff {version} export", best(x_out), best(lambda p=path, v=version:
                                                               tt_parse(p, v)))
            edited = root / f"edited-{version}.xlf"
            data = path.read_text(encoding="utf-8").replace("کمیته", "کمیسیون")
            data = data.replace('state="needs-review-translation" state-qualifier="leveraged-mt"',
                                'state="translated"').replace('state="initial" subState='
                                                              '"pipeline:machine"',
                                                              'state="translated"')
            edited.write_text(data, encoding="utf-8")

            # Each import runs on a copy of the database, so every version imports the same edits.
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            copy = root / f"copy-{version}.db"
            shutil.copyfile(settings.database, copy)

            def x_in(edited: Path = edited, copy: Path = copy) -> None:
                with open_store(copy) as s:
                    [r] = import_xliff(s, [edited], targets=("fa",), who="nima",
                                       maskers=per_lang)
                    assert r.imported == args.units and not r.conflicts, r

            line(f"xliff {version} import", best(x_in, runs=1),
                 best(lambda p=edited, v=version: tt_parse(p, v)))
        print(f"peak memory of this process: "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
