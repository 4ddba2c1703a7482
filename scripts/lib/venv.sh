# Shared steps of the scripts that prepare a virtualenv (prepare-runner-venv.sh,
# prepare-compat-venv.sh): messages, a lock so two builds never prepare one venv at once, and a
# stamp so an up-to-date venv is left alone. Source it after setting VENV_TOOL (the script's name).

say() { printf '[%s] %s\n' "$VENV_TOOL" "$*"; }
fail() { printf '[%s] ERROR: %s\n' "$VENV_TOOL" "$*" >&2; exit 1; }

# python_version BIN: prints "3.11" for the interpreter BIN, failing if it is missing.
python_version() {
  command -v "$1" >/dev/null 2>&1 || fail "$1 not found"
  "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])'
}

# python_version_min BIN MAJOR MINOR: prints the version like python_version, failing below MAJOR.MINOR.
python_version_min() {
  local v
  v=$(python_version "$1")
  "$1" -c "import sys; sys.exit(0 if sys.version_info >= ($2, $3) else 1)" \
    || fail "Python $2.$3+ is required, found $v at $(command -v "$1")"
  echo "$v"
}

# lock_venv DIR: holds an exclusive lock on DIR until the script exits.
lock_venv() {
  if command -v flock >/dev/null 2>&1; then
    local lock_file
    lock_file="${TMPDIR:-/tmp}/$VENV_TOOL-$(printf '%s' "$1" | sha256sum | cut -c1-16).lock"
    exec 9>"$lock_file"
    flock 9
  fi
}

# venv_up_to_date DIR STAMP_FILE STAMP: true when DIR holds a venv whose stamp equals STAMP.
venv_up_to_date() {
  [ -x "$1/bin/python" ] && [ -f "$2" ] && [ "$(cat "$2")" = "$3" ]
}

# ensure_venv PYTHON DIR STAMP_FILE: creates the venv if missing and drops a stale stamp.
ensure_venv() {
  if [ ! -x "$2/bin/python" ]; then
    say "creating virtualenv $2"
    "$1" -m venv "$2" || fail "could not create the virtualenv at $2"
  fi
  rm -f "$3"
}

# begin_venv PYTHON DIR STAMP_FILE STAMP: exits the script (0) when DIR is up to date; otherwise makes
# sure the venv exists, drops its stale stamp and sets the array `pip` to the venv's pip command.
begin_venv() {
  if venv_up_to_date "$2" "$3" "$4"; then
    say "up to date: $2 (stamp ${4:0:12})"
    exit 0
  fi
  ensure_venv "$1" "$2" "$3"
  pip=("$2/bin/python" -m pip --disable-pip-version-check --no-input)
}
