"""Batch actions from JSON lines: all or nothing, errors name the line."""

from __future__ import annotations

import json

import pytest

from pipeline.errors import ConflictError, InputError
from pipeline.review import batch
from pipeline.store import Store
from pipeline.store import translations as tr
from tests.review.helpers import article_with_mt

LANGS = ("fa", "ar", "sq")


def _lines(*objs: object) -> list[str]:
    return [json.dumps(o, ensure_ascii=False) for o in objs]


def test_batch_applies_every_action(store: Store) -> None:
    ids = article_with_mt(store, "a1", ["One.", "Two."], langs=("fa", "ar"))
    steps = batch.parse(_lines(
        {"unit": ids[0], "action": "approve", "revision": 1},
        {"unit": ids[1][:8], "action": "edit", "text": "یک."},
        {"unit": ids[2], "action": "reject", "reason": "meaning lost", "lang": "ar"},
    ), source="b.jsonl", default_lang="fa", langs=LANGS)
    done = batch.apply(store, steps, who="ana", source="b.jsonl")
    assert [t.status for t in done] == ["approved", "translated", "rejected"]
    assert tr.get(store, ids[2], "ar").reason == "meaning lost"


@pytest.mark.parametrize(
    ("line", "message"),
    [("{not json", "not valid JSON"), ('["x"]', "JSON object"),
     ('{"unit": "u", "action": "publish"}', "action must be"),
     ('{"unit": "u", "action": "edit"}', "needs \"text\""),
     ('{"unit": "u", "action": "reject"}', "needs \"reason\""),
     ('{"unit": "u", "action": "approve", "lang": "de"}', "\"lang\" must be"),
     ('{"unit": "u", "action": "approve", "revision": "3"}', "whole number"),
     ('{"unit": "u", "action": "approve", "extra": 1}', "unknown keys")],
)
def test_bad_lines_name_file_and_line(line: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        batch.parse(["", line], source="b.jsonl", default_lang="fa", langs=LANGS)
    assert str(info.value).startswith("b.jsonl:2: ")


def test_one_failure_applies_nothing(store: Store) -> None:
    ids = article_with_mt(store, "a1", ["One."])
    steps = batch.parse(_lines(
        {"unit": ids[0], "action": "approve"},
        {"unit": ids[1], "action": "approve", "revision": 7},
    ), source="b.jsonl", default_lang="fa", langs=LANGS)
    with pytest.raises(ConflictError, match=r"^b.jsonl:2: .*nothing was applied"):
        batch.apply(store, steps, who="ana", source="b.jsonl")
    assert tr.get(store, ids[0], "fa").status == "machine"
    assert store.conn.execute("SELECT count(*) FROM events WHERE action = 'approve'"
                              ).fetchone()[0] == 0
