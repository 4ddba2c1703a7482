#!/usr/bin/env bash
# The real-cluster test tier: a one-node Kubernetes built here (binaries from the Go module proxy,
# containerd/runc from Debian), the project's images built with buildah, the chart installed with
# Helm, and the scenarios of cluster-tests/src/test/java run against it. Needs root.
#
#   cluster-tests/run.sh                  everything (packages the jars first)
#   cluster-tests/run.sh -Dtest=KubectlAndCrdTest   extra Maven arguments for the scenario run
#   WALDIEZ_CLUSTER_KEEP=1 cluster-tests/run.sh     leave the cluster running (stop: scripts/cluster-down.sh)
#
# Caches (reused when present, outside the repository): ${WALDIEZ_CLUSTER_CACHE:-~/.cache/waldiez-cluster}.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/lib.sh
[ "$(id -u)" -eq 0 ] || die "the cluster tier needs root (kubelet, containerd, network namespaces)"
t0=$(now)
step() { printf '\n==> [cluster tier %ss] %s\n' "$(( $(now) - t0 ))" "$*"; }

step "prerequisites"
missing=()
for p in containerd:containerd runc:runc buildah:buildah debootstrap:debootstrap iptables:iptables conntrack:conntrack gcc:gcc openssl:openssl; do
  command -v "${p%%:*}" >/dev/null || missing+=("${p#*:}")
done
[ -x /usr/lib/cni/bridge ] || missing+=(containernetworking-plugins)
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q && apt-get install -y -q "${missing[@]}"
fi
command -v go >/dev/null || die "Go (1.26 or newer) is needed to build the cluster binaries"

step "binaries"
scripts/build-binaries.sh

if [ "${WALDIEZ_CLUSTER_SKIP_PACKAGE:-0}" != 1 ]; then
  step "jars (mvn package)"
  (cd "$ROOT" && mvn -B -ntp -q -pl api-server,operator,cluster-tests -am package -DskipTests)
else
  # the tests' classes and dependencies must be there before the offline run inside the namespace
  (cd "$ROOT" && mvn -B -ntp -q -pl cluster-tests -am test-compile)
fi

step "images"
scripts/build-images.sh

[ -e "/run/netns/$NETNS" ] && { log "a previous cluster was left running: stopping it"; scripts/cluster-down.sh; }
if [ "${WALDIEZ_CLUSTER_KEEP:-0}" != 1 ]; then
  trap 'step "cluster down"; scripts/cluster-down.sh' EXIT
fi
step "cluster up"
scripts/cluster-up.sh
for tag in "$CACHE"/images/*.tag; do echo "$(basename "$tag" .tag)=$IMAGE_PREFIX/$(basename "$tag" .tag):$(cat "$tag")"; done \
  > "$STATE/images.properties"

scenarios() { # test selection, extra args
  local tests=$1; shift
  (cd "$ROOT" && innet mvn -o -B -ntp -pl cluster-tests -am verify -Dwaldiez.cluster.skip=false \
    -Dwaldiez.cluster.state="$STATE" -Dwaldiez.cluster.bin="$BIN" -Dwaldiez.cluster.node-ip="$NODE_IP" \
    -Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false "$@")
}
if [[ " $* " == *" -Dtest="* ]]; then
  step "scenarios you chose (mvn, offline, inside the node's network namespace)"
  scenarios unused "$@"   # your -Dtest comes later on the command line and wins
else
  step "scenarios (mvn, offline, inside the node's network namespace)"
  scenarios 'io.waldiez.runner.cluster.*Test, !io.waldiez.runner.cluster.ReleaseUpgradeUninstallTest' "$@"
  step "helm upgrade, uninstall, namespace-scoped install (last: it removes the release)"
  scenarios 'io.waldiez.runner.cluster.ReleaseUpgradeUninstallTest' "$@"
fi
step "done"
