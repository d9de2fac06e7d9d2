"""The Markdown and JSON editions, and the registry of formats."""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from pipeline.errors import UsageError
from pipeline.export import formats
from pipeline.export.markdown import escape_markdown, front_matter
from tests.export.conftest import BUDGET_AR, BUDGET_FA, HOSTILE, Newsroom, approve
from tests.factories import add_article


def _front_matter(text: str) -> tuple[dict[str, object], str]:
    assert text.startswith("---\n")
    head, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(head), body


def test_markdown_front_matter(newsroom: Newsroom) -> None:
    newsroom.export(formats=["markdown"], include_machine=True)
    meta, body = _front_matter(newsroom.read("fa/budget-vote.md"))
    assert meta["title"] == BUDGET_FA[0]
    assert (meta["lang"], meta["dir"], meta["date"], meta["slug"]) == (
        "fa", "rtl", "2024-05-01", "budget-vote")
    assert meta["translation_status"] == "approved"
    assert meta["translations"] == {"en": "../en/budget-vote.md", "ar": "../ar/budget-vote.md"}
    assert f"# {BUDGET_FA[0]}" in body and f"- {BUDGET_FA[2]}\n- {BUDGET_FA[3]}" in body
    ar_meta, ar_body = _front_matter(newsroom.read("ar/budget-vote.md"))
    assert ar_meta["translation_status"] == "unreviewed" and ar_meta["placeholder_text"] is True
    assert "Placeholder text, not a translation." in ar_body


@given(st.text(), st.dictionaries(st.sampled_from(["en", "ar"]), st.text()))
def test_front_matter_reads_back_exactly(title: str, links: dict[str, str]) -> None:
    data = {"title": title, "lang": "fa", "date": None, "placeholder_text": True,
            "translations": links}
    meta, _ = _front_matter(str(front_matter(data)))
    assert meta == data


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>", "[x](javascript:alert(1))", "# heading", "1. item", "- item",
    "**bold** _em_ `code`", "a &lt;b&gt; entity", "![img](x.png)", "| a | b |", "> quote",
])
def test_markdown_escaping_renders_text_as_itself(hostile: str) -> None:
    html = MarkdownIt("commonmark", {"html": True}).render(escape_markdown(hostile))
    assert "<script" not in html and "<a " not in html and "<img" not in html
    assert not any(tag in html for tag in ("<h1", "<ol", "<ul", "<strong", "<em", "<code",
                                           "<blockquote", "<table"))


def test_markdown_edition_of_hostile_article_renders_no_html(newsroom: Newsroom) -> None:
    add_article(newsroom.store, "hostile", HOSTILE)
    approve(newsroom.store, "hostile", "fa", [HOSTILE[0][1], HOSTILE[1][1]])
    newsroom.export(formats=["markdown"])
    meta, body = _front_matter(newsroom.read("fa/hostile.md"))
    assert meta["title"] == HOSTILE[0][1]  # front matter keeps the text exactly (YAML-quoted)
    html = MarkdownIt("commonmark", {"html": True}).render(body)
    assert "<script" not in html and "<img" not in html and "javascript:" not in html.split("&")[0]


def test_json_edition_has_units_and_provenance(newsroom: Newsroom) -> None:
    newsroom.export(formats=["json"], include_machine=True)
    data = json.loads(newsroom.read("ar/budget-vote.json"))
    assert (data["lang"], data["dir"], data["translation_status"]) == ("ar", "rtl", "unreviewed")
    assert data["placeholder_text"] is True
    assert [u["text"] for u in data["units"]] == BUDGET_AR
    first = data["units"][0]
    assert first["source"] == "Council passes the budget" and first["status"] == "machine"
    assert first["provenance"]["package"] == "translate-en_ar"
    assert first["provenance"]["flags"] == ["test_model"]
    fa = json.loads(newsroom.read("fa/budget-vote.json"))
    assert fa["units"][0]["provenance"]["reviewed_by"] == "reza"
    index = json.loads(newsroom.read("fa/index.json"))
    assert [a["slug"] for a in index["articles"]] == ["river-clean", "budget-vote"]
    assert index["articles"][0]["path"] == "fa/river-clean.json"


def test_registry_knows_the_builtins_and_rejects_others() -> None:
    assert list(formats.EXPORTERS) == ["html", "markdown", "json"]
    with pytest.raises(UsageError, match="known: html, markdown, json"):
        formats.get("pdf")
