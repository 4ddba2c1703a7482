#!/usr/bin/env bash
# Stop the API server ours/start.sh started (its embedded PostgreSQL and Redis stop with it).
# --purge also removes its state (benchmarks/.work/ours).
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="${BENCH_WORK:-$HERE/../.work}"; WORK="$(cd "$WORK" 2>/dev/null && pwd)" || exit 0
STATE="$WORK/ours"
if [ -f "$STATE/api.pid" ]; then
  pid="$(cat "$STATE/api.pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$STATE/api.pid"
fi
if [ "${1:-}" = "--purge" ]; then rm -rf "$STATE"; fi
echo "ours: stopped"
