#!/usr/bin/env bash
# Create benchmarks/.venv with the harness's pinned dependencies (idempotent).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
VENV="$HERE/.venv"
PY="${PYTHON:-python3}"
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
if ! "$VENV/bin/python" -c "import httpx, websockets, redis" 2>/dev/null \
   || [ "$HERE/requirements.txt" -nt "$VENV/.installed" ]; then
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q -r "$HERE/requirements.txt"
  touch "$VENV/.installed"
fi
echo "harness venv: $VENV"
