#!/usr/bin/env bash
# Start the original waldiez-runner 0.7.1 with its real PostgreSQL and Redis, all private to
# benchmarks/.work/original (ports below, loopback only). Idempotent: stop.sh undoes it.
#   PostgreSQL (Debian package, as user postgres, initdb + pg_ctl, port $ORIG_PG_PORT)
#   redis-server (port $ORIG_REDIS_PORT, no persistence)
#   API: python -m waldiez_runner (uvicorn, one process, port $ORIG_API_PORT)
#   worker: taskiq worker waldiez_runner.worker:broker --workers 1 (as the original's start.sh)
# Writes $STATE/env.sh (the WALDIEZ_RUNNER_* settings), $STATE/clients.json, $STATE/*.pid, logs.
set -euo pipefail
MODE="default"   # default | skip-install (see skip_install_worker.py)
for a in "$@"; do case "$a" in
  --mode=*) MODE="${a#--mode=}";;
  *) echo "usage: $0 [--mode=default|skip-install]"; exit 2;;
esac; done
case "$MODE" in default|skip-install) ;; *) echo "bad mode $MODE"; exit 2;; esac
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="${BENCH_WORK:-$HERE/../.work}"; mkdir -p "$WORK"; WORK="$(cd "$WORK" && pwd)"
STATE="$WORK/original"; mkdir -p "$STATE"
VENV="$WORK/original-venv"
ORIG_PG_PORT="${ORIG_PG_PORT:-55432}"
ORIG_REDIS_PORT="${ORIG_REDIS_PORT:-56379}"
ORIG_API_PORT="${ORIG_API_PORT:-58000}"
ORIG_LOG_LEVEL="${ORIG_LOG_LEVEL:-WARNING}"
PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"

[ -x "$VENV/bin/python" ] || "$HERE/install.sh"

# ---- PostgreSQL -------------------------------------------------------------------------
PGDATA="$STATE/pgdata"; PGSOCK="$STATE/pgsock"
mkdir -p "$PGSOCK"; chown postgres "$PGSOCK" 2>/dev/null || true
if [ ! -f "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"; chown postgres "$PGDATA"; chmod 700 "$PGDATA"
  runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -A trust -U postgres -E UTF8 >"$STATE/initdb.log" 2>&1
fi
if ! runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  # The port is in the ephemeral range: right after a benchmark that opened 10,000 sockets, one of
  # them may still hold it for a few seconds ("could not bind ... Address already in use").
  for attempt in 1 2 3 4 5 6; do
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/postgres.log" -w -t 60 start \
      -o "-p $ORIG_PG_PORT -k $PGSOCK -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=on" >/dev/null && break
    [ "$attempt" = 6 ] && { echo "original: PostgreSQL did not start (see $PGDATA/postgres.log)"; exit 1; }
    echo "original: PostgreSQL did not start (port $ORIG_PG_PORT busy?), retrying in 10 s"; sleep 10
  done
fi
PSQL=("$PGBIN/psql" -h 127.0.0.1 -p "$ORIG_PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt)
if [ "$("${PSQL[@]}" -c "select 1 from pg_roles where rolname='db_user'")" != "1" ]; then
  "${PSQL[@]}" -c "create role db_user login superuser password 'db_password'"
fi
if [ "$("${PSQL[@]}" -c "select 1 from pg_database where datname='db_name'")" != "1" ]; then
  "${PSQL[@]}" -c "create database db_name owner db_user"
fi

# ---- Redis ------------------------------------------------------------------------------
mkdir -p "$STATE/redis"
if ! redis-cli -p "$ORIG_REDIS_PORT" ping >/dev/null 2>&1; then
  redis-server --bind 127.0.0.1 --port "$ORIG_REDIS_PORT" --save "" --appendonly no \
    --dir "$STATE/redis" --daemonize yes --pidfile "$STATE/redis.pid" --logfile "$STATE/redis.log"
  for _ in $(seq 50); do redis-cli -p "$ORIG_REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

# ---- settings (server spec §10) ---------------------------------------------------------
if [ ! -f "$STATE/secrets.sh" ]; then
  python3 - >"$STATE/secrets.sh" <<'PY'
import secrets
print(f"SECRET_KEY={secrets.token_urlsafe(64)}")
print(f"LOCAL_CLIENT_ID={secrets.token_hex(32)}")
print(f"LOCAL_CLIENT_SECRET={secrets.token_hex(64)}")
PY
fi
# shellcheck disable=SC1091
. "$STATE/secrets.sh"
cat >"$STATE/env.sh" <<EOF2
export WALDIEZ_RUNNER_HOST=127.0.0.1
export WALDIEZ_RUNNER_PORT=$ORIG_API_PORT
export WALDIEZ_RUNNER_DOMAIN_NAME=localhost
export WALDIEZ_RUNNER_FORCE_SSL=false
export WALDIEZ_RUNNER_TRUSTED_HOSTS=localhost,127.0.0.1
export WALDIEZ_RUNNER_TRUSTED_ORIGINS=http://localhost:3000,http://127.0.0.1:$ORIG_API_PORT
export WALDIEZ_RUNNER_SECRET_KEY=$SECRET_KEY
export WALDIEZ_RUNNER_LOCAL_CLIENT_ID=$LOCAL_CLIENT_ID
export WALDIEZ_RUNNER_LOCAL_CLIENT_SECRET=$LOCAL_CLIENT_SECRET
export WALDIEZ_RUNNER_USE_LOCAL_AUTH=true
export WALDIEZ_RUNNER_MAX_JOBS=${ORIG_MAX_JOBS:-100000}
export WALDIEZ_RUNNER_POSTGRES=true
export WALDIEZ_RUNNER_DB_HOST=127.0.0.1
export WALDIEZ_RUNNER_DB_PORT=$ORIG_PG_PORT
export WALDIEZ_RUNNER_DB_USER=db_user
export WALDIEZ_RUNNER_DB_PASSWORD=db_password
export WALDIEZ_RUNNER_DB_NAME=db_name
export WALDIEZ_RUNNER_REDIS=true
export WALDIEZ_RUNNER_REDIS_HOST=127.0.0.1
export WALDIEZ_RUNNER_REDIS_PORT=$ORIG_REDIS_PORT
export WALDIEZ_RUNNER_REDIS_URL=redis://127.0.0.1:$ORIG_REDIS_PORT/0
export WALDIEZ_RUNNER_LOG_LEVEL=$ORIG_LOG_LEVEL
export WALDIEZ_RUNNER_DEV=false
export WALDIEZ_RUNNER_KEEP_TASK_FOR_DAYS=0
EOF2
# shellcheck disable=SC1091
. "$STATE/env.sh"
SITE="$("$VENV/bin/python" -c 'import waldiez_runner, os; print(os.path.dirname(os.path.dirname(waldiez_runner.__file__)))')"
# the package writes its effective settings to <site-packages>/.env; start clean each time
rm -f "$SITE/.env"

"$VENV/bin/python" "$HERE/bootstrap.py" "$STATE/clients.json" >"$STATE/bootstrap.log" 2>&1 \
  || { cat "$STATE/bootstrap.log"; exit 1; }

# ---- API + worker -----------------------------------------------------------------------
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
# A worker of the other mode is restarted. PYTHONPATH: the original's image installs
# waldiez-runner into the interpreter's own site-packages, so a per-task venv made with
# system_site_packages=True sees waldiez/ag2 and its pip install resolves without downloading.
# Here the package lives in a venv (whose site-packages a nested venv does not inherit), so the
# worker's site-packages are put on PYTHONPATH, which the task venv's pip and python inherit.
if alive "$STATE/worker.pid" && [ "$(cat "$STATE/worker.mode" 2>/dev/null)" != "$MODE" ]; then
  pid="$(cat "$STATE/worker.pid")"; kill -TERM -- "-$pid" 2>/dev/null || kill "$pid"
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL -- "-$pid" 2>/dev/null || true; rm -f "$STATE/worker.pid"
fi
if ! alive "$STATE/worker.pid"; then
  if [ "$MODE" = skip-install ]; then ENTRY=skip_install_worker:broker; else ENTRY=waldiez_runner.worker:broker; fi
  (cd "$SITE" && PYTHONPATH="$HERE:$SITE" exec setsid "$VENV/bin/taskiq" worker --log-level "$ORIG_LOG_LEVEL" \
      --workers 1 "$ENTRY" >"$STATE/worker.log" 2>&1) &
  echo $! >"$STATE/worker.pid"; echo "$MODE" >"$STATE/worker.mode"
fi
if ! alive "$STATE/api.pid"; then
  (cd "$SITE" && exec setsid "$VENV/bin/python" -m waldiez_runner --host 127.0.0.1 --port "$ORIG_API_PORT" \
      --log-level "$ORIG_LOG_LEVEL" >"$STATE/api.log" 2>&1) &
  echo $! >"$STATE/api.pid"
fi
for _ in $(seq 120); do
  curl -fsS "http://127.0.0.1:$ORIG_API_PORT/health" >/dev/null 2>&1 && break; sleep 0.5
done
curl -fsS "http://127.0.0.1:$ORIG_API_PORT/health" >/dev/null || { echo "original API did not start"; tail -30 "$STATE/api.log"; exit 1; }
echo "original: mode $MODE"
echo "original: API http://127.0.0.1:$ORIG_API_PORT (pid $(cat "$STATE/api.pid")), worker pid $(cat "$STATE/worker.pid"), postgres :$ORIG_PG_PORT, redis :$ORIG_REDIS_PORT"
echo "original: clients in $STATE/clients.json"
