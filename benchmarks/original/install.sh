#!/usr/bin/env bash
# Install the original waldiez-runner 0.7.1 into a throwaway venv under benchmarks/.work/.
# Nothing of the original is committed: pip brings it at run time.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="${BENCH_WORK:-$HERE/../.work}"
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
VENV="$WORK/original-venv"
VERSION="${WALDIEZ_RUNNER_VERSION:-0.7.1}"
PY="${PYTHON:-python3}"
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import waldiez_runner, greenlet, sys; from importlib.metadata import version; sys.exit(0 if version('waldiez-runner')=='$VERSION' else 1)" 2>/dev/null; then
  echo "original: waldiez-runner $VERSION already installed in $VENV"
  exit 0
fi
"$PY" -m venv "$VENV"
"$VENV/bin/pip" install -q --upgrade pip
# psycopg[binary]: the original's POSTGRES mode uses postgresql+psycopg
"$VENV/bin/pip" install -q "waldiez-runner==$VERSION"
# SQLAlchemy's asyncio layer needs greenlet, which waldiez-runner 0.7.1 does not declare
# (its lock file brings it); without it the API cannot open the database.
"$VENV/bin/pip" install -q greenlet
"$VENV/bin/python" - <<'PY'
import importlib.metadata as m
for p in ("waldiez-runner", "waldiez", "ag2", "fastapi", "taskiq", "redis"):
    try:
        print(f"  {p}=={m.version(p)}")
    except Exception as e:
        print(f"  {p}: {e}")
PY
echo "original: installed into $VENV"
