"""What an article page tells search engines and link previews: Schema.org NewsArticle JSON-LD
and Open Graph properties."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from babel.core import get_global
from markupsafe import Markup

from pipeline import languages
from pipeline.export.pages import ArticlePage

#: Inside <script type="application/ld+json"> the HTML parser ends the element at the first
#: "</script", and "<!--" changes how it scans: JSON's \u escapes keep every stored character
#: without ever writing <, > or & (the JSON means exactly the same).
#: (str.replace per character present, not str.translate: translate with a mapping walks a
#: non-ASCII string character by character through a dict, 70 us a page against 5.)
_JSON_IN_HTML = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                 ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def json_for_html(data: Any) -> Markup:
    """JSON safe to place inside a <script> element: no '<', '>' or '&' appears in it.

    >>> str(json_for_html({"t": "</script><b>"}))
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escaped in _JSON_IN_HTML:
        if char in text:
            text = text.replace(char, escaped)
    return Markup(text)


def _person(name: str) -> dict[str, str]:
    return {"@type": "Person", "name": name}


def _date(value: str | None) -> str | None:
    return value[:10] if value else None


def news_article(page: ArticlePage, *, url: str, original_url: str | None, source: str,
                 site_name: str | None, logo_url: str | None) -> dict[str, Any]:
    """A Schema.org NewsArticle for one article page.

    `url` and `original_url` are absolute with a base URL and relative to the page otherwise
    (JSON-LD resolves relative IRIs against the document).
    """
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "NewsArticle",
        "headline": page.title, "inLanguage": page.lang, "url": url,
        "mainEntityOfPage": url,
    }
    if page.date_iso:
        data["datePublished"] = _date(page.date_iso)
    if page.modified_iso:
        data["dateModified"] = _date(page.modified_iso)
    if page.author:
        data["author"] = [_person(page.author)]
    if page.credit.translators:
        data["translator"] = [_person(n) for n in page.credit.translators]
    if page.credit.reviewers:
        data["editor"] = [_person(n) for n in page.credit.reviewers]
    if page.description:
        data["description"] = page.description
    if page.category:
        data["articleSection"] = page.category.name
    if page.tags:
        data["keywords"] = [t.name for t in page.tags]
    if site_name:
        publisher: dict[str, Any] = {"@type": "NewsMediaOrganization", "name": site_name}
        if logo_url:
            publisher["logo"] = {"@type": "ImageObject", "url": logo_url}
        data["publisher"] = publisher
    if page.lang != source and original_url:
        based: dict[str, Any] = {"@type": "NewsArticle", "@id": original_url, "url": original_url,
                                 "headline": page.source_title, "inLanguage": source}
        data["isBasedOn"] = based
        data["translationOfWork"] = {"@id": original_url}
    return data


@lru_cache(maxsize=64)
def og_locale(lang: str) -> str:
    """The Open Graph locale (language_TERRITORY) of a language: fa_IR, ar_EG, sq_AL, en_US."""
    loc = languages.locale(lang)
    if loc.territory:
        return f"{loc.language}_{loc.territory}"
    likely = get_global("likely_subtags").get(loc.language, "")
    territory = next((p for p in likely.split("_")[1:] if p.isupper() and len(p) == 2), None)
    return f"{loc.language}_{territory}" if territory else loc.language


def open_graph(page: ArticlePage, *, url: str | None, site_name: str | None,
               image: str | None, alternates: tuple[str, ...]) -> list[tuple[str, str]]:
    """(property, content) pairs for <meta property=...>; og:url only when it is absolute."""
    props = [("og:type", "article"), ("og:title", page.title), ("og:locale", og_locale(page.lang))]
    props += [("og:locale:alternate", og_locale(lang)) for lang in alternates if lang != page.lang]
    if url:
        props.append(("og:url", url))
    if site_name:
        props.append(("og:site_name", site_name))
    if page.description:
        props.append(("og:description", page.description))
    if image:
        props.append(("og:image", image))
    if page.date_iso:
        props.append(("article:published_time", page.date_iso[:10]))
    if page.modified_iso:
        props.append(("article:modified_time", page.modified_iso[:10]))
    if page.category:
        props.append(("article:section", page.category.name))
    props += [("article:tag", t.name) for t in page.tags]
    return props
