"""Markdown and YAML front matter that would drop text, explode or crash: kept whole or refused."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from pipeline.errors import InputError
from pipeline.extract.markdown import MAX_NESTING, parse_markdown


def _doc(front: str, body: str = "Body text of the article.\n") -> str:
    return f"---\n{front}\n---\n\n{body}"


def test_billion_laughs_front_matter_fails_fast_in_bounded_memory() -> None:
    laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        laughs.append(f"{name}: &{name} [{','.join(['*' + prev] * 9)}]")
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(InputError, match=r"^post\.md:2: front matter: anchors"):
        parse_markdown(_doc("\n".join(laughs) + "\ntitle: x"), "post.md")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert time.perf_counter() - started < 5 and peak < 50 * 2**20


@pytest.mark.parametrize(("front", "message"), [
    ("title: T\ndate: 2024-13-45", r"post\.md:3: front matter field 'date': 2024-13-45 is not"),
    ("title: T\ntags: 5", r"post\.md:3: front matter field 'tags' must be a list"),
    ("title: T\ndate: !!timestamp 2024-01-01", r"post\.md:3: front matter: the tag !!timestamp"),
    ("title: T\n!!float 1: x", r"post\.md:\d+: front matter key 1 must be text, not a number"),
    ("title: !!python/object/apply:os.system [echo hi]", r"post\.md:2: front matter: the tag"),
    ("title: [a, b]", r"post\.md:2: front matter field 'title' must be text, not a list"),
    ("title: T\nx: " + "[" * 3000 + "]" * 3000, r"post\.md:\d+: front matter"),
    ("title: T\ntitle: U", r"post\.md:3: front matter: the key 'title' appears twice"),
    ("title: \"a\\ud800b\"", r"post\.md:2: front matter field 'title' contains a lone surrogate"),
    ("title: T\ntags: [!!int " + "9" * 5000 + "]", r"post\.md:3: front matter field 'tags' must be"),
])
def test_bad_front_matter_is_one_line_naming_file_and_field(front: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_markdown(_doc(front), "post.md")


def test_plain_front_matter_dates_stay_text_and_parse() -> None:
    (d,) = parse_markdown(_doc("title: T\ndate: 2024-03-04\ntags: [a, b]"))
    assert (d.date, d.date_iso, d.tags) == ("2024-03-04", "2024-03-04", ("a", "b"))


def test_block_quotes_20_deep_and_lists_10_deep_keep_their_text() -> None:
    quotes = "# Title\n\n" + ">" * 20 + " the deepest quote\n\nclosing paragraph\n"
    lists = "# Title\n\n" + "".join("  " * i + f"- item {i}\n" for i in range(10)) + "\nend\n"
    (q,) = parse_markdown(quotes)
    (li,) = parse_markdown(lists)
    assert "the deepest quote" in [t for _, t in q.parts]
    assert [t for _, t in li.parts][-2:] == ["item 9", "end"]


def test_markdown_nested_past_the_limit_fails_the_file_in_one_line() -> None:
    deep = "# Title\n\n" + ">" * (MAX_NESTING + 5) + " too deep\n"
    with pytest.raises(InputError, match=r"^deep\.md:\d+: block quotes or lists nested more"):
        parse_markdown(deep, "deep.md")


def test_a_paragraph_of_brackets_parses_in_linear_time_and_keeps_its_text() -> None:
    body = "# Title\n\nopen " + "[" * 20_000 + "x" + "]" * 20_000 + " close\n"
    started = time.perf_counter()
    (d,) = parse_markdown(body)
    assert time.perf_counter() - started < 10
    assert d.parts[0][1].startswith("open [[[") and d.parts[0][1].endswith("]]] close")


def test_reference_links_still_resolve_across_blocks() -> None:
    (d,) = parse_markdown("# T\n\nsee [the report][r] now\n\n[r]: https://example.org/r\n")
    assert d.parts == ((d.parts[0][0], "see the report now"),)


@pytest.mark.parametrize("written", ["0017", "1_000_000", "190:20:30", "1" * 5000, "1e999", "0x1F"])
def test_a_number_in_a_text_field_stays_as_written(written: str) -> None:
    (draft,) = parse_markdown(_doc(f"title: {written}"), "post.md")
    assert draft.title == written
