"""Translation memory: reuse approved translations of the same (folded) source, no model call."""

from __future__ import annotations

from pipeline.store import Store
from pipeline.store.mt import approved_memory
from pipeline.textnorm import fold


class Memory:
    """Approved translations in one language, keyed by folded source text.

    A whole unit matches on its folded text; a sentence matches an approved unit that is that
    one sentence (approved text is unit-level, so sentence matches come from one-sentence units).
    """

    def __init__(self, entries: dict[str, str]) -> None:
        self._entries = entries

    @classmethod
    def load(cls, store: Store, lang: str) -> Memory:
        return cls(approved_memory(store, lang))

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, source: str) -> str | None:
        """The approved translation of text that folds to the same key, if any."""
        if not self._entries:
            return None
        return self._entries.get(fold(source))
