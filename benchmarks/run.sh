#!/usr/bin/env bash
# Side-by-side benchmarks: the original waldiez-runner 0.7.1 (default and skip-install modes) and
# this project's API server, on this machine, in one run; medians over rounds; writes
# docs/benchmarks.md and the raw JSON in benchmarks/results/latest/.
#
#   benchmarks/run.sh [--rounds N] [--targets original-default,original-skip-install,ours] [--quick] [--keep]
#
# --keep: keep the results of the targets not run now in results/latest (e.g. measure the
# original once, then `run.sh --targets ours --keep` after each change to our server).
#
# Each round starts every target fresh (so "cold" is really the first task after a start), runs
# the harness against it and stops it. Loopback only; every loop in the harness is bounded.
# Env knobs: see "knobs" below; OURS_* / ORIG_* in ours/start.sh and original/start.sh.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
cd "$HERE"

ROUNDS=3
TARGETS="original-default,original-skip-install,ours"
QUICK=0
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2;;
    --rounds=*) ROUNDS="${1#*=}"; shift;;
    --targets) TARGETS="$2"; shift 2;;
    --targets=*) TARGETS="${1#*=}"; shift;;
    --quick) QUICK=1; shift;;
    --keep) KEEP=1; shift;;
    -h|--help) sed -n 2,14p "$0"; exit 0;;
    *) echo "unknown argument $1"; exit 2;;
  esac
done

# ---- knobs (equal for every target) --------------------------------------------------------
WARM="${BENCH_WARM:-3}"                    # warm tasks after the cold one, per round
STREAM_N="${BENCH_STREAM_N:-2}"            # concurrent tasks
STREAM_M="${BENCH_STREAM_M:-5}"            # subscribers per task (the original's cap is 5)
INJECT_RATES="${BENCH_INJECT_RATES:-400,500,2000,0}"   # 400 × M=5 = 2,000 deliveries/s (issue target)
INJECT_SECONDS="${BENCH_INJECT_SECONDS:-5}"
INJECT_WARMUP="${BENCH_INJECT_WARMUP:-3}"  # unmeasured seconds at 2,000 entries/s before the rates
CONCURRENCY="${BENCH_CONCURRENCY:-16}"
LIST_REQUESTS="${BENCH_LIST_REQUESTS:-400}"
ROWS="${BENCH_ROWS:-100000}"
FOOTPRINT="${BENCH_FOOTPRINT:-1000,10000}"
FOOTPRINT_SSE="${BENCH_FOOTPRINT_SSE:-10000}"   # idle SSE streams (ours only: the original has no SSE)
CLIENT="${BENCH_CLIENT:-auto}"             # WebSocket consumer of stream/inject: jvm (auto, if java) or python
CREATE_REQUESTS="${BENCH_CREATE_REQUESTS:-50}"
if [ "$QUICK" = 1 ]; then
  WARM=1; INJECT_SECONDS=2; LIST_REQUESTS=100; ROWS=10000; FOOTPRINT=1000; FOOTPRINT_SSE=1000; CREATE_REQUESTS=10
fi
# The worker mode only changes how a run starts; the API process is the same in both modes,
# so the API-only benchmarks run once, in skip-install mode.
BENCH_ORIG_DEFAULT="${BENCH_ORIG_DEFAULT:-ceiling,ttfo,stream}"
BENCH_ORIG_SKIP="${BENCH_ORIG_SKIP:-ceiling,list,ttfo,stream,inject,footprint,create}"
BENCH_OURS="${BENCH_OURS:-ceiling,list,ttfo,stream,inject,footprint,create}"

CEIL_PORT="${CEILING_REDIS_PORT:-56380}"
OUT="$HERE/results/latest"
WORK="$HERE/.work"
mkdir -p "$WORK"
if [ "$KEEP" = 1 ]; then
  mkdir -p "$OUT"
  IFS=',' read -r -a _t <<<"$TARGETS"; for t in "${_t[@]}"; do rm -f "$OUT/$t"-r*.json; done
else
  rm -rf "$OUT"; mkdir -p "$OUT"
fi
LOG="$OUT/run.log"
exec > >(tee -a "$LOG") 2>&1

echo "== benchmarks/run.sh: rounds=$ROUNDS targets=$TARGETS quick=$QUICK ($(date -u +%FT%TZ))"
"$HERE/setup-venv.sh"
PY="$HERE/.venv/bin/python"
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

cleanup() {
  "$HERE/original/stop.sh" >/dev/null 2>&1 || true
  "$HERE/ours/stop.sh" >/dev/null 2>&1 || true
  if [ -f "$WORK/ceiling-redis.pid" ]; then kill "$(cat "$WORK/ceiling-redis.pid")" 2>/dev/null || true; rm -f "$WORK/ceiling-redis.pid"; fi
}
trap cleanup EXIT

# a Redis of its own for the ceiling (same binary and machine as the servers' Redis)
if ! redis-cli -p "$CEIL_PORT" ping >/dev/null 2>&1; then
  redis-server --bind 127.0.0.1 --port "$CEIL_PORT" --save "" --appendonly no --daemonize yes \
    --pidfile "$WORK/ceiling-redis.pid" --logfile "$WORK/ceiling-redis.log"
  sleep 0.5
fi

versions=(--meta "redis=$(redis-server --version | sed -E 's/.*v=([^ ]+).*/\1/')"
          --meta "postgresql (original)=$(ls -d /usr/lib/postgresql/*/ | sort -V | tail -1 | xargs basename)"
          --meta "python=$(python3 -c 'import platform; print(platform.python_version())')"
          --meta "java=$(java -version 2>&1 | head -1 | sed 's/"//g')"
          --meta "harness=httpx, websockets, redis-py (benchmarks/requirements.txt), one process; streaming consumer: $CLIENT (jvm = benchmarks/loadclient, its own process); same machine"
          --meta "knobs=warm=$WARM N=$STREAM_N M=$STREAM_M inject=$INJECT_RATES/${INJECT_SECONDS}s (after ${INJECT_WARMUP}s warm-up) c=$CONCURRENCY rows=$ROWS footprint=$FOOTPRINT sse=$FOOTPRINT_SSE create=$CREATE_REQUESTS")

common=(--warm "$WARM" --stream-n "$STREAM_N" --stream-m "$STREAM_M" --inject-rates "$INJECT_RATES"
        --inject-seconds "$INJECT_SECONDS" --inject-warmup "$INJECT_WARMUP" --concurrency "$CONCURRENCY" --list-requests "$LIST_REQUESTS"
        --rows "$ROWS" --footprint "$FOOTPRINT" --create-requests "$CREATE_REQUESTS" --client "$CLIENT"
        --ceiling-redis "redis://127.0.0.1:$CEIL_PORT/0")

# a subshell: the original's WALDIEZ_RUNNER_* settings must not leak into our server's environment
run_original() (  # $1 = default | skip-install, $2 = round
  mode="$1" round="$2" label="original-$1" skip=()
  "$HERE/original/install.sh"
  "$HERE/original/stop.sh" --purge >/dev/null 2>&1 || true
  "$HERE/original/start.sh" --mode="$mode"
  # shellcheck disable=SC1091
  . "$WORK/original/env.sh"
  if [ "$mode" = default ]; then benches="$BENCH_ORIG_DEFAULT"; else benches="$BENCH_ORIG_SKIP"; skip=(--skip-deps); fi
  ver="$("$WORK/original-venv/bin/python" -c 'from importlib.metadata import version as v; print("waldiez-runner", v("waldiez-runner") + ", waldiez", v("waldiez") + ", ag2", v("ag2"))')"
  "$PY" -m harness run --label "$label" --base-url "http://127.0.0.1:$WALDIEZ_RUNNER_PORT" \
    --clients-json "$WORK/original/clients.json" \
    --psql "psql -h 127.0.0.1 -p $WALDIEZ_RUNNER_DB_PORT -U postgres -d $WALDIEZ_RUNNER_DB_NAME" \
    --schema original --redis-url "$WALDIEZ_RUNNER_REDIS_URL" --pid "$(cat "$WORK/original/api.pid")" \
    --kind python "${skip[@]}" --bench "$benches" "${common[@]}" "${versions[@]}" \
    --meta "original=$ver (pip, own venv; PostgreSQL + Redis mode; API: one uvicorn process; worker: taskiq --workers 1)" \
    --meta "round=$round" --out "$OUT/$label-r$round.json" || echo "!! harness failed for $label round $round"
  "$HERE/original/stop.sh"
)

run_ours() {  # $1 = round
  local round="$1" rc=0
  "$HERE/ours/stop.sh" --purge >/dev/null 2>&1 || true
  mkdir -p "$WORK/ours"
  set +e
  "$HERE/ours/start.sh" 2>&1 | tee "$WORK/ours/start.out"; rc=${PIPESTATUS[0]}
  set -e
  if [ "$rc" != 0 ]; then
    echo "!! ours did not start (exit $rc): not measured this round"
    if [ "$rc" = 3 ]; then
      echo "our API server could not be started: $(tail -1 "$WORK/ours/start.out" 2>/dev/null)" >"$OUT/ours-not-measured.txt"
    else
      echo "our API server did not start: $(grep -v '^\s*$' "$WORK/ours/api.log" 2>/dev/null | tail -1 | cut -c1-200) (benchmarks/.work/ours/api.log)" >"$OUT/ours-not-measured.txt"
    fi
    sed -i "s|$REPO/||g" "$OUT/ours-not-measured.txt"
    return 0
  fi
  rm -f "$OUT/ours-not-measured.txt"
  local jar
  jar="$(basename "$(ls "$REPO"/api-server/target/waldiez-api-server-*.jar | grep -v -- -plain | head -1)")"
  # The embedded servers want the server's own credentials (docs/security.md), kept in its data dir.
  PGPASSWORD="$(cat "$WORK/ours/var/postgres-password")" \
  "$PY" -m harness run --label ours --base-url "http://127.0.0.1:${OURS_API_PORT:-58001}" \
    --clients-json "$WORK/ours/var/clients.json" \
    --psql "psql -h 127.0.0.1 -p ${OURS_PG_PORT:-55433} -U postgres -d postgres" \
    --schema ours --redis-url "redis://waldiez-server:$(cat "$WORK/ours/var/redis-password")@127.0.0.1:${OURS_REDIS_PORT:-56381}/0" \
    --pid "$(cat "$WORK/ours/api.pid")" --kind java --bench "$BENCH_OURS" "${common[@]}" "${versions[@]}" \
    --footprint-sse "$FOOTPRINT_SSE" \
    --meta "ours=$jar (java -jar, embedded PostgreSQL + Redis, local launcher; JVM opts: $(cat "$WORK/ours/java-opts"); runs: $(cat "$WORK/ours/run-priority"))" \
    --meta "round=$round" --out "$OUT/ours-r$round.json" || echo "!! harness failed for ours round $round"
  "$HERE/ours/stop.sh"
}

# The footprint benchmark leaves up to 10,000 client sockets closing; their ephemeral ports can
# collide with the next target's fixed ports. Wait (bounded) until they are gone.
settle_sockets() {
  for _ in $(seq 60); do
    [ "$(ss -tan 2>/dev/null | grep -vc -e LISTEN -e '^State')" -lt 500 ] && return 0
    sleep 1
  done
}

IFS=',' read -r -a targets <<<"$TARGETS"
for round in $(seq 1 "$ROUNDS"); do
  for t in "${targets[@]}"; do
    settle_sockets
    echo "== round $round/$ROUNDS: $t ($(date -u +%T))"
    case "$t" in
      original-default) run_original default "$round";;
      original-skip-install) run_original skip-install "$round";;
      ours) run_ours "$round";;
      *) echo "unknown target $t"; exit 2;;
    esac
  done
done

shopt -s nullglob
files=("$OUT"/*.json)
if [ ${#files[@]} -eq 0 ]; then echo "no results"; exit 1; fi
"$PY" -m harness report "${files[@]}" --markdown "$REPO/docs/benchmarks.md" --notes "$HERE/notes.md"
echo "== done ($(date -u +%T)): docs/benchmarks.md, raw results in $OUT"
