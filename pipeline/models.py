"""Frozen value objects passed between stages; no I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class UnitKind(StrEnum):
    """What part of an article a translation unit is."""

    TITLE = "title"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    CAPTION = "caption"
    BYLINE = "byline"
    QUOTE = "quote"
    LIST_ITEM = "list_item"
    REFERENCE = "reference"
    CORRECTION = "correction"  # a dated correction or update note an editor added


#: Kinds counted as body text (the evaluation's "paragraphs").
BODY_KINDS = frozenset(
    {UnitKind.PARAGRAPH, UnitKind.HEADING, UnitKind.QUOTE, UnitKind.LIST_ITEM, UnitKind.REFERENCE}
)


@dataclass(frozen=True)
class Unit:
    """One translatable piece of an article, with its sentence boundaries as (start, end) offsets."""

    id: str
    kind: UnitKind
    text: str
    position: int
    sentences: tuple[tuple[int, int], ...] = ()

    def sentence_texts(self) -> list[str]:
        """The sentences as strings (the whole text when no boundaries are stored)."""
        if not self.sentences:
            return [self.text]
        return [self.text[a:b] for a, b in self.sentences]


@dataclass(frozen=True)
class Article:
    """An article as extracted from one input file, ready to store."""

    slug: str
    source: str
    title: str
    units: tuple[Unit, ...]
    category: str | None = None
    tags: tuple[str, ...] = ()
    byline: str | None = None
    date: str | None = None
    date_iso: str | None = None
    truncated: bool = False
    captions: tuple[str, ...] = ()
    format: str = "text"


@dataclass(frozen=True)
class Translation:
    """The current translation of one unit in one language, as the store holds it."""

    unit_id: str
    lang: str
    text: str | None
    status: str
    revision: int
    origin: str | None = None
    engine: str | None = None
    package: str | None = None
    package_version: str | None = None
    pivot: str | None = None
    score: float | None = None
    suggestion: str | None = None
    reason: str | None = None
    flags: tuple[str, ...] = ()
    translated_by: str | None = None
    reviewed_by: str | None = None
    updated_at: str | None = None
    # Corrections: what was last approved (carried when the English is edited), the English the
    # current text was made from when it is stale, and a machine suggestion's provenance.
    published_text: str | None = None
    published_source: str | None = None
    published_at: str | None = None
    corrected_at: str | None = None
    source_before: str | None = None
    suggestion_meta: dict[str, Any] | None = None

    @property
    def has_machine_suggestion(self) -> bool:
        """True when a machine's text for the changed source waits beside the current text."""
        return self.suggestion_meta is not None and self.suggestion is not None


@dataclass(frozen=True)
class Finding:
    """One quality-check result for one unit in one language."""

    check_id: str
    severity: str
    message: str
    unit_id: str | None = None
    lang: str | None = None
    article: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


#: Translation flags shared between stages (stored in translations.flags).
FLAG_TEST_MODEL = "test_model"  # made by a random-weight test package: placeholder words
FLAG_MASK_LOST = "mask_lost"  # MT lost a protected token; translated unmasked, needs review


@dataclass(frozen=True)
class GlossaryTerm:
    """One glossary entry: a source term and what it becomes in one language (or all)."""

    term: str
    lang: str  # a target language code, or "*"
    translation: str | None = None  # required unless keep
    keep: bool = False  # do not translate: the term appears unchanged
    note: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.term, self.lang)
