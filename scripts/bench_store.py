#!/usr/bin/env python3
"""Benchmark storing extracted articles: `save_article` against raw executemany, and its scaling.

    PYTHONPATH=. python scripts/bench_store.py [--units 10000,100000] [--per-article N] [--repeat 3]

Figures (CPU seconds of this process, SQLite included: the machine is shared, so wall time is
noise), medians of `--repeat` runs that alternate sizes and kinds (raw, first save, re-save),
each a ratio to a baseline measured in the same run:
- first save of every article through `save_article` against raw sqlite3 executemany of the
  same article, unit and translation rows in one transaction, into an identical empty database
  (target <= 1.5x);
- re-saving after an edit of a fifth of every article's paragraphs, every unit having machine
  text by then (edited units pair with the ones they replace, their translations carried as
  stale through the compare-and-set write path);
- scaling from the smallest to the largest size: first save, raw executemany and re-save, each
  against the ratio of the sizes (linear = the same ratio);
- the first save of the largest size article by article (a tenth of the units each, by
  default), first against last: what grows as the tables grow.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.extract.draft import Draft, build  # noqa: E402
from pipeline.models import BODY_KINDS, Article, UnitKind  # noqa: E402
from pipeline.store import now, open_store  # noqa: E402
from pipeline.store.articles import (  # noqa: E402
    EDIT_SIMILARITY,
    Gone,
    content_hash,
    pair_edits,
    save_article,
)
from pipeline.textnorm import fold  # noqa: E402

LANGS = ("fa", "ar", "sq")
BODY = {str(k) for k in BODY_KINDS}
WORDS = ("ferry harbour council winter vote storm night service money staff town coast light "
         "keeper tower lamp repair stairs volunteers season boats quay cranes choir prize bakery "
         "market bridge river road school museum garden festival library station train").split()


def make_articles(units: int, per_article: int, seed: int, edit: float = 0.0) -> list[Article]:
    """Articles of `per_article` paragraphs; `edit` of them reworded (a few words changed)."""
    rng = random.Random(seed)
    edits = random.Random(seed + 1)  # its own stream: the unedited units stay the same
    out = []
    for a in range(max(1, units // per_article)):
        parts = []
        for p in range(per_article):
            words = [rng.choice(WORDS) for _ in range(18)]
            words[0] = f"Paragraph{p}"
            if edit and edits.random() < edit:
                for _ in range(3):
                    words[edits.randrange(1, len(words))] = edits.choice(WORDS).upper()
            parts.append((UnitKind.PARAGRAPH, " ".join(words) + "."))
        out.append(build(Draft(title=f"Article number {a}", parts=tuple(parts)),
                         source=f"in/a{a}.txt", fmt="text"))
    return out


def raw_save(store_path: Path, articles: list[Article]) -> float:
    """Seconds to insert the same rows with executemany in one transaction (no folding, no checks)."""
    with open_store(store_path) as store:
        conn = store.conn
        ts = now()
        t = time.process_time()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO articles (id, source, format, title, tags, captions, content_hash,"
            " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
            [(a.slug, a.source, a.format, a.title, "[]", "[]", content_hash(a), ts, ts)
             for a in articles])
        conn.executemany(
            "INSERT INTO units (id, article_id, position, kind, source_text, source_key,"
            " sentences, obsolete, created_at, updated_at) VALUES (?,?,?,?,?,?,?,0,?,?)",
            [(u.id, a.slug, u.position, str(u.kind), u.text, u.text, "[]", ts, ts)
             for a in articles for u in a.units])
        for lang in LANGS:
            conn.executemany(
                "INSERT INTO translations (unit_id, lang, status, revision, created_at,"
                " updated_at) VALUES (?, ?, 'untranslated', 0, ?, ?)",
                [(u.id, lang, ts, ts) for a in articles for u in a.units])
        conn.execute("COMMIT")
        return time.process_time() - t


def ours_save(store_path: Path, articles: list[Article]) -> tuple[float, list[float]]:
    """Seconds of the first save through save_article, and of each article's save."""
    with open_store(store_path) as store:
        each = []
        t = time.process_time()
        with store.transaction():
            for a in articles:
                s = time.process_time()
                save_article(store, a, LANGS)
                each.append(time.process_time() - s)
        return time.process_time() - t, each


def machine_translate(store_path: Path) -> None:
    """Give every row machine text, as `pipeline translate` leaves them (not timed)."""
    with open_store(store_path) as store, store.transaction() as conn:
        conn.execute("UPDATE translations SET status = 'machine', origin = 'mt', revision = 1,"
                     " text = lang || ' ' || unit_id")


def resave(store_path: Path, articles: list[Article]) -> tuple[float, int, int]:
    """Seconds to save the edited articles again; edited units and translations carried."""
    with open_store(store_path) as store:
        t = time.process_time()
        with store.transaction():
            done = [save_article(store, a, LANGS) for a in articles]
        return (time.process_time() - t, sum(r.added for r in done),
                sum(r.carried for r in done))


def check_pairs(first: list[Article], edited: list[Article]) -> tuple[int, int]:
    """(pairs pair_edits finds, pairs where it and the exhaustive search differ) over the
    edited articles: every removed x new unit of a kind group compared, most similar first."""
    from rapidfuzz import process
    from rapidfuzz.distance import Indel

    def group(kind: str) -> str:
        return "body" if kind in BODY else kind

    found = differ = 0
    for a, b in zip(first, edited, strict=True):
        now_ids = {u.id for u in b.units}
        was_ids = {u.id for u in a.units}
        gone = [Gone(u.id, str(u.kind), u.text, u.position) for u in a.units
                if u.id not in now_ids]
        new = [u for u in b.units if u.id not in was_ids]
        ours = {(g, u.id) for g, u in pair_edits(gone, new)}
        folded = [fold(g.text) for g in gone]
        scored = [(-score, gi, ni) for ni, u in enumerate(new)
                  for _, score, gi in process.extract(
                      fold(u.text), folded, scorer=Indel.normalized_similarity,
                      score_cutoff=EDIT_SIMILARITY, limit=None)
                  if group(gone[gi].kind) == group(str(u.kind))]
        used_g: set[int] = set()
        used_n: set[int] = set()
        best = set()
        for _, gi, ni in sorted(scored):
            if gi not in used_g and ni not in used_n:
                used_g.add(gi)
                used_n.add(ni)
                best.add((gone[gi].id, new[ni].id))
        found += len(ours)
        differ += len(ours ^ best)
    return found, differ


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", default="10000,100000", help="sizes to run, comma-separated")
    ap.add_argument("--per-article", type=int, default=0,
                    help="units per article (default: a tenth of the run, so articles grow with "
                         "it: the edit pairing works per article)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each size (median kept)")
    ap.add_argument("--check-pairs", action="store_true",
                    help="only compare the edit pairing with the exhaustive search at each size")
    args = ap.parse_args()
    sizes = [int(x) for x in args.units.split(",")]
    data = {}
    for n in sizes:
        per = args.per_article or max(1, n // 10)
        data[n] = (make_articles(n, per, seed=1), make_articles(n, per, seed=1, edit=0.2))
    if args.check_pairs:
        for n in sizes:
            found, differ = check_pairs(*data[n])
            print(f"{n:8d} units: pair_edits found {found} edit pairs; {differ} differ from "
                  "the exhaustive search's")
        return 0
    runs: dict[int, dict[str, list[float]]] = {n: {"raw": [], "save": [], "resave": []}
                                               for n in sizes}
    each: dict[int, list[list[float]]] = {n: [] for n in sizes}
    counts: dict[int, tuple[int, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty.db"
        open_store(empty).close()
        for _ in range(args.repeat):  # sizes and kinds alternate: the machine's load drifts
            for n in sizes:
                first, edited = data[n]
                raw_db, our_db = Path(tmp) / "raw.db", Path(tmp) / "ours.db"
                shutil.copy(empty, raw_db)
                shutil.copy(empty, our_db)
                runs[n]["raw"].append(raw_save(raw_db, first))
                took, per_article = ours_save(our_db, first)
                runs[n]["save"].append(took)
                each[n].append(per_article)
                machine_translate(our_db)
                took, added, carried = resave(our_db, edited)
                runs[n]["resave"].append(took)
                counts[n] = (added, carried)
                for db in (raw_db, our_db):
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{db}{suffix}").unlink(missing_ok=True)
    results = []
    for n in sizes:
        raw, ours, again = (median(runs[n][k]) for k in ("raw", "save", "resave"))
        added, carried = counts[n]
        results.append({"units": n, "raw_s": raw, "save_s": ours, "resave_s": again,
                        "edited_units": added, "carried": carried})
        print(f"{n:8d} units: raw executemany {raw:6.2f} cpu-s, save_article {ours:6.2f} cpu-s "
              f"(ratio {ours / raw:.2f}, target <= 1.5); re-save with {added} edited units, "
              f"{carried} translations carried {again:6.2f} cpu-s ({again / n * 1e6:.0f} us/unit)")
    if len(results) >= 2:
        a, b = results[0], results[-1]
        print(f"scaling {a['units']} -> {b['units']} units ({b['units'] / a['units']:.0f}x): "
              f"first save {b['save_s'] / a['save_s']:.1f}x, raw executemany "
              f"{b['raw_s'] / a['raw_s']:.1f}x, re-save with edits "
              f"{b['resave_s'] / a['resave_s']:.1f}x")
    big = sizes[-1]
    per_article = [median(col) for col in zip(*each[big], strict=True)]
    if len(per_article) >= 2:
        print(f"first save of {big} units article by article (cpu-s, medians): "
              + " ".join(f"{x:.2f}" for x in per_article)
              + f" (last / first {per_article[-1] / per_article[0]:.2f})")
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
