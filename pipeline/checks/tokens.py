"""Patterns for the protected parts of a text (URLs, e-mails, markers, placeholders, tags)."""

from __future__ import annotations

import re

from pipeline.checks.langfacts import DIGIT_CHARS

URL_RE = re.compile(r"""(?:https?://|www\.)[^\s<>"'«»\u200c\u200e\u200f]+""", re.IGNORECASE)
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Trailing sentence punctuation is not part of the URL ("see https://x.org.").
_URL_TAIL = ".,;:!?)]}\u060c\u061b\u061f\u06d4"
REFERENCE_RE = re.compile(rf"\[([{DIGIT_CHARS}]{{1,4}}|[a-z])\]")
# printf-style (%s, %d, %1$s, %(name)s, %.2f) and brace-style ({name}, {0}, {}) placeholders.
PRINTF_RE = re.compile(
    r"%(?:\d+\$|\([A-Za-z_][A-Za-z0-9_]*\))?[-+#0]*(?:\d+|\*)?(?:\.\d+)?[sdifrxXoeEgGcu]"
)
BRACE_RE = re.compile(
    r"\{(?:[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*|\d*)(?:![rsa])?(?::[^{}]*)?\}"
)
TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)(?:\s[^<>]*?)?\s*(/?)>")
VOID_TAGS = frozenset({"br", "img", "hr", "wbr", "input", "meta", "link", "source"})


def _has_url(text: str) -> bool:
    # Plain substring tests: several times faster than a case-insensitive regex search.
    return "://" in text or "www." in text or "WWW." in text or "Www." in text


def urls(text: str) -> list[str]:
    """URLs in the text, without trailing sentence punctuation."""
    if not _has_url(text):
        return []
    return [u.rstrip(_URL_TAIL) for u in URL_RE.findall(text)]


def emails(text: str) -> list[str]:
    """E-mail addresses in the text."""
    return EMAIL_RE.findall(text) if "@" in text else []


def placeholders(text: str) -> list[str]:
    """printf and brace placeholders, verbatim; %% and {{ }} are escapes, not placeholders."""
    out: list[str] = []
    if "%" in text:
        out += PRINTF_RE.findall(strip_urls(text).replace("%%", ""))
    if "{" in text:
        out += BRACE_RE.findall(text.replace("{{", "").replace("}}", ""))
    return out


def strip_urls(text: str) -> str:
    """The text with URLs and e-mail addresses blanked out."""
    if _has_url(text):
        text = URL_RE.sub(" ", text)
    if "@" in text:
        text = EMAIL_RE.sub(" ", text)
    return text


def strip_code(text: str) -> str:
    """The text without URLs, e-mails, tags, placeholders: what a reader reads as words."""
    text = strip_urls(text)
    if "<" in text:
        text = TAG_RE.sub(" ", text)
    if "%" in text:
        text = PRINTF_RE.sub(" ", text)
    if "{" in text:
        text = BRACE_RE.sub(" ", text)
    return text
