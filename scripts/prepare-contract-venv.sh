#!/usr/bin/env bash
# Creates (or refreshes) contract-tests/.venv: schemathesis and openapi-python-client from the
# package index (pinned in contract-tests/requirements.txt), for the API contract test
# (OpenApiContractTest: a bounded schemathesis run against /openapi.json, and a whole lifecycle
# through a client generated from it).
#
#   scripts/prepare-contract-venv.sh [VENV_DIR]      (default: contract-tests/.venv)
#
# Idempotent: a stamp of requirements.txt and the Python version is kept in the venv, and nothing
# is reinstalled while it matches. Env PYTHON picks the interpreter (3.10+).
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
venv_dir=$(realpath -m "${1:-"$repo_root/contract-tests/.venv"}")
python_bin=${PYTHON:-python3}
requirements="$repo_root/contract-tests/requirements.txt"

VENV_TOOL=prepare-contract-venv
# shellcheck source=lib/venv.sh
. "$repo_root/scripts/lib/venv.sh"

py_version=$(python_version_min "$python_bin" 3 10)
[ -f "$requirements" ] || fail "missing $requirements"

lock_venv "$venv_dir"
stamp=$( { printf 'python %s\n' "$py_version"; sha256sum "$requirements" | cut -d' ' -f1; } | sha256sum | cut -d' ' -f1)
stamp_file="$venv_dir/.waldiez-contract-stamp"
begin_venv "$python_bin" "$venv_dir" "$stamp_file" "$stamp"

say "installing schemathesis and openapi-python-client (pinned in contract-tests/requirements.txt)"
"${pip[@]}" install --quiet -r "$requirements" || fail "installing $requirements failed"
"$venv_dir/bin/schemathesis" --version >/dev/null || fail "schemathesis does not run in $venv_dir"
"$venv_dir/bin/python" -m openapi_python_client --version >/dev/null || fail "openapi-python-client does not run"

echo "$stamp" > "$stamp_file"
say "ready: $venv_dir (stamp ${stamp:0:12})"
