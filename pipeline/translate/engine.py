"""Batched CTranslate2 inference on Argos packages and ct2 models (never argostranslate.translate).

argostranslate.translate imports stanza and torch and calls translate_batch once per paragraph
with small token batches; here all sentences of a run are tokenized, sorted by length and sent in
large batches, with one cached Translator per package.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pipeline.errors import ModelError, UsageError
from pipeline.translate.packages import PackageInfo
from pipeline.translate.routing import Route

log = logging.getLogger(__name__)

ENGINE_NAME = "ctranslate2"


@dataclass(frozen=True)
class EngineOptions:
    """How CTranslate2 runs; built once from the CLI options and pipeline.toml."""

    beam: int = 4
    batch_size: int = 64  # sentences per translate_batch call
    device: str = "cpu"
    compute_type: str = "int8"
    inter_threads: int = 1  # batches decoded in parallel (one translate_batch call holds them)
    intra_threads: int = 0  # 0: every core
    device_index: tuple[int, ...] = (0,)  # GPUs: CTranslate2 keeps one model replica on each
    # Decoding stops at ratio * source tokens + slack. Real models end sentences long before;
    # random-weight test models may never emit </s>, and this keeps them fast. 2x covers the
    # longest en->fa/ar/sq token ratios seen with Argos tokenizers.
    length_ratio: float = 2.0
    length_slack: int = 10
    max_length: int = 512
    # Longest piece of a sentence sent to the model, in source tokens; a longer sentence is
    # translated in pieces of this size (Argos models are trained on sentences under ~250).
    max_input_tokens: int = 256

    def __post_init__(self) -> None:
        if self.beam < 1 or self.batch_size < 1:
            raise UsageError("--beam and --batch-size must be at least 1")
        if self.device not in ("cpu", "cuda", "auto"):
            raise UsageError(f"--device {self.device!r}: use cpu, cuda or auto")
        if self.inter_threads < 1 or self.intra_threads < 0:
            raise UsageError("--threads must be at least 1")
        if not self.device_index or any(i < 0 for i in self.device_index):
            raise UsageError("--device-index takes GPU numbers like 0 or 0,1")

    def decoding_cap(self, source_tokens: int) -> int:
        """The longest output allowed for sources of this many tokens."""
        return min(self.max_length, math.ceil(self.length_ratio * source_tokens) + self.length_slack)


def parse_device_index(text: str) -> tuple[int, ...]:
    """`0,1` -> (0, 1); anything else is a usage error.

    >>> parse_device_index("0, 1")
    (0, 1)
    """
    try:
        found = tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError:
        raise UsageError(f"--device-index {text!r}: use GPU numbers like 0 or 0,1") from None
    if not found or any(i < 0 or i > 1024 for i in found):
        raise UsageError(f"--device-index {text!r}: use GPU numbers like 0 or 0,1")
    return found


@dataclass(frozen=True)
class Output:
    """One translated sentence and its model score (mean log-probability per token)."""

    text: str
    score: float


class Tokenizer(Protocol):
    """Text to a model's pieces and back (an Argos package's, or a ct2 model's SentencePiece)."""

    def encode(self, text: str) -> list[str]: ...

    def decode(self, tokens: Sequence[str]) -> str: ...


class _Tokenizer:
    """The package's tokenizer through argostranslate.package; SentencePiece decoded exactly."""

    def __init__(self, pkg: PackageInfo | Path) -> None:
        from argostranslate.package import Package

        path = pkg if isinstance(pkg, Path) else pkg.path
        try:
            argos = Package(path)
            tok = getattr(argos, "tokenizer", None)
            if tok is None:
                raise ModelError("package has no tokenizer", path=path)
            self._tok = tok
            # Argos's decode also turns "_" into spaces, which would damage text; decode directly.
            self._sp = tok.lazy_processor() if hasattr(tok, "lazy_processor") else None
            self.encode("Hello.")  # a BPE tokenizer loads lazily: make a broken one fail here
        except (RuntimeError, OSError, ValueError, KeyError, UnicodeDecodeError) as exc:
            raise ModelError(f"the package's tokenizer cannot be loaded ({_first_line(exc)})",
                             path=path) from None

    def encode(self, text: str) -> list[str]:
        if self._sp is not None:
            return list(self._sp.encode(text, out_type=str))
        return list(self._tok.encode(text))

    def decode(self, tokens: Sequence[str]) -> str:
        if self._sp is not None:
            return str(self._sp.decode_pieces(list(tokens)))
        return str(self._tok.decode(list(tokens)))


def _framed(leg: PackageInfo, tokens: list[str]) -> list[str]:
    """A multilingual model's language tokens around a sentence's pieces (conventions.py)."""
    if not leg.source_prefix and not leg.source_suffix:
        return tokens
    return [*leg.source_prefix, *tokens, *leg.source_suffix]


class Engine:
    """Translates lists of sentences along a route; caches one Translator per package."""

    def __init__(self, options: EngineOptions | None = None) -> None:
        self.options = options or EngineOptions()
        self._translators: dict[Path, Any] = {}
        self._tokenizers: dict[Path, Tokenizer] = {}
        self._encoded: dict[Path, dict[str, list[str]]] = {}  # from token_counts, until translated
        #: Counters for reports and tests: translate_batch calls and sentences sent to a model.
        self.calls = 0
        self.sentences = 0

    def translator(self, pkg: PackageInfo) -> Any:
        """The cached ctranslate2.Translator of a package."""
        cached = self._translators.get(pkg.path)
        if cached is not None:
            return cached
        import ctranslate2

        o = self.options
        intra = o.intra_threads or max(1, (os.cpu_count() or 1) // o.inter_threads)
        try:
            translator = ctranslate2.Translator(
                str(pkg.model_dir), device=o.device, compute_type=o.compute_type,
                device_index=list(o.device_index), inter_threads=o.inter_threads,
                intra_threads=intra,
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(f"cannot load the model ({_first_line(exc)})", path=pkg.path) from None
        self._translators[pkg.path] = translator
        return translator

    def tokenizer(self, pkg: PackageInfo) -> Tokenizer:
        tok = self._tokenizers.get(pkg.path)
        if tok is None:
            from pipeline.translate.ct2models import ModelLeg

            # A ct2 model's SentencePiece file; an Argos package's tokenizer through Argos.
            tok = self._tokenizers[pkg.path] = (
                pkg.open_tokenizer() if isinstance(pkg, ModelLeg) else _Tokenizer(pkg))
        return tok

    def signature(self, route: Route) -> str:
        """What determines the output for a given input: packages, versions, decoding options."""
        o = self.options
        legs = ",".join(leg.ident for leg in route.legs)
        return (f"{route.path}|{legs}|beam={o.beam}|{o.compute_type}|len={o.length_ratio}"
                f"+{o.length_slack}<={o.max_length}")

    def source_tokens(self, leg: PackageInfo, text: str) -> list[str]:
        """What the model of `leg` is given for `text`: its pieces within the language tokens."""
        return _framed(leg, self.tokenizer(leg).encode(text))

    def token_counts(self, route: Route, texts: Sequence[str]) -> list[int]:
        """Source tokens of each text for the route's first package (to sort work by length).

        The tokens are kept until the text is translated, so it is not tokenized twice.
        """
        pkg = route.legs[0]
        tok = self.tokenizer(pkg)
        kept = self._encoded.setdefault(pkg.path, {})
        counts = []
        for t in texts:
            tokens = kept.get(t)
            if tokens is None:
                tokens = kept[t] = tok.encode(t)
            counts.append(len(tokens))
        return counts

    def translate(self, route: Route, texts: Sequence[str]) -> list[Output]:
        """Translate `texts` along every leg of the route; scores of the legs add up."""
        current = list(texts)
        scores = [0.0] * len(current)
        for leg in route.legs:
            outs = self._translate_leg(leg, current)
            current = [o.text for o in outs]
            scores = [s + o.score for s, o in zip(scores, outs, strict=True)]
        return [Output(t, s) for t, s in zip(current, scores, strict=True)]

    def _translate_leg(self, pkg: PackageInfo, texts: Sequence[str]) -> list[Output]:
        unique = list(dict.fromkeys(t for t in texts if t.strip()))
        tok = self.tokenizer(pkg)
        kept = self._encoded.get(pkg.path, {})
        o = self.options
        # A sentence longer than max_input_tokens is sent as several pieces (attention cost and
        # memory grow with the square of the length; models are trained on short sentences).
        pieces: list[list[str]] = []
        owner: list[int] = []  # pieces[k] belongs to unique[owner[k]]
        for i, t in enumerate(unique):
            tokens = kept.pop(t) if t in kept else tok.encode(t)
            for start in range(0, max(len(tokens), 1), o.max_input_tokens):
                pieces.append(tokens[start:start + o.max_input_tokens])
                owner.append(i)
        # Sorting by length keeps padding low: each batch holds pieces of similar length,
        # and each batch gets its own decoding cap.
        order = sorted(range(len(pieces)), key=lambda k: len(pieces[k]))
        decoded: list[tuple[str, float]] = [("", 0.0)] * len(pieces)
        translator = self.translator(pkg)
        # One call holds inter_threads batches: CTranslate2 splits it by max_batch_size and
        # decodes the parts in parallel.
        group = o.batch_size * o.inter_threads
        for start in range(0, len(order), group):
            idx = order[start:start + group]
            # Each piece of a long sentence gets the language tokens (a multilingual model).
            batch = [_framed(pkg, pieces[k]) for k in idx]
            prefix = [[pkg.target_prefix] for _ in batch] if pkg.target_prefix else None
            results = translator.translate_batch(
                batch, target_prefix=prefix, beam_size=o.beam, max_batch_size=o.batch_size,
                max_decoding_length=o.decoding_cap(max(len(b) for b in batch)),
                return_scores=True, replace_unknowns=True,
            )
            self.calls += 1
            self.sentences += len(batch)
            for k, res in zip(idx, results, strict=True):
                hyp = list(res.hypotheses[0])
                if pkg.target_prefix and hyp and hyp[0] == pkg.target_prefix:
                    hyp = hyp[1:]
                score = float(res.scores[0]) if res.scores else 0.0
                decoded[k] = (tok.decode(hyp).strip(), score)
        parts: dict[int, list[tuple[str, float]]] = {}
        for k, i in enumerate(owner):
            parts.setdefault(i, []).append(decoded[k])
        done = {unique[i]: Output(" ".join(t for t, _ in ps if t),
                                  sum(sc for _, sc in ps) / len(ps))
                for i, ps in parts.items()}
        return [done.get(t, Output(t, 0.0)) for t in texts]

def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def check_loads(pkg_dir: Path) -> None:
    """Load the package's tokenizer and model and translate one word (before installing it).

    A garbage model.bin, config.json or sentencepiece.model is a ModelError naming the file's
    package, so it never replaces a working package.
    """
    import ctranslate2

    tok = _Tokenizer(pkg_dir)
    try:
        translator = ctranslate2.Translator(str(pkg_dir / "model"), device="cpu",
                                            compute_type="auto", intra_threads=1)
        translator.translate_batch([tok.encode("Hello.")], beam_size=1, max_decoding_length=4)
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelError(f"the package's model cannot be loaded ({_first_line(exc)})",
                         path=pkg_dir) from None
