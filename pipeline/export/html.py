"""The HTML edition: an index per language, one page per article, one shared stylesheet."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

from pipeline import languages
from pipeline.export.base import TEMPLATES, Exporter, make_env, read_in_titles
from pipeline.export.pages import ArticlePage, Block, Edition, IndexEntry

STYLESHEET = "assets/edition.css"


class HtmlExporter(Exporter):
    """Autoescaped Jinja2 pages with lang/dir, hreflang alternates and a language switcher."""

    name = "html"
    extension = "html"
    description = "web pages: <out>/<lang>/index.html and <out>/<lang>/<slug>.html"

    def __init__(self, edition: Edition) -> None:
        super().__init__(edition)
        env = make_env(edition)
        self._article = env.get_template("article.html")
        self._index = env.get_template("index.html")
        # Everything about a switcher link but its href is the same on every page: render it once.
        attrs = vars(env.get_template("links.html").module)["attrs"]
        titles = read_in_titles(env, edition)
        self._links = {
            lang: {"native": escape(languages.native_name(lang)),
                   "attrs": Markup(attrs(lang, languages.direction(lang), titles[lang],
                                         lang == edition.lang))}
            for lang in edition.languages
        }

    def assets(self) -> list[tuple[str, bytes]]:
        return [(STYLESHEET, (TEMPLATES / "edition.css").read_bytes())]

    def _common(self) -> dict[str, Any]:
        ed = self.edition
        return {"lang": ed.lang, "dir": ed.dir, "source": ed.source,
                "source_dir": languages.direction(ed.source), "stylesheet": "../" + STYLESHEET}

    def render_article(self, page: ArticlePage) -> bytes:
        ed = self.edition
        links = [self._link(lang, f"../{lang}/{page.slug}.html") for lang in page.alternates]
        # Search engines want hreflang and canonical URLs absolute: with a base URL they are.
        base = ed.base_url or "../"
        alternates = [{"lang": lang, "href": f"{base}{lang}/{page.slug}.html"}
                      for lang in page.alternates]
        x_default = ed.source if ed.source in page.alternates else None
        return self._article.render(
            **self._common(), page=page, groups=group_blocks(page.blocks), switcher=links,
            alternates=alternates,
            canonical=f"{ed.base_url}{ed.lang}/{page.slug}.html" if ed.base_url else None,
            x_default=f"{base}{x_default}/{page.slug}.html" if x_default else None,
        ).encode("utf-8")

    def render_index(self, entries: Sequence[IndexEntry]) -> bytes:
        links = [self._link(lang, f"../{lang}/index.html") for lang in self.edition.languages]
        return self._index.render(
            **self._common(), entries=entries, switcher=links,
            test_model=any(e.test_model for e in entries),
        ).encode("utf-8")

    def _link(self, lang: str, href: str) -> dict[str, Any]:
        return {"lang": lang, "href": href, **self._links[lang]}


def group_blocks(blocks: Sequence[Block]) -> list[tuple[str, list[Block]]]:
    """Consecutive list items become one list; every other block stands alone."""
    groups: list[tuple[str, list[Block]]] = []
    for block in blocks:
        if block.kind == "list_item" and groups and groups[-1][0] == "list":
            groups[-1][1].append(block)
        else:
            groups.append(("list" if block.kind == "list_item" else block.kind, [block]))
    return groups
