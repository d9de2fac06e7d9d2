"""Who is acting: --reviewer, then $PIPELINE_REVIEWER, then git's user.name."""

from __future__ import annotations

import os
import shutil
import subprocess

ENV_VAR = "PIPELINE_REVIEWER"


def resolve(explicit: str | None = None) -> str | None:
    """The acting person's name, or None when nothing names one."""
    if explicit and explicit.strip():
        return explicit.strip()
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return env
    git = shutil.which("git")
    if git is None:
        return None
    try:
        out = subprocess.run([git, "config", "user.name"], capture_output=True, text=True,
                             timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None
