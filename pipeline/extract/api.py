"""Run extraction over files: format choice, run-wide chrome context, one result per file."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError, UsageError
from pipeline.extract.chrome import RunContext
from pipeline.extract.draft import Draft, build
from pipeline.extract.reader import MAX_BYTES, expand, read_text
from pipeline.inputfile import display_path
from pipeline.models import Article
from pipeline.store import Store
from pipeline.store.articles import SaveResult, save_article
from pipeline.textcheck import check_text, find_bad

log = logging.getLogger(__name__)

FORMATS = ("auto", "text", "html", "markdown")
#: Lines of a text or Markdown file, and elements of an HTML page, read at most. An article page
#: has a few thousand; without a cap a 10 MB file of 5M short lines took 65 s of CPU and 1.5 GB,
#: and 1M paragraphs of HTML 2.3 GB. At the caps a file takes a few seconds and ~200 MB.
MAX_LINES = 100_000
MAX_ELEMENTS = 100_000
_TAG = re.compile(r"<[A-Za-z]")
_BY_SUFFIX = {".html": "html", ".htm": "html", ".xhtml": "html", ".md": "markdown",
              ".markdown": "markdown"}


def _text(text: str, path: Path, ctx: RunContext | None) -> list[Draft]:
    from pipeline.extract.textdump import split_page

    return split_page(text, ctx)


def _html(text: str, path: Path, ctx: RunContext | None) -> list[Draft]:
    from pipeline.extract.html import parse_html

    return parse_html(text, path)


def _markdown(text: str, path: Path, ctx: RunContext | None) -> list[Draft]:
    from pipeline.extract.markdown import parse_markdown

    return parse_markdown(text, path)


#: The input formats: name -> parser(text, path, run context) -> drafts.
PARSERS: dict[str, Callable[[str, Path, RunContext | None], list[Draft]]] = {
    "text": _text, "html": _html, "markdown": _markdown,
}


def check_size(text: str, kind: str, path: Path) -> None:
    """InputError naming the line where a file passes MAX_LINES lines (text, Markdown) or
    MAX_ELEMENTS elements (HTML), before any parser spends time and memory on it."""
    if kind == "html":
        if text.count("<") <= MAX_ELEMENTS:
            return
        for n, m in enumerate(_TAG.finditer(text), 1):
            if n > MAX_ELEMENTS:
                raise InputError(f"over {MAX_ELEMENTS:,} HTML elements; an article page has a "
                                 "few thousand: split the page", path=path,
                                 line=text.count("\n", 0, m.start()) + 1)
        return
    if text.count("\n") > MAX_LINES:
        raise InputError(f"over {MAX_LINES:,} lines; an article has a few thousand: split the "
                         "file", path=path, line=MAX_LINES + 1)


def detect_format(path: Path, text: str) -> str:
    """The format of a file: by its name ending, else by its first characters."""
    by_name = _BY_SUFFIX.get(path.suffix.lower())
    if by_name:
        return by_name
    head = text.lstrip()[:200].lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")) or "<body" in head:
        return "html"
    if text.startswith("---\n") or text.startswith("---\r\n"):
        return "markdown"
    return "text"


@dataclass(frozen=True)
class FileResult:
    """The articles one input file gave, or the error that stopped it."""

    path: str
    articles: tuple[Article, ...] = ()
    error: InputError | None = None
    size: int = 0


def iter_files(
    paths: Iterable[str | Path], *, fmt: str = "auto", lang: str = "en",
    max_bytes: int = MAX_BYTES,
) -> Iterator[FileResult]:
    """Extract each file in turn; a bad file yields a result with its error, the run goes on.

    Text dumps are read twice: a first pass counts short lines across the run (site template),
    holding only hashes, so memory does not grow with the pages' text.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    files = list(expand(paths))
    ctx = RunContext()
    for item in files:
        if isinstance(item, Path) and _may_be_text(item, fmt):
            try:
                text = read_text(item, max_bytes=max_bytes)
            except InputError:
                continue  # reported in the second pass
            if (fmt if fmt != "auto" else detect_format(item, text)) == "text":
                try:
                    check_size(text, "text", item)
                except InputError:
                    continue  # reported in the second pass
                ctx.add_page(text)
    for item in files:
        if isinstance(item, InputError):
            yield FileResult(item.path or "", error=item)
            continue
        try:
            text = read_text(item, max_bytes=max_bytes)
            kind = fmt if fmt != "auto" else detect_format(item, text)
            check_size(text, kind, item)
            drafts = PARSERS[kind](text, item, ctx)
            source = display_path(item)  # a non-UTF-8 file name is stored escaped
            articles = tuple(build(d, source=source, fmt=kind, lang=lang) for d in drafts)
            if not articles:
                raise InputError("no article found (no title or body text)", path=item)
            # A text dump's fields are pieces of its text: when the whole text holds no bad
            # character, none of them can (one search instead of one per field).
            if kind != "text" or find_bad(text) is not None:
                for article in articles:
                    _check_article(article, item)
        except InputError as exc:
            yield FileResult(str(item), error=exc)
            continue
        except RecursionError:
            yield FileResult(str(item), error=InputError("too deeply nested to parse", path=item))
            continue
        yield FileResult(str(item), articles=articles, size=len(text.encode("utf-8")))


def _check_article(article: Article, path: Path) -> None:
    """What parsing made (HTML and Markdown decode `&#1;`) passes the same text check."""
    fields = [("the title", article.title), ("the byline", article.byline),
              ("the category", article.category), ("the date", article.date),
              *((f"tag {t!r}", t) for t in article.tags),
              *(("a caption", c) for c in article.captions),
              *((f"{u.kind.value} {u.position + 1}", u.text) for u in article.units)]
    for what, text in fields:
        if text:
            check_text(text, what=f"{what} of article {article.slug!r}", path=path)


def _may_be_text(path: Path, fmt: str) -> bool:
    return fmt == "text" or (fmt == "auto" and path.suffix.lower() not in _BY_SUFFIX)


def merge(articles: Iterable[Article]) -> list[Article]:
    """One article per slug, first-seen order: a complete version beats a truncated teaser."""
    by_slug: dict[str, Article] = {}
    for a in articles:
        old = by_slug.get(a.slug)
        if old is None or (old.truncated and not a.truncated):
            by_slug[a.slug] = a
    return list(by_slug.values())


def extract_paths(
    paths: Iterable[str | Path], *, fmt: str = "auto", lang: str = "en",
) -> list[Article]:
    """All articles in the given files and directories, merged by slug; InputError on a bad file."""
    out: list[Article] = []
    for result in iter_files(paths, fmt=fmt, lang=lang):
        if result.error is not None:
            raise result.error
        out.extend(result.articles)
    return merge(out)


def store_articles(store: Store, articles: Sequence[Article], langs: Sequence[str]) -> list[SaveResult]:
    """Save articles in one transaction (all or nothing)."""
    with store.transaction():
        return [save_article(store, a, langs) for a in articles]
