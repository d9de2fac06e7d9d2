"""Batches of length-sorted sentences: bounded size, and no short sentence decoding to a long cap."""

from __future__ import annotations

import random

import pytest

from pipeline.translate.engine import Engine, EngineOptions


@pytest.mark.parametrize("batch_size", [1, 3, 8, 64])
def test_batches_cover_every_sentence_once_with_similar_caps(batch_size: int) -> None:
    rng = random.Random(batch_size)
    tokens = [["x"] * rng.randint(1, 120) for _ in range(200)]
    order = sorted(range(len(tokens)), key=lambda i: len(tokens[i]))
    engine = Engine(EngineOptions(batch_size=batch_size))
    batches = engine.batches(order, tokens)
    assert [i for b in batches for i in b] == order
    o = engine.options
    for batch in batches:
        assert 1 <= len(batch) <= batch_size
        caps = [o.decoding_cap(len(tokens[i])) for i in batch]
        assert max(caps) <= o.cap_spread * min(caps)


def test_equal_lengths_fill_whole_batches() -> None:
    tokens = [["x"] * 5 for _ in range(10)]
    batches = Engine(EngineOptions(batch_size=4)).batches(list(range(10)), tokens)
    assert [len(b) for b in batches] == [4, 4, 2]
