"""Translation memory: reuse approved and imported translations of the same (folded) source."""

from __future__ import annotations

from pipeline.store import Store
from pipeline.store.interchange import memory_entries
from pipeline.store.mt import approved_memory
from pipeline.textnorm import fold


class Memory:
    """Approved translations in one language, keyed by folded source text.

    A whole unit matches on its folded text; a sentence matches an approved unit that is that
    one sentence (approved text is unit-level, so sentence matches come from one-sentence units).
    Entries imported from TMX files (`pipeline tm import`) fill in where the database has no
    approved translation of its own; `imported` names the file and tool each came from.
    """

    def __init__(self, entries: dict[str, str],
                 imported: dict[str, tuple[str, str | None]] | None = None) -> None:
        self._entries = entries
        self._imported = imported or {}

    @classmethod
    def load(cls, store: Store, lang: str) -> Memory:
        own = approved_memory(store, lang)
        tm = memory_entries(store, lang)
        entries = {k: text for k, (text, _, _) in tm.items()}
        entries.update(own)  # the workspace's own approved work wins over any file
        imported = {k: (file, tool) for k, (_, file, tool) in tm.items() if k not in own}
        return cls(entries, imported)

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, source: str) -> str | None:
        """The approved translation of text that folds to the same key, if any."""
        if not self._entries:
            return None
        return self._entries.get(fold(source))

    def imported_from(self, source: str) -> tuple[str, str | None] | None:
        """(file, creation tool) when `lookup(source)` comes from an imported TMX file."""
        if not self._imported:
            return None
        return self._imported.get(fold(source))
