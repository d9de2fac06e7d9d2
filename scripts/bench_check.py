#!/usr/bin/env python3
"""Benchmark `pipeline check`: 100k translated units from the database and from PO files.

Targets (issue 6): checking the database takes <= 5 s on one core; checking PO files takes
<= 2x polib's own load time of the same files. Each figure is printed with its baseline from
the same run: the bare SQL read of the rows, and polib.pofile() on the same catalogs.

    PYTHONPATH=. python scripts/bench_check.py [--translations 100000] [--repeat 3]
"""

from __future__ import annotations

import _project_env  # noqa: F401  # isort: skip  (runs the script in .venv)

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import polib  # noqa: E402

from pipeline.checks.run import CheckOptions, build_options, run_database, run_po  # noqa: E402
from pipeline.models import Article, Unit, UnitKind  # noqa: E402
from pipeline.store import checks as queries  # noqa: E402
from pipeline.store import now, open_store  # noqa: E402
from pipeline.store.articles import save_article  # noqa: E402
from pipeline.workspace import Settings, init  # noqa: E402

LANGS = ("fa", "ar", "sq")
EN = ("the minister said talks would resume in the capital after a long pause while officials "
      "from both sides met again to discuss the proposal and its costs for the region").split()
FA = ("وزیر گفت مذاکرات پس از وقفه طولانی در پایتخت از سر گرفته می‌شود و مقامات دو طرف "
      "دوباره برای بررسی پیشنهاد و هزینه‌های آن برای منطقه دیدار کردند").split()
AR = ("قال الوزير إن المحادثات ستستأنف في العاصمة بعد توقف طويل بينما التقى مسؤولون من "
      "الجانبين مرة أخرى لمناقشة الاقتراح وتكاليفه على المنطقة").split()
SQ = ("ministri tha se bisedimet do të rifillojnë në kryeqytet pas një pushimi të gjatë ndërsa "
      "zyrtarët e të dy palëve u takuan përsëri për të diskutuar propozimin").split()
WORDS = {"fa": FA, "ar": AR, "sq": SQ}
DIGITS = {"fa": "۰۱۲۳۴۵۶۷۸۹", "ar": "٠١٢٣٤٥٦٧٨٩", "sq": "0123456789"}
END = {"fa": ".", "ar": ".", "sq": "."}


def sentence(rng: random.Random, words: list[str], n: int) -> str:
    return " ".join(rng.choice(words) for _ in range(n))


def make_pair(rng: random.Random, lang: str, i: int) -> tuple[str, str]:
    """A source paragraph and a translation with the features the checks look at."""
    n = rng.randint(12, 40)
    year = str(rng.randint(1950, 2024))
    src = f"In {year} {sentence(rng, EN, n)}"
    tgt = f"{sentence(rng, WORDS[lang], n)} {year.translate(str.maketrans('0123456789', DIGITS[lang]))}"
    if i % 7 == 0:
        src += " see https://example.org/r/" + str(i)
        tgt += " https://example.org/r/" + str(i)
    if i % 11 == 0:
        src += " [1]"
        tgt += " [1]"
    if i % 13 == 0:
        src = f"<b>{src}</b>"
        tgt = f"<b>{tgt}</b>"
    if i % 50 == 0:  # about 2% wrong: a changed number
        tgt += " 7"
    return src + ".", tgt + END[lang]


def build(root: Path, translations: int, seed: int = 7) -> tuple[Path, list[Path]]:
    rng = random.Random(seed)
    settings = init(root / "ws", "en", LANGS)
    units_needed = -(-translations // len(LANGS))
    per_article = 50
    store = open_store(settings.database)
    pairs: dict[str, dict[str, tuple[str, str]]] = {lang: {} for lang in LANGS}
    made = 0
    a = 0
    while made < units_needed:
        slug = f"article-{a:05d}"
        units = []
        for pos in range(min(per_article, units_needed - made)):
            i = made + pos
            src, _ = make_pair(random.Random(i), "sq", i)
            units.append(Unit(id=f"{slug}-{pos:03d}", kind=UnitKind.PARAGRAPH, text=src,
                              position=pos))
            for lang in LANGS:
                s, t = make_pair(random.Random(i), lang, i)
                pairs[lang][units[-1].id] = (s, t)
        save_article(store, Article(slug=slug, source=f"pages/{slug}.txt", title=slug,
                                    units=tuple(units)), LANGS)
        made += len(units)
        a += 1
    ts = now()
    for lang in LANGS:
        store.db.table("translations").upsert_all(
            [{"unit_id": uid, "lang": lang, "text": t, "status": rng.choice(
                ["machine", "translated", "approved"]), "revision": 1, "created_at": ts,
              "updated_at": ts} for uid, (_, t) in pairs[lang].items()],
            pk=("unit_id", "lang"),
        )
    store.close()
    files = []
    for lang in LANGS:
        po = polib.POFile()
        po.metadata = {"Language": lang, "Content-Type": "text/plain; charset=UTF-8",
                       "MIME-Version": "1.0"}
        for uid, (s, t) in pairs[lang].items():
            po.append(polib.POEntry(msgctxt=uid, msgid=s, msgstr=t,
                                    occurrences=[(f"pages/{uid[:13]}.txt", "")]))
        path = root / "locales" / lang / "LC_MESSAGES" / "articles.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        po.save(str(path))
        files.append(path)
    return settings.root, files


CPU: dict[str, float] = {}


def best(fn, repeat: int, label: str) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    """Best wall time of `repeat` runs; the CPU time of that run goes to CPU[label].

    The machine may be shared: CPU time shows the work itself when wall time includes waiting.
    """
    times, result = [], None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append((time.perf_counter() - start, time.process_time() - cpu))
    wall, CPU[label] = min(times)
    return wall, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--translations", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=("db", "po"), help="Measure only one of the two.")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    from pipeline.workspace import load

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        root, files = build(Path(tmp), args.translations)
        print(f"built {args.translations} translations in {len(LANGS)} languages "
              f"({time.perf_counter() - t0:.1f} s)")
        settings = load(root)
        options = build_options(settings)

        if args.only != "po":
            bench_database(settings, options, args.repeat)
        if args.only != "db":
            bench_po(files, args.repeat)
        print(f"load average during the run: {os.getloadavg()[0]:.1f} "
              f"(figures are noisy when other work shares the core)")


def bench_database(settings: Settings, options: CheckOptions, repeat: int) -> None:
    def read_rows() -> int:
        with open_store(settings.database) as store:
            return sum(1 for _ in queries.check_rows(store, LANGS))

    sql_s, rows = best(read_rows, repeat, "sql")
    db_s, report = best(lambda: run_database(settings, options), repeat, "db")
    findings = sum(len(r.findings) for r in report.languages)  # type: ignore[attr-defined]
    print(f"database: read {rows} rows in {sql_s:.2f} s (baseline); check {db_s:.2f} s "
          f"= {db_s / sql_s:.1f}x the bare read; {rows / db_s:,.0f} translations/s; "
          f"{findings} findings; target <= 5 s: {'met' if db_s <= 5 else 'MISSED'}")
    print(f"  cpu time: read {CPU['sql']:.2f} s, check {CPU['db']:.2f} s")


def bench_po(files: list[Path], repeat: int) -> None:
    polib_s, _ = best(lambda: [polib.pofile(str(f)) for f in files], repeat, "polib")
    po_s, report = best(lambda: run_po(files, build_options(None)), repeat, "po")
    findings = sum(len(r.findings) for r in report.languages)  # type: ignore[attr-defined]
    ratio = po_s / polib_s
    print(f"po: polib.pofile {polib_s:.2f} s (baseline); check {po_s:.2f} s = {ratio:.2f}x "
          f"polib; {findings} findings; target <= 2x: {'met' if ratio <= 2 else 'MISSED'}")
    print(f"  cpu time: polib {CPU['polib']:.2f} s, check {CPU['po']:.2f} s "
          f"= {CPU['po'] / CPU['polib']:.2f}x")


if __name__ == "__main__":
    main()
