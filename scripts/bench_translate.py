#!/usr/bin/env python3
"""Benchmark `pipeline translate` against raw CTranslate2 and against Argos's calling pattern.

Builds an Argos-sized random-weight package per language in a temporary directory (never
committed; its outputs end near the source length, as a real model's do, see make_test_model),
stores corpus paragraphs as units, and translates them three ways in one run:

  (a) `pipeline translate` end to end (a subprocess: start-up, store reads and writes included)
  (b) one raw translate_batch call per language on exactly the sentences (a) sent to the model
      (read back from mt_sentences), pre-tokenized, same options
  (c) the Argos pattern: the plain sentences, one translate_batch call per unit, beam 4,
      max_batch_size 32 tokens

and prints times and ratios. Times are wall-clock on a possibly shared machine: compare the
ratios, which are measured in the same run.

    python scripts/bench_translate.py            # 6+6 layers, d_model 512, ffn 2048, 8 heads
    python scripts/bench_translate.py --langs fa --units 120    # same model, ~300 sentences
    python scripts/bench_translate.py --layers 2 --d-model 256 --ffn 1024 --vocab 8000   # quick

The full run (every corpus paragraph into fa and ar, 1,652 sentence translations) takes about
21 minutes on 2 cores, 16 of them in (c).
"""

from __future__ import annotations

import _project_env  # noqa: F401  # isort: skip  (runs the script in .venv)

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.ids import unit_id  # noqa: E402
from pipeline.models import Article, Unit, UnitKind  # noqa: E402
from pipeline.store import open_store  # noqa: E402
from pipeline.store.articles import save_article  # noqa: E402
from pipeline.translate import packages  # noqa: E402
from pipeline.translate.engine import EngineOptions  # noqa: E402
from pipeline.translate.masking import Masker  # noqa: E402
from pipeline.workspace import init  # noqa: E402

CORPUS = Path(os.environ.get("PIPELINE_CORPUS", ROOT.parent / "shared" / "corpus")) / "pages"


def _builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_test_model",
                                                  ROOT / "scripts" / "make_test_model.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _sp(pkg: Any) -> Any:
    import sentencepiece as spm

    return spm.SentencePieceProcessor(model_file=str(pkg.path / "sentencepiece.model"))


def corpus_units(max_units: int | None) -> list[tuple[str, list[tuple[int, int]]]]:
    """Unique corpus paragraphs with sentence offsets (sentencex, as the extract stage uses)."""
    from sentencex import segment

    seen: set[str] = set()
    units = []
    for f in sorted(CORPUS.glob("*.txt")):
        for line in f.read_text(encoding="utf-8").splitlines():
            text = line.strip()
            if len(text) < 30 or text in seen:
                continue
            seen.add(text)
            spans, pos = [], 0
            for sentence in segment("en", text):
                s = sentence.strip()
                if not s:
                    continue
                start = text.find(s, pos)
                if start < 0:
                    continue
                spans.append((start, start + len(s)))
                pos = start + len(s)
            units.append((text, spans or [(0, len(text))]))
    return units[:max_units] if max_units else units


def store_units(db: Path, units: list[tuple[str, list[tuple[int, int]]]], langs: list[str]) -> None:
    with open_store(db) as store:
        for n in range(0, len(units), 20):
            slug = f"bench-{n // 20:03d}"
            chunk = units[n:n + 20]
            article = Article(
                slug=slug, source="bench", title=chunk[0][0][:60], units=tuple(
                    Unit(unit_id(slug, text, 0), UnitKind.PARAGRAPH, text, i, tuple(spans))
                    for i, (text, spans) in enumerate(chunk)
                ),
            )
            save_article(store, article, langs)


def run_pipeline(ws: Path, db: Path, pristine: Path, argos: Path, langs: list[str], beam: int,
                 batch: int, extra: tuple[str, ...] = ()) -> tuple[float, dict[str, Any]]:
    """(a): the CLI in a subprocess on a fresh copy of the database."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    shutil.copy(pristine, db)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ARGOS_PACKAGES_DIR": str(argos)}
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "pipeline", "translate", "-w", str(ws), "--lang", ",".join(langs),
         "--beam", str(beam), "--batch-size", str(batch), "--json", *extra],
        capture_output=True, text=True, env=env, check=True,
    )
    return time.perf_counter() - start, json.loads(out.stdout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--d-model", type=int, default=512)
    ap.add_argument("--ffn", type=int, default=2048)
    ap.add_argument("--heads", type=int, default=8)
    ap.add_argument("--vocab", type=int, default=32000)
    ap.add_argument("--lengths", choices=("source", "free"), default="source",
                    help="source: outputs end near the source length, as a real model's do; free: "
                         "plain random weights, outputs run to the decoding cap (see make_test_model)")
    ap.add_argument("--langs", default="fa,ar", help="target languages, one package each (fa,ar)")
    ap.add_argument("--units", type=int, default=None, help="use at most this many paragraphs")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--cluster", action="store_true",
                    help="instead of (b) and (c): `pipeline translate --cluster` against a Dask "
                         "scheduler and 1, then 2, workers of one thread each started here on "
                         "127.0.0.1, as ratios to the local run with 2 threads")
    args = ap.parse_args()
    langs = args.langs.split(",")
    if not CORPUS.is_dir():
        print(f"error: corpus not found at {CORPUS} (set PIPELINE_CORPUS)", file=sys.stderr)
        return 2

    import ctranslate2

    builder = _builder()
    with tempfile.TemporaryDirectory(prefix="bench-translate-") as tmp_name:
        tmp = Path(tmp_name)
        argos = tmp / "argos" / "packages"
        t0 = time.perf_counter()
        for seed, lang in enumerate(langs, start=1):
            archive = builder.build_package(
                tmp / f"en_{lang}.argosmodel", src="en", tgt=lang, layers=args.layers,
                d_model=args.d_model, ffn=args.ffn, heads=args.heads, vocab=args.vocab,
                seed=seed, lengths=args.lengths, corpus=[CORPUS])
            packages.install_file(archive, argos)
        build_s = time.perf_counter() - t0
        pkgs = {p.to_code: p for p in packages.installed(argos)}
        size = sum(p.size for p in pkgs.values()) / len(pkgs) / 1024**2
        units = corpus_units(args.units)
        ws = tmp / "ws"
        settings = init(ws, "en", tuple(langs))
        store_units(settings.database, units, langs)
        pristine = tmp / "pristine.db"
        with open_store(settings.database) as s:
            s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy(settings.database, pristine)

        # The sentences (a) sends to the model: masked, unique per language.
        masker = Masker()
        sentences_per_unit = [[masker.mask(text[a:b].strip()).text for a, b in spans]
                              for text, spans in units]
        unique = list(dict.fromkeys(s for unit in sentences_per_unit for s in unit))
        print(f"model: {args.layers}+{args.layers} layers, d_model {args.d_model}, ffn {args.ffn}, "
              f"{args.heads} heads, vocab {args.vocab}, int8, {size:.0f} MB per package "
              f"(built and installed in {build_s:.0f}s)")
        print(f"corpus: {len(units)} paragraphs, {sum(map(len, sentences_per_unit))} sentences, "
              f"{len(unique)} unique, x {len(langs)} languages = {len(unique) * len(langs)} "
              f"sentence translations; {os.cpu_count()} cores")

        if args.cluster:
            return cluster_runs(tmp, ws, settings.database, pristine, argos, langs,
                                args.batch_size)
        results: dict[str, float] = {}
        sent: dict[int, dict[str, list[str]]] = {}  # beam -> lang -> sentences (a) decoded
        for beam in (4, 1):
            secs, data = run_pipeline(ws, settings.database, pristine, argos, langs, beam,
                                      args.batch_size)
            results[f"a{beam}"] = secs
            with open_store(settings.database) as s:
                stored = [(lang, t) for lang, t in s.conn.execute(
                    "SELECT lang, text FROM translations WHERE status = 'machine'")]
                sent[beam] = {lang: [src for (src,) in s.conn.execute(
                    "SELECT source FROM mt_sentences WHERE model LIKE ? AND model LIKE ?",
                    (f"en>{lang}|%", f"%|beam={beam}|%"))] for lang in langs}
            assert sum(map(len, sent[beam].values())) == data["sentences"], "mt_sentences mismatch"
            spm_by_lang = {lang: _sp(pkgs[lang]) for lang in langs}
            a_len = statistics.mean(len(spm_by_lang[lang].encode(t or "")) for lang, t in stored)
            print(f"(a) pipeline translate, beam {beam}: {secs:.1f}s wall "
                  f"({data['seconds']:.1f}s in the run, {data['sentences']} sentences, "
                  f"{data['model_calls']} calls, {data['written']} units written, "
                  f"~{a_len:.1f} output tokens per unit)")

        opts = EngineOptions(beam=4, batch_size=args.batch_size)
        translators = {lang: ctranslate2.Translator(
            str(p.path / "model"), device="cpu", compute_type="int8", inter_threads=1,
            intra_threads=os.cpu_count() or 1) for lang, p in pkgs.items()}
        import sentencepiece as spm

        sp = {lang: spm.SentencePieceProcessor(model_file=str(p.path / "sentencepiece.model"))
              for lang, p in pkgs.items()}
        # (b): exactly the sentences (a) sent to the model (masked, plus the unmasked retries
        # of lost placeholders), pre-tokenized, in one call per language.
        for beam in (4, 1):
            tokens = {lang: [sp[lang].encode(x, out_type=str) for x in sent[beam][lang]]
                      for lang in langs}
            start = time.perf_counter()
            out_lens = []
            for lang in langs:
                cap = opts.decoding_cap(max(len(t) for t in tokens[lang]))
                res = translators[lang].translate_batch(
                    tokens[lang], beam_size=beam, max_batch_size=args.batch_size,
                    max_decoding_length=cap, return_scores=True, replace_unknowns=True)
                out_lens += [len(r.hypotheses[0]) for r in res]
            results[f"b{beam}"] = time.perf_counter() - start
            print(f"(b) one raw translate_batch per language on the {sum(map(len, tokens.values()))}"
                  f" sentences (a) decoded, beam {beam}: {results[f'b{beam}']:.1f}s "
                  f"(mean output {statistics.mean(out_lens):.1f} tokens)")

        # (c): what argostranslate does with these units: the plain sentences (it masks nothing),
        # one call per unit, beam 4, 32-token batches.
        plain_units = [[text[a:b].strip() for a, b in spans] for text, spans in units]
        start = time.perf_counter()
        out_lens = []
        for lang in langs:
            for unit in plain_units:
                toks = [sp[lang].encode(x, out_type=str) for x in unit]
                res = translators[lang].translate_batch(
                    toks, beam_size=4, max_batch_size=32, batch_type="tokens", length_penalty=0.2,
                    max_decoding_length=opts.decoding_cap(max(len(t) for t in toks)),
                    return_scores=True, replace_unknowns=True)
                out_lens += [len(r.hypotheses[0]) for r in res]
        results["c4"] = time.perf_counter() - start
        print(f"(c) Argos pattern ({sum(map(len, plain_units)) * len(langs)} sentences, a call per "
              f"unit, beam 4, 32-token batches): {results['c4']:.1f}s "
              f"(mean output {statistics.mean(out_lens):.1f} tokens)")

    print("ratios (targets in brackets):")
    print(f"  (a)/(b) beam 4: {results['a4'] / results['b4']:.2f}x  [<= 1.15]")
    print(f"  (a)/(b) beam 1: {results['a1'] / results['b1']:.2f}x")
    print(f"  (c)/(a) beam 4: {results['c4'] / results['a4']:.2f}x faster  [>= 2.5]")
    print(f"  (c beam 4)/(a beam 1): {results['c4'] / results['a1']:.2f}x faster  [>= 8]")
    return 0


def cluster_runs(tmp: Path, ws: Path, db: Path, pristine: Path, argos: Path, langs: list[str],
                 batch: int) -> int:
    """Throughput of the dask executor against the local one, measured in the same run.

    Each run starts from the same database; the workers start with empty package directories
    and get the packages from the coordinator (their first run pays that transfer once: it is
    timed apart, on a warm-up run of one unit).
    """
    from tests.cluster import start_cluster

    local_s, local = run_pipeline(ws, db, pristine, argos, langs, 4, batch, ("--threads", "2"))
    batches = local["model_calls"]
    print(f"local, 2 threads: {local_s:.1f}s wall, {local['sentences']} sentences, "
          f"{local['sentences'] / local_s:.2f} sentences/s, {batches} batches")
    rows = []
    for workers, threads in ((1, 2), (1, 1), (2, 1)):
        cluster = start_cluster(tmp / f"cluster-{workers}-{threads}", workers=workers)
        try:
            extra = ("--cluster", cluster.address, "--threads", str(threads))
            warm_s, _ = run_pipeline(ws, db, pristine, argos, langs, 4, batch, (*extra, "--limit", "1"))
            secs, data = run_pipeline(ws, db, pristine, argos, langs, 4, batch, extra)
        finally:
            cluster.stop()
        assert data["sentences"] == local["sentences"], "the cluster decoded other sentences"
        rows.append((workers, threads, secs, warm_s))
        print(f"dask, {workers} worker(s) x 1 thread, {threads} CT2 thread(s) each: {secs:.1f}s "
              f"wall, {data['sentences'] / secs:.2f} sentences/s (first run with shipping: "
              f"{warm_s:.1f}s)")
    print("ratios (local 2 threads / cluster; > 1 means the cluster is faster):")
    for workers, threads, secs, _ in rows:
        print(f"  {workers} worker(s), {threads} thread(s) each: {local_s / secs:.2f}x")
    same = rows[0][2]
    overhead = (same - local_s) / max(1, batches)
    print(f"  cluster path overhead per batch (1 worker with 2 threads vs local 2 threads): "
          f"{overhead * 1000:.0f} ms against {local_s / max(1, batches) * 1000:.0f} ms of decoding "
          f"per batch ({overhead / (local_s / max(1, batches)):.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
