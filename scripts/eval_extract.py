#!/usr/bin/env python3
"""Score `pipeline extract --json --dry-run` on the corpus pages against the hand-made gold files.

Title precision/recall, body-paragraph precision/recall (exact line match after white-space
normalisation; body = paragraph, heading, quote, list_item, reference) and chrome lines leaked
(gold boilerplate lines that came out as any unit). Counts are multisets per page.

    python scripts/eval_extract.py [--corpus ../shared/corpus] [--json] [--each] [-v]
"""

from __future__ import annotations

import _project_env  # noqa: F401  # isort: skip  (runs the script in .venv)

import argparse
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BODY = {"paragraph", "heading", "quote", "list_item", "reference"}


def norm(text: str) -> str:
    return " ".join(text.split())


def run_extract(pages: list[Path], each: bool = False) -> list[dict]:
    """The dry-run JSON for all pages in one run, or (`each`) one run per page."""
    if each:
        return [a for p in pages for a in run_extract([p])]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", "--json", "--dry-run", *map(str, pages)],
        capture_output=True, text=True, env=env,
    )
    if out.returncode not in (0, 1):
        sys.exit(f"extract failed ({out.returncode}): {out.stderr.strip()}")
    return json.loads(out.stdout)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def overlap(a: Counter[str], b: Counter[str]) -> int:
    return sum((a & b).values())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--json", action="store_true", help="print the scores as JSON")
    ap.add_argument("-v", "--verbose", action="store_true", help="list the differences")
    ap.add_argument("--each", action="store_true",
                    help="extract each page in its own run (no cross-page repetition)")
    args = ap.parse_args()
    pages = sorted((args.corpus / "pages").glob("*.txt"))
    if not pages:
        sys.exit(f"no pages under {args.corpus / 'pages'}")
    articles = run_extract(pages, each=args.each)
    by_source: dict[str, list[dict]] = {}
    for a in articles:
        by_source.setdefault(Path(a["source"]).name, []).append(a)
    rows = []
    tot = Counter()
    for page in pages:
        gold = json.loads((args.corpus / "gold" / (page.stem + ".json")).read_text("utf-8"))
        got = by_source.get(page.name, [])
        g_titles = Counter(norm(a["title"]) for a in gold["articles"])
        o_titles = Counter(norm(a["title"]) for a in got)
        g_body = Counter(norm(p) for a in gold["articles"] for p in a["paragraphs"])
        o_body = Counter(norm(u["text"]) for a in got for u in a["units"] if u["kind"] in BODY)
        chrome = {norm(x) for x in gold["boilerplate"]}
        out_all = Counter(norm(u["text"]) for a in got for u in a["units"])
        leaked = sum(n for t, n in out_all.items() if t in chrome)
        t_tp, b_tp = overlap(g_titles, o_titles), overlap(g_body, o_body)
        row = {
            "page": page.name, "articles_gold": len(gold["articles"]), "articles_out": len(got),
            "title_tp": t_tp, "title_fp": sum(o_titles.values()) - t_tp,
            "title_fn": sum(g_titles.values()) - t_tp,
            "body_tp": b_tp, "body_fp": sum(o_body.values()) - b_tp,
            "body_fn": sum(g_body.values()) - b_tp, "chrome_leaked": leaked,
        }
        rows.append(row)
        for k, v in row.items():
            if isinstance(v, int):
                tot[k] += v
        if args.verbose:
            for t in (o_body - g_body):
                print(f"  {page.name} extra body: {t[:100]!r}")
            for t in (g_body - o_body):
                print(f"  {page.name} missed body: {t[:100]!r}")
            for t in (o_titles - g_titles):
                print(f"  {page.name} extra title: {t[:100]!r}")
            for t in (g_titles - o_titles):
                print(f"  {page.name} missed title: {t[:100]!r}")
            for t, n in out_all.items():
                if t in chrome:
                    print(f"  {page.name} leaked chrome: {t[:100]!r} x{n}")
    tp_, tr_, tf_ = prf(tot["title_tp"], tot["title_fp"], tot["title_fn"])
    bp, br, bf = prf(tot["body_tp"], tot["body_fp"], tot["body_fn"])
    scores = {"pages": len(pages), "title_precision": tp_, "title_recall": tr_, "title_f1": tf_,
              "paragraph_precision": bp, "paragraph_recall": br, "paragraph_f1": bf,
              "chrome_leaked": tot["chrome_leaked"], "per_page": rows}
    if args.json:
        print(json.dumps(scores, indent=2))
    else:
        head = (f"{'page':28} {'art g/o':>8} {'title P':>8} {'title R':>8} {'para P':>8} "
                f"{'para R':>8} {'chrome':>7}")
        print(head)
        print("-" * len(head))
        for r in rows:
            p1, r1, _ = prf(r["title_tp"], r["title_fp"], r["title_fn"])
            p2, r2, _ = prf(r["body_tp"], r["body_fp"], r["body_fn"])
            print(f"{r['page']:28} {r['articles_gold']:>3}/{r['articles_out']:<4} {p1:8.3f} {r1:8.3f} "
                  f"{p2:8.3f} {r2:8.3f} {r['chrome_leaked']:7d}")
        print("-" * len(head))
        print(f"{'all':28} {tot['articles_gold']:>3}/{tot['articles_out']:<4} {tp_:8.3f} {tr_:8.3f} "
              f"{bp:8.3f} {br:8.3f} {tot['chrome_leaked']:7d}")
        print(f"title F1 {tf_:.3f} (target 1.0)   paragraph F1 {bf:.3f} (target >= 0.98)   "
              f"chrome leaked {tot['chrome_leaked']} (target 0)")
    ok = tf_ >= 1.0 and bf >= 0.98 and tot["chrome_leaked"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
