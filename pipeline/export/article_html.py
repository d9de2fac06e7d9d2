"""An article page of the HTML edition: base.html rendered once per edition around strings built per page.

Article pages are nearly all of an export's pages, so their hot path is plain string building:
the page frame (doctype, head links, masthead, footer) comes from Jinja2 once per edition with
markers where the page's own parts go, and every word of the edition (notices, "Published %s",
"By %s", ...) is translated once per edition through strings.html. What is left per page is
escaping the page's own values into those strings, which is what the template used to do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from pipeline import languages
from pipeline.escaping import amp_lt_gt
from pipeline.export import metadata
from pipeline.export.pages import ArticlePage, Block, NoteView

if TYPE_CHECKING:
    import jinja2

#: What the frame holds where a page's parts go (NUL: no template text or escaped value has one).
_MARKERS = {"title": "\x00title\x00", "head_meta": "\x00head_meta\x00", "switcher": "\x00switcher\x00",
            "main": "\x00main\x00"}
_MARK = re.compile("\x00(title|head_meta|switcher|main)\x00")
#: Where a slug goes in a string prepared for every page with the same languages: '<' is never
#: left in escaped text, so the marker cannot collide with a value.
_SLUG = "<slug>"
#: What strings.html's macros get for a value filled in per page (split on it afterwards).
_VALUE = Markup("\x00")


def html_text(value: str) -> str:
    """markupsafe.escape for a plain string, without building a Markup object per value.

    >>> html_text('<a href="x">Tom & Jerry</a> it' + "'s")
    '&lt;a href=&#34;x&#34;&gt;Tom &amp; Jerry&lt;/a&gt; it&#39;s'
    """
    value = amp_lt_gt(value)
    if "'" in value:
        value = value.replace("'", "&#39;")
    if '"' in value:
        value = value.replace('"', "&#34;")
    return value


def _opt(value: str | None) -> str:
    """What Jinja2 prints for a value that may be None ("None", as `{{ x }}` does)."""
    return "None" if value is None else html_text(value)


def fill_parts(macro: Callable[..., Any], n: int = 1) -> list[str]:
    """A strings.html macro's text split where its `n` arguments go, translated once."""
    parts = str(macro(*([_VALUE] * n))).split(_VALUE)
    if len(parts) != n + 1:
        raise RuntimeError(f"edition string {macro!r} does not use each argument once")
    return parts


def frame_parts(template: jinja2.Template, context: dict[str, Any]) -> list[str]:
    """article.html rendered with markers, cut into [before title, title..head, head..switcher,
    switcher..main, after main]: the same frame for every article page of an edition."""
    text = template.render(**context, **{k: Markup(v) for k, v in _MARKERS.items()})
    pieces = _MARK.split(text)
    if pieces[1::2] != ["title", "head_meta", "switcher", "main"]:
        raise RuntimeError("article.html must print title, head_meta, switcher and main once each")
    return pieces[0::2]


class ArticleHtml:
    """Renders the article pages of one edition; built once per edition by HtmlExporter.

    `t` holds the edition's constant words (strings.html, escaped); `strings` the macros of
    strings.html; `href(lang, rel, root)` links to another edition's page (or None).
    """

    def __init__(self, *, lang: str, source: str, base_url: str | None, site_name: str | None,
                 logo: str | None, frame: list[str], t: dict[str, Markup],
                 strings: dict[str, Any], placeholder_notices: str, links: dict[str, dict[str, Any]],
                 href: Callable[[str, str, str], str | None], present: Callable[[str, str], bool],
                 names: Callable[[tuple[str, ...]], Markup | None]) -> None:
        self.lang, self.source, self.base_url = lang, source, base_url
        self.site_name, self.frame, self.t = site_name, frame, t
        self._href, self._present, self._names = href, present, names
        # "By %s" and the credits cut where the name goes, translated once per edition: joining
        # the parts costs a tenth of Markup's % per page.
        self._by = fill_parts(strings["by"])
        self._translated_by = fill_parts(strings["translated_by"])
        self._reviewed_by = fill_parts(strings["reviewed_by"])
        self._links = links
        # Logo URL as pages at the top of the edition see it.
        self._logo = (f"{base_url}{logo}" if base_url else f"../{logo}") if logo else None
        src = f' lang="{html_text(source)}" dir="{html_text(languages.direction(source))}"'
        self._src = src
        self._author_attrs = f' class="author" lang="{html_text(source)}"'
        self._changed = f' data-changed="true" title="{t["changed_title"]}"'
        self._published = fill_parts(strings["published"])
        self._updated = fill_parts(strings["updated"])
        self._updated_in_english = fill_parts(strings["updated_in_english"])
        notice = '<div class="notice notice-{}" role="note"><p>{}</p></div>\n'
        self._notices = {
            "placeholder": placeholder_notices + "\n",
            "machine": notice.format("machine", t["machine_notice"]),
            "unreviewed": notice.format("machine", t["unreviewed_notice"]),
            "correction": notice.format("correction", "{}"),
            "correction_undated": notice.format("correction", t["correction_notice_undated"]),
            "partial": notice.format("partial", t["partial_notice"]),
        }
        self._note_labels = {"update": f'<p class="correction"><strong>{t["label_update"]}</strong>',
                             None: f'<p class="correction"><strong>{t["label_correction"]}</strong>'}
        self._pending = f' <span class="pending">({t["translation_pending"]})</span>'
        self._corrections = ('<section class="corrections" aria-labelledby="corrections-heading">\n'
                             f'<h2 id="corrections-heading">{t["corrections_heading"]}</h2>\n')
        self._tags = (f'<nav class="tags" aria-label="{t["tags"]}">\n'
                      f'<span class="label">{t["tags"]}</span>\n<ul>\n')
        self._kinds: dict[str, str] = {}
        self._linked: dict[tuple[Any, ...], tuple[str, str, tuple[str, ...], str | None]] = {}
        self._props: dict[str, str] = {}  # Open Graph property -> its <meta> up to the content

    def _prop(self, prop: str) -> str:
        line = self._props[prop] = f'<meta property="{html_text(prop)}" content="'
        return line

    def render(self, page: ArticlePage) -> bytes:
        rel = f"{page.slug}.html"
        switcher, hreflang, alternates, x_default = self._languages(page, rel)
        if x_default:
            x_default = x_default.replace(_SLUG, page.slug)
        base = self.base_url
        url = f"{base}{self.lang}/{rel}" if base else rel
        json_ld = metadata.json_for_html(metadata.news_article(
            page, url=url, original_url=x_default, source=self.source, site_name=self.site_name,
            logo_url=self._logo))
        og = metadata.open_graph(page, url=url if base else None, site_name=self.site_name,
                                 image=self._logo if base else None, alternates=alternates)
        slug = html_text(page.slug)
        head = [f'<link rel="canonical" href="{html_text(url)}">\n'] if base else []
        head.append(hreflang.replace(_SLUG, slug))
        if page.description:
            head.append(f'<meta name="description" content="{html_text(page.description)}">\n')
        props = self._props
        head += [f'{props.get(prop) or self._prop(prop)}{html_text(content)}">\n'
                 for prop, content in og]
        head.append(f'<script type="application/ld+json">{json_ld}</script>')
        f = self.frame
        return "".join((f[0], html_text(page.title), f[1], "".join(head), f[2],
                        switcher.replace(_SLUG, slug), f[3], self._main(page), f[4])
                       ).encode("utf-8")

    def _languages(self, page: ArticlePage, rel: str) -> tuple[str, str, tuple[str, ...], str | None]:
        """The switcher and the hreflang lines (the slug left as a marker), the hreflang
        languages and the x-default URL (marker too): prepared once per set of languages."""
        key = (page.alternates, tuple(self._present(lang, rel) for lang in page.alternates))
        hit = self._linked.get(key)
        if hit is None:
            hit = self._linked[key] = self._prepare(*key)
        return hit

    def _prepare(self, alternates: tuple[str, ...], present: tuple[bool, ...],
                 ) -> tuple[str, str, tuple[str, ...], str | None]:
        # A link to another edition is relative when --out holds the page, else absolute with a
        # base URL (the policy publishes it there), else left out (HtmlExporter._href).
        base = self.base_url
        local = [(lang, f"../{lang}/" if here else f"{base}{lang}/")
                 for lang, here in zip(alternates, present, strict=True) if here or base]
        switcher = "".join(f'<li><a href="{html_text(prefix)}{_SLUG}.html"'
                           f'{self._links[lang]["attrs"]}>{self._links[lang]["native"]}</a></li>\n'
                           for lang, prefix in local)
        # Search engines want hreflang and canonical URLs absolute: with a base URL they are.
        hreflang = [(lang, f"{base}{lang}/") for lang in alternates] if base else local
        lines = [f'<link rel="alternate" hreflang="{html_text(lang)}" '
                 f'href="{html_text(prefix)}{_SLUG}.html">\n' for lang, prefix in hreflang]
        x_default = next((f"{prefix}{_SLUG}.html" for lang, prefix in hreflang
                          if lang == self.source), None)
        if x_default:
            lines.append(f'<link rel="alternate" hreflang="x-default" href="{html_text(x_default)}">\n'
                         .replace(html_text(_SLUG), _SLUG))
        return switcher, "".join(lines), tuple(lang for lang, _ in hreflang), x_default

    def _main(self, page: ArticlePage) -> str:
        """The <article> element, as article.html printed it before it moved here."""
        notices = self._notices
        out = ["<article>\n"]
        if page.test_model:
            out.append(notices["placeholder"])
        if page.machine:
            out.append(notices["machine"])
        elif page.unreviewed:
            out.append(notices["unreviewed"])
        if page.correction_pending:
            if page.source_updated_display:
                iso = page.source_updated_iso
                when = (f'<time datetime="{_opt(iso[:10] if iso is not None else None)}">'
                        f"{html_text(page.source_updated_display)}</time>")
                out.append(notices["correction"].format(when.join(self._updated_in_english)))
            else:
                out.append(notices["correction_undated"])
        if page.fallback:
            out.append(notices["partial"])
        out.append("<header>\n")
        if page.category:
            out.append(f'<p class="kicker"><a href="categories/{html_text(page.category.slug)}.html"'
                       f"{self._src}>{html_text(page.category.name)}</a></p>\n")
        out.append(f"<h1{self._src if page.title_fallback else ''}>{html_text(page.title)}</h1>\n")
        if page.date_display:
            when = (f'<time datetime="{html_text(page.date_iso or "")}">'
                    f"{html_text(page.date_display)}</time>")
            out.append(f'<p class="published">{when.join(self._published)}</p>\n')
        if page.updated_display:
            when = (f'<time datetime="{_opt(page.updated_iso)}">'
                    f"{html_text(page.updated_display)}</time>")
            out.append(f'<p class="updated">{when.join(self._updated)}</p>\n')
        if page.byline:
            byline = f"<bdi{self._author_attrs}>{html_text(page.byline)}</bdi>".join(self._by)
            out.append(f'<p class="byline">{byline}</p>\n')
        credit = self._credit(page)
        if credit:
            out.append(f'<p class="credit">{credit}</p>\n')
        out.append("</header>\n")
        out.append(self.body(page.blocks))
        out.append("\n")
        if page.notes:
            out.append(self._corrections)
            out += [self._note(n) for n in page.notes]
            out.append("</section>\n")
        if page.tags:
            out.append(self._tags)
            out += [f'<li><a href="tags/{html_text(tag.slug)}.html" rel="tag"{self._src}>'
                    f"{html_text(tag.name)}</a></li>\n" for tag in page.tags]
            out.append("</ul>\n</nav>\n")
        out.append("</article>")
        return "".join(out)

    def _note(self, n: NoteView) -> str:
        out = [self._note_labels.get(n.label if n.label == "update" else None, "")]
        if n.date_display:
            out.append(f' <time datetime="{html_text(n.date_iso)}">{html_text(n.date_display)}</time>')
        out.append(": ")
        if n.fallback:
            out.append(f"<span{self._src}>{html_text(n.text)}</span>{self._pending}")
        else:
            out.append(html_text(n.text))
        out.append("</p>\n")
        return "".join(out)

    def _credit(self, page: ArticlePage) -> str | None:
        parts = []
        if page.credit.translators:
            parts.append(str(self._names(page.credit.translators)).join(self._translated_by))
        if page.credit.reviewers:
            parts.append(str(self._names(page.credit.reviewers)).join(self._reviewed_by))
        return " · ".join(parts) if parts else None

    def body(self, blocks: Sequence[Block]) -> str:
        """The article's blocks as HTML: headings, quotes, lists (consecutive items), paragraphs
        with their kind as class; text shown in the source language carries its lang and dir,
        text whose English changed since its approval is marked data-changed (with a title)."""
        out = []
        in_list = False
        for b in blocks:
            attrs = ((self._src if b.fallback else "") + (self._changed if b.changed else "")
                     if b.fallback or b.changed else "")
            kind = b.kind
            if kind == "list_item":
                if not in_list:
                    out.append("<ul>\n")
                    in_list = True
                out.append(f"<li{attrs}>{html_text(b.text)}</li>\n")
                continue
            if in_list:
                out.append("</ul>\n")
                in_list = False
            text = html_text(b.text)
            if kind == "heading":
                out.append(f"<h2{attrs}>{text}</h2>\n")
            elif kind == "quote":
                out.append(f"<blockquote{attrs}><p>{text}</p></blockquote>\n")
            else:
                cls = self._kinds.get(kind)
                if cls is None:
                    cls = self._kinds[kind] = f'<p class="{html_text(kind)}"'
                out.append(f"{cls}{attrs}>{text}</p>\n")
        if in_list:
            out.append("</ul>\n")
        return "".join(out)
