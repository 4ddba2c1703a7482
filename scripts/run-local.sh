#!/usr/bin/env bash
# One command, fresh machine: builds the API server, prepares the runner virtualenv, starts the
# server on its embedded default (embedded PostgreSQL + Redis, local launcher, state in ./var) and
# runs a shared flow through it over REST, answering its input, so you see a flow run end to end.
#
#   scripts/run-local.sh [--keep] [--flow FILE] [--answer TEXT]...
#
#   --keep     leave the server running afterwards (prints how to use it with curl)
#   --flow     the .waldiez file to run (default: ../shared/flows/dummy_with_input.waldiez, else
#              examples/flows/dummy_with_input.waldiez)
#   --answer   what to answer to the flow's prompts, in order (then "exit")
#   PORT=8001 scripts/run-local.sh    another port (default 8000)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
port=${PORT:-8000}
keep=false
flow=""
answers=()
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) keep=true ;;
    --flow) flow=$2; shift ;;
    --answer) answers+=("--answer" "$2"); shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$flow" ]; then
  flow="$root/../shared/flows/dummy_with_input.waldiez"
  [ -f "$flow" ] || flow="$root/examples/flows/dummy_with_input.waldiez"
fi
[ -f "$flow" ] || { echo "flow not found: $flow" >&2; exit 1; }

step() { printf '\n==> %s\n' "$*"; }

step "checking prerequisites"
scripts/install-prerequisites.sh

step "building the API server (mvn package, tests skipped)"
mvn -B -q -ntp -DskipTests -pl api-server -am package
jar=$(ls "$root"/api-server/target/waldiez-api-server-*.jar | grep -v -e '-plain' -e 'sources' | head -1)

step "preparing the runner virtualenv (runner-image/.venv)"
scripts/prepare-runner-venv.sh "$root/runner-image/.venv"
python="$root/runner-image/.venv/bin/python"

step "starting the server on port $port (embedded PostgreSQL and Redis, state in ./var)"
mkdir -p var
log="$root/var/server.log"
# C1 only: the server's shipped JVM setting (docs/operations.md, "JVM settings of the API server").
PORT=$port java -XX:TieredStopAtLevel=1 -jar "$jar" --server.port="$port" --waldiez.launcher.local.python="$python" >"$log" 2>&1 &
pid=$!
stop_server() {
  if kill -0 "$pid" 2>/dev/null; then
    echo "stopping the server (pid $pid)"
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
}
if [ "$keep" != true ]; then trap stop_server EXIT; fi

base="http://127.0.0.1:$port"
for _ in $(seq 1 180); do
  if curl -fsS "$base/actuator/health/readiness" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then echo "the server exited; see $log" >&2; tail -30 "$log" >&2; exit 1; fi
  sleep 1
done
curl -fsS "$base/actuator/health/readiness" >/dev/null || { echo "server not ready after 180 s; see $log" >&2; exit 1; }
echo "server ready at $base (log: $log)"
echo "web console: http://localhost:$port/ui/ (sign in with a client from var/clients.json)"

step "running $(basename "$flow") through it"
status=0
"$python" "$root/scripts/demo_flow.py" --base-url "$base" --clients "$root/var/clients.json" "$flow" \
  ${answers[@]+"${answers[@]}"} || status=$?

if [ "$keep" = true ]; then
  cat <<EOF

The server keeps running (pid $pid, log $log). Stop it with: kill $pid
Credentials of the first clients are in var/clients.json.

Open the web console: http://localhost:$port/ui/
(sign in with the tasks-api client's client_id and client_secret from var/clients.json)

With curl and jq:

  ID=\$(jq -r '.[] | select(.audience=="tasks-api") | .client_id' var/clients.json)
  SECRET=\$(jq -r '.[] | select(.audience=="tasks-api") | .client_secret' var/clients.json)
  TOKEN=\$(curl -s -X POST $base/auth/token -d client_id=\$ID -d client_secret=\$SECRET | jq -r .access_token)
  TASK=\$(curl -s -H "Authorization: Bearer \$TOKEN" -F file=@$flow "$base/api/v1/tasks?input_timeout=120" | jq -r .id)
  curl -s -H "Authorization: Bearer \$TOKEN" $base/api/v1/tasks/\$TASK | jq '{status, input_request_id}'
  REQ=\$(curl -s -H "Authorization: Bearer \$TOKEN" $base/api/v1/tasks/\$TASK | jq -r .input_request_id)
  curl -s -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' \\
       -d "{\"request_id\":\"\$REQ\",\"data\":\"hello\"}" $base/api/v1/tasks/\$TASK/input
  curl -s -H "Authorization: Bearer \$TOKEN" -o \$TASK.zip $base/api/v1/tasks/\$TASK/download
  curl -N -H "Authorization: Bearer \$TOKEN" $base/api/v1/tasks/\$TASK/stream    # live (SSE), if enabled

API reference: docs/api.md; Swagger UI: $base/docs (when waldiez.http.dev=true).
EOF
fi
exit $status
