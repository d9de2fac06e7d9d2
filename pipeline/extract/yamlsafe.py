"""YAML front matter without surprises: no aliases or anchors, no implicit timestamps, checked types.

PyYAML's SafeLoader expands aliases (a 400-byte "billion laughs" document grows to gigabytes),
turns `2024-13-45` into a ValueError while building a date, and accepts any tag it knows
(`!!timestamp`, `!!binary`, `!!set`, float keys). Front matter is a small mapping of text
fields, so this loader refuses aliases and anchors as soon as it sees them, reads every plain
scalar as text, a number or a boolean (dates stay text and are parsed by the extract stage),
caps the size, and `check_fields` names the file and field of any value of the wrong type.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import InputError

#: Front matter is a few hundred bytes; PyYAML reads about 1 MB/s, so this bounds the time.
MAX_FRONT_MATTER = 64 * 1024
#: Tags a front matter value may carry (the plain YAML core types; no dates, binary, sets).
_ALLOWED_TAGS = frozenset({
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
})


class _Refused(yaml.YAMLError):
    def __init__(self, problem: str, mark: Any) -> None:
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark


class FrontMatterLoader(yaml.SafeLoader):
    """SafeLoader without aliases, anchors, timestamps or tags outside the core types."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Refused("aliases (*name) are not allowed in front matter", event.start_mark)
        if getattr(event, "anchor", None) is not None:
            raise _Refused("anchors (&name) are not allowed in front matter", event.start_mark)
        return super().compose_node(parent, index)

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        if node.tag not in _ALLOWED_TAGS:
            raise _Refused(f"the tag {node.tag.replace('tag:yaml.org,2002:', '!!')} is not "
                           "allowed in front matter", node.start_mark)
        return super().construct_object(node, deep)


# Dates stay text (`date: 2024-13-45` is then reported as a bad date, not a crash).
FrontMatterLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load(text: str, path: Path | str, *, first_line: int = 2) -> Any:
    """The YAML document `text` (front matter starting at `first_line` of `path`)."""
    if len(text) > MAX_FRONT_MATTER:
        raise InputError(f"front matter is over {MAX_FRONT_MATTER // 1024} KiB; keep it to the "
                         "article's fields", path=path, line=first_line)
    try:
        return yaml.load(text, Loader=FrontMatterLoader)  # noqa: S506 - the loader above is safe
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + first_line if mark is not None else None
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise InputError(f"front matter: {problem}", path=path, line=line) from None
    except RecursionError:
        raise InputError("front matter: nested too deeply", path=path, line=first_line) from None


#: field -> what it may hold: "text" (a scalar, shown as text) or "list" (text or a list of it).
FIELDS = {"title": "text", "date": "text", "slug": "text", "category": "text",
          "byline": "text", "author": "text", "tags": "list"}


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float) and not isinstance(value, bool)


_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def _line_of(key: object, text: str, first_line: int) -> int:
    """The line of `key:` in the front matter (its first line when not found)."""
    m = re.search(rf"^[ \t]*['\"]?{re.escape(str(key))}['\"]?[ \t]*:", text, re.M)
    return first_line + (text.count("\n", 0, m.start()) if m else 0)


def check_fields(meta: Any, path: Path | str, text: str = "",
                 first_line: int = 2) -> dict[str, Any]:
    """The front matter as a dict of text keys; InputError naming the field of a bad value."""
    if not isinstance(meta, dict):
        raise InputError("front matter must be a mapping of keys to values", path=path,
                         line=first_line)
    for key, value in meta.items():
        def bad(message: str, key: object = key) -> InputError:
            return InputError(message, path=path, line=_line_of(key, text, first_line))

        if not isinstance(key, str):
            raise bad(f"front matter key {key!r} must be text, not {type(key).__name__}")
        kind = FIELDS.get(key)
        if kind == "text" and not _scalar(value):
            raise bad(f"front matter field {key!r} must be text, not {_what(value)}")
        if kind == "list" and not (isinstance(value, str) or value is None or (
                isinstance(value, list) and all(isinstance(v, str) for v in value))):
            raise bad(f"front matter field {key!r} must be a list of text or comma-separated "
                      f"text, not {_what(value)}")
        if key == "date" and isinstance(value, str) and (m := _ISO_DAY.match(value)):
            try:
                date(*(int(g) for g in m.groups()))
            except ValueError as exc:
                raise bad(f"front matter field 'date': {value.strip()} is not a date ({exc}); "
                          "write it as YYYY-MM-DD") from None
    return meta


def _what(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, list):
        return "a list" if all(_scalar(v) for v in value) else "a nested list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
