"""The HTML edition: language, direction, alternates, switcher, dates, notices, escaping."""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser

from typer.testing import CliRunner

from pipeline import languages
from pipeline.cli import app
from pipeline.export import i18n
from pipeline.workspace import Settings
from pipeline.workspace import load as open_settings
from tests.export.conftest import BUDGET_FA, HOSTILE, Newsroom, approve
from tests.factories import add_article

MACHINE_NOTICE = ("This article was translated by machine and has not been reviewed by an editor "
                  "yet. It may contain mistakes.")
PLACEHOLDER = "Placeholder text, not a translation."


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside <p> elements."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.paragraphs: list[str] = []
        self._in_p = False
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "p":
            self._in_p = True
            self.paragraphs.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self._in_p = False

    def handle_data(self, data: str) -> None:
        if self._in_p:
            self.paragraphs[-1] += data

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def test_article_page_has_lang_dir_and_hreflang_alternates(newsroom: Newsroom) -> None:
    newsroom.export(include_machine=True)
    page = Tags(newsroom.read("fa/budget-vote.html"))
    assert page.find("html") == [{"lang": "fa", "dir": "rtl"}]
    alternates = {a["hreflang"]: a["href"] for a in page.find("link", rel="alternate")
                  if a.get("hreflang")}
    # sq does not publish budget-vote, so it gets no alternate link.
    assert alternates == {"en": "../en/budget-vote.html", "fa": "../fa/budget-vote.html",
                          "ar": "../ar/budget-vote.html", "x-default": "../en/budget-vote.html"}
    for href in alternates.values():
        assert (newsroom.out / "fa" / href).resolve().is_file()
    sq = Tags(newsroom.read("sq/index.html"))
    assert sq.find("html") == [{"lang": "sq", "dir": "ltr"}]


def test_base_url_makes_hreflang_and_canonical_absolute(newsroom: Newsroom) -> None:
    base = "https://news.example.org/editions/"
    newsroom.export(include_machine=True, base_url=base)
    page = Tags(newsroom.read("fa/budget-vote.html"))
    alternates = {a["hreflang"]: a["href"] for a in page.find("link", rel="alternate")
                  if a.get("hreflang")}
    assert alternates == {lang: f"{base}{lang}/budget-vote.html" for lang in ("en", "fa", "ar")} | {
        "x-default": f"{base}en/budget-vote.html"}
    assert page.find("link", rel="canonical") == [
        {"rel": "canonical", "href": f"{base}fa/budget-vote.html"}]
    # The switcher stays relative, so the files also work opened from disk.
    switcher = [a["href"] for a in page.find("a") if a.get("hreflang")]
    assert switcher and all(h is not None and h.startswith("../") for h in switcher)


def test_base_url_in_config_and_bad_urls(workspace: Settings, runner: CliRunner) -> None:
    toml = workspace.root / "pipeline.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace('# base_url = "https://example.org/editions/"',
                                 'base_url = "https://example.org/news"'), encoding="utf-8")
    assert open_settings(workspace.root).base_url == "https://example.org/news/"
    toml.write_text(text.replace('# base_url = "https://example.org/editions/"',
                                 'base_url = "news/"'), encoding="utf-8")
    result = runner.invoke(app, ["status", "-w", str(workspace.root)])
    assert result.exit_code == 2 and "base_url" in result.output
    toml.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["export", "--base-url", "ftp://x", "-w", str(workspace.root)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "error: --base-url 'ftp://x' must be an absolute http(s) URL like "
        "https://example.org/editions/"]


def test_language_switcher_uses_native_names(newsroom: Newsroom) -> None:
    newsroom.export()
    page = newsroom.read("fa/budget-vote.html")
    for code in ("en", "fa"):
        assert f'lang="{code}" dir="{languages.direction(code)}"' in page
        assert f">{languages.native_name(code)}</a>" in page
    index = newsroom.read("ar/index.html")
    for code in ("en", "fa", "ar", "sq"):
        assert f'href="../{code}/index.html"' in index and languages.native_name(code) in index
    assert "فارسی" in index and "shqip" in index


def test_first_paragraph_is_the_approved_translation(newsroom: Newsroom) -> None:
    newsroom.export()
    page = Tags(newsroom.read("fa/budget-vote.html"))
    first = next(a for t, a in page.tags if t == "p" and a.get("class") == "paragraph")
    assert first == {"class": "paragraph"}  # not a fallback: no lang="en"
    assert BUDGET_FA[1] in page.paragraphs
    assert f"<h1>{BUDGET_FA[0]}</h1>" in newsroom.read("fa/budget-vote.html")


def test_dates_are_in_the_locale_with_its_own_digits(newsroom: Newsroom) -> None:
    newsroom.export()
    assert "۲۰۲۴" in newsroom.read("fa/budget-vote.html")
    assert "٢٠٢٤" in newsroom.read("ar/river-clean.html")
    assert "2024" in newsroom.read("en/river-clean.html")
    assert '<time datetime="2024-05-01">' in newsroom.read("fa/budget-vote.html")


def test_solar_hijri_calendar_for_persian(newsroom: Newsroom) -> None:
    newsroom.settings = replace(newsroom.settings, persian_calendar="solar_hijri")
    newsroom.export()
    page = newsroom.read("fa/budget-vote.html")
    assert "۱۲ اردیبهشت ۱۴۰۳" in page  # 2024-05-01
    assert "2024" not in page.split("<main")[1].replace('datetime="2024-05-01"', "")
    # Arabic keeps the Gregorian calendar.
    assert "٢٠٢٤" in newsroom.read("ar/river-clean.html")


def test_machine_notice_is_in_the_editions_language(newsroom: Newsroom) -> None:
    newsroom.export(include_machine=True)
    notice_fa = i18n.translations("fa").gettext(MACHINE_NOTICE)
    assert notice_fa != MACHINE_NOTICE  # the catalog really translates it
    assert notice_fa in newsroom.read("fa/river-clean.html")
    assert notice_fa not in newsroom.read("fa/budget-vote.html")  # approved: no notice
    assert MACHINE_NOTICE not in newsroom.read("fa/river-clean.html")


def test_test_model_text_gets_a_loud_bilingual_notice(newsroom: Newsroom) -> None:
    newsroom.export(include_machine=True)
    page = newsroom.read("ar/budget-vote.html")
    local = i18n.translations("ar").gettext(PLACEHOLDER)
    assert local != PLACEHOLDER and local in page
    assert PLACEHOLDER in page and "pipeline models install" in page
    assert 'class="notice notice-placeholder" role="alert"' in page
    assert PLACEHOLDER in newsroom.read("ar/index.html")  # the index lists its title
    assert PLACEHOLDER not in newsroom.read("ar/river-clean.html")
    assert PLACEHOLDER not in newsroom.read("fa/budget-vote.html")


def test_index_lists_articles_newest_first_with_plural_count(newsroom: Newsroom) -> None:
    newsroom.export(include_machine=True)
    index = newsroom.read("fa/index.html")
    assert index.index("river-clean.html") < index.index("budget-vote.html")
    assert i18n.translations("fa").ngettext("%(number)s article", "%(number)s articles", 2) % {
        "number": "۲"} in index
    ar = newsroom.read("ar/index.html")
    assert i18n.translations("ar").ngettext("%(number)s article", "%(number)s articles", 2) in ar


def test_no_input_html_reaches_the_page(newsroom: Newsroom) -> None:
    add_article(newsroom.store, "hostile", HOSTILE)
    approve(newsroom.store, "hostile", "fa", ["<script>alert('x')</script>", HOSTILE[1][1]])
    newsroom.export()
    for rel in ("fa/hostile.html", "en/hostile.html", "fa/index.html", "en/index.html"):
        page = Tags(newsroom.read(rel))
        # The one script element is JSON-LD data (type application/ld+json), never code.
        assert all(a == {"type": "application/ld+json"} for a in page.find("script"))
        assert newsroom.read(rel).count("</script>") == len(page.find("script"))
        assert not page.find("img") and not [
            a for a in page.find("a") if (a.get("href") or "").startswith("javascript")]
        assert not [a for t, a in page.tags if any(k.startswith("on") for k in a)]
        assert "&lt;script&gt;" in newsroom.read(rel)
