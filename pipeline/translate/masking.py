"""Protect what MT must not touch (URLs, e-mails, [n] markers, inline markup, glossary terms).

Protected spans become numbered placeholders before translation and are put back afterwards. If
the model drops, duplicates or invents a placeholder, `unmask` returns None and the caller
translates the sentence unmasked and flags it for review.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Order matters: earlier patterns win where spans overlap (a URL holding an @ stays a URL).
# Each rule is spelled as alternatives that start with a literal character where the rule
# allows (the URL rule's `h(?<!\w.)` is `\bh`), and the combined search marks each alternative
# with an empty group at its end instead of wrapping the rule in one: a search whose every
# alternative starts with a literal lets the regex engine skip to the next candidate character
# instead of trying each rule at each position (URL and markup rules: the same spans, about
# twice as fast on English text). Only the e-mail rule (`\b` first) still tries every position.
# No alternative holds a `|` of its own outside parentheses (the marker must end all of it).
_URL_TAIL = r"[^\s<>\"'\]\)]+[^\s<>\"'\]\).,;:!?]"
_PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("url", (r"h(?<!\w.)ttps?://" + _URL_TAIL, r"w(?<!\w.)ww\." + _URL_TAIL)),
    ("email", (r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b",)),
    ("ref", (r"\[\d{1,3}\]",)),
    ("tag", (r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>",)),
    ("code", (r"`[^`\n]+`",)),
    ("emphasis", (r"\*\*", "__")),
)
# What a text must contain for each rule to match at all; rules that cannot match are left out
# of the search (the e-mail rule alone costs more than the rest, tried at every word).
_NEEDS: dict[str, tuple[str, ...]] = {"url": ("http", "www."), "email": ("@",), "ref": ("[",),
                                      "tag": ("<",), "code": ("`",), "emphasis": ("**", "__")}
# One scan for every rule's needles at once (no needle overlaps another, so the scan finds each
# that occurs); the needles found pick the rules, cached per set of needles.
_NEEDLES = re.compile("|".join(re.escape(k) for ks in _NEEDS.values() for k in ks))
_SUBSETS: dict[frozenset[str], tuple[re.Pattern[str], re.Pattern[str]] | None] = {}


_NEEDLE_LIST = tuple(k for ks in _NEEDS.values() for k in ks)
_BY_HITS: dict[tuple[bool, ...], tuple[re.Pattern[str], re.Pattern[str]] | None] = {}


def _rules_for(text: str) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    """The rules that can match `text`, as one pattern with a group per rule and the same
    pattern without groups (None when none can)."""
    # Eight substring tests cost a third of one regex scan for all needles.
    key = tuple([k in text for k in _NEEDLE_LIST])
    try:
        return _BY_HITS[key]
    except KeyError:
        hits = frozenset(k for k, hit in zip(_NEEDLE_LIST, key, strict=True) if hit)
        found = _BY_HITS[key] = _compiled(hits)
        return found


def _compiled(hits: frozenset[str]) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    try:
        return _SUBSETS[hits]
    except KeyError:
        alts = [(n, i, r) for n, rs in _PATTERNS if any(k in hits for k in _NEEDS[n])
                for i, r in enumerate(rs)]
        found = _SUBSETS[hits] = None if not alts else (
            re.compile("|".join(f"{r}(?P<{n}_{i}>)" for n, i, r in alts)),
            re.compile("|".join(r for _, _, r in alts)))
        return found


#: The rule of each alternative's end marker (`url_1` -> `url`).
_RULE_OF = {f"{n}_{i}": n for n, rs in _PATTERNS for i in range(len(rs))}

# Placeholders: bracketed numbers survive tokenizers and are usually copied by real models.
_OPEN, _CLOSE = "\u27e6", "\u27e7"  # ⟦ ⟧
_FOUND = re.compile(rf"{_OPEN}\s*(\d+)\s*{_CLOSE}")


@dataclass(frozen=True)
class Masked:
    """A sentence with protected spans replaced, and the spans in placeholder order."""

    text: str
    spans: tuple[str, ...]

    @property
    def masked(self) -> bool:
        return bool(self.spans)


def placeholder(n: int) -> str:
    return f"{_OPEN}{n}{_CLOSE}"


def _term_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    cleaned = sorted({t.strip() for t in terms if t and t.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in cleaned) + r")(?!\w)")


class Masker:
    """Masks sentences with the built-in rules plus a glossary's do-not-translate terms."""

    def __init__(self, keep_terms: Iterable[str] = ()) -> None:
        self._terms = _term_pattern(keep_terms)

    def protected(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, kind) of every protected span, in order, without overlaps.

        kind is a rule name (url, email, ref, tag, code, emphasis) or `term` for a glossary
        do-not-translate term; the interchange formats turn these spans into inline codes.
        """
        rules = _rules_for(text)
        if rules is None:
            found = []
        else:
            rule = _RULE_OF.__getitem__
            found = [(*m.span(), rule(m.lastgroup or "")) for m in rules[0].finditer(text)]
        if self._terms is None:
            return found  # one regex's matches: already in order and without overlaps
        found += [(*m.span(), "term") for m in self._terms.finditer(text)]
        found.sort(key=lambda s: (s[0], -s[1]))
        out: list[tuple[int, int, str]] = []
        for a, b, kind in found:
            if out and a < out[-1][1]:
                continue  # overlaps an earlier, longer span
            out.append((a, b, kind))
        return out

    def spans(self, text: str) -> list[str]:
        """The text of every protected span, in order (what `protected` finds, faster)."""
        if self._terms is None:
            rules = _rules_for(text)
            return [] if rules is None else rules[1].findall(text)
        return [text[a:b] for a, b, _ in self.protected(text)]

    def spans_both(self, first: str, second: str) -> tuple[list[str], list[str]]:
        """`spans` of two texts (a source and its translation) with the rules chosen once for
        both: a rule whose needle one of them lacks finds nothing in it, so the spans are the
        same as `spans` gives, for less (the choice costs a third of a text's search)."""
        if self._terms is not None:
            return self.spans(first), self.spans(second)
        rules = _rules_for(first + second)
        if rules is None:
            return [], []
        find = rules[1].findall
        return find(first), find(second)

    def mask(self, text: str) -> Masked:
        """Replace protected spans by ⟦0⟧, ⟦1⟧, ... (text without them is returned as is)."""
        if _OPEN in text or _CLOSE in text:
            return Masked(text, ())  # the text already holds our brackets: do not guess
        spans = self.protected(text)
        if not spans:
            return Masked(text, ())
        parts, kept, pos = [], [], 0
        for i, (a, b, _) in enumerate(spans):
            parts.append(text[pos:a])
            parts.append(placeholder(i))
            kept.append(text[a:b])
            pos = b
        parts.append(text[pos:])
        return Masked("".join(parts), tuple(kept))


def unmask(translated: str, masked: Masked) -> str | None:
    """Put the spans back; None if any placeholder is missing, repeated or unknown."""
    if not masked.spans:
        return translated
    numbers = [int(m.group(1)) for m in _FOUND.finditer(translated)]
    if sorted(numbers) != list(range(len(masked.spans))):
        return None
    return _FOUND.sub(lambda m: masked.spans[int(m.group(1))], translated)


def protected_spans(text: str, keep_terms: Iterable[str] = ()) -> list[str]:
    """The spans `Masker` would protect in `text` (for checks and tests)."""
    return list(Masker(keep_terms).mask(text).spans)
