#!/usr/bin/env python3
"""Build a tiny REAL Argos package (.argosmodel) with random weights, for tests and offline demos.

The package has everything a downloaded one has: a SentencePiece tokenizer trained on text, a
CTranslate2 Transformer (random weights, int8), metadata.json, zipped as .argosmodel. It goes
through the same install and translate path as a real package, but its output words are
placeholders, so metadata.json marks it (`"pipeline_test_model": true`) and pipeline flags every
translation made with it.

    python scripts/make_test_model.py --from en --to fa --out build/en_fa.argosmodel

Tiny sizes (the defaults) build in a few seconds; `--layers 6 --d-model 512 --ffn 2048 --heads 8
--vocab 32000` gives an Argos-sized model (~120 MB) for benchmarks.
"""

from __future__ import annotations

import _project_env  # noqa: F401  # isort: skip  (runs the script in .venv)

import argparse
import json
import re
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = (ROOT.parent / "shared" / "corpus" / "pages", ROOT / "examples")

# Last resort when no corpus is found: a few original sentences, enough to train a tokenizer.
FALLBACK_TEXT = """\
The city council met on Tuesday to discuss the new budget for schools and roads.
Farmers in the north said the late rain had damaged most of the wheat harvest this year.
A small museum opened in the old railway station, showing photographs from the last century.
The minister told reporters that talks with the neighbouring countries would continue next week.
Prices of bread and fuel rose again in March, according to the national statistics office.
Volunteers cleaned the beach after the storm and collected more than two tonnes of plastic.
Students from three universities presented their research on water and energy at the conference.
The football team won the final match after a penalty in the last minute of the game.
Doctors warned that the hospital needs more nurses before the winter season begins.
The court will announce its decision about the election complaints at the end of the month.
"""

MARKER_KEY = "pipeline_test_model"
WEIGHT_STD = 0.08  # of the random weights: small enough that int8 quantization is well behaved


def _corpus_text(paths: Sequence[Path]) -> str:
    """All .txt/.md/.html text under the given files or directories (markup left in: harmless)."""
    chunks: list[str] = []
    for p in paths:
        files: Iterable[Path] = [p] if p.is_file() else sorted(
            f for f in p.rglob("*") if f.suffix in {".txt", ".md", ".html", ".htm"} and f.is_file()
        )
        for f in files:
            chunks.append(f.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(chunks)


def find_corpus(explicit: Sequence[Path] = ()) -> str:
    """Training text: --corpus, else the shared corpus, else examples/, else a built-in text."""
    if explicit:
        missing = [str(p) for p in explicit if not p.exists()]
        if missing:
            raise SystemExit(f"error: corpus not found: {', '.join(missing)}")
        return _corpus_text(explicit)
    for candidate in DEFAULT_CORPORA:
        if candidate.is_dir():
            text = _corpus_text([candidate])
            if len(text) > 2000:
                return text
    return FALLBACK_TEXT


def _sentences(text: str) -> list[str]:
    """Sentence-sized lines of `text`, for calibrating output lengths."""
    return [ln.strip() for ln in re.split(r"(?<=[.!?])\s+|\n", text) if 20 <= len(ln.strip()) <= 400]


def train_tokenizer(text: str, vocab: int, workdir: Path,
                    symbols: Sequence[str] = ()) -> Path:
    """A SentencePiece model trained on `text` (vocabulary as large as the text allows).

    `symbols` become pieces of their own that text never splits into (language tokens).
    """
    import sentencepiece as spm

    lines = [ln.strip() for ln in re.split(r"[\n.!?]+", text) if len(ln.strip()) > 3]
    train = workdir / "train.txt"
    # Repeat short texts so the trainer has enough sentences to work with.
    while len(lines) < 200:
        lines = lines * 2
    train.write_text("\n".join(lines) + "\n", encoding="utf-8")
    prefix = workdir / "sentencepiece"
    spm.SentencePieceTrainer.train(
        input=str(train), model_prefix=str(prefix), vocab_size=max(vocab, 64),
        hard_vocab_limit=False, character_coverage=1.0, model_type="unigram",
        num_threads=1, minloglevel=2, user_defined_symbols=list(symbols),
    )
    return prefix.with_suffix(".model")


def _fill_random(spec: object, d_model: int, ffn: int, vocab: int, rng: object) -> None:
    """Give every weight of a Transformer spec a random value of the right shape."""
    import numpy as np
    from ctranslate2.specs import common_spec, model_spec

    assert isinstance(rng, np.random.Generator)

    def rand(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * WEIGHT_STD).astype(np.float32)

    def walk(node: object, path: str) -> None:
        if isinstance(node, common_spec.LayerNormSpec):
            node.gamma = np.ones(d_model, np.float32)
            if hasattr(node, "beta"):
                node.beta = np.zeros(d_model, np.float32)
            return
        if isinstance(node, common_spec.EmbeddingsSpec):
            node.weight = rand(vocab, d_model)
            return
        if isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{path}/{i}")
            return
        if isinstance(node, common_spec.LinearSpec):
            out_dim, in_dim = _linear_shape(path, d_model, ffn, vocab)
            node.weight = rand(out_dim, in_dim)
            node.bias = rand(out_dim)
            return
        if isinstance(node, model_spec.LayerSpec):
            for name, value in list(node.__dict__.items()):
                if not name.startswith("_"):
                    walk(value, f"{path}/{name}")

    walk(spec, "")


def _linear_shape(path: str, d: int, ffn: int, vocab: int) -> tuple[int, int]:
    """(out, in) of a linear layer from where it sits in the spec."""
    if path.endswith("decoder/projection"):
        return vocab, d
    if "/ffn/linear_0" in path:
        return ffn, d
    if "/ffn/linear_1" in path:
        return d, ffn
    index = int(path.rsplit("/", 1)[1])
    if "/self_attention/linear" in path:  # fused query-key-value, then output
        return (3 * d, d) if index == 0 else (d, d)
    if "/attention/linear" in path:  # encoder-decoder attention: query, fused key-value, output
        return (2 * d, d) if index == 1 else (d, d)
    raise ValueError(f"unexpected linear layer {path}")


#: How many positions of the learned position table the test models get (inputs and outputs).
MAX_POSITIONS = 1024
#: Output tokens per source token that source-length models are calibrated to (a real
#: en->fa/ar/sq Argos model gives about one target piece per source piece).
LENGTH_RATIO = 1.0
LENGTHS = ("source", "free")


def _random_spec(sp: object, *, layers: int, d_model: int, ffn: int, heads: int, vocab: int,
                 seed: int, never_emit: Sequence[str] = ()) -> tuple[object, list[str]]:
    """A Transformer spec with random weights, its vocabulary the tokenizer's padded to `vocab`."""
    import numpy as np
    from ctranslate2.specs import TransformerSpec

    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]  # type: ignore[attr-defined]
    pieces += [f"<extra_{i}>" for i in range(max(0, vocab - len(pieces)))]
    spec = TransformerSpec.from_config((layers, layers), heads)
    _fill_random(spec, d_model, ffn, len(pieces), np.random.default_rng(seed))
    # Never emit <unk>, <s> or padding pieces: the output stays decodable text.
    never = [sp.unk_id(), sp.bos_id(), *range(sp.get_piece_size(), len(pieces))]  # type: ignore[attr-defined]
    # Language tokens only ever come from a target prefix, as in a real multilingual model.
    never += [pieces.index(t) for t in never_emit if t in pieces]
    spec.decoder.projection.bias[[i for i in never if i >= 0]] = -1e4
    return spec, pieces


def _end_at_source_length(spec: object, *, d_model: int, heads: int, eos: int, gain: float) -> None:
    """Wire a length counter into the random weights so outputs end near the source's length.

    Random weights rarely choose </s>, so outputs would run to the decoding cap and a benchmark
    would measure the cap, not the model. Two residual dimensions that no random layer writes
    carry a position ramp (R) and a zero baseline (B). In the last decoder layer, head 0 of the
    cross-attention attends uniformly (zero query) and reads R - B of the encoder output: its
    mean over the source grows with the source length. Subtracted from the decoder's own ramp,
    R - B crosses zero when the output is about as long as the source, and the </s> logit reads
    exactly R - B, steeply. Every layer still runs at full size, so decoding costs what a real
    model of this shape costs. `gain` scales the source side (calibrated by the caller).
    """
    import numpy as np

    r, b = d_model - 1, d_model - 2
    head = d_model // heads
    step = 0.05  # ramp per position: small next to the residual stream, so layer norms barely move
    positions = np.arange(MAX_POSITIONS)[:, None]
    inv = 1.0 / (10000 ** (np.arange(d_model // 2) / (d_model // 2)))
    table = np.concatenate([np.sin(positions * inv), np.cos(positions * inv)], axis=1)
    table[:, r] = step * np.arange(MAX_POSITIONS)
    table[:, b] = 0.0
    for part in (spec.encoder, spec.decoder):  # type: ignore[attr-defined]
        part.position_encodings.encodings = table.astype(np.float32)
        embeddings = part.embeddings if isinstance(part.embeddings, list) else [part.embeddings]
        for emb in embeddings:
            emb.weight[:, [r, b]] = 0.0
        for layer in part.layer:  # no layer writes R or B
            writers = [layer.self_attention.linear[1], layer.ffn.linear_1]
            if hasattr(layer, "attention"):
                writers.append(layer.attention.linear[2])
            for lin in writers:
                lin.weight[[r, b], :] = 0.0
                lin.bias[[r, b]] = 0.0
    query, key_value, out = spec.decoder.layer[-1].attention.linear  # type: ignore[attr-defined]
    query.weight[:head, :] = 0.0  # head 0: equal scores, a plain mean over the source
    query.bias[:head] = 0.0
    key_value.weight[d_model:d_model + head, :] = 0.0  # head 0's values: R - B only
    key_value.bias[d_model:d_model + head] = 0.0
    key_value.weight[d_model, r] = 1.0
    key_value.weight[d_model, b] = -1.0
    out.weight[:, :head] = 0.0
    out.weight[r, 0] = -gain
    proj = spec.decoder.projection  # type: ignore[attr-defined]
    proj.weight[eos, :] = 0.0
    proj.weight[eos, r] = 400.0
    proj.weight[eos, b] = -400.0
    proj.bias[eos] = 0.0


def _length_slope(model_dir: Path, sp: object, sentences: Sequence[str]) -> float:
    """Output tokens per source token of a saved model (greedy, least squares through 0)."""
    import ctranslate2

    tokens = [sp.encode(s, out_type=str) for s in sentences]  # type: ignore[attr-defined]
    tokens = [t for t in tokens if t]
    translator = ctranslate2.Translator(str(model_dir), compute_type="int8")
    results = translator.translate_batch(tokens, beam_size=1, max_batch_size=64,
                                         max_decoding_length=4 * max(map(len, tokens)) + 10)
    src = sum(len(t) ** 2 for t in tokens)
    return sum(len(t) * len(r.hypotheses[0]) for t, r in zip(tokens, results, strict=True)) / src


def build_model(
    model_dir: Path, sp_model: Path, *, layers: int, d_model: int, ffn: int, heads: int,
    vocab: int, seed: int, lengths: str = "source", sentences: Sequence[str] = (),
    never_emit: Sequence[str] = (),
) -> int:
    """Save a random-weight int8 CTranslate2 Transformer whose vocabulary is the tokenizer's.

    The vocabulary is padded to `vocab` entries with pieces the model is biased never to emit,
    so the output layer has the requested size. With lengths="source" outputs end near the
    source's length, calibrated on `sentences` (a real model's lengths, so benchmarks decode
    realistic work); with "free" they rarely end before the decoding cap. Returns the
    vocabulary size.
    """
    import sentencepiece as spm

    if d_model % heads:
        raise SystemExit(f"error: --d-model {d_model} is not a multiple of --heads {heads}")
    if lengths not in LENGTHS:
        raise SystemExit(f"error: --lengths {lengths!r}: use {' or '.join(LENGTHS)}")
    sp = spm.SentencePieceProcessor(model_file=str(sp_model))
    shape = {"layers": layers, "d_model": d_model, "ffn": ffn, "heads": heads, "vocab": vocab}

    def save(gain: float | None, where: Path) -> int:
        spec, pieces = _random_spec(sp, seed=seed, never_emit=never_emit, **shape)
        if gain is not None:
            _end_at_source_length(spec, d_model=d_model, heads=heads, eos=sp.eos_id(), gain=gain)
        spec.register_source_vocabulary(pieces)  # type: ignore[attr-defined]
        spec.register_target_vocabulary(pieces)  # type: ignore[attr-defined]
        spec.validate()  # type: ignore[attr-defined]
        spec.optimize(quantization="int8")  # type: ignore[attr-defined]
        where.mkdir(parents=True, exist_ok=True)
        spec.save(str(where))  # type: ignore[attr-defined]
        return len(pieces)

    if lengths == "free":
        return save(None, model_dir)
    # The source-side scale depends on the random residual stream's size, so measure it: the
    # output length is proportional to `gain`; two or three builds land near LENGTH_RATIO.
    sample = [s for s in sentences if s.strip()][:128] or FALLBACK_TEXT.splitlines()
    gain = 2.0
    with tempfile.TemporaryDirectory(prefix="calibrate-") as tmp:
        for attempt in range(4):
            probe = Path(tmp) / f"probe{attempt}"
            save(gain, probe)
            slope = _length_slope(probe, sp, sample)
            if 0.85 <= slope / LENGTH_RATIO <= 1.15:
                break
            gain *= min(50.0, LENGTH_RATIO / max(slope, 0.02))
    return save(gain, model_dir)


def build_package(
    out: Path, *, src: str, tgt: str, layers: int = 1, d_model: int = 64, ffn: int = 128,
    heads: int = 2, vocab: int = 500, corpus: Sequence[Path] = (), seed: int = 1,
    version: str = "0.0.1", lengths: str = "source",
) -> Path:
    """Write `out` (.argosmodel): tokenizer, random model, metadata marking it a test model."""
    name = f"translate-{src}_{tgt}-test"
    with tempfile.TemporaryDirectory(prefix="make-test-model-") as tmp:
        work = Path(tmp)
        pkg = work / name
        pkg.mkdir()
        text = find_corpus(corpus)
        sp_model = train_tokenizer(text, vocab, work)
        (pkg / "sentencepiece.model").write_bytes(sp_model.read_bytes())
        size = build_model(pkg / "model", sp_model, layers=layers, d_model=d_model, ffn=ffn,
                           heads=heads, vocab=vocab, seed=seed, lengths=lengths,
                           sentences=_sentences(text))
        metadata = {
            "package_version": version,
            "argos_version": "1.9",
            "from_code": src,
            "from_name": src,
            "to_code": tgt,
            "to_name": tgt,
            "type": "translate",
            "name": f"{src}->{tgt} TEST MODEL (random weights, output is placeholder words)",
            MARKER_KEY: True,
            "test_model_size": {"layers": layers, "d_model": d_model, "ffn": ffn, "heads": heads,
                                "vocab": size, "lengths": lengths},
        }
        (pkg / "metadata.json").write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
        (pkg / "README.md").write_text(
            "Random-weight test package built by pipeline's scripts/make_test_model.py.\n"
            "It exercises the real install and translate path; its words mean nothing.\n",
            encoding="utf-8",
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(out.name + ".part")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in sorted(pkg.rglob("*")):
                zf.write(f, f.relative_to(work).as_posix())
        partial.replace(out)
    return out


#: Marker file of a random-weight CTranslate2 model directory (`--ct2`); pipeline flags its output.
CT2_MARKER = "pipeline_test_model.json"


def build_ct2_model(
    out: Path, *, convention: str, languages: Sequence[str] = ("en", "fa", "ar", "sq"),
    layers: int = 1, d_model: int = 64, ffn: int = 128, heads: int = 2, vocab: int = 500,
    corpus: Sequence[Path] = (), seed: int = 1, lengths: str = "source",
) -> Path:
    """Write `out`, a random-weight model directory shaped like a converted multilingual model.

    It is what `ct2-transformers-converter --copy_files ...` makes of NLLB-200, M2M-100 or
    MADLAD-400: model.bin, config.json, shared_vocabulary.json and the family's SentencePiece
    file, whose vocabulary holds the convention's language tokens (`pes_Arab`, `__fa__`,
    `<2fa>`) as pieces the model never emits by itself. A marker file flags it as a test model.
    """
    if str(ROOT) not in sys.path:  # imported as a module by the tests
        sys.path.insert(0, str(ROOT))
    from pipeline.translate.conventions import CONVENTIONS

    conv = CONVENTIONS.get(convention)
    if conv is None:
        raise SystemExit(f"error: --ct2 {convention!r}: use {', '.join(CONVENTIONS)}")
    tokens = [conv.token(lang) for lang in languages]
    if None in tokens:
        unknown = [lang for lang, t in zip(languages, tokens, strict=True) if t is None]
        raise SystemExit(f"error: no {conv.family} token known for {', '.join(unknown)}")
    symbols = [t for t in tokens if t is not None]
    if out.exists():
        raise SystemExit(f"error: {out} exists; remove it or choose another --out")
    with tempfile.TemporaryDirectory(prefix="make-test-ct2-") as tmp:
        work = Path(tmp)
        text = find_corpus(corpus)
        sp_model = train_tokenizer(text, vocab, work, symbols=symbols)
        model = work / "model"
        size = build_model(model, sp_model, layers=layers, d_model=d_model, ffn=ffn,
                           heads=heads, vocab=vocab, seed=seed, lengths=lengths,
                           sentences=_sentences(text), never_emit=symbols)
        (model / conv.tokenizer_files[0]).write_bytes(sp_model.read_bytes())
        marker = {
            MARKER_KEY: True, "convention": convention, "languages": list(languages),
            "tokens": dict(zip(languages, symbols, strict=True)),
            "size": {"layers": layers, "d_model": d_model, "ffn": ffn, "heads": heads,
                     "vocab": size, "lengths": lengths},
        }
        (model / CT2_MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(out.name + ".part")  # complete or absent, never half there
        shutil.rmtree(partial, ignore_errors=True)
        shutil.copytree(model, partial)
        partial.rename(out)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--from", dest="src", default="en", help="source language code (en)")
    ap.add_argument("--to", dest="tgt", default="fa", help="target language code (fa)")
    ap.add_argument("--out", type=Path, help="output .argosmodel (default: SRC_TGT.argosmodel), "
                    "or with --ct2 the model directory (default: test-CONVENTION-ct2)")
    ap.add_argument("--ct2", metavar="CONVENTION", choices=("nllb", "m2m100", "madlad"),
                    help="build a CTranslate2 model directory shaped like a converted NLLB-200, "
                         "M2M-100 or MADLAD-400 model (for [[translate.models]]) instead of an "
                         "Argos package")
    ap.add_argument("--languages", default="en,fa,ar,sq",
                    help="with --ct2: the languages whose tokens the vocabulary holds (en,fa,ar,sq)")
    ap.add_argument("--layers", type=int, default=1, help="encoder and decoder layers (1)")
    ap.add_argument("--d-model", type=int, default=64, help="model width (64)")
    ap.add_argument("--ffn", type=int, default=128, help="feed-forward width (128)")
    ap.add_argument("--heads", type=int, default=2, help="attention heads (2)")
    ap.add_argument("--vocab", type=int, default=500, help="vocabulary size (500)")
    ap.add_argument("--corpus", type=Path, action="append", default=[],
                    help="text file or directory to train the tokenizer on (repeatable)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (1)")
    ap.add_argument("--lengths", choices=LENGTHS, default="source",
                    help="source: outputs end near the source's length, as a real model's do "
                         "(calibrated while building); free: plain random weights, which rarely end "
                         "a sentence before the decoding cap")
    args = ap.parse_args(argv)
    if args.ct2:
        langs = tuple(x.strip() for x in args.languages.split(",") if x.strip())
        out_dir = args.out or Path(f"test-{args.ct2}-ct2")
        build_ct2_model(out_dir, convention=args.ct2, languages=langs, layers=args.layers,
                        d_model=args.d_model, ffn=args.ffn, heads=args.heads, vocab=args.vocab,
                        corpus=args.corpus, seed=args.seed, lengths=args.lengths)
        print(f"built {out_dir}: {args.ct2} CTranslate2 TEST MODEL for {', '.join(langs)}, "
              "random weights, its words are placeholders")
        return 0
    out = args.out or Path(f"{args.src}_{args.tgt}.argosmodel")
    build_package(out, src=args.src, tgt=args.tgt, layers=args.layers, d_model=args.d_model,
                  ffn=args.ffn, heads=args.heads, vocab=args.vocab, corpus=args.corpus,
                  seed=args.seed, lengths=args.lengths)
    print(f"built {out} ({out.stat().st_size // 1024} KiB): {args.src}->{args.tgt} TEST MODEL, "
          "random weights, its words are placeholders")
    return 0


if __name__ == "__main__":
    sys.exit(main())
