#!/usr/bin/env bash
# Loads the newest archive of every image a pod runs into containerd's k8s.io namespace, unless
# present (containerd's root is in the cache, so a warm run imports nothing).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
present=$(ctr_k8s images ls -q)
for name in pause runner api-server operator postgresql redis; do
  tagfile="$CACHE/images/$name.tag"
  [ -f "$tagfile" ] || die "no $name image: run build-images.sh"
  tag=$(cat "$tagfile")
  ref="$IMAGE_PREFIX/$name:$tag"
  if grep -qxF "$ref" <<<"$present"; then continue; fi
  s=$(now)
  ctr_k8s images import "$CACHE/images/$name-$tag.tar" >/dev/null
  log "imported $ref in $(( $(now) - s )) s"
done
