#!/usr/bin/env bash
# Starts a one-node Kubernetes inside the network namespace $NETNS: etcd, kube-apiserver (RBAC,
# Node authorizer, its own CA, static tokens), kube-controller-manager, kube-scheduler, containerd
# (Debian's, started directly with its own config and state), the kubelet, kube-proxy (iptables)
# and CoreDNS (cluster.local only). Host settings the kubelet changes are recorded first, for
# cluster-down.sh. Writes $STATE/pki/{admin,nobody}.kubeconfig.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || die "the node needs root (kubelet, containerd, network namespace)"
[ -x "$BIN/kubelet" ] || die "no binaries in $BIN: run build-binaries.sh"
[ ! -e "/run/netns/$NETNS" ] || die "$NETNS exists: a cluster is running or was not stopped (cluster-down.sh)"
mkdir -p "$STATE"/{pki,logs,etcd,kubelet,cni/net.d,cni/ipam,containerd}
start=$(now)

# --- host settings the kubelet (and kube-proxy) change outside the network namespace
{
  for k in vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys \
           kernel.keys.root_maxbytes net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables; do
    v=$(sysctl -n "$k" 2>/dev/null) && printf '%s=%s\n' "$k" "$v"
  done
} > "$STATE/host-sysctls"
ls /run/netns 2>/dev/null | sort > "$STATE/host-netns" || true
for c in /sys/fs/cgroup/*/; do [ -d "$c/kubepods" ] && echo "$c/kubepods"; done > "$STATE/host-cgroups" || true
lsmod 2>/dev/null | awk 'NR>1{print $1}' | sort > "$STATE/host-modules" || true

# --- the node's network: a namespace with loopback and the node's address, no way out
ip netns add "$NETNS"
ip -n "$NETNS" link set lo up
ip -n "$NETNS" addr add "$NODE_IP/32" dev lo
ip -n "$NETNS" route add blackhole default   # components want a default route; it leads nowhere
# the node's own connections to Service IPs need a route before kube-proxy's DNAT re-routes them
ip -n "$NETNS" route add "$SERVICE_CIDR" dev lo src "$NODE_IP"
innet sysctl -q -w net.ipv4.ip_forward=1
modprobe br_netfilter 2>/dev/null || true
innet sysctl -q -w net.bridge.bridge-nf-call-iptables=1 2>/dev/null || true
: > "$STATE/resolv.conf"   # pods get cluster DNS only; the kubelet merges nothing from the host

# --- PKI: a CA, the API server's serving cert, the service-account key pair, static tokens
P=$STATE/pki
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=waldiez-cluster-ca" -keyout "$P/ca.key" -out "$P/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout "$P/apiserver.key" -out "$P/apiserver.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,IP:%s,IP:10.96.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\nextendedKeyUsage=serverAuth\n' "$NODE_IP" > "$P/apiserver.ext"
openssl x509 -req -in "$P/apiserver.csr" -CA "$P/ca.crt" -CAkey "$P/ca.key" -CAcreateserial -days 2 -extfile "$P/apiserver.ext" -out "$P/apiserver.crt" 2>/dev/null
openssl genrsa -out "$P/sa.key" 2048 2>/dev/null
openssl rsa -in "$P/sa.key" -pubout -out "$P/sa.pub" 2>/dev/null
tok() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
ADMIN=$(tok); NODE=$(tok); PROXY=$(tok); NOBODY=$(tok)
umask 077
cat > "$P/tokens.csv" <<CSV
$ADMIN,admin,admin,"system:masters"
$NODE,system:node:$NODE_NAME,node,"system:nodes"
$PROXY,system:kube-proxy,kube-proxy
$NOBODY,nobody,nobody
CSV
kubeconfig() { # file token
  cat > "$1" <<KC
apiVersion: v1
kind: Config
clusters: [{name: waldiez, cluster: {server: "https://127.0.0.1:$API_PORT", certificate-authority: "$P/ca.crt"}}]
users: [{name: u, user: {token: "$2"}}]
contexts: [{name: waldiez, context: {cluster: waldiez, user: u}}]
current-context: waldiez
KC
}
kubeconfig "$P/admin.kubeconfig" "$ADMIN"; kubeconfig "$P/node.kubeconfig" "$NODE"
kubeconfig "$P/proxy.kubeconfig" "$PROXY"; kubeconfig "$P/nobody.kubeconfig" "$NOBODY"
umask 022

daemon() { # name args... : runs in the namespace, log in $STATE/logs, pid in $STATE/<name>.pid
  local name=$1; shift
  # a simple command, so $! is the daemon itself (nsenter execs it), not a subshell
  nsenter --net="/run/netns/$NETNS" "$@" > "$STATE/logs/$name.log" 2>&1 &
  echo $! > "$STATE/$name.pid"
}
wait_for() { # what seconds command...
  local what=$1 secs=$2; shift 2
  for _ in $(seq $((secs * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  die "$what not ready after ${secs}s (logs: $STATE/logs)"
}

daemon etcd "$BIN/etcd" --name node --data-dir "$STATE/etcd" --listen-client-urls http://127.0.0.1:2379 \
  --advertise-client-urls http://127.0.0.1:2379 --listen-peer-urls http://127.0.0.1:2380 \
  --initial-advertise-peer-urls http://127.0.0.1:2380 --initial-cluster node=http://127.0.0.1:2380 \
  --unsafe-no-fsync --log-level warn
wait_for etcd 30 innet curl -sf http://127.0.0.1:2379/health

# OwnerReferencesPermissionEnforcement: as OpenShift, so the chart's RBAC is checked against it
daemon kube-apiserver "$BIN/kube-apiserver" --etcd-servers http://127.0.0.1:2379 \
  --bind-address 0.0.0.0 --advertise-address "$NODE_IP" --secure-port "$API_PORT" \
  --tls-cert-file "$P/apiserver.crt" --tls-private-key-file "$P/apiserver.key" --client-ca-file "$P/ca.crt" \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$P/sa.pub" --service-account-signing-key-file "$P/sa.key" \
  --token-auth-file "$P/tokens.csv" --authorization-mode Node,RBAC \
  --enable-admission-plugins NodeRestriction,OwnerReferencesPermissionEnforcement \
  --service-cluster-ip-range "$SERVICE_CIDR" --enable-priority-and-fairness=false \
  --kubelet-preferred-address-types InternalIP --allow-privileged=false
wait_for kube-apiserver 120 kubectl_admin get --raw /readyz

daemon kube-controller-manager "$BIN/kube-controller-manager" --kubeconfig "$P/admin.kubeconfig" \
  --leader-elect=false --controllers '*' --service-account-private-key-file "$P/sa.key" \
  --root-ca-file "$P/ca.crt" --cluster-signing-cert-file "$P/ca.crt" --cluster-signing-key-file "$P/ca.key" \
  --service-cluster-ip-range "$SERVICE_CIDR" --bind-address 127.0.0.1 --secure-port 10257
daemon kube-scheduler "$BIN/kube-scheduler" --kubeconfig "$P/admin.kubeconfig" --leader-elect=false \
  --bind-address 127.0.0.1 --secure-port 10259

# --- containerd and the pod network
cat > "$STATE/cni/net.d/10-waldiez.conflist" <<CNI
{"cniVersion": "0.4.0", "name": "waldiez", "plugins": [
  {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "dataDir": "$STATE/cni/ipam", "ranges": [[{"subnet": "$POD_CIDR"}]],
            "routes": [{"dst": "0.0.0.0/0"}]}}]}
CNI
pause=$(cat "$CACHE/images/pause.tag" 2>/dev/null) || die "no pause image: run build-images.sh"
cat > "$STATE/containerd.toml" <<TOML
version = 2
root = "$CACHE/containerd"
state = "$STATE/containerd"
[grpc]
  address = "$CONTAINERD_SOCK"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$IMAGE_PREFIX/pause:$pause"
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$STATE/cni/net.d"
[plugins."io.containerd.internal.v1.opt"]
  path = "$STATE/containerd-opt"
TOML
daemon containerd containerd --config "$STATE/containerd.toml"
wait_for containerd 30 ctr_k8s version
"$(dirname "$0")/import-images.sh"

cat > "$STATE/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
cgroupDriver: cgroupfs
failSwapOn: false
address: $NODE_IP
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
authentication: {anonymous: {enabled: true}, webhook: {enabled: false}}
authorization: {mode: AlwaysAllow}
clusterDNS: [$NODE_IP]
clusterDomain: cluster.local
resolvConf: $STATE/resolv.conf
serializeImagePulls: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%"}
YAML
daemon kubelet "$BIN/kubelet" --config "$STATE/kubelet.yaml" --kubeconfig "$P/node.kubeconfig" \
  --container-runtime-endpoint "unix://$CONTAINERD_SOCK" --node-ip "$NODE_IP" --hostname-override "$NODE_NAME" \
  --root-dir "$STATE/kubelet" --cert-dir "$STATE/kubelet-pki"
daemon kube-proxy "$BIN/kube-proxy" --kubeconfig "$P/proxy.kubeconfig" --hostname-override "$NODE_NAME" \
  --cluster-cidr "$POD_CIDR" --proxy-mode iptables --conntrack-max-per-core 0 \
  --conntrack-tcp-timeout-established 0 --conntrack-tcp-timeout-close-wait 0 \
  --metrics-bind-address 127.0.0.1:10249 --healthz-bind-address 127.0.0.1:10256
cat > "$STATE/Corefile" <<DNS
cluster.local:53 in-addr.arpa:53 {
  errors
  kubernetes cluster.local in-addr.arpa {
    kubeconfig $P/admin.kubeconfig
    pods insecure
  }
  cache 10
}
.:53 {
  errors
}
DNS
daemon coredns "$BIN/coredns" -conf "$STATE/Corefile"
wait_for "node $NODE_NAME" 120 bash -c "source '$(dirname "$0")/lib.sh'; kubectl_admin get node $NODE_NAME -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' | grep -q True"
wait_for "default service account" 60 kubectl_admin -n default get serviceaccount default
log "cluster up in $(( $(now) - start )) s: kubeconfig $STATE/pki/admin.kubeconfig (inside network namespace $NETNS)"
