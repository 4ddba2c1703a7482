#!/usr/bin/env bash
# Builds the tier's images with buildah, without a registry, and leaves each one as a
# docker-archive in $CACHE/images (import-images.sh loads them into containerd):
#   debian     debootstrap of bookworm (minbase) from the Debian mirror apt is configured with
#   jre, python, postgresql, redis   small bases from cluster-tests/images/*.Dockerfile
#   pause      the kubelet's sandbox image, from pause.c in the pinned k8s.io/kubernetes module
#   runner, api-server, operator     the project's own Dockerfiles (buildah bud), with BASE_IMAGE
#                                    set to the local bases: the Dockerfiles stay the one definition
# Every image is tagged with a hash of its inputs (files, base image tag), so a warm run skips it.
# The project's jars must exist (mvn package); the runner image pip-installs runner-image/requirements.lock.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || die "building images needs root (buildah, debootstrap)"
mkdir -p "$CACHE/images" "$CACHE/containers"
B() { buildah --root "$CACHE/containers/storage" --runroot "$CACHE/containers/run" --storage-driver overlay "$@"; }
export BUILDAH_ISOLATION=chroot

hash_of() { # files and strings -> 16 hex chars
  local f; for f in "$@"; do if [ -f "$f" ]; then sha256sum < "$f"; else printf '%s\n' "$f"; fi; done | sha256sum | cut -c1-16
}
have() { [ -f "$CACHE/images/$1-$2.tar" ]; }
archive() { # name tag: docker-archive named $IMAGE_PREFIX/name:tag
  local tmp="$CACHE/images/.$1-$2.tar"
  rm -f "$tmp"; B push -q "$IMAGE_PREFIX/$1:$2" "docker-archive:$tmp:$IMAGE_PREFIX/$1:$2" >/dev/null
  find "$CACHE/images" -maxdepth 1 -name "$1-*.tar" ! -name "$1-$2.tar" -delete   # older builds of this image
  mv "$tmp" "$CACHE/images/$1-$2.tar"
  echo "$2" > "$CACHE/images/$1.tag"
  log "image $1:$2: $(du -m "$CACHE/images/$1-$2.tar" | cut -f1) MB (archive with its base layers)"
}
timed() { local name=$1; shift; local s rc=0; s=$(now); "$@" || rc=$?; [ $rc -ne 0 ] || log "image $name built in $(( $(now) - s )) s"; return $rc; }

mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
[ -n "$mirror" ] || mirror=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null)
[ -n "$mirror" ] || die "no Debian mirror in the apt configuration"

# --- debian: the root of every other image
debian_tag=$(hash_of "$mirror" bookworm minbase ca-certificates debian-recipe-v1)
if ! have debian "$debian_tag"; then
  build_debian() {
    local root="$CACHE/rootfs-debian"; rm -rf "$root"
    debootstrap --variant=minbase --include=ca-certificates bookworm "$root" "$mirror" >"$CACHE/debootstrap.log" 2>&1 \
      || { tail -20 "$CACHE/debootstrap.log"; die "debootstrap failed"; }
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    tar -C "$root" -cf "$CACHE/rootfs-debian.tar" .
    local c; c=$(B from scratch)
    B add -q "$c" "$CACHE/rootfs-debian.tar" / >/dev/null
    B config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --env LANG=C.UTF-8 --cmd /bin/bash "$c"
    B commit -q --rm "$c" "$IMAGE_PREFIX/debian:$debian_tag" >/dev/null
    rm -rf "$root" "$CACHE/rootfs-debian.tar"
  }
  timed debian build_debian
  archive debian "$debian_tag"
fi
DEBIAN="$IMAGE_PREFIX/debian:$debian_tag"

# --- small bases and the data stores, FROM debian
quietly() { local out=$1; shift; "$@" >"$out" 2>&1; }
bud() { # name tag context dockerfile base [extra buildah args...]
  local name=$1 tag=$2 ctx=$3 file=$4 base=$5; shift 5
  local out="$CACHE/images/build-$name.log"
  timed "$name" quietly "$out" B bud --layers=false --network host --build-arg "BASE_IMAGE=$base" "$@" \
    -f "$file" -t "$IMAGE_PREFIX/$name:$tag" "$ctx" || { tail -40 "$out" >&2; die "image $name failed (log: $out)"; }
  archive "$name" "$tag"
}
for name in jre python redis postgresql; do
  extra=(); [ "$name" = postgresql ] && extra=("$TIER/images/postgresql-entrypoint.sh")
  tag=$(hash_of "$debian_tag" "$TIER/images/$name.Dockerfile" "${extra[@]}")
  have "$name" "$tag" || bud "$name" "$tag" "$TIER/images" "$TIER/images/$name.Dockerfile" "$DEBIAN"
  declare "TAG_${name}=$tag"
done

# --- pause, from the pinned Kubernetes source
pause_src="$CACHE/go/mod/k8s.io/kubernetes@$K8S_VERSION/build/pause/linux/pause.c"
[ -f "$pause_src" ] || (cd "$TIER/go/kubernetes" && GOMODCACHE=$CACHE/go/mod GOFLAGS=-mod=readonly go mod download k8s.io/kubernetes)
pause_tag=$(hash_of "$pause_src" pause-recipe-v1)
if ! have pause "$pause_tag"; then
  build_pause() {
    local dir; dir=$(mktemp -d)
    gcc -Os -static -o "$dir/pause" "$pause_src"
    local c; c=$(B from scratch)
    B copy -q "$c" "$dir/pause" /pause >/dev/null
    B config --entrypoint '["/pause"]' --user 65535:65535 "$c"
    B commit -q --rm "$c" "$IMAGE_PREFIX/pause:$pause_tag" >/dev/null
    rm -rf "$dir"
  }
  timed pause build_pause
  archive pause "$pause_tag"
fi

# --- the project's images, from its own Dockerfiles
pipconf=$(mktemp); trap 'rm -f "$pipconf"' EXIT
# pip inside the build trusts what the host's pip trusts (e.g. an egress proxy's CA); nothing else changes
printf '[global]\ncert = /etc/ssl/host-ca.crt\n' > "$pipconf"
runner_inputs=("$ROOT/runner-image/Dockerfile" "$ROOT/runner-image/requirements.lock" "$ROOT/runner-image/pyproject.toml" "$ROOT/runner-image/README.md")
while IFS= read -r f; do runner_inputs+=("$f"); done < <(cd "$ROOT" && git ls-files -co --exclude-standard runner-image/src | sort | sed "s|^|$ROOT/|")
runner_tag=$(hash_of "$TAG_python" "${runner_inputs[@]}")
have runner "$runner_tag" || bud runner "$runner_tag" "$ROOT/runner-image" "$ROOT/runner-image/Dockerfile" "$IMAGE_PREFIX/python:$TAG_python" \
  -v "$pipconf:/etc/pip.conf:ro" -v /etc/ssl/certs/ca-certificates.crt:/etc/ssl/host-ca.crt:ro

for module in api-server operator; do
  case $module in
    api-server) jar=$(ls "$ROOT"/api-server/target/waldiez-api-server-*.jar 2>/dev/null | grep -v -e sources -e original | head -1) ;;
    operator) jar=$(ls "$ROOT"/operator/target/waldiez-operator-*-exec.jar 2>/dev/null | head -1) ;;
  esac
  [ -n "$jar" ] || die "no $module jar: run mvn -pl $module -am package first"
  tag=$(hash_of "$TAG_jre" "$ROOT/$module/Dockerfile" "$jar")
  have "$module" "$tag" || bud "$module" "$tag" "$ROOT" "$ROOT/$module/Dockerfile" "$IMAGE_PREFIX/jre:$TAG_jre" \
    --build-arg "JAR_FILE=${jar#$ROOT/}"
done
log "images ready in $CACHE/images"
