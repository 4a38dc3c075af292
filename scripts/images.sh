#!/usr/bin/env bash
# Builds the local container images the demo and tests run on, unless they exist.
# No registry is needed: the Debian bases come from debootstrap against the host's mirror.
# Image names come from scripts/images.env and can be overridden in the environment.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/images.env

mirror() {
  local uri
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [[ -z "$uri" ]] && uri=$(awk '/^deb / && !/security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

# Debian's security suite, from the host's sources if they name one.
security_mirror() {
  local uri
  uri=$(awk '/^URIs:/ && /debian-security/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [[ -z "$uri" ]] && uri=$(awk '/^deb / && /debian-security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  echo "${uri:-http://deb.debian.org/debian-security}"
}

# What goes into a base image; an image built from other contents, or in an earlier week (so that
# it has the security updates of this week), is rebuilt (label ucproxy.base).
# openssh-server lets the tests reach the proxies over SSH with pipelining, as admins do; it is
# twice as fast per Ansible task as `podman exec`.
# unattended-upgrades comes with Debian's cloud images too.
base_packages=systemd,systemd-sysv,python3,ca-certificates,iproute2,procps,openssh-server,unattended-upgrades

build_base() {  # build_base SUITE IMAGE
  local suite=$1 image=$2 root digest
  digest=$(echo "$suite $base_packages $(mirror) $(security_mirror) $(date +%G-%V)" | sha256sum | cut -d' ' -f1)
  if [[ $(podman image inspect --format '{{ index .Labels "ucproxy.base" }}' "$image" 2>/dev/null) == "$digest" ]]; then
    echo "image $image: present"
    return
  fi
  echo "image $image: debootstrap $suite from $(mirror) (about 1-2 minutes)"
  root=$(mktemp -d /var/tmp/ucproxy-rootfs.XXXXXX)
  trap 'rm -rf "$root"' RETURN
  debootstrap --variant=minbase --include="$base_packages" "$suite" "$root" "$(mirror)" >"$root.log" 2>&1 \
    || { tail -20 "$root.log"; exit 1; }
  rm -f "$root.log"
  # The mirrors must be reachable from inside the container as they are from the host. The image
  # has the security suite's updates, as a patched host does.
  printf 'deb %s %s main\ndeb %s %s-security main\n' "$(mirror)" "$suite" "$(security_mirror)" "$suite" \
    >"$root/etc/apt/sources.list"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"  # no service starts in the chroot
  chmod +x "$root/usr/sbin/policy-rc.d"
  chroot "$root" sh -c 'apt-get -qq update && DEBIAN_FRONTEND=noninteractive apt-get -qq -y upgrade && apt-get clean' \
    >"$root.log" 2>&1 || { tail -20 "$root.log"; exit 1; }
  rm -f "$root.log" "$root/etc/resolv.conf" "$root/usr/sbin/policy-rc.d"
  tar -C "$root" -c . | podman import --quiet --change 'CMD ["/lib/systemd/systemd"]' \
    --change "LABEL ucproxy.base=$digest" - "$image" >/dev/null
  echo "image $image: built"
}

build_tools() {
  # Rebuilt when its Containerfile or its base image changes (the image carries their digest as a label).
  local digest
  digest=$({ cat tests/images/Containerfile.tools; podman image inspect --format '{{ .Id }}' "$UCPROXY_IMAGE_DEBIAN13"; } \
           | sha256sum | cut -d' ' -f1)
  if [[ $(podman image inspect --format '{{ index .Labels "ucproxy.containerfile" }}' "$UCPROXY_IMAGE_TOOLS" \
          2>/dev/null) == "$digest" ]]; then
    echo "image $UCPROXY_IMAGE_TOOLS: present"
    return
  fi
  echo "image $UCPROXY_IMAGE_TOOLS: installing the test clients, testssl.sh and pebble"
  podman build --quiet --build-arg BASE="$UCPROXY_IMAGE_DEBIAN13" --label "ucproxy.containerfile=$digest" \
    -f tests/images/Containerfile.tools -t "$UCPROXY_IMAGE_TOOLS" tests/images >/dev/null
  echo "image $UCPROXY_IMAGE_TOOLS: built"
}

build_base bookworm "$UCPROXY_IMAGE_DEBIAN12"
build_base trixie "$UCPROXY_IMAGE_DEBIAN13"
build_tools
