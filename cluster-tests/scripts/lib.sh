# Shared settings of the cluster test tier (sourced by the other scripts).
# Everything runs on this machine: the node's daemons live in a network namespace of their own
# (NETNS) with no route out, so pods and daemons reach only each other; nothing looks up a name in
# the machine's DNS. Pinned binaries, images and Go caches live in CACHE (outside the repository),
# run-time state in STATE (removed by cluster-down.sh).
TIER=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROOT=$(cd "$TIER/.." && pwd)
CACHE=${WALDIEZ_CLUSTER_CACHE:-$HOME/.cache/waldiez-cluster}
STATE=${WALDIEZ_CLUSTER_STATE:-$CACHE/run}
BIN=$CACHE/bin/current
NETNS=waldiez-cluster
NODE_NAME=waldiez-node
NODE_IP=10.201.0.1           # on the loopback interface of NETNS only
POD_CIDR=10.244.0.0/24       # the bridge cni0 inside NETNS
SERVICE_CIDR=10.96.0.0/24
API_PORT=6443
K8S_VERSION=v1.37.2
CONTAINERD_SOCK=$STATE/containerd.sock
IMAGE_PREFIX=localhost/waldiez-cluster

log() { printf '[cluster %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# run a command inside the node's network namespace (mount namespace unchanged: the kubelet's
# mounts must be seen by containerd)
innet() { nsenter --net="/run/netns/$NETNS" "$@"; }
kubectl_admin() { innet "$BIN/kubectl" --kubeconfig "$STATE/pki/admin.kubeconfig" "$@"; }
ctr_k8s() { "$(command -v ctr)" --address "$CONTAINERD_SOCK" -n k8s.io "$@"; }
# seconds since the epoch, for step timings
now() { date +%s; }
