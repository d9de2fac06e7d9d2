"""scripts/make_test_model.py: random-weight packages whose output lengths behave like a real model's."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.translate.conftest import load_builder

SENTENCES = [
    "The council met on Tuesday.",
    "Farmers said the late rain had damaged most of the wheat harvest in the northern valleys.",
    "A museum opened in the old railway station, showing photographs of the city from the last "
    "century, letters from its first workers and a model of the bridge that was never built.",
    "Prices rose again.",
    "Volunteers cleaned the beach after the storm and collected more than two tonnes of plastic.",
]


def _lengths(tmp_path: Path, lengths: str) -> list[tuple[int, int]]:
    """(source tokens, output tokens) of the built package on SENTENCES, greedy, generous cap."""
    import ctranslate2
    import sentencepiece as spm

    archive = load_builder().build_package(tmp_path / f"{lengths}.argosmodel", src="en", tgt="fa",
                                           lengths=lengths, seed=3)
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(tmp_path / lengths)
    pkg = tmp_path / lengths / "translate-en_fa-test"
    sp = spm.SentencePieceProcessor(model_file=str(pkg / "sentencepiece.model"))
    tokens = [sp.encode(s, out_type=str) for s in SENTENCES]
    results = ctranslate2.Translator(str(pkg / "model")).translate_batch(
        tokens, beam_size=1, max_decoding_length=300)
    return [(len(t), len(r.hypotheses[0])) for t, r in zip(tokens, results, strict=True)]


def test_source_length_model_ends_each_output_near_its_source_length(tmp_path: Path) -> None:
    pairs = _lengths(tmp_path, "source")
    for src, out in pairs:
        assert 0.6 * src - 3 <= out <= 1.5 * src + 3, pairs
    # Longer sources give longer outputs: the order of lengths is kept.
    by_source = [out for _, out in sorted(pairs)]
    assert by_source[0] < by_source[-1]


def test_free_model_runs_to_the_cap(tmp_path: Path) -> None:
    pairs = _lengths(tmp_path, "free")
    assert sum(out for _, out in pairs) > 3 * sum(src for src, _ in pairs), pairs


def test_unknown_lengths_mode_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="--lengths"):
        load_builder().build_package(tmp_path / "x.argosmodel", src="en", tgt="fa", lengths="long")
