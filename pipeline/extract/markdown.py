"""Markdown articles with optional YAML front matter (title, date, tags, slug, category, byline)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pipeline.errors import InputError
from pipeline.extract.dates import find_date, parse_iso
from pipeline.extract.draft import Draft
from pipeline.models import UnitKind

_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


def front_matter(text: str, path: Path | str) -> tuple[dict[str, Any], str, int]:
    """(front matter, body, line number where the body starts); InputError on bad YAML.

    Read by pipeline.extract.yamlsafe: no aliases, no implicit dates, field types checked.
    """
    from pipeline.extract import yamlsafe

    m = _FRONT.match(text)
    if not m:
        return {}, text, 1
    meta = yamlsafe.check_fields(yamlsafe.load(m.group(1), path) or {}, path, m.group(1))
    return meta, text[m.end():], m.group(0).count("\n") + 1


def parse_markdown(text: str, path: Path | str = "<markdown>") -> list[Draft]:
    """One article: title from front matter or the first heading, body blocks in order."""
    from markdown_it import MarkdownIt

    meta, body, body_line = front_matter(text, path)
    # Blocks with a raised nesting limit (nothing dropped); inline markup with the preset's
    # limit of 20, which keeps the text anyway and keeps `[[[[...` linear and fast.
    env: dict[str, Any] = {}
    tokens = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).disable("inline").parse(
        body, env)
    _check_nesting(tokens, path, body_line)
    inline = MarkdownIt("commonmark")
    for tok in tokens:
        if tok.type == "inline":
            tok.children = inline.parseInline(tok.content, env)[0].children
    parts: list[tuple[UnitKind, str]] = []
    stack: list[str] = []
    for i, tok in enumerate(tokens):
        if tok.type.endswith("_open"):
            stack.append(tok.type[: -len("_open")])
            if tok.type == "heading_open":
                parts.append((UnitKind.HEADING, _inline(tokens[i + 1])))
            continue
        if tok.type.endswith("_close"):
            if stack:
                stack.pop()
            continue
        if tok.type == "inline" and stack and stack[-1] == "paragraph":
            kind = (UnitKind.LIST_ITEM if "list_item" in stack
                    else UnitKind.QUOTE if "blockquote" in stack else UnitKind.PARAGRAPH)
            for img in (c for c in tok.children or [] if c.type == "image"):
                alt = img.content.strip()
                if alt:
                    parts.append((UnitKind.CAPTION, alt))
            text_ = _inline(tok)
            if text_:
                parts.append((kind, text_))
    title = str(meta.get("title") or "").strip()
    if not title:
        first = next((k for k, (kind, _) in enumerate(parts) if kind is UnitKind.HEADING), None)
        if first is None:
            raise InputError("no title: add `title:` to the front matter or a `# heading`",
                             path=path)
        title = parts.pop(first)[1]
    elif parts and parts[0] == (UnitKind.HEADING, title):
        parts.pop(0)
    raw_date = meta.get("date")
    date_text = str(raw_date) if raw_date is not None else None
    date_iso = parse_iso(raw_date) if raw_date is not None else None
    if date_text and date_iso is None and find_date(date_text) is None:
        date_iso = None
    tags = meta.get("tags") or ()
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",")]
    slug = meta.get("slug")
    byline = meta.get("byline") or meta.get("author")
    return [Draft(
        title=title, parts=tuple(parts), category=_opt(meta.get("category")),
        tags=tuple(str(t) for t in tags if str(t).strip()), byline=_opt(byline),
        date=date_text, date_iso=date_iso, slug=str(slug) if slug else None,
    )]


#: Deepest block nesting read (a list level counts two, a quote one). markdown-it silently
#: drops everything after the point where a document goes deeper (its commonmark preset
#: allows 20: a list ten levels deep), so the limit is raised and a deeper file is refused
#: whole. 100 keeps markdown-it's recursion well inside Python's stack.
MAX_NESTING = 100


def _check_nesting(tokens: list[Any], path: Path | str, first_line: int) -> None:
    """InputError if markdown-it reached its nesting limit (it would have dropped the rest)."""
    for tok in tokens:
        if tok.nesting == 1 and tok.level >= MAX_NESTING - 1:
            line = first_line + tok.map[0] if tok.map else None
            raise InputError(f"block quotes or lists nested more than {MAX_NESTING} levels "
                             "deep; the text past that depth cannot be read", path=path,
                             line=line)


def _opt(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None


def _inline(tok: Any) -> str:
    """Plain text of an inline token: markup dropped, line breaks become spaces."""
    out: list[str] = []
    for c in tok.children or []:
        if c.type in ("text", "code_inline"):
            out.append(c.content)
        elif c.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return " ".join("".join(out).split())
