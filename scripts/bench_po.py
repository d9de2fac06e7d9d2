#!/usr/bin/env python3
"""Benchmark the PO round trip on N units against polib's own load/save of the same file.

Prints ratios (ours / baseline, measured in the same run); targets: export and import <= 1.5x,
reading with all checks (load_po) <= 2x polib's load, and the peak memory of importing the
all-edited file <= 2x polib's load of it (resident memory over each process's start, both in
a fresh interpreter, so SQLite's page cache counts too). Times are CPU seconds (user + system,
child processes such as msgfmt included): medians of 3 runs, ours and the baseline in turn,
so both see the same load on a shared machine. Usage:

    PYTHONPATH=. python scripts/bench_po.py [--units 100000] [--keep DIR]
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
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import polib  # noqa: E402

from pipeline.catalogs.export import catalog_path, export_catalogs  # noqa: E402
from pipeline.catalogs.importer import import_files  # noqa: E402
from pipeline.catalogs.mo import compile_catalog  # noqa: E402
from pipeline.catalogs.pofile import check_po, load_po  # noqa: E402
from pipeline.states import Action  # noqa: E402
from pipeline.store import open_store  # noqa: E402
from pipeline.store import translations as tr  # noqa: E402
from pipeline.store.articles import save_article  # noqa: E402
from pipeline.workspace import init  # noqa: E402
from tests.factories import make_article  # noqa: E402

PER_ARTICLE = 20


RUNS = 3


def cpu() -> float:
    """CPU seconds of this process and its waited-for children (wall time is noise here)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = cpu()
    result = fn()
    return cpu() - start, result


def paired(ours: Callable[[], Any], base: Callable[[], Any],
           runs: int = RUNS) -> tuple[float, float]:
    """Median CPU seconds of `ours` and of `base`, run in turn (A B A B ...)."""
    a: list[float] = []
    b: list[float] = []
    for _ in range(runs):
        a.append(timed(ours)[0])
        b.append(timed(base)[0])
    return statistics.median(a), statistics.median(b)


def line(name: str, ours: float, base: float, base_name: str, target: float | None) -> None:
    ratio = ours / base
    verdict = "" if target is None else ("  ok" if ratio <= target else f"  OVER {target}x")
    print(f"{name:<34} {ours:8.2f}s  vs {base_name:<26} {base:8.2f}s  ratio {ratio:5.2f}x"
          f"{verdict}")


_PEAK = """
import resource, sys
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()
import polib
from pipeline.catalogs.importer import import_files
from pipeline.store import open_store
po, db = sys.argv[2], sys.argv[3]
store = open_store(db) if sys.argv[1] == "import" else None
base = rss()
if store is None:
    polib.pofile(po, encoding="utf-8")
else:
    import_files(store, [__import__("pathlib").Path(po)], targets=["fa"], who="bench")
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the (large) parent across exec.
with open("/proc/self/status") as f:
    hwm = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
print(hwm * 1024 - base)
"""


def peak_memory(what: str, po: Path, db: Path) -> int:
    """Peak resident bytes over the start of a fresh interpreter that loads or imports `po`."""
    out = subprocess.run([sys.executable, "-c", _PEAK, what, str(po), str(db)], check=True,
                         capture_output=True, text=True, cwd=ROOT,
                         env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    return int(out.stdout.split()[-1])


def build(root: Path, units: int) -> Any:
    settings = init(root, "en", ("fa",))
    store = open_store(settings.database)
    for a in range(units // PER_ARTICLE):
        parts = [("paragraph", f"Paragraph {i} of article {a}: the committee met on Monday to "
                  f"discuss the budget, and said \"more talks\" would follow.")
                 for i in range(PER_ARTICLE)]
        save_article(store, make_article(f"article-{a}", parts, source=f"articles/a{a}.txt"),
                     ["fa"])
    ids = [r[0] for r in store.conn.execute("SELECT id FROM units")]
    with store.transaction():
        for uid in ids:
            tr.change(store, uid, "fa", Action.MACHINE, who=None,
                      text=f"بند {uid} از مقاله: کمیته روز دوشنبه برای بحث دربارهٔ بودجه دیدار "
                      "کرد و گفت «گفتگوهای بیشتری» در پیش است.", origin="mt",
                      engine="ctranslate2", package="translate-en_fa", package_version="1.9")
    return settings, store


def edited_copy(po: Path, dest: Path) -> Path:
    """Every entry changed by a translator: new msgstr, fuzzy flag removed (plain text edit)."""
    text = po.read_text(encoding="utf-8").replace("#, fuzzy\n", "")
    text = text.replace('msgstr "بند ', 'msgstr "ویرایش بند ')
    dest.write_text(text, encoding="utf-8")
    return dest


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=100_000, help="units in the workspace")
    ap.add_argument("--keep", type=Path, help="build the workspace here and keep it")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-po-"))
    try:
        print(f"building a workspace with {args.units} units (machine-translated to fa) ...")
        setup, (settings, store) = timed(lambda: build(work / "ws", args.units))
        print(f"  setup {setup:.1f}s")
        out = work / "locales"
        export_catalogs(store, ["fa"], out, project="bench")  # the file the lines below read
        po_path = catalog_path(out, "fa")
        size = po_path.stat().st_size / 2**20
        po = polib.pofile(str(po_path), encoding="utf-8")
        print(f"\n{args.units} entries, {size:.1f} MiB per catalog; CPU seconds, medians of "
              f"{RUNS} interleaved runs\n")
        t_export, t_polib_save = paired(
            lambda: export_catalogs(store, ["fa"], out, project="bench"),
            lambda: po.save(str(work / "polib-saved.po")))
        line("po export (fa .po + .pot)", t_export, t_polib_save, "polib save (fa .po)", 1.5)

        def polib_load() -> Any:
            return polib.pofile(str(po_path), encoding="utf-8")

        line("check_po (strict pass only)", *paired(lambda: check_po(po_path), polib_load),
             "polib load", 2.0)
        line("load_po (checks + polib)", *paired(lambda: load_po(po_path), polib_load),
             "polib load", 2.0)
        t_none, t_polib_load = paired(
            lambda: import_files(store, [po_path], targets=["fa"], who="bench"), polib_load)
        line("po import, nothing changed", t_none, t_polib_load, "polib load", 1.5)

        edited = edited_copy(po_path, work / "edited.po")
        # Medians like the other lines: the database is put back as it was between the runs.
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        saved = work / "before-import.db"
        shutil.copyfile(settings.database, saved)
        all_runs: list[float] = []
        polib_runs: list[float] = []
        for _ in range(RUNS):  # baseline and ours alternate, so both see the same machine load
            polib_runs.append(timed(lambda: polib.pofile(str(edited), encoding="utf-8"))[0])
            for suffix in ("-wal", "-shm"):  # closed cleanly, but never pair a copy with a WAL
                Path(f"{settings.database}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(saved, settings.database)
            store = open_store(settings.database)
            t, res = timed(partial(import_files, store, [edited], targets=["fa"], who="bench"))
            assert res[0].imported == args.units, res
            all_runs.append(t)
            store.close()
        t_all, t_polib_edit = statistics.median(all_runs), statistics.median(polib_runs)
        line("po import, every entry edited", t_all, t_polib_edit, "polib load", 1.5)
        per_change = (t_all - t_none) / args.units * 1e6
        print(f"  (the store writes, one edit + event per entry: ~{per_change:.0f} us each)")
        for suffix in ("-wal", "-shm"):
            Path(f"{settings.database}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(saved, settings.database)
        m_polib = peak_memory("polib", edited, settings.database)
        m_ours = peak_memory("import", edited, settings.database)
        ratio = m_ours / m_polib
        print(f"{'peak memory, every entry edited':<34} {m_ours / 2**20:7.1f}M  vs "
              f"{'polib load':<26} {m_polib / 2**20:7.1f}M  ratio {ratio:5.2f}x"
              f"{'  ok' if ratio <= 2.0 else '  OVER 2.0x'}  "
              f"({m_ours / args.units / 1024:.1f} KB per entry)")
        for suffix in ("-wal", "-shm"):
            Path(f"{settings.database}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(saved, settings.database)
        store = open_store(settings.database)

        mo = work / "fa.mo"
        if shutil.which("msgfmt"):
            t_mo, t_msgfmt = paired(lambda: compile_catalog(edited, mo, use_msgfmt=False),
                                    lambda: compile_catalog(edited, mo, use_msgfmt=True))
            line("MO, own writer (with checks)", t_mo, t_msgfmt, "msgfmt --check (with checks)",
                 None)
        else:
            t_mo = timed(lambda: compile_catalog(edited, mo, use_msgfmt=False))[0]
        sample = polib.pofile(str(edited), encoding="utf-8")
        n = min(len(sample), 20_000)
        small = polib.POFile()
        small.metadata = sample.metadata
        small.extend(list(sample)[:n])
        t_polib_mo, _ = timed(lambda: small.save_as_mofile(str(work / "polib.mo")))
        print(f"  polib save_as_mofile of {n} entries: {t_polib_mo:.2f}s "
              f"(own writer did {args.units} in {t_mo:.2f}s)")
        store.close()
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
