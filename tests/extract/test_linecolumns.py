"""Per-page columns computed in one pass give the per-line rules' answers on every line."""

from __future__ import annotations

from pipeline.extract import chrome as ch
from pipeline.extract.posthead import texty, texty_chars
from pipeline.extract.textlines import read_lines


def _squashed_lines() -> list[str]:
    """Lines around every limit the rules test: lengths near MAX_SHORT_CHARS, word counts near
    8 and MAX_SHORT_WORDS, each sentence end, non-ASCII letters and spaces."""
    out: list[str] = []
    for words in (1, 2, 7, 8, 9, 14, 15, 16, 30):
        for size in (1, 3, 9, 12):
            base = " ".join(["w" * size] * words)
            for end in ("", *ch.TERMINAL, "x", ")", "»»"):
                out.append(base + end)
    out += ["é" * 140, "é" * 141, "ß " * 14 + "ß.", "Ünïcödé wörds hëre, änd möre öf thëm tôo.",
            "Tab\tand\u00a0no-break\u2003spaces run together.  Twice  over  here  now."]
    # (as pages hold them: read_lines squashes white space)
    return [ln.text for ln in read_lines("\n\n".join(out))]


def test_texty_chars_is_texty_on_every_line() -> None:
    lines = _squashed_lines()
    assert len(lines) > 300
    assert texty_chars(lines) == [len(t) if texty(t) else 0 for t in lines]
    assert any(texty_chars(lines)) and not all(texty_chars(lines))
