#!/usr/bin/env bash
# Creates (or refreshes) compat-tests/.venv: the ORIGINAL Waldiez Runner's Python client
# (waldiez-runner==0.7.1, module waldiez_runner.client), installed client-only as in spec §15.1,
# for the compatibility test (compat-tests/original_client_lifecycle.py, run by the Java test
# OriginalClientCompatibilityTest). None of the original's code is part of this repository: it is
# fetched from the package registry at test-prep time into this gitignored venv.
#
#   scripts/prepare-compat-venv.sh [VENV_DIR]      (default: compat-tests/.venv)
#
# Idempotent: the sha256 of requirements.txt (and the Python version) is stored as a stamp in the
# venv, and nothing is reinstalled while it matches. Env PYTHON picks the interpreter (3.10+).
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
compat_dir="$repo_root/compat-tests"
venv_dir=$(realpath -m "${1:-"$compat_dir/.venv"}")
python_bin=${PYTHON:-python3}
requirements="$compat_dir/requirements.txt"

VENV_TOOL=prepare-compat-venv
# shellcheck source=lib/venv.sh
. "$repo_root/scripts/lib/venv.sh"

py_version=$(python_version_min "$python_bin" 3 10)
[ -f "$requirements" ] || fail "missing $requirements"

lock_venv "$venv_dir"

# The browser page's WebSocket check (compat-tests/browser_page_checks.mjs) uses the npm `ws`
# package, installed under the venv (gitignored) when node and npm are present.
ws_version=8.23.0
have_node=no
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then have_node=yes; fi

stamp=$( { printf 'python %s\nws %s %s\n' "$py_version" "$ws_version" "$have_node"; sha256sum "$requirements" | cut -d' ' -f1; } | sha256sum | cut -d' ' -f1)
stamp_file="$venv_dir/.waldiez-compat-stamp"
begin_venv "$python_bin" "$venv_dir" "$stamp_file" "$stamp"

say "installing the original client, client-only (--no-deps, every package pinned in requirements.txt)"
"${pip[@]}" install --quiet --no-deps -r "$requirements" || fail "installing $requirements failed"

say "checking the installation"
"$venv_dir/bin/python" - <<'PY' || fail "the original client does not import in $venv_dir"
import importlib.metadata as md
import waldiez_runner.client as c  # the client must import without the server stack
assert md.version("waldiez-runner") == "0.7.1", md.version("waldiez-runner")
assert c.TasksClient and c.ClientsAdmin
PY

if [ "$have_node" = yes ]; then
  say "installing the npm ws package $ws_version (browser page WebSocket check)"
  mkdir -p "$venv_dir/node"
  [ -f "$venv_dir/node/package.json" ] || echo '{"name":"waldiez-compat-node","private":true}' > "$venv_dir/node/package.json"
  (cd "$venv_dir/node" && npm install --no-audit --no-fund --silent --save-exact "ws@$ws_version") \
    || fail "npm install ws@$ws_version failed"
else
  say "node/npm not found: the browser page WebSocket check will be skipped"
fi

echo "$stamp" > "$stamp_file"
say "ready: $venv_dir (stamp ${stamp:0:12})"
