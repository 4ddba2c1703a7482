#!/usr/bin/env bash
# Stops the node started by cluster-up.sh and puts the host back as it was: pods removed through
# the kubelet (volumes unmounted, sandboxes torn down), every daemon stopped, leftover container
# processes, mounts, pod network namespaces and cgroups removed, the node's network namespace
# (with its bridge, veths and iptables chains) deleted, and the recorded sysctls restored.
# Safe to run twice, and after a partial start.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
[ -d "$STATE" ] || { log "nothing to stop"; exit 0; }
start=$(now)
stop() { # name [signal]
  local f="$STATE/$1.pid"; [ -f "$f" ] || return 0
  local pid; pid=$(cat "$f")
  kill -"${2:-TERM}" "$pid" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null; rm -f "$f"
}

# 1. no new pods, then the kubelet removes the running ones properly
stop kube-controller-manager; stop kube-scheduler
if [ -f "$STATE/kubelet.pid" ] && kubectl_admin get --raw /readyz >/dev/null 2>&1; then
  kubectl_admin delete pods --all -A --grace-period=0 --force --wait=false >/dev/null 2>&1
  for _ in $(seq 60); do
    [ -z "$(ctr_k8s tasks ls -q 2>/dev/null)" ] && break; sleep 0.5
  done
fi
stop kubelet; stop kube-proxy; stop coredns; stop kube-apiserver; stop etcd
# anything of ours a pid file missed (e.g. after a crash): the binaries live only in our cache
for pid in $(pgrep -f -- "^$CACHE/bin/" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done

# 2. whatever containerd still runs: kill tasks, remove containers, then containerd and its shims
if ctr_k8s version >/dev/null 2>&1; then
  for t in $(ctr_k8s tasks ls -q 2>/dev/null); do ctr_k8s tasks kill -s SIGKILL "$t" >/dev/null 2>&1; done
  sleep 1
  for t in $(ctr_k8s tasks ls -q 2>/dev/null); do ctr_k8s tasks delete -f "$t" >/dev/null 2>&1; done
  for c in $(ctr_k8s containers ls -q 2>/dev/null); do ctr_k8s containers delete "$c" >/dev/null 2>&1; done
fi
stop containerd
# shims left without containerd, and their containers (the shim is their parent)
for shim in $(pgrep -f -- "containerd-shim.*-address $CONTAINERD_SOCK" 2>/dev/null); do
  for child in $(ps -o pid= --ppid "$shim" 2>/dev/null); do kill -KILL "$child" 2>/dev/null; done
  kill -KILL "$shim" 2>/dev/null
done
sleep 1

# 3. mounts under the state and containerd directories, deepest first
for m in $(awk '{print $5}' /proc/self/mountinfo | grep -E "^($STATE|$CACHE/containerd)/" | sort -r); do
  umount -l "$m" 2>/dev/null
done

# 4. pod network namespaces the run created, then the node's namespace (bridge, veths, iptables)
if [ -f "$STATE/host-netns" ]; then
  for ns in $(ls /run/netns 2>/dev/null | sort | comm -13 "$STATE/host-netns" -); do
    [ "$ns" = "$NETNS" ] && continue
    umount -l "/run/netns/$ns" 2>/dev/null; ip netns delete "$ns" 2>/dev/null; rm -f "/run/netns/$ns"
  done
fi
ip netns delete "$NETNS" 2>/dev/null

# 5. the kubelet's cgroups (kubepods) in every controller, deepest first, if the run made them
for c in /sys/fs/cgroup/*/kubepods; do
  [ -d "$c" ] || continue
  grep -qxF "$(dirname "$c")//kubepods" "$STATE/host-cgroups" 2>/dev/null && continue
  find "$c" -depth -type d -exec rmdir {} \; 2>/dev/null
done

# 6. sysctls back to what they were
if [ -f "$STATE/host-sysctls" ]; then
  while IFS='=' read -r k v; do
    [ "$(sysctl -n "$k" 2>/dev/null)" = "$v" ] || sysctl -q -w "$k=$v" >/dev/null 2>&1
  done < "$STATE/host-sysctls"
fi
if awk '{print $5}' /proc/self/mountinfo | grep -q "^$STATE/"; then
  log "WARNING: mounts under $STATE remain: $(awk '{print $5}' /proc/self/mountinfo | grep -c "^$STATE/")"
else
  rm -rf "$STATE"
fi
log "cluster down in $(( $(now) - start )) s; host settings restored"
