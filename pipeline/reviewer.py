"""Who is acting: --reviewer, then $PIPELINE_REVIEWER, then git's user.name."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

from pipeline.errors import UsageError
from pipeline.textcheck import find_bad

ENV_VAR = "PIPELINE_REVIEWER"
#: A name is one line: it goes into history, PO headers (Last-Translator) and editions, where a
#: line break would start another header field.
_BREAKS = re.compile("[\n\r\t\u2028\u2029\x85]")


def checked_name(name: str, source: str) -> str:
    """`name` if it can be recorded, else a UsageError naming where it came from."""
    bad = find_bad(name)
    if bad is not None:
        raise UsageError(f"the reviewer name from {source} contains {bad[1]}; fix it")
    if _BREAKS.search(name):
        raise UsageError(f"the reviewer name from {source} has a line break or tab in it; a "
                         "name is one line")
    return name


def resolve(explicit: str | None = None) -> str | None:
    """The acting person's name, or None when nothing names one."""
    if explicit and explicit.strip():
        return checked_name(explicit.strip(), "--reviewer")
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return checked_name(env, f"${ENV_VAR}")
    git = shutil.which("git")
    if git is None:
        return None
    try:
        out = subprocess.run([git, "config", "user.name"], capture_output=True, text=True,
                             timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    name = out.stdout.strip()
    return checked_name(name, "git's user.name") if name else None
