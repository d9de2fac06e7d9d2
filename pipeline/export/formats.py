"""The registry of edition formats; the built-in ones are registered here like any other."""

from __future__ import annotations

from pipeline.errors import UsageError
from pipeline.export.base import Exporter
from pipeline.export.html import HtmlExporter
from pipeline.export.json import JsonExporter
from pipeline.export.markdown import MarkdownExporter

EXPORTERS: dict[str, type[Exporter]] = {}


def register(cls: type[Exporter]) -> type[Exporter]:
    """Add a format under its name (a later registration of the same name replaces it)."""
    EXPORTERS[cls.name] = cls
    return cls


for _builtin in (HtmlExporter, MarkdownExporter, JsonExporter):
    register(_builtin)


def get(name: str) -> type[Exporter]:
    """The exporter class of a format; UsageError naming the known ones otherwise."""
    try:
        return EXPORTERS[name]
    except KeyError:
        raise UsageError(
            f"unknown edition format {name!r} (known: {', '.join(EXPORTERS)})"
        ) from None
