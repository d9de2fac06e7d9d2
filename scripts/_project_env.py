"""Make a script under scripts/ run in the project's environment, however it was started.

`python scripts/x.py` with a Python outside any virtual environment re-runs the script with
`.venv/bin/python` (or `$PIPELINE_VENV/bin/python`), so the README's commands work as written;
the project root goes on sys.path so the scripts import `pipeline` and `tests` without PYTHONPATH.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _reexec() -> None:
    if sys.prefix != sys.base_prefix:  # already inside a virtual environment
        return
    python = Path(os.environ.get("PIPELINE_VENV") or ROOT / ".venv") / "bin" / "python"
    if not python.exists():
        sys.exit(f"error: {python} does not exist; run scripts/setup (or scripts/test) first")
    os.execv(str(python), [str(python), *sys.argv])


_reexec()
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
