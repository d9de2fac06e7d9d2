# Shared by scripts/setup, scripts/test and scripts/demo: make .venv and install the project.
# Usage: source scripts/_venv.sh [dev]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${PIPELINE_VENV:-$ROOT/.venv}"
PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  for cand in python3.11 python3.12 python3.13 python3; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      PY="$cand"; break
    fi
  done
fi
[ -n "$PY" ] || { echo "error: Python 3.11 or newer is needed" >&2; exit 2; }
if [ ! -x "$VENV/bin/python" ]; then
  echo "creating virtual environment in $VENV" >&2
  "$PY" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check -q)
# argostranslate -> stanza -> torch. We never import torch at run time, but pip must satisfy the
# requirement: take the CPU build (a local wheel where the machine has one) instead of letting a
# bare "torch" resolve to a multi-GB CUDA build.
if ! "$VENV/bin/python" -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("torch") is None)' 2>/dev/null; then
  echo "installing torch (CPU build; needed by argostranslate's dependencies, not imported)" >&2
  "${PIP[@]}" install "torch==2.13.0" || "${PIP[@]}" install torch
fi
EXTRA=""
[ "${1:-}" = "dev" ] && EXTRA="[dev]"
STAMP="$VENV/.pipeline-installed$EXTRA"
# A dev install also satisfies a plain one.
[ -z "$EXTRA" ] && [ -f "$VENV/.pipeline-installed[dev]" ] && [ ! "$ROOT/pyproject.toml" -nt "$VENV/.pipeline-installed[dev]" ] && STAMP="$VENV/.pipeline-installed[dev]"
if [ ! -f "$STAMP" ] || [ "$ROOT/pyproject.toml" -nt "$STAMP" ]; then
  echo "installing pipeline$EXTRA and its dependencies" >&2
  "${PIP[@]}" install -e "$ROOT$EXTRA"
  touch "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
