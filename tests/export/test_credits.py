"""Bylines, translator and reviewer credits, captions, and the site settings on every page."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import yaml

from pipeline.errors import ConfigError, InputError
from pipeline.export import i18n
from pipeline.states import Action
from pipeline.store import translations as tr
from pipeline.store.articles import load_article
from pipeline.workspace import load
from tests.export.conftest import Newsroom
from tests.factories import add_article


def _by(lang: str) -> str:
    return i18n.translations(lang).gettext("By %(name)s")


@pytest.mark.parametrize("lang, slug", [("en", "budget-vote"), ("fa", "budget-vote"),
                                        ("ar", "river-clean")])
def test_byline_in_the_source_script_on_every_edition(newsroom: Newsroom, lang: str,
                                                      slug: str) -> None:
    newsroom.export()
    page = newsroom.read(f"{lang}/{slug}.html")
    name = {"budget-vote": "Ella Park", "river-clean": "Sami Okoro"}[slug]
    # "By" in the edition's words, the name as the source writes it (and no second "By").
    author = f'<bdi class="author" lang="en">{name}</bdi>'
    assert _by(lang) % {"name": author} in page
    assert "By By" not in page


def test_a_byline_unit_is_not_printed_twice(newsroom: Newsroom) -> None:
    add_article(newsroom.store, "dump", [("title", "Ferry opens"), ("byline", "Jonas Weber"),
                                         ("paragraph", "The ferry runs hourly.")],
                byline="Jonas Weber")
    newsroom.export(langs=["en"])
    assert newsroom.read("en/dump.html").count("Jonas Weber") == 2  # the unit, and the JSON-LD
    assert 'class="byline"' in newsroom.read("en/dump.html")


def test_credits_name_who_translated_and_who_reviewed(newsroom: Newsroom) -> None:
    newsroom.export(include_machine=True)
    fa = newsroom.read("fa/budget-vote.html")
    t = i18n.translations("fa")
    assert t.gettext("Translated by %(names)s") % {"names": "<bdi>mina</bdi>"} in fa
    assert t.gettext("Reviewed by %(names)s") % {"names": "<bdi>reza</bdi>"} in fa
    # Machine text nobody touched credits nobody; the original edition credits no translator.
    assert 'class="credit"' not in newsroom.read("fa/river-clean.html")
    assert 'class="credit"' not in newsroom.read("en/budget-vote.html")


def test_a_later_edit_moves_the_credit_and_voids_the_approval(newsroom: Newsroom) -> None:
    unit = load_article(newsroom.store, "budget-vote").units[1]
    tr.change(newsroom.store, unit.id, "fa", Action.EDIT, who="sara", text="متن تازه")
    newsroom.export(include_machine=True)
    page = newsroom.read("fa/budget-vote.html")
    assert "<bdi>sara</bdi>" in page and "<bdi>mina</bdi>" in page
    # reza still approved the other units: he stays a reviewer; sara's text awaits review.
    assert "<bdi>reza</bdi>" in page
    newsroom.export(formats=("json",), include_machine=True)
    credits = json.loads(newsroom.read("fa/budget-vote.json"))["credits"]
    assert credits == {"translated_by": ["mina", "sara"], "reviewed_by": ["reza"]}


def test_several_translators_are_listed_in_the_editions_language(newsroom: Newsroom) -> None:
    unit = load_article(newsroom.store, "budget-vote").units[2]
    tr.change(newsroom.store, unit.id, "fa", Action.EDIT, who="sara", text="خیابان‌ها")
    tr.change(newsroom.store, unit.id, "fa", Action.APPROVE, who="reza")
    newsroom.export()
    # Babel's list pattern for Persian joins the last two names with "و".
    assert "<bdi>mina</bdi> و <bdi>sara</bdi>" in newsroom.read("fa/budget-vote.html")


def test_credit_translators_false_hides_the_credits(newsroom: Newsroom) -> None:
    newsroom.settings = replace(newsroom.settings, credit_translators=False)
    newsroom.export(formats=("html", "json", "markdown"))
    page = newsroom.read("fa/budget-vote.html")
    assert 'class="credit"' not in page and "mina" not in page.split("<main")[1]
    assert "translator" not in page
    assert "Ella Park" in page  # the author's byline stays


def test_markdown_and_json_carry_byline_tags_and_credits(newsroom: Newsroom) -> None:
    newsroom.export(formats=("markdown", "json"))
    head = newsroom.read("fa/budget-vote.md")[4:].split("\n---\n")[0]
    meta = yaml.safe_load(head)
    assert meta["byline"] == "Ella Park" and meta["tags"] == ["council", "budget"]
    assert meta["category"] == "Local"
    assert meta["translated_by"] == ["mina"] and meta["reviewed_by"] == ["reza"]
    data = json.loads(newsroom.read("fa/budget-vote.json"))
    assert data["byline"] == "Ella Park"
    assert data["credits"] == {"translated_by": ["mina"], "reviewed_by": ["reza"]}


def test_a_caption_repeated_as_alt_text_is_shown_once(newsroom: Newsroom) -> None:
    add_article(newsroom.store, "mill", [
        ("title", "Bakery buys the old mill"),
        ("caption", "The old mill on Station Road"),
        ("caption", "The old mill on Station Road, empty since 2009."),
        ("paragraph", "The cooperative signed on Friday."),
        ("caption", "The old mill on Station Road"),
    ])
    newsroom.export(langs=["en"])
    page = newsroom.read("en/mill.html")
    assert page.count('class="caption"') == 1
    assert "empty since 2009." in page


def test_site_name_per_edition_and_logo_on_every_page(newsroom: Newsroom) -> None:
    logo = newsroom.settings.root / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')
    newsroom.settings = replace(newsroom.settings, site_name="Riverside Courier",
                                site_name_by_lang={"fa": "پیک ریورساید"}, logo=logo)
    newsroom.export(include_machine=True)
    assert (newsroom.out / "assets" / "logo.svg").read_bytes() == logo.read_bytes()
    for rel in ("fa/budget-vote.html", "fa/index.html", "fa/tags/council.html"):
        page = newsroom.read(rel)
        assert '<span class="site-name">پیک ریورساید</span>' in page
        assert 'class="logo"' in page
    assert '<span class="site-name">Riverside Courier</span>' in newsroom.read("ar/index.html")
    assert 'src="../../assets/logo.svg"' in newsroom.read("fa/tags/council.html")


def test_site_settings_in_pipeline_toml(newsroom: Newsroom) -> None:
    toml = newsroom.settings.root / "pipeline.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace("[site]\n", '[site]\nname = "Courier"\n'
                                 'name_by_lang = { fa = "پیک" }\nlogo = "art/logo.png"\n'),
                    encoding="utf-8")
    s = load(newsroom.settings.root)
    assert (s.site_name, s.site_name_in("fa"), s.site_name_in("ar")) == ("Courier", "پیک", "Courier")
    assert s.logo == newsroom.settings.root / "art" / "logo.png"
    with pytest.raises(InputError, match="logo.png"):
        newsroom.settings = s
        newsroom.export()
    for bad, key in ((text.replace("[site]\n", "[site]\nmotto = 1\n"), "site.motto"),
                     (text.replace("[site]\n", '[site]\nlogo = "x.exe"\n'), "site.logo"),
                     (text.replace("[site]\n", '[site]\nname_by_lang = { zz9 = "x" }\n'),
                      "site.name_by_lang"),
                     (text.replace("credit_translators = true", "credit_translators = 1"),
                      "export.credit_translators"),
                     (text.replace("page_size = 50", "page_size = 0"), "export.page_size")):
        toml.write_text(bad, encoding="utf-8")
        with pytest.raises(ConfigError, match=key):
            load(newsroom.settings.root)
