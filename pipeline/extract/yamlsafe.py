"""YAML front matter without surprises: no aliases or anchors, no implicit timestamps, checked types.

PyYAML's SafeLoader expands aliases (a 400-byte "billion laughs" document grows to gigabytes),
turns `2024-13-45` into a ValueError while building a date, and accepts any tag it knows
(`!!timestamp`, `!!binary`, `!!set`, float keys). Front matter is a small mapping of text
fields, so this loader refuses aliases and anchors as soon as it sees them, and keys named
twice; keeps a number as the text it was written as (`Number`: a title `0017`, `1_000` or
`190:20:30` stays as written, not the value YAML 1.1 makes of it, and a 5000-digit one is no
int() over Python's limit), and dates as text (parsed by the extract stage); caps the size;
and `check_fields` names the file and field of any value of the wrong type or holding a
character that cannot be stored.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import InputError
from pipeline.textcheck import find_bad

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

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):  # a key twice: YAML 1.2 forbids it; which one?
            seen: set[str] = set()
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value != "<<":
                    if key_node.value in seen:
                        raise _Refused(f"the key {key_node.value[:80]!r} appears twice; keep "
                                       "one", key_node.start_mark)
                    seen.add(key_node.value)
        return super().construct_mapping(node, deep)

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        if node.tag not in _ALLOWED_TAGS:
            raise _Refused(f"the tag {node.tag.replace('tag:yaml.org,2002:', '!!')} is not "
                           "allowed in front matter", node.start_mark)
        return super().construct_object(node, deep)


class Number(str):
    """A YAML number, kept as the text it was written as (still a number to the type checks)."""


def _number(loader: yaml.SafeLoader, node: Any) -> Number:
    return Number(loader.construct_scalar(node))


FrontMatterLoader.add_constructor("tag:yaml.org,2002:int", _number)
FrontMatterLoader.add_constructor("tag:yaml.org,2002:float", _number)
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
    return value is None or isinstance(value, str)


def _text(value: Any) -> bool:
    return isinstance(value, str) and not isinstance(value, Number)


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

        if not _text(key):
            raise bad(f"front matter key {key} must be text, not "
                      f"{'a number' if isinstance(key, Number) else type(key).__name__}")
        for item in (value if isinstance(value, list) else [value]):
            if isinstance(item, str) and (found := find_bad(item)) is not None:
                raise bad(f"front matter field {key[:80]!r} contains {found[1]} at character "
                          f"{found[0] + 1}, which cannot be stored; remove it")
        kind = FIELDS.get(key)
        if kind == "text" and not _scalar(value):
            raise bad(f"front matter field {key!r} must be text, not {_what(value)}")
        if kind == "list" and not (_text(value) or value is None or (
                isinstance(value, list) and all(_text(v) for v in value))):
            raise bad(f"front matter field {key!r} must be a list of text or comma-separated "
                      f"text, not {_what(value)}")
        if key == "date" and isinstance(value, str) and (m := _ISO_DAY.match(value)):
            try:
                date(*(int(g) for g in m.groups()))
            except ValueError as exc:
                raise bad(f"front matter field 'date': {value.strip()} is not a date ({exc}); "
                          "write it as YYYY-MM-DD") from None
    return {k: str(v) if isinstance(v, Number) else v for k, v in meta.items()}


def _what(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, Number):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list" if all(_scalar(v) for v in value) else "a nested list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
