"""Readable placeholders in --help: `--lang LANGS`, `--limit N`, `PATH...` instead of typer's
`<str>`, `<int range>`, `{PATH}...` and `<list[Path]>`."""

from __future__ import annotations

from typing import Any, get_args

#: Placeholder by parameter name, for the names the commands share.
_BY_NAME = {
    "workspace": "DIR", "out": "DIR", "directory": "DIR", "output": "FILE", "file": "FILE",
    "from_file": "FILE", "lang": "LANG", "langs": "LANGS", "targets": "LANGS", "source": "LANG",
    "article": "SLUG", "slug": "SLUG", "reviewer": "NAME", "name": "NAME", "who": "NAME",
    "text": "TEXT", "reason": "TEXT", "note": "TEXT", "translation": "TEXT", "term": "TERM",
    "to": "EVENT", "unit": "UNIT", "units": "UNIT", "pair": "PAIR", "pairs": "PAIR",
    "base_url": "URL", "url": "URL", "check": "CHECK", "include": "WHAT", "status": "STATUS",
    "device": "DEVICE", "compute_type": "TYPE", "format": "FORMAT", "host": "HOST", "port": "PORT",
    "role": "ROLE", "cluster": "ADDRESS", "paths": "PATH", "path": "PATH", "po": "PATH",
}


def _placeholder(param: Any) -> str | None:
    """What to show for one parameter, or None to leave it (flags, counters, set metavars)."""
    if param.metavar is not None or getattr(param, "is_flag", False) or getattr(param, "count", False):
        return None
    desc = getattr(param, "type_descriptor", None)
    if desc is not None and desc.is_choice and desc.choices:
        return "|".join(str(getattr(c, "value", c)) for c in desc.choices)
    name = param.name or ""
    if name in _BY_NAME:
        return _BY_NAME[name]
    annotation = getattr(desc, "annotation", None)
    if desc is not None and desc.is_list:
        annotation = (get_args(annotation) or (None,))[0]
    if annotation in (int, float):
        return "N"
    if desc is not None and desc.is_path:
        return "PATH"
    return name.upper() or None


def readable_metavars(command: Any) -> None:
    """Set a plain placeholder on every parameter below `command` that has none."""
    for param in getattr(command, "params", ()):
        if param.param_type_name not in ("option", "argument"):
            continue
        metavar = _placeholder(param)
        if metavar is not None:
            param.metavar = metavar
        if param.param_type_name == "argument":
            _plain_argument(param)
    for sub in getattr(command, "commands", {}).values():
        readable_metavars(sub)


def _plain_argument(param: Any) -> None:
    """`UNIT` / `[UNIT]` / `PATH...` in the usage line and `UNIT` alone in the argument list:
    typer writes `{UNIT}` and adds the Python type (`PATH <list[Path]>`)."""
    name = (param.metavar or param.name or "").upper() + ("..." if param.nargs != 1 else "")
    usage = name if param.required else f"[{name}]"
    param._usage_display_name = lambda: usage
    param._rich_display_name = lambda: name
    param.display_type_rich = lambda ctx: None
