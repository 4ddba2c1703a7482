#!/usr/bin/env bash
# Stop everything start.sh started (by the pids it recorded). --purge also removes the data.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="${BENCH_WORK:-$HERE/../.work}"; WORK="$(cd "$WORK" 2>/dev/null && pwd)" || exit 0
STATE="$WORK/original"
PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
stop_pid() {  # stop a process group we started with setsid (worker spawns children)
  local f="$1"; [ -f "$f" ] || return 0
  local pid; pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}
stop_pid "$STATE/api.pid"
stop_pid "$STATE/worker.pid"
if [ -f "$STATE/redis.pid" ]; then kill "$(cat "$STATE/redis.pid")" 2>/dev/null; rm -f "$STATE/redis.pid"; fi
if [ -f "$STATE/pgdata/PG_VERSION" ]; then
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$STATE/pgdata" -m fast -w stop >/dev/null 2>&1 || true
fi
if [ "${1:-}" = "--purge" ]; then rm -rf "$STATE"; fi
echo "original: stopped"
