"""The HTML edition: article pages, paginated index, tag and category pages, feeds, sitemaps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from babel.lists import format_list
from markupsafe import Markup, escape

from pipeline import languages
from pipeline.export import feeds, listings, sitemaps
from pipeline.export.article_html import ArticleHtml, frame_parts, html_text
from pipeline.export.base import TEMPLATES, Exporter, make_env, read_in_titles
from pipeline.export.pages import ArticlePage, Edition, IndexEntry

STYLESHEET = "assets/edition.css"


class HtmlExporter(Exporter):
    """Autoescaped Jinja2 pages with lang/dir, hreflang alternates and a language switcher."""

    name = "html"
    extension = "html"
    description = "web pages: <out>/<lang>/index.html and <out>/<lang>/<slug>.html"

    def __init__(self, edition: Edition) -> None:
        super().__init__(edition)
        env = make_env(edition)
        self._env = env
        self._article = env.get_template("article.html")
        self._index = env.get_template("index.html")
        strings = vars(env.get_template("strings.html").module)
        self._tagged, self._in_category, self._page_of = (
            strings["tagged"], strings["in_category"], strings["page_of"])
        self._t: dict[str, Markup] = env.globals["t"]  # type: ignore[assignment]
        self._source_attrs = str(Markup(' lang="{}" dir="{}"').format(
            edition.source, languages.direction(edition.source)))
        self._badges = {
            "placeholder": f' <span class="badge badge-placeholder">{self._t["placeholder_badge"]}</span>',
            "unreviewed": f' <span class="badge">{self._t["not_reviewed_badge"]}</span>'}
        self._items: dict[tuple[str, str], str] = {}
        # Everything about a switcher link but its href is the same on every page: render it once.
        attrs = vars(env.get_template("links.html").module)["attrs"]
        titles = read_in_titles(env, edition)
        self._links = {
            lang: {"native": escape(languages.native_name(lang)),
                   "attrs": Markup(attrs(lang, languages.direction(lang), titles[lang],
                                         lang == edition.lang))}
            for lang in edition.languages
        }
        self.site_name = edition.site.name_in(edition.lang)
        self._people: dict[tuple[str, ...], Markup] = {}
        self._chrome_module = env.get_template("chrome.html").make_module(
            {"stylesheet": STYLESHEET, "logo": edition.site.logo, "site_name": self.site_name,
             "lang": edition.lang})
        self._chromes: dict[int, dict[str, Markup]] = {}
        self._article_html = ArticleHtml(
            lang=edition.lang, source=edition.source, base_url=edition.base_url,
            site_name=self.site_name, logo=edition.site.logo,
            frame=frame_parts(env.get_template("article.html"), self._common("x.html")),
            t=self._t, strings=strings, placeholder_notices=self._chrome(0)["placeholder_notices"],
            links=self._links, href=self._href, present=self.present,
            names=self._names)

    def assets(self) -> list[tuple[str, bytes]]:
        return [(STYLESHEET, (TEMPLATES / "edition.css").read_bytes())]

    # Where things are: `root` leads from a page to --out, `up` to its edition's directory.
    def _common(self, rel: str) -> dict[str, Any]:
        ed = self.edition
        depth = rel.count("/")
        return {"lang": ed.lang, "dir": ed.dir, "source": ed.source,
                "source_dir": languages.direction(ed.source), "chrome": self._chrome(depth),
                "root": "../" * (depth + 1), "up": "../" * depth, "site_name": self.site_name}

    def _chrome(self, depth: int) -> dict[str, Markup]:
        """Head links, brand and footer of a page `depth` directories below the edition."""
        if depth not in self._chromes:
            root, up, m = "../" * (depth + 1), "../" * depth, self._chrome_module
            self._chromes[depth] = {
                "head": Markup(m.head(root, up)), "brand": Markup(m.brand(root, up)),  # type: ignore[attr-defined]
                "footer": Markup(m.footer(up)),  # type: ignore[attr-defined]
                "placeholder_notices": Markup(m.placeholder_notices()),  # type: ignore[attr-defined]
            }
        return self._chromes[depth]

    def _href(self, lang: str, rel: str, root: str) -> str | None:
        """A link from a page to `<lang>/<rel>`: relative when the output holds it, else absolute
        with a base URL (the policy publishes it there), else None (nothing to link to)."""
        ed = self.edition
        path = f"{lang}/{rel}"
        if self.present(lang, rel):
            return root + path
        return f"{ed.base_url}{path}" if ed.base_url else None

    def render_article(self, page: ArticlePage) -> bytes:
        return self._article_html.render(page)

    @staticmethod
    def _switcher(links: list[dict[str, Any]]) -> Markup:
        # Built here, not in the template: one join instead of a dozen template lookups per page.
        return Markup("".join(f'<li><a href="{escape(link["href"])}"{link["attrs"]}>'
                              f'{link["native"]}</a></li>\n' for link in links))

    def _names(self, names: tuple[str, ...]) -> Markup | None:
        """People's names as a list in the edition's language, each isolated for bidi text."""
        if not names:
            return None
        if names not in self._people:
            marks = [f"\x00{i}\x00" for i in range(len(names))]
            text = str(escape(format_list(marks, locale=languages.locale(self.edition.lang))))
            for mark, name in zip(marks, names, strict=True):
                text = text.replace(mark, f"<bdi>{escape(name)}</bdi>")
            self._people[names] = Markup(text)
        return self._people[names]

    def render_index(self, entries: Sequence[IndexEntry]) -> bytes:
        return next(self._listing("index", str(self._t["latest_articles"]), entries))[1]

    def _listing(self, stem: str, heading: str, entries: Sequence[IndexEntry],
                 ) -> Iterator[tuple[str, bytes]]:
        """The pages of one listing (index, tag, category), `page_size` articles each."""
        ed = self.edition
        chunks = listings.paginate(entries, ed.site.page_size)
        total = len(chunks)
        for n, chunk in enumerate(chunks, 1):
            rel = listings.page_path(stem, n)
            common = self._common(rel)
            switcher = []
            if stem == "index" and n == 1:
                switcher = [self._link(lang, href) for lang in ed.languages
                            if (href := self._href(lang, "index.html", common["root"]))]
            pages = {"total": total,
                     "prev": listings.link(rel, listings.page_path(stem, n - 1)) if n > 1 else None,
                     "next": listings.link(rel, listings.page_path(stem, n + 1))
                     if n < total else None}
            page_of = Markup(self._page_of(self._num(n), self._num(total)))
            up = common["up"]
            items = Markup("".join([self._item(e, up) for e in chunk]))
            html = self._index.render(
                **common, entries=chunk, items=items, count=len(entries),
                switcher=self._switcher(switcher),
                heading=heading,
                pages=pages, page_of=page_of, test_model=any(e.test_model for e in chunk),
            )
            yield f"{ed.lang}/{rel}", html.encode("utf-8")

    def _item(self, e: IndexEntry, up: str) -> str:
        """An article's line in a listing; the same article is on the index and on its tag and
        category pages, so each line is built once per depth."""
        key = (e.slug, up)
        line = self._items.get(key)
        if line is None:
            attrs = self._source_attrs if e.title_fallback else ""
            when = (f' <time datetime="{html_text(e.date_iso or "")}">{html_text(e.date_display)}</time>'
                    if e.date_display else "")
            badge = (self._badges["placeholder"] if e.test_model else
                     self._badges["unreviewed"] if e.status == "unreviewed" else "")
            line = (f'<li><a href="{up}{html_text(e.slug)}.html"{attrs}>{html_text(e.title)}</a>'
                    f"{when}{badge}</li>\n")
            self._items[key] = line
        return line

    def _num(self, n: int) -> str:
        return languages.localize_digits(str(n), self.edition.lang)

    #: The index, tag and category pages (together: they share each article's line), then the
    #: feeds and sitemaps.
    parts = ("listings", "feeds")

    def edition_files(self, entries: Sequence[IndexEntry], *, today: dt.date,
                      part: str | None = None) -> Iterator[tuple[str, bytes]]:
        ed = self.edition
        if part in (None, "listings"):
            yield from self._listing("index", str(self._t["latest_articles"]), entries)
            source = Markup('<bdi lang="{}">{}</bdi>')
            for kind, groups in (("tags", listings.by_tag(entries)),
                                 ("categories", listings.by_category(entries))):
                for label, members in groups:
                    name = source.format(ed.source, label.name)
                    heading = (self._tagged(name) if kind == "tags" else self._in_category(name))
                    yield from self._listing(f"{kind}/{label.slug}", Markup(heading), members)
        if part in (None, "feeds"):
            yield from self._feeds(entries, today)

    def _feeds(self, entries: Sequence[IndexEntry], today: dt.date) -> Iterator[tuple[str, bytes]]:
        ed = self.edition
        base = f"{ed.base_url}{ed.lang}/" if ed.base_url else None
        info = feeds.FeedInfo(
            lang=ed.lang, title=self.site_name or str(self._t["latest_articles"]),
            subtitle=str(self._t["feed_subtitle"]),
            author=self.site_name or str(self._t["the_editors"]), base=base,
            site=self.site_name or "pipeline")
        newest = list(entries[:ed.site.feed_size])
        yield f"{ed.lang}/{feeds.ATOM}", feeds.atom(info, newest)
        yield f"{ed.lang}/{feeds.RSS}", feeds.rss(info, newest)
        if ed.base_url and entries:
            yield (f"{ed.lang}/{sitemaps.SITEMAP}",
                   sitemaps.edition_sitemap(ed.base_url, ed.lang, ed.source, entries))
            news = sitemaps.news_entries(entries, today)
            if news:
                publication = self.site_name or ed.base_url.split("/")[2]
                yield (f"{ed.lang}/{sitemaps.NEWS_SITEMAP}",
                       sitemaps.news_sitemap(ed.base_url, ed.lang, publication, news))

    def site_files(self, present: Sequence[str]) -> list[tuple[str, bytes]]:
        """The root sitemap index and robots.txt, over every edition sitemap `present` in --out."""
        out = self.assets()
        base = self.edition.base_url
        if self.edition.site.logo and self.edition.site.logo_bytes is not None:
            out.append((self.edition.site.logo, self.edition.site.logo_bytes))
        found = [p for p in present
                 if p.endswith((f"/{sitemaps.SITEMAP}", f"/{sitemaps.NEWS_SITEMAP}"))]
        if base and found:
            out.append((sitemaps.SITEMAP, sitemaps.sitemap_index(base, sorted(found))))
            out.append((sitemaps.ROBOTS, sitemaps.robots(base)))
        return out

    def _link(self, lang: str, href: str) -> dict[str, Any]:
        return {"lang": lang, "href": href, **self._links[lang]}
