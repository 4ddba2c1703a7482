#!/usr/bin/env bash
# Builds the pinned Kubernetes commands, etcd and CoreDNS from the Go module proxy into
# $CACHE/bin/<hash of the go.mod/go.sum files>, or reuses them when that directory is complete.
# All Kubernetes commands and etcd are one `go build`, so shared packages compile once.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
command -v go >/dev/null || die "Go is needed to build the cluster binaries (go 1.26 or newer)"
key=$(cat "$TIER"/go/kubernetes/{go.mod,go.sum} "$TIER"/go/coredns/{go.mod,go.sum,main.go} | sha256sum | cut -c1-16)
out=$CACHE/bin/$key
mkdir -p "$CACHE/bin"
if [ -f "$out/.complete" ]; then
  log "binaries: reusing $out"
else
  export GOMODCACHE=$CACHE/go/mod GOCACHE=$CACHE/go/build GOFLAGS=-mod=readonly
  mkdir -p "$out"
  start=$(now)
  log "binaries: building kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy, kubectl and etcd (cold: ~15 min on 2 cores)"
  (cd "$TIER/go/kubernetes" && go build -trimpath \
     -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=37" \
     -o "$out/" k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
     k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-proxy \
     k8s.io/kubernetes/cmd/kubectl go.etcd.io/etcd/server/v3)
  mv "$out/server" "$out/etcd"   # go names etcd's main package after its module path
  log "binaries: kubernetes + etcd built in $(( $(now) - start )) s"
  start=$(now)
  (cd "$TIER/go/coredns" && go build -trimpath -ldflags "-s -w" -o "$out/coredns" .)
  log "binaries: coredns built in $(( $(now) - start )) s"
  touch "$out/.complete"
fi
ln -sfn "$out" "$CACHE/bin/current"
