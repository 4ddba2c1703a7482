#!/usr/bin/env bash
# Loads the newest archive of every image into containerd's k8s.io namespace, unless present.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
present=$(ctr_k8s images ls -q)
for tagfile in "$CACHE"/images/*.tag; do
  name=$(basename "$tagfile" .tag); tag=$(cat "$tagfile")
  ref="$IMAGE_PREFIX/$name:$tag"
  if grep -qxF "$ref" <<<"$present"; then continue; fi
  s=$(now)
  ctr_k8s images import "$CACHE/images/$name-$tag.tar" >/dev/null
  log "imported $ref in $(( $(now) - s )) s"
done
