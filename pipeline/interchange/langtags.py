"""Language tags in TMX/XLIFF: ours written with the workspace's regions, theirs matched by language."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache


def tag_for(code: str, tags: Mapping[str, str]) -> str:
    """The tag to write for a language code (`[interchange] lang_tags`, else the code itself).

    >>> tag_for("fa", {"fa": "fa-IR"}), tag_for("ar", {"fa": "fa-IR"})
    ('fa-IR', 'ar')
    """
    return tags.get(code, code)


@lru_cache(maxsize=1024)
def primary(tag: str) -> str:
    """The language subtag of a tag, lower case: fa-IR, fa_IR and FA are all `fa`."""
    return tag.replace("_", "-").split("-")[0].strip().lower()


def match(tag: str | None, codes: Iterable[str]) -> str | None:
    """The workspace language a file's tag names, with or without region (as OmegaT matches).

    >>> match("fa-IR", ["fa", "ar"]), match("FA", ["fa"]), match("de-DE", ["fa"])
    ('fa', 'fa', None)
    """
    if not tag:
        return None
    want = primary(tag)
    for code in codes:
        if primary(code) == want:
            return code
    return None
