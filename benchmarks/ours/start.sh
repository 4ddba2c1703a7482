#!/usr/bin/env bash
# Start this project's API server on its embedded default (embedded PostgreSQL + Redis, local
# launcher), with its state under benchmarks/.work/ours/var (it bootstraps clients into
# var/clients.json like the original). Fixed private ports so the harness can reach the database
# (row seeding) and Redis (stream injection):
#   API $OURS_API_PORT (58001), PostgreSQL $OURS_PG_PORT (55433), Redis $OURS_REDIS_PORT (56381)
# Env: OURS_JAR (default api-server/target/waldiez-api-server-*.jar), OURS_JAVA_OPTS (default: the
# server as the chart ships it, its apiServer.javaOptions (read from the values) in a pod of the default 1 GiB memory limit,
# which -XX:MaxRAM=1g stands in for: a heap of 410 to 665 MiB and C1 only, see docs/operations.md "JVM
# settings"; set it empty for the JVM's own defaults), RUNNER_PYTHON,
# OURS_ARGS (more --key=value), OURS_MAX_CONN_PER_CLIENT: the per-client stream cap (default 200 in
# the server) is raised to 20000 because the footprint benchmark opens 10,000 sockets as one client;
# like the original's MAX_JOBS, it is a policy knob, not a capacity limit. OURS_MAX_JOBS: the
# per-client active-task cap (default 5, answered with 429), raised like the original's MAX_JOBS.
# OURS_RUN_PRIORITY: the runs' CPU priority, default the settings docs/operations.md gives for a
# machine that serves flows and nothing else, as the benchmark machine does (runs at nice 19 in the
# idle scheduling class: they take the CPU the server does not want; notes item 16; and, where this
# user may create one, in an idle CPU cgroup of their own: notes item 18); set it empty for the
# server's defaults (nice 10, normal class, no cgroup).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
WORK="${BENCH_WORK:-$HERE/../.work}"; mkdir -p "$WORK"; WORK="$(cd "$WORK" && pwd)"
STATE="$WORK/ours"; mkdir -p "$STATE"
OURS_API_PORT="${OURS_API_PORT:-58001}"
OURS_PG_PORT="${OURS_PG_PORT:-55433}"
OURS_REDIS_PORT="${OURS_REDIS_PORT:-56381}"
JAR="${OURS_JAR:-$(ls "$REPO"/api-server/target/waldiez-api-server-*.jar 2>/dev/null | grep -v -- '-plain' | head -1 || true)}"
RUNNER_PYTHON="${RUNNER_PYTHON:-$REPO/runner-image/.venv/bin/python}"
[ -n "$JAR" ] && [ -f "$JAR" ] || { echo "ours: no api-server jar (build it: mvn -pl api-server -am package -DskipTests)"; exit 3; }
[ -x "$RUNNER_PYTHON" ] || { echo "ours: no runner venv at $RUNNER_PYTHON (scripts/prepare-runner-venv.sh)"; exit 3; }
if [ -f "$STATE/api.pid" ] && kill -0 "$(cat "$STATE/api.pid")" 2>/dev/null; then
  echo "ours: already running (pid $(cat "$STATE/api.pid"))"; exit 0
fi
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
# The chart's apiServer.javaOptions, read from its values so the benchmark cannot drift from it.
CHART_JAVA_OPTS="$(awk '/^apiServer:/ { s = 1; next } /^[^ #]/ { s = 0 }
  s && /^  javaOptions:/ { sub(/^  javaOptions: *"/, ""); sub(/" *$/, ""); print; exit }' "$REPO/helm/waldiez-runner/values.yaml")"
[ -n "$CHART_JAVA_OPTS" ] || { echo "ours: no apiServer.javaOptions in helm/waldiez-runner/values.yaml"; exit 3; }
JAVA_OPTS="${OURS_JAVA_OPTS--XX:MaxRAM=1g $CHART_JAVA_OPTS}"
# An idle cgroup for the runs where this user may create one: cgroup v1's cpu controller, or v2's
# root with the cpu controller enabled for its children (docs/operations.md, run-cgroup).
RUN_CGROUP=""
if [ -w /sys/fs/cgroup/cpu/cgroup.procs ] && [ -e /sys/fs/cgroup/cpu/cpu.idle ]; then
  RUN_CGROUP="--waldiez.launcher.local.run-cgroup=/sys/fs/cgroup/cpu/waldiez-runs"
elif [ -w /sys/fs/cgroup/cgroup.procs ] && grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; then
  RUN_CGROUP="--waldiez.launcher.local.run-cgroup=/sys/fs/cgroup/waldiez-runs"
fi
RUN_PRIORITY="${OURS_RUN_PRIORITY---waldiez.launcher.local.nice=19 --waldiez.launcher.local.cpu-idle=true $RUN_CGROUP}"
echo "$JAVA_OPTS" >"$STATE/java-opts"  # what run.sh records in the results
echo "$RUN_PRIORITY" >"$STATE/run-priority"
# shellcheck disable=SC2086
(cd "$STATE" && exec setsid java $JAVA_OPTS -jar "$JAR" \
    --server.port="$OURS_API_PORT" \
    --waldiez.embedded.postgres.port="$OURS_PG_PORT" \
    --waldiez.embedded.redis.port="$OURS_REDIS_PORT" \
    --waldiez.launcher.local.python="$RUNNER_PYTHON" \
    --waldiez.streaming.max-connections-per-client="${OURS_MAX_CONN_PER_CLIENT:-20000}" \
    --waldiez.tasks.max-jobs="${OURS_MAX_JOBS:-100000}" \
    $RUN_PRIORITY ${OURS_ARGS:-} >"$STATE/api.log" 2>&1) &
echo $! >"$STATE/api.pid"
for _ in $(seq 360); do
  curl -fsS "http://127.0.0.1:$OURS_API_PORT/health" >/dev/null 2>&1 && break
  kill -0 "$(cat "$STATE/api.pid")" 2>/dev/null || { echo "ours: server exited"; tail -40 "$STATE/api.log"; exit 1; }
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$OURS_API_PORT/health" >/dev/null || { echo "ours: API did not start"; tail -40 "$STATE/api.log"; exit 1; }
for _ in $(seq 20); do [ -s "$STATE/var/clients.json" ] && break; sleep 0.5; done
echo "ours: API http://127.0.0.1:$OURS_API_PORT (pid $(cat "$STATE/api.pid")), jar $(basename "$JAR")"
echo "ours: clients in $STATE/var/clients.json"
