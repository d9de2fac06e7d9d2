# Shared by scripts/setup, scripts/test and scripts/demo: make .venv and install the project.
# Usage: source scripts/_venv.sh
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
# Exactly what CI tested: every package, direct and transitive, at the version in requirements.lock
# (refreshed by scripts/lock), installed without resolving anything else (--no-deps), then the
# project itself, built with the locked setuptools (--no-build-isolation). torch is in the lock
# because argostranslate's stanza requires it; pip takes the local CPU build where the machine
# has one. It is never imported at run time.
LOCK="$ROOT/requirements.lock"
STAMP="$VENV/.pipeline-installed"
WANT="$(cat "$LOCK" "$ROOT/pyproject.toml" | cksum)"
# PIPELINE_NO_INSTALL=1 uses the environment as it is (the demo's test runs inside the test venv).
if [ "${PIPELINE_NO_INSTALL:-}" != 1 ] && [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
  LOG="$VENV/install.log"
  echo "installing $(grep -c '==' "$LOCK") locked packages from requirements.lock (log: $LOG)" >&2
  # This machine's pip configuration names index directories that do not hold every package;
  # pip warns once per package about each, so the warnings go to the log with the rest.
  # Byte-compiled at install (no --no-compile): where PYTHONDONTWRITEBYTECODE is set, as on this
  # machine, nothing compiled later is kept, and every command would compile its imports again
  # (measured: 1.4 s instead of 0.8 s CPU to import what the tests' subprocesses import).
  if ! { "${PIP[@]}" install --no-deps -r "$LOCK" \
         && "${PIP[@]}" install --no-deps --no-build-isolation -e "$ROOT" \
         && "$VENV/bin/python" -m pip check; } >"$LOG" 2>&1; then
    grep -v "is ignored" "$LOG" | tail -n 20 >&2
    echo "error: installing the locked dependencies failed; see $LOG" >&2
    exit 1
  fi
  echo "$WANT" >"$STAMP"
fi
export PATH="$VENV/bin:$PATH"
