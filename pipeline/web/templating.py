"""Jinja2 for the web pages: autoescaped, one environment per interface language (gettext)."""

from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path

import jinja2
from babel.numbers import format_percent

from pipeline import languages
from pipeline.export import i18n
from pipeline.export.base import name_in

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"

#: Languages the interface's own words are translated into (locales/<lang>/LC_MESSAGES), English
#: first. The same catalogs as the editions' words, extracted through babel.cfg.
UI_LANGS: tuple[str, ...] = ("en", "fa", "ar", "sq")

#: The vendored htmx (BSD Zero Clause licence, static/README.md): version in the file name.
HTMX = "htmx-2.0.11.min.js"


def translations(ui_lang: str) -> gettext.NullTranslations:
    """The interface's words in `ui_lang` (the product catalogs under locales/)."""
    return gettext.NullTranslations() if ui_lang == "en" else i18n.translations(ui_lang)


@lru_cache(maxsize=len(UI_LANGS))
def environment(ui_lang: str) -> jinja2.Environment:
    """The template environment speaking `ui_lang` (English when it has no catalog)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every value, in every template; stored text is never marked safe
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,
    )
    env.install_gettext_translations(translations(ui_lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        direction=languages.direction,
        native_name=languages.native_name,
        htmx=HTMX,
        ui_langs=UI_LANGS,
    )
    env.globals["num"] = lambda n: languages.localize_digits(str(n), ui_lang)
    # A language named inside a sentence of the interface: "Arabic" in English, "عربی" in Persian.
    env.globals["language_name"] = lambda code: name_in(code, ui_lang)
    # CLDR's percent format: 12.5% in English, ۱۲٫۵٪ in Persian, 12,5% in Albanian.
    env.globals["percent"] = lambda value: format_percent(
        value / 100.0, "#,##0.0%", locale=languages.locale(ui_lang))
    return env
