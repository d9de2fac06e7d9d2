#!/usr/bin/env python3
"""Benchmark TMX and XLIFF export/import on N units against translate-toolkit's own parse.

Six steps: tm export, tm import, xliff 1.2 export and import, xliff 2.0 export and import. The
baseline of each is translate-toolkit reading the very file ours wrote or reads (parse, then
every unit's source and target), measured in the same run. Every run is a forked child, ours
and the baseline in turn (A B A B ...), so its CPU seconds (user + system) and peak memory (max
RSS) are its own; the figures are medians. Steps that write run on a fresh copy of the
database each time (copied before the child starts, so the copy is not counted): every export
is a first export of its snapshot, every import applies the same edits. Targets: each step
<= 1.5x translate-toolkit's CPU, and memory flat (ours does not grow with the file). Usage:

    PYTHONPATH=. python scripts/bench_interchange.py [--units 100000] [--runs 3] [--profile DIR]

`--profile DIR` runs each of our steps once more under cProfile and writes DIR/<step>.prof.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
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
from pipeline.workspace import init, load  # noqa: E402
from tests.factories import make_article  # noqa: E402

PER_ARTICLE = 20
TARGET = 1.5


@dataclass(frozen=True)
class Run:
    cpu: float  # user + system seconds of the child
    peak: float  # MiB


def in_child(fn: Callable[[], Any], setup: Callable[[], Any] | None = None) -> Run:
    """CPU seconds and peak memory of fn() in a forked child (setup runs before, uncounted)."""
    if setup is not None:
        setup()
    pid = os.fork()
    if pid == 0:
        try:
            fn()
        except BaseException as exc:  # noqa: BLE001 - the parent reports the failure
            print(f"benchmark step failed: {exc!r}", file=sys.stderr)
            os._exit(1)
        os._exit(0)
    _, status, usage = os.wait4(pid, 0)
    if status != 0:
        raise SystemExit(f"benchmark step failed (status {status})")
    return Run(usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def profiled(fn: Callable[[], Any], out: Path, setup: Callable[[], Any] | None = None) -> None:
    def run() -> None:
        import cProfile

        prof = cProfile.Profile()
        prof.runcall(fn)
        prof.dump_stats(str(out))

    in_child(run, setup)


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
    rows = store.conn.execute("SELECT id, source_text FROM units ORDER BY rowid").fetchall()
    text = ("بند {n}: کمیته روز <b>دوشنبه</b> برای بحث دربارهٔ بودجه دیدار کرد"
            " (https://example.org/{src}).")
    changes = []
    for n, (uid, source) in enumerate(rows):
        t = text.format(n=n, src=source.split("https://example.org/")[1].rstrip(")."))
        if n % 2:
            changes.append(tr.Change(uid, "fa", Action.MACHINE, text=t, fields={"origin": "mt"}))
        else:
            changes.append(tr.Change(uid, "fa", Action.EDIT, who="sara", text=t,
                                     fields={"origin": "human", "translated_by": "sara"}))
            changes.append(tr.Change(uid, "fa", Action.APPROVE, who="ali",
                                     fields={"reviewed_by": "ali"}))
    tr.change_many(store, changes)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.conn.close()
    return settings


def copier(src: Path, dst: Path) -> Callable[[], None]:
    def copy() -> None:
        for suffix in ("-wal", "-shm"):
            Path(f"{dst}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(src, dst)
    return copy


def step(name: str, ours: Callable[[], Any], base: Callable[[], Any], runs: int,
         setup: Callable[[], Any] | None = None) -> float:
    """Interleaved runs of ours and the baseline; prints and returns the median CPU ratio."""
    a: list[Run] = []
    b: list[Run] = []
    for _ in range(runs):
        a.append(in_child(ours, setup))
        b.append(in_child(base))
    cpu_a = statistics.median(r.cpu for r in a)
    cpu_b = statistics.median(r.cpu for r in b)
    peak_a = statistics.median(r.peak for r in a)
    peak_b = statistics.median(r.peak for r in b)
    ratio = cpu_a / cpu_b
    verdict = "ok" if ratio <= TARGET else f"OVER {TARGET}x"
    print(f"{name:<18} ours {cpu_a:6.2f}s cpu {peak_a:5.0f} MiB | translate-toolkit parse "
          f"{cpu_b:6.2f}s cpu {peak_b:5.0f} MiB | ratio {ratio:4.2f}x {verdict}"
          f"  (ours {min(r.cpu for r in a):.2f}-{max(r.cpu for r in a):.2f}s)", flush=True)
    return ratio


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3, help="runs of each side (median)")
    ap.add_argument("--only", default="", help="comma-separated step names to run (tm,xliff)")
    ap.add_argument("--profile", type=Path, help="also write a cProfile of each of our steps")
    args = ap.parse_args()
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    # Imported here, as ours is, so neither side's figures include importing its modules.
    import translate.storage.tmx  # noqa: F401
    import translate.storage.xliff  # noqa: F401
    import translate.storage.xliff2  # noqa: F401

    floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"every child starts from this process's {floor:.0f} MiB (peaks include it)")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        # Built in a child, so this process stays small and the children's peaks are their own.
        built = in_child(lambda: build(root / "ws", args.units))
        database = load(root / "ws").database
        print(f"built {args.units} units in {built.cpu:.1f}s cpu", flush=True)
        fresh = root / "fresh.db"
        shutil.copyfile(database, fresh)
        work = root / "work.db"
        tmx = root / "tm.tmx"
        langs = ("fa",)
        tags = {"fa": "fa-IR"}

        def tm_out() -> None:
            with open_store(work) as s:
                export_tm(s, tmx, langs, source="en", tags=tags)

        def tm_in() -> None:
            with open_store(work) as s:
                [r] = import_tm(s, [tmx], source="en", targets=langs)
                assert r.added == args.units // 2, r

        steps: list[tuple[str, Callable[[], Any], Callable[[], Any], Callable[[], Any]]] = []
        if not only or "tm" in only:
            copier(fresh, work)()
            tm_out()  # the file the baseline reads exists before the first pair
            steps += [("tm export", tm_out, lambda: tt_parse(tmx, "tmx"), copier(fresh, work)),
                      ("tm import", tm_in, lambda: tt_parse(tmx, "tmx"), copier(fresh, work))]
        for name, ours, base, setup in steps:
            step(name, ours, base, args.runs, setup)
            if args.profile:
                profiled(ours, args.profile / f"{name.replace(' ', '-')}.prof", setup)
        if not only or "xliff" in only:
            for version in ("1.2", "2.0"):
                xliff_steps(root, fresh, work, version, args, langs, tags)


def xliff_steps(root: Path, fresh: Path, work: Path, version: str, args: Any,
                langs: tuple[str, ...], tags: dict[str, str]) -> None:
    out = root / f"x{version}"
    path = out / "articles.fa.xlf"

    def x_out() -> None:
        with open_store(work) as s:
            _, per_lang = maskers(s, langs)
            export_xliff(s, langs, out, version=version, source="en", tags=tags, project="ws",
                         maskers=per_lang)

    copier(fresh, work)()
    x_out()  # recorded once: the import's database knows this export
    exported = root / f"exported-{version}.db"
    with open_store(work) as s:
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(work, exported)
    name = f"xliff {version}"
    step(f"{name} export", x_out, lambda: tt_parse(path, version), args.runs, copier(fresh, work))
    if args.profile:
        profiled(x_out, args.profile / f"xliff-{version}-export.prof", copier(fresh, work))

    # A translator's edits: every text changed, machine units marked translated.
    edited = root / f"edited-{version}.xlf"
    data = path.read_text(encoding="utf-8").replace("کمیته", "کمیسیون")
    data = data.replace('state="needs-review-translation" state-qualifier="leveraged-mt"',
                        'state="translated"').replace('state="initial" subState='
                                                      '"pipeline:machine"', 'state="translated"')
    edited.write_text(data, encoding="utf-8")
    # Not kept: every forked child would count this copy of the file's text in its peak.
    del data

    def x_in() -> None:
        with open_store(work) as s:
            _, per_lang = maskers(s, langs)
            [r] = import_xliff(s, [edited], targets=langs, who="nima", maskers=per_lang)
            assert r.imported == args.units and not r.conflicts, r

    step(f"{name} import", x_in, lambda: tt_parse(edited, version), args.runs,
         copier(exported, work))
    if args.profile:
        profiled(x_in, args.profile / f"xliff-{version}-import.prof", copier(exported, work))


if __name__ == "__main__":
    main()
