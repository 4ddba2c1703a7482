#!/usr/bin/env bash
# Creates (or refreshes) the task runner's virtualenv: the exact, hash-checked dependencies of
# runner-image/requirements.lock, the waldiez_task_runner package itself (--no-deps) and the pinned
# test tools. Same install steps as runner-image/Dockerfile.
#
#   scripts/prepare-runner-venv.sh [VENV_DIR]      (default: runner-image/.venv)
#
# Idempotent: a stamp (sha256 of the lock, dev requirements, pyproject and sources) is stored in
# the venv, and nothing is reinstalled while it matches. Env PYTHON picks the interpreter (3.11).
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
runner_dir="$repo_root/runner-image"
venv_dir=$(realpath -m "${1:-"$runner_dir/.venv"}")
python_bin=${PYTHON:-python3}

VENV_TOOL=prepare-runner-venv
# shellcheck source=lib/venv.sh
. "$repo_root/scripts/lib/venv.sh"

py_version=$(python_version "$python_bin")
[ "$py_version" = "3.11" ] || fail "Python 3.11 is required (the lock file is compiled for it), found $py_version at $(command -v "$python_bin")"
for f in requirements.lock requirements-dev.txt pyproject.toml; do
  [ -f "$runner_dir/$f" ] || fail "missing $runner_dir/$f"
done

lock_venv "$venv_dir"

stamp_input() {
  cd "$runner_dir"
  printf 'python %s\n' "$py_version"
  # sorted file list, then contents: any change to the lock, the metadata or a source file counts
  find requirements.lock requirements-dev.txt pyproject.toml src -type f \
       ! -path '*/__pycache__/*' ! -name '*.pyc' ! -path '*.egg-info/*' | LC_ALL=C sort | while read -r f; do
    printf '%s %s\n' "$(sha256sum "$f" | cut -d' ' -f1)" "$f"
  done
}
stamp=$(stamp_input | sha256sum | cut -d' ' -f1)
stamp_file="$venv_dir/.waldiez-runner-stamp"
begin_venv "$python_bin" "$venv_dir" "$stamp_file" "$stamp"

say "installing locked dependencies (requirements.lock, --require-hashes)"
"${pip[@]}" install --quiet --require-hashes --no-deps -r "$runner_dir/requirements.lock" \
  || fail "installing requirements.lock failed"

say "installing waldiez_task_runner (--no-deps)"
# --no-build-isolation: the build backend (setuptools, wheel) comes from the lock, not the network
build_dir=$(mktemp -d)
trap 'rm -rf "$build_dir"' EXIT
cp -r "$runner_dir/pyproject.toml" "$runner_dir/src" "$build_dir/"
[ -f "$runner_dir/README.md" ] && cp "$runner_dir/README.md" "$build_dir/"
"${pip[@]}" install --quiet --no-deps --no-build-isolation --force-reinstall "$build_dir" \
  || fail "installing the waldiez_task_runner package failed"

say "installing test tools (requirements-dev.txt)"
"${pip[@]}" install --quiet -r "$runner_dir/requirements-dev.txt" \
  || fail "installing requirements-dev.txt failed"

say "checking the installation"
"$venv_dir/bin/python" -m pip check >/dev/null || fail "pip check reports broken requirements in $venv_dir"
# importing waldiez once applies its ag2 patch now, not inside a (read-only) task pod
"$venv_dir/bin/python" -c 'import waldiez, waldiez_task_runner, redis' >/dev/null 2>&1 \
  || fail "the runner does not import in $venv_dir"
"$venv_dir/bin/waldiez-task-runner" --version >/dev/null || fail "console script waldiez-task-runner missing"

echo "$stamp" > "$stamp_file"
say "ready: $venv_dir (stamp ${stamp:0:12})"
