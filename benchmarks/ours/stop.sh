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
# A server killed hard leaves its embedded PostgreSQL/Redis behind: stop whatever still listens
# on the private ports ours/start.sh gave them (nothing else uses those ports).
for port in "${OURS_PG_PORT:-55433}" "${OURS_REDIS_PORT:-56381}"; do
  for p in $(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); do
    kill -TERM "$p" 2>/dev/null || true
  done
done
if [ "${1:-}" = "--purge" ]; then rm -rf "$STATE"; fi
echo "ours: stopped"
