"""The `ct2` engine's models: [[translate.models]] entries checked on disk and turned into legs.

A converted multilingual model (NLLB-200, M2M-100, MADLAD-400) translates between any two of its
languages, so it gives one leg per ordered pair: fa->ar and sq->fa are direct, no English pivot.
Each leg carries its language tokens (see conventions.py); the engine puts them around the
sentence and strips the target prefix from the output.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import permutations
from pathlib import Path
from typing import Any, ClassVar

from pipeline import inputfile
from pipeline.errors import ConfigError, InputError, ModelError
from pipeline.translate.conventions import CONVENTIONS, Convention
from pipeline.translate.packages import PackageInfo
from pipeline.workspace import ModelConfig

#: File that scripts/make_test_model.py --ct2 puts in a random-weight model directory.
TEST_MARKER = "pipeline_test_model.json"
_VOCABULARIES = ("shared_vocabulary", "source_vocabulary", "target_vocabulary")
#: NLLB-200's vocabulary is 256k tokens (~5 MB as JSON); 256 MB is far past any real model.
_MAX_VOCABULARY_BYTES = 256 * 2**20


@dataclass(frozen=True)
class ModelLeg(PackageInfo):
    """One direction of a configured multilingual model, used in a route like an Argos package."""

    tokenizer_path: Path = Path()
    convention: str = ""
    licence: str = ""
    engine: ClassVar[str] = "ct2"

    @property
    def model_dir(self) -> Path:
        return self.path

    @property
    def ident(self) -> str:
        # The tokens are part of what decides the output (a token override changes it).
        return (f"{self.name}@{self.version}:{' '.join(self.source_prefix)}|"
                f"{' '.join(self.source_suffix)}>{self.target_prefix}")

    def open_tokenizer(self) -> SentencePieceTokenizer:
        return SentencePieceTokenizer(self.tokenizer_path)


class SentencePieceTokenizer:
    """A model's SentencePiece file, encoding to pieces and decoding them exactly."""

    def __init__(self, path: Path) -> None:
        import sentencepiece as spm

        try:
            self._sp = spm.SentencePieceProcessor(model_file=str(path))
        except (OSError, RuntimeError) as exc:
            first = str(exc).strip().splitlines()
            raise ModelError(f"the tokenizer cannot be loaded ({first[0] if first else exc})",
                             path=path) from None

    def encode(self, text: str) -> list[str]:
        return list(self._sp.encode(text, out_type=str))

    def decode(self, tokens: Sequence[str]) -> str:
        return str(self._sp.decode_pieces(list(tokens)))


@dataclass(frozen=True)
class Ct2Model:
    """A configured model, checked: its files are there and its vocabulary has every token."""

    config: ModelConfig
    convention: Convention
    tokenizer: Path
    tokens: dict[str, str]  # language -> its token
    version: str
    licence: str
    test_model: bool
    size: int

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def languages(self) -> tuple[str, ...]:
        return self.config.languages

    def legs(self) -> list[ModelLeg]:
        """One leg per ordered pair of the model's languages."""
        out = []
        for a, b in permutations(self.languages, 2):
            prefix, suffix, target = self.convention.frame(self.tokens[a], self.tokens[b])
            out.append(ModelLeg(
                name=self.name, path=self.config.path, from_code=a, to_code=b,
                version=self.version, target_prefix=target, test_model=self.test_model,
                size=self.size, source_prefix=prefix, source_suffix=suffix,
                tokenizer_path=self.tokenizer, convention=self.convention.name,
                licence=self.licence))
        return out


def _where(cfg: ModelConfig) -> str:
    return f"translate.models {cfg.name!r}"


def read_vocabularies(model_dir: Path) -> tuple[set[str], set[str]]:
    """(source, target) vocabularies of a CTranslate2 model directory (.json or .txt files)."""
    found: dict[str, set[str]] = {}
    for name in _VOCABULARIES:
        for suffix in (".json", ".txt"):
            path = model_dir / f"{name}{suffix}"
            if not path.is_file():
                continue
            try:  # the shared readers: a FIFO or a 10 GB file there is one line, not a hang
                text = inputfile.read_text(path, max_bytes=_MAX_VOCABULARY_BYTES,
                                           what="vocabulary")
                tokens = (inputfile.load_json(text, path, what="vocabulary")
                          if suffix == ".json" else inputfile.split_lines(text))
            except InputError as exc:
                raise ModelError(f"the vocabulary cannot be read ({exc.message})", path=path,
                                 line=exc.line) from None
            if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
                raise ModelError("the vocabulary is not a list of tokens", path=path)
            found[name] = set(tokens)
            break
    if "shared_vocabulary" in found:
        return found["shared_vocabulary"], found["shared_vocabulary"]
    if "source_vocabulary" in found and "target_vocabulary" in found:
        return found["source_vocabulary"], found["target_vocabulary"]
    raise ModelError("the model has no vocabulary (shared_vocabulary.json, or source_ and "
                     "target_vocabulary.json); is it a CTranslate2 model directory?",
                     path=model_dir)


def _fingerprint(model_dir: Path, tokenizer: Path) -> str:
    """A version for a model without one: its config, vocabularies, tokenizer and weights' size.

    Reading the whole model.bin (gigabytes) on every run would cost seconds; its size together
    with everything else identifies a conversion well enough to keep cached outputs apart.
    """
    h = hashlib.sha256()
    files = [model_dir / "config.json", tokenizer,
             *sorted(p for p in model_dir.iterdir() if p.name.startswith(_VOCABULARIES))]
    for f in files:
        h.update(f"{f.name}\0".encode())
        h.update(f.read_bytes())
    h.update(str((model_dir / "model.bin").stat().st_size).encode())
    return "sha256:" + h.hexdigest()[:12]


def check_model(cfg: ModelConfig) -> Ct2Model:
    """The model of a [[translate.models]] entry, checked on disk.

    ModelError (one line naming the entry and the file) when the directory, the weights, the
    tokenizer or a language token is missing; ConfigError when the entry cannot work at all.
    """
    conv = CONVENTIONS.get(cfg.convention)
    if conv is None:  # pipeline.toml is checked at load; a hand-built config may not be
        raise ConfigError(f"{_where(cfg)}: convention {cfg.convention!r} is unknown; use "
                          f"{', '.join(CONVENTIONS)}")
    if len(cfg.languages) < 2:
        raise ConfigError(f"{_where(cfg)}: languages must name at least two languages")
    path = cfg.path
    if not path.is_dir():
        raise ModelError(f"{_where(cfg)}: no model directory at {path}; convert one with "
                         "ct2-transformers-converter (see README, Stronger models)")
    for needed in ("model.bin", "config.json"):
        if not (path / needed).is_file():
            raise ModelError(f"{_where(cfg)}: {needed} is missing; is {path} a CTranslate2 "
                             "model directory?", path=path)
    tokenizer = cfg.tokenizer
    if tokenizer is None:
        tokenizer = next((path / f for f in conv.tokenizer_files if (path / f).is_file()), None)
        if tokenizer is None:
            raise ModelError(f"{_where(cfg)}: no tokenizer ({' or '.join(conv.tokenizer_files)}) "
                             "in the model directory; copy it there (--copy_files) or set "
                             "tokenizer = PATH", path=path)
    elif not tokenizer.is_file():
        raise ModelError(f"{_where(cfg)}: tokenizer {tokenizer} does not exist")
    overrides = dict(cfg.tokens)
    tokens: dict[str, str] = {}
    for lang in cfg.languages:
        token = conv.token(lang, overrides)
        if token is None:
            raise ConfigError(f"{_where(cfg)}: no {conv.family} token is known for {lang!r}; "
                              f'add it: tokens = {{ {lang} = "..." }}')
        tokens[lang] = token
    source_vocab, target_vocab = read_vocabularies(path)
    for lang, token in tokens.items():
        # MADLAD's <2xx> tokens are source tokens; NLLB's and M2M-100's are on both sides.
        sides = [source_vocab] if conv.target_in_source else [source_vocab, target_vocab]
        if not all(token in vocab for vocab in sides):
            raise ModelError(
                f"{_where(cfg)}: the model's vocabulary has no language token {token!r} for "
                f"{lang} (convention {conv.name}); check convention, or set "
                f'tokens = {{ {lang} = "..." }}', path=path)
    try:
        version = cfg.version or _fingerprint(path, tokenizer)
        size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    except OSError as exc:
        raise ModelError(f"{_where(cfg)}: cannot read the model ({exc})", path=path) from None
    return Ct2Model(cfg, conv, tokenizer, tokens, version, cfg.licence or conv.licence,
                    (path / TEST_MARKER).is_file(), size)


def model_legs(models: Sequence[ModelConfig]) -> list[PackageInfo]:
    """Every leg of every configured model, checked (the first model covering a pair wins)."""
    if not models:
        raise ConfigError("translate.engine is ct2 but pipeline.toml has no [[translate.models]]; "
                          "configure a model (see README, Stronger models) or use --engine argos")
    legs: list[PackageInfo] = []
    # find_route lets a later leg of a pair win: list later models first.
    for cfg in reversed(models):
        legs += check_model(cfg).legs()
    return legs


def describe(cfg: ModelConfig) -> tuple[dict[str, Any], list[ModelLeg]]:
    """What `pipeline models list` shows of one entry, and its legs (none if it is broken: a
    broken model is shown with its error, not raised)."""
    from pipeline.errors import PipelineError
    from pipeline.translate.conventions import commercial_use, licence_note

    conv = CONVENTIONS.get(cfg.convention)
    licence = cfg.licence or (conv.licence if conv else "unknown")
    out: dict[str, Any] = {
        "name": cfg.name, "path": str(cfg.path), "convention": cfg.convention,
        "family": conv.family if conv else None, "languages": list(cfg.languages),
        "licence": licence, "commercial_use": commercial_use(licence),
        "licence_note": licence_note(licence), "version": None, "test_model": False,
        "tokens": {}, "error": None,
    }
    try:
        model = check_model(cfg)
    except PipelineError as exc:
        out["error"] = str(exc)
        return out, []
    out.update(version=model.version, test_model=model.test_model, tokens=model.tokens,
               size=model.size, tokenizer=str(model.tokenizer))
    return out, model.legs()
