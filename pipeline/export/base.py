"""What every edition format implements, and the Jinja2 environment the template formats share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

import jinja2
from markupsafe import Markup

from pipeline import languages
from pipeline.export.pages import ArticlePage, Edition, IndexEntry

TEMPLATES = Path(__file__).resolve().parent / "templates"


class _MemoryBytecode(jinja2.BytecodeCache):
    """Compiled templates shared by every edition's environment in this process: each language
    has its own environment (its own gettext), and compiling the templates once per language
    cost more than rendering a thousand pages."""

    def __init__(self) -> None:
        self._code: dict[tuple[Any, ...], bytes] = {}

    @staticmethod
    def _key(bucket: jinja2.bccache.Bucket) -> tuple[Any, ...]:
        # The same source compiles differently with other options (autoescape, finalize, ...).
        env = bucket.environment
        return (bucket.key, bucket.checksum, env.autoescape, env.finalize, env.trim_blocks,
                env.lstrip_blocks, env.keep_trailing_newline, tuple(sorted(env.extensions)))

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(self._key(bucket))
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[self._key(bucket)] = bucket.bytecode_to_string()


_BYTECODE = _MemoryBytecode()


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
        auto_reload=False,  # templates are package files: no stat() per render
        finalize=finalize,
        bytecode_cache=_BYTECODE,
    )
    env.install_gettext_translations(edition.translations, newstyle=True)  # type: ignore[attr-defined]
    env.globals["num"] = lambda n: languages.localize_digits(str(n), edition.lang)
    strings = env.get_template("strings.html").module
    env.globals["t"] = edition_strings(strings)
    english = jinja2.Environment(loader=env.loader, autoescape=html, extensions=["jinja2.ext.i18n"],
                                 finalize=finalize, bytecode_cache=_BYTECODE)
    english.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    env.globals["t_en"] = edition_strings(english.get_template("strings.html").module)
    return env


def read_in_titles(env: jinja2.Environment, edition: Edition) -> dict[str, Markup]:
    """"Read in <language>" for every edition language, in the edition's own words."""
    read_in = vars(env.get_template("strings.html").module)["read_in"]
    return {lang: Markup(read_in(name_in(lang, edition.lang))) for lang in edition.languages}


def edition_strings(module: Any) -> dict[str, Any]:
    """Every argument-free macro of strings.html, called once: the edition's constant words.

    Rendering them once per edition instead of once per page keeps gettext off the hot path.
    The results are already escaped for the format (HTML or Markdown), hence Markup.
    """
    return {name: Markup(macro()) for name, macro in vars(module).items()
            if isinstance(macro, jinja2.runtime.Macro) and not macro.arguments}


@lru_cache(maxsize=256)
def name_in(code: str, reader: str) -> str:
    """The name of language `code` in language `reader` (عربی for ar read in fa)."""
    return languages.locale(code).get_display_name(languages.locale(reader)) or code


class Exporter:
    """One edition format for one language; subclasses render pages to bytes, no I/O."""

    name: ClassVar[str]
    extension: ClassVar[str]
    description: ClassVar[str]

    def __init__(self, edition: Edition) -> None:
        self.edition = edition
        #: Files of this format that an earlier export left in --out for languages this run does
        #: not write: pages may link to them (publish fills it in from the manifest).
        self.existing: frozenset[str] = frozenset()

    def article_path(self, slug: str, lang: str | None = None) -> str:
        """Where an article's page goes, relative to --out."""
        return f"{lang or self.edition.lang}/{slug}.{self.extension}"

    def index_path(self, lang: str | None = None) -> str:
        return f"{lang or self.edition.lang}/index.{self.extension}"

    def present(self, lang: str, rel: str) -> bool:
        """Whether `<lang>/<rel>` of this format is in --out once the run ends (links to it work)."""
        return lang in self.edition.written or f"{lang}/{rel}" in self.existing

    def assets(self) -> list[tuple[str, bytes]]:
        """Files shared by every language edition of this format."""
        return []

    def render_article(self, page: ArticlePage) -> bytes:
        raise NotImplementedError

    def render_index(self, entries: Sequence[IndexEntry]) -> bytes:
        raise NotImplementedError

    #: Groups of edition_files that can be built apart (by worker processes), in order.
    parts: ClassVar[tuple[str, ...]] = ("index",)

    def edition_files(self, entries: Sequence[IndexEntry], *, today: dt.date,
                      part: str | None = None) -> Iterator[tuple[str, bytes]]:
        """Every file of the edition besides its article pages: (path under --out, bytes);
        with `part` (one of `parts`), only that group's files."""
        yield self.index_path(), self.render_index(entries)

    def site_files(self, present: Sequence[str]) -> list[tuple[str, bytes]]:
        """Files at the top of --out shared by every edition; `present` lists every file of this
        format the output holds after the run (this run's and earlier runs' languages)."""
        return self.assets()
