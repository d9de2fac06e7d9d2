"""The page-at-once line building gives exactly what the plain per-line definitions give."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.extract import textlines as tl
from pipeline.extract.chrome import RunContext, key
from pipeline.textnorm import squash

_CHARS = st.sampled_from(list("ab Z9.\t\u00a0\u2009\u3000\x1f\x00•*-1)\n"))


@given(st.lists(st.text(alphabet=_CHARS, max_size=12), max_size=12))
def test_squash_all_is_split_and_join_of_each_line(lines: list[str]) -> None:
    lines = [x.replace("\n", "") for x in lines]
    assert tl.squash_all(lines) == [" ".join(x.split()) for x in lines]
    assert [squash(x) for x in lines] == [" ".join(x.split()) for x in lines]


def _reference(text: str) -> list[tuple[str, str, int]]:
    """One line per paragraph the slow way: walk the lines, join each wrapped rest on."""
    raws = text.splitlines()
    lens = [len(r.rstrip()) for r in raws]
    texts = [" ".join(r.split()) for r in raws]
    width = tl._wrap_width(raws, lens)
    nonblank = [i for i, t in enumerate(texts) if t]
    rests = set(tl._wrapped_rests(raws, texts, lens, nonblank, width)) if width else set()
    out: list[list[str | int]] = []
    block = 0
    for i, (raw, t) in enumerate(zip(raws, texts, strict=True)):
        if not t:
            block += 1
        elif i in rests:
            out[-1][0] = f"{out[-1][0]} {t}"
            out[-1][1] = f"{out[-1][1]} {t}"
        else:
            out.append([raw, t, block])
    return [(str(r), str(t), int(b)) for r, t, b in out]


_WORD = st.sampled_from(["the", "harbour", "ferry", "council", "a", "winter", "1.", "*", "__",
                         "storm", "vote", "Ünïcode", "x" * 30])


@st.composite
def _dump(draw: st.DrawFn) -> str:
    """A page of paragraphs hard-wrapped at a width (some indented, some list items)."""
    import textwrap

    width = draw(st.sampled_from([40, 60, 80]))
    parts = []
    for _ in range(draw(st.integers(0, 8))):
        words = draw(st.lists(_WORD, min_size=1, max_size=40))
        indent = draw(st.sampled_from(["", "   ", "  * "]))
        parts.append(textwrap.fill(" ".join(words), width, initial_indent=indent,
                                   subsequent_indent=" " * len(indent)))
    return draw(st.sampled_from(["\n\n", "\n"])).join(parts)


@given(_dump())
def test_read_lines_joins_wrapped_rests_like_the_line_by_line_walk(text: str) -> None:
    assert [tuple(x) for x in tl.read_lines(text)] == _reference(text)


def test_run_context_drops_lines_seen_once_when_full() -> None:
    ctx = RunContext(max_entries=5)
    ctx.add_page("Home\nNews\nSport\nWeather\n")
    ctx.add_page("Home\nNews\nOne\nTwo\nThree\n")  # 7 distinct: those seen once are dropped
    assert sorted(ctx.counts.values()) == [2, 2]
    assert ctx.shared("home") and ctx.shared("  NEWS ") and not ctx.shared("Sport")
    assert key("  A\u00a0 B ") == "a b"
