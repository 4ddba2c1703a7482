#!/usr/bin/env bash
# Runs every test of the project: the Java modules (Maven; it also builds the web console and runs
# its unit tests), the web console in a real browser, the Python task runner (pytest) and, as root,
# the real-cluster tier (cluster-tests/run.sh: a one-node Kubernetes built here).
# Works on a fresh machine: it prepares the runner virtualenv and, when run as root, installs the
# Debian redis-server the Python tests start (the Java tests embed PostgreSQL and Redis).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

step() { printf '\n==> %s\n' "$*"; }

step "checking prerequisites"
scripts/install-prerequisites.sh

step "preparing the runner virtualenv (runner-image/.venv)"
scripts/prepare-runner-venv.sh "$root/runner-image/.venv"

step "preparing the compat virtualenv (the original waldiez-runner client, for the compatibility test)"
scripts/prepare-compat-venv.sh "$root/compat-tests/.venv"

step "preparing the contract virtualenv (schemathesis, openapi-python-client: the API contract test)"
scripts/prepare-contract-venv.sh "$root/contract-tests/.venv"

step "Java modules: mvn verify"
mvn -B -ntp verify -Dwaldiez.runner.python="$root/runner-image/.venv/bin/python"

step "web console: browser tests (Playwright + Debian chromium against the server jar)"
(cd console && E2E_PYTHON="$root/runner-image/.venv/bin/python" npm run e2e)

step "Python task runner: pytest"
cd runner-image
"$root/runner-image/.venv/bin/python" -m pytest -q tests

cd "$root"
if [ "$(id -u)" -eq 0 ] && [ "${WALDIEZ_SKIP_CLUSTER_TIER:-0}" != 1 ]; then
  step "real-cluster tier (cluster-tests/run.sh)"
  # the jars were just built by mvn verify
  WALDIEZ_CLUSTER_SKIP_PACKAGE=1 cluster-tests/run.sh
else
  step "real-cluster tier skipped (needs root; WALDIEZ_SKIP_CLUSTER_TIER=1 skips it too)"
fi
