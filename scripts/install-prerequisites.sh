#!/usr/bin/env bash
# Makes sure the machine has what the build and tests need beyond Java, Maven and Python:
# the Debian redis-server binary (Redis 7: the embedded default runs it, and the Python runner
# tests start their own instance on a free port), bubblewrap (the local runs' sandbox), redis-cli
# (the console's large-transcript test writes entries with it) and Debian's chromium (the console's
# browser tests drive it with Playwright; no browser download). Node.js >= 20.19 with npm builds
# the console; Debian 12's own nodejs is older, so it is checked, not installed.
# As root it installs what is missing with apt; otherwise it says what to install.
set -euo pipefail

missing=()
command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || missing+=(maven)
command -v python3 >/dev/null || missing+=(python3)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v redis-cli >/dev/null || missing+=(redis-tools)
# Local runs are sandboxed with bubblewrap (docs/security.md).
command -v bwrap >/dev/null || missing+=(bubblewrap)
[ -x /usr/bin/chromium ] || missing+=(chromium)
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)

if ! command -v node >/dev/null || ! command -v npm >/dev/null \
   || ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "Node.js >= 20.19 with npm is needed to build the web console (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "prerequisites present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing: ${missing[*]} — install them (e.g. sudo apt-get install -y ${missing[*]}) and run again" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q "${missing[@]}"
