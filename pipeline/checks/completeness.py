"""Completeness: units and source words by status, and the shares approved and translated."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pipeline.states import Status

#: Statuses that count as translated by a person (machine output does not).
TRANSLATED_STATUSES = frozenset({Status.TRANSLATED.value, Status.APPROVED.value})


def _percent(part: int, whole: int) -> float:
    # An empty language or article is complete: there is nothing left to translate.
    return round(100.0 * part / whole, 2) if whole else 100.0


@dataclass
class Tally:
    """A running count of units and source words per status (mutable while reading)."""

    units: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in Status})
    words: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in Status})

    def add(self, status: str, words: int) -> None:
        self.units[status] = self.units.get(status, 0) + 1
        self.words[status] = self.words.get(status, 0) + words

    def freeze(self, lang: str, article: str | None, *,
               approved_statuses: frozenset[str]) -> Completeness:
        return Completeness(
            lang=lang, article=article, units=dict(self.units), words=dict(self.words),
            approved_statuses=approved_statuses,
        )


@dataclass(frozen=True)
class Completeness:
    """How much of one language (or one article in it) is translated and approved.

    `approved_statuses` says what counts as approved: `approved` in the database; in PO files
    every non-fuzzy entry, since a PO file has no separate approval.
    """

    lang: str
    article: str | None
    units: Mapping[str, int]
    words: Mapping[str, int]
    approved_statuses: frozenset[str] = frozenset({Status.APPROVED.value})

    @property
    def total_units(self) -> int:
        return sum(self.units.values())

    @property
    def total_words(self) -> int:
        return sum(self.words.values())

    def _count(self, counts: Mapping[str, int], statuses: frozenset[str]) -> int:
        return sum(n for s, n in counts.items() if s in statuses)

    @property
    def approved_percent(self) -> float:
        return _percent(self._count(self.units, self.approved_statuses), self.total_units)

    @property
    def translated_percent(self) -> float:
        statuses = TRANSLATED_STATUSES | self.approved_statuses
        return _percent(self._count(self.units, statuses), self.total_units)

    @property
    def approved_words_percent(self) -> float:
        return _percent(self._count(self.words, self.approved_statuses), self.total_words)

    @property
    def translated_words_percent(self) -> float:
        statuses = TRANSLATED_STATUSES | self.approved_statuses
        return _percent(self._count(self.words, statuses), self.total_words)

    def as_dict(self) -> dict[str, object]:
        return {
            "units": dict(self.units), "words": dict(self.words),
            "total_units": self.total_units, "total_words": self.total_words,
            "approved_percent": self.approved_percent,
            "translated_percent": self.translated_percent,
            "approved_words_percent": self.approved_words_percent,
            "translated_words_percent": self.translated_words_percent,
        }


def word_count(text: str) -> int:
    """Words of a source text, as white-space separated tokens."""
    return len(text.split())
