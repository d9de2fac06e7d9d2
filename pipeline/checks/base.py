"""What a check is: an id, a name, a description, a severity and one pure method."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import ClassVar

from pipeline.textnorm import fold


class Severity(StrEnum):
    """How bad a finding is; `--fail-on` picks the lowest that fails the run."""

    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return 0 if self is Severity.WARNING else 1


@dataclass(frozen=True)
class GlossaryTerm:
    """A source term with its required translation, or a term that must stay as written."""

    term: str
    translation: str | None = None
    do_not_translate: bool = False


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A matcher for a phrase in folded text that tolerates inflection.

    Each word may take a suffix (Persian ها, ی after ZWNJ; Albanian case endings) and the first
    word a short prefix (Arabic ال, و, ب), so a glossary translation still counts when inflected.

    >>> bool(phrase_pattern(fold("اتحادیه اروپا")).search(fold("اتحادیه\u200cی اروپا")))
    True
    >>> bool(phrase_pattern(fold("Bashkimi Evropian")).search(fold("Bashkimit Evropian")))
    True
    >>> bool(phrase_pattern(fold("اتحادیه اروپا")).search(fold("اتحاد اروپا")))
    False
    """
    words = [re.escape(w) for w in phrase.split()]
    joined = r"\w*(?:\s\w{1,2})?\s+".join(words)
    return re.compile(rf"(?<!\w)\w{{0,3}}{joined}")


@dataclass(frozen=True)
class Glossary:
    """The terms of one target language, with one matcher built once for all units."""

    terms: tuple[GlossaryTerm, ...] = ()
    _by_key: dict[str, GlossaryTerm] = field(default_factory=dict, compare=False, repr=False)
    _matcher: re.Pattern[str] | None = field(default=None, compare=False, repr=False)
    _phrases: dict[str, re.Pattern[str]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, terms: tuple[GlossaryTerm, ...] | list[GlossaryTerm]) -> Glossary:
        by_key = {fold(t.term): t for t in terms if fold(t.term)}
        matcher = None
        if by_key:
            alternatives = "|".join(re.escape(k) for k in sorted(by_key, key=len, reverse=True))
            matcher = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
        phrases = {fold(p): phrase_pattern(fold(p))
                   for t in terms for p in (t.term, t.translation) if p and fold(p)}
        return cls(tuple(terms), by_key, matcher, phrases)

    def found_in(self, source: str) -> list[GlossaryTerm]:
        """The terms that occur in `source` as whole words, matched on folded text."""
        if self._matcher is None:
            return []
        return [self._by_key[m] for m in dict.fromkeys(self._matcher.findall(fold(source)))]

    def contains(self, folded_text: str, phrase: str) -> bool:
        """Whether a glossary phrase occurs (inflected or not) in already folded text."""
        key = fold(phrase)
        pattern = self._phrases.get(key) or phrase_pattern(key)
        return pattern.search(folded_text) is not None


@dataclass(frozen=True)
class UnitContext:
    """What a check may know besides the two texts: languages, glossary, tuned limits."""

    lang: str
    source_lang: str = "en"
    glossary: Glossary = field(default_factory=Glossary)
    length_ratio_max: float = 3.0
    #: The text is one plural form of a gettext message; a form may leave out the count
    #: (Arabic writes "two articles" as one word, with no number).
    plural_form: bool = False
    #: The text is output of a random-weight test model that no person wrote or confirmed.
    placeholder_text: bool = False


class Check:
    """One quality check. Subclasses set the class attributes and implement `check`."""

    check_id: ClassVar[str]
    name: ClassVar[str]
    description: ClassVar[str]
    severity: ClassVar[Severity]
    #: Target languages the check is about (None: all).
    languages: ClassVar[frozenset[str] | None] = None

    def applies_to(self, lang: str) -> bool:
        return self.languages is None or lang.split("_")[0] in self.languages

    def check(self, source: str, target: str, ctx: UnitContext) -> str | None:
        """A one-sentence problem description, or None when the translation passes."""
        raise NotImplementedError
