"""The Markdown edition: YAML front matter and escaped text, for static-site generators."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from pipeline import languages
from pipeline.export.base import Exporter, make_env
from pipeline.export.pages import ArticlePage, Edition, IndexEntry

# Characters that start Markdown syntax anywhere in a line (CommonMark backslash-escapes them).
_INLINE = re.compile(r"([\\`*_\[\]<>|~&!])")
# Line starts that would open a heading, quote, list, rule or setext underline.
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+(?=[.)]))", re.MULTILINE)


def escape_markdown(value: Any) -> Any:
    """Make text render as itself in Markdown: no HTML, links or emphasis from the input.

    >>> escape_markdown("<b>1 * 2</b>")
    '\\\\<b\\\\>1 \\\\* 2\\\\</b\\\\>'
    >>> escape_markdown("# not a heading")
    '\\\\# not a heading'
    """
    if value is None or isinstance(value, Markup):
        return value
    text = _INLINE.sub(r"\\\1", str(value))
    text = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2) if not m.group(2)[0].isdigit()
                           else m.group(1) + m.group(2) + "\\", text)
    return text


# Characters YAML treats as line breaks or forbids, which JSON leaves raw: escape them.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def yaml_scalar(value: Any) -> str:
    """A YAML value written as JSON (YAML's flow style is a superset of JSON): quoted, exact.

    >>> yaml_scalar('a: "b"')
    '"a: \\\\"b\\\\""'
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def front_matter(data: dict[str, Any]) -> Markup:
    """A YAML block between --- lines, one key per line, values quoted as JSON.

    Written by hand rather than by PyYAML: the same bytes on every machine (with or without
    libyaml) and ten times faster; tests read it back with yaml.safe_load.
    """
    body = "".join(f"{key}: {yaml_scalar(value)}\n" for key, value in data.items())
    return Markup(f"---\n{body}---\n")


class MarkdownExporter(Exporter):
    """One .md file per article and an index.md per language."""

    name = "markdown"
    extension = "md"
    description = "Markdown with YAML front matter: <out>/<lang>/<slug>.md"

    def __init__(self, edition: Edition) -> None:
        super().__init__(edition)
        env = make_env(edition, finalize=escape_markdown, html=False)
        self._article = env.get_template("article.md")
        self._index = env.get_template("index.md")

    def render_article(self, page: ArticlePage) -> bytes:
        ed = self.edition
        meta: dict[str, Any] = {
            "title": page.title, "lang": ed.lang, "dir": ed.dir, "date": page.date_iso,
            "date_display": page.date_display, "slug": page.slug, "translation_status": page.status,
            "translations": {lang: f"../{lang}/{page.slug}.md" for lang in page.alternates
                             if lang != ed.lang and self.present(lang, f"{page.slug}.md")},
        }
        if page.author:
            meta["byline"] = page.author
        if page.category:
            meta["category"] = page.category.name
        if page.tags:
            meta["tags"] = [t.name for t in page.tags]
        if page.credit.translators:
            meta["translated_by"] = list(page.credit.translators)
        if page.credit.reviewers:
            meta["reviewed_by"] = list(page.credit.reviewers)
        if page.unreviewed:
            meta["unreviewed_units"] = page.unreviewed
        if page.fallback:
            meta["untranslated_units"] = page.fallback
        if page.test_model:
            meta["placeholder_text"] = True
        if page.date_modified and page.date_modified != page.date_iso:
            meta["date_modified"] = page.date_modified
        if page.updated_display:
            meta["updated"] = page.updated_iso
            meta["updated_display"] = page.updated_display
        if page.correction_pending:
            meta["source_updated"] = page.source_updated_iso
            meta["changed_units"] = page.changed
        return self._article.render(front_matter=front_matter(meta), page=page,
                                    lang=ed.lang).encode("utf-8")

    def render_index(self, entries: Sequence[IndexEntry]) -> bytes:
        ed = self.edition
        meta = {"lang": ed.lang, "dir": ed.dir, "edition": languages.native_name(ed.lang)}
        return self._index.render(front_matter=front_matter(meta), entries=entries, lang=ed.lang,
                                  test_model=any(e.test_model for e in entries)).encode("utf-8")
