"""store.articles.pair_edits: which removed unit became which new unit, found from cheap keys."""

from __future__ import annotations

import random

from rapidfuzz.distance import Indel

from pipeline.models import Unit, UnitKind
from pipeline.store.articles import EDIT_SIMILARITY, Gone, pair_edits
from pipeline.textnorm import fold

WORDS = ("ferry harbour council winter vote storm night service money staff town coast light "
         "keeper tower lamp repair stairs volunteers season boats quay cranes choir").split()


def _unit(i: int, text: str, kind: UnitKind = UnitKind.PARAGRAPH) -> Unit:
    return Unit(id=f"n{i}", kind=kind, text=text, position=i)


def _all_pairs(gone: list[Gone], new: list[Unit]) -> set[tuple[str, str]]:
    """The exhaustive search (every removed x new unit), most similar first."""
    scored = sorted(
        ((Indel.normalized_similarity(fold(g.text), fold(u.text)), gi, ni)
         for gi, g in enumerate(gone) for ni, u in enumerate(new)),
        key=lambda x: (-x[0], x[1], x[2]))
    used_g, used_n, out = set(), set(), set()
    for r, gi, ni in scored:
        if r >= EDIT_SIMILARITY and gi not in used_g and ni not in used_n:
            used_g.add(gi)
            used_n.add(ni)
            out.add((gone[gi].id, new[ni].id))
    return out


def test_pairs_equal_the_exhaustive_search_on_edited_articles() -> None:
    rng = random.Random(3)
    for _ in range(5):
        texts = [" ".join(rng.choice(WORDS) for _ in range(15)) + "." for _ in range(120)]
        gone, new = [], []
        for i, t in enumerate(texts):
            if rng.random() < 0.3:
                words = t.split()
                words[rng.randrange(len(words))] = "EDITED"
                gone.append(Gone(f"g{i}", "paragraph", t, i))
                new.append(_unit(i + rng.choice((-2, 0, 3)), " ".join(words)))
        got = {(g, u.id) for g, u in pair_edits(gone, new)}
        assert got == _all_pairs(gone, new)
        assert len(got) == len(gone)


def test_edit_pairs_within_its_kind_group_only() -> None:
    gone = [Gone("t", "title", "Ferry saved for the winter", 0),
            Gone("p", "paragraph", "The ferry was saved for the winter by a council vote.", 1)]
    new = [_unit(0, "Ferry saved for winter", UnitKind.TITLE),
           _unit(1, "The ferry was saved for the winter by a close council vote.",
                 UnitKind.HEADING)]
    assert {(g, u.id) for g, u in pair_edits(gone, new)} == {("t", "n0"), ("p", "n1")}


def test_unrelated_new_text_is_not_an_edit() -> None:
    gone = [Gone("g", "paragraph", "The ferry runs at night through the winter months.", 0)]
    new = [_unit(0, "A bakery opened on the quay, selling bread from a wood oven.")]
    assert pair_edits(gone, new) == []
