"""What every edition format implements, and the Jinja2 environment the template formats share."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import jinja2

from pipeline import languages
from pipeline.export.pages import ArticlePage, Edition, IndexEntry

TEMPLATES = Path(__file__).resolve().parent / "templates"


def english(message: str, **variables: Any) -> str:
    """gettext's signature without a catalog: the English original (for the bilingual notice)."""
    return message % variables if variables else message


def make_env(edition: Edition, *, finalize: Callable[[Any], Any] | None = None,
             html: bool = True) -> jinja2.Environment:
    """A template environment speaking the edition's language through Jinja2's i18n extension.

    HTML templates autoescape every value; the Markdown ones pass `finalize` to escape Markdown.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=html,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        finalize=finalize,
    )
    env.install_gettext_translations(edition.translations, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        english=english,
        native_name=languages.native_name,
        direction=languages.direction,
        num=lambda n: languages.localize_digits(str(n), edition.lang),
        lang_name_here=lambda code: _name_in(code, edition.lang),
    )
    return env


def _name_in(code: str, reader: str) -> str:
    """The name of language `code` in language `reader` (عربی for ar read in fa)."""
    return languages.locale(code).get_display_name(languages.locale(reader)) or code


class Exporter:
    """One edition format for one language; subclasses render pages to bytes, no I/O."""

    name: ClassVar[str]
    extension: ClassVar[str]
    description: ClassVar[str]

    def __init__(self, edition: Edition) -> None:
        self.edition = edition

    def article_path(self, slug: str, lang: str | None = None) -> str:
        """Where an article's page goes, relative to --out."""
        return f"{lang or self.edition.lang}/{slug}.{self.extension}"

    def index_path(self, lang: str | None = None) -> str:
        return f"{lang or self.edition.lang}/index.{self.extension}"

    def assets(self) -> list[tuple[str, bytes]]:
        """Files shared by every language edition of this format."""
        return []

    def render_article(self, page: ArticlePage) -> bytes:
        raise NotImplementedError

    def render_index(self, entries: Sequence[IndexEntry]) -> bytes:
        raise NotImplementedError
