#!/usr/bin/env bash
# Installs the QEMU versions the ground-truth lab runs, from Debian's packages only.
#   7.2  : the host's qemu-system-x86 (Debian bookworm)       -> /usr/bin/qemu-system-x86_64
#   10.0 : a debootstrap --variant=minbase trixie chroot       -> $CACHE/qemu-10.0
#   11.1 : a second trixie chroot, qemu from trixie-backports  -> $CACHE/qemu-11.1
# Idempotent: a version whose marker file exists is not installed again.
# Usage: install-qemu.sh [7.2|10.0|11.1|all]   (default: all)
# The chroots use the same Debian mirror that apt on this host is configured with.
set -euo pipefail

CACHE="${POSTCOPY_SIM_QEMU_CACHE:-/var/cache/postcopy-sim}"
WHAT="${1:-all}"

log() { echo "[install-qemu] $*" >&2; }

need_root() {
  if [ "$(id -u)" != 0 ]; then echo "install-qemu.sh must run as root" >&2; exit 1; fi
}

# The mirror apt uses on this host (first http(s) debian URI in its sources).
host_mirror() {
  local m
  m=$(grep -hoE '^(URIs:|deb)[[:space:]]+[^[:space:]]+' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null \
      | awk '{print $2}' | grep -E '/debian/?$' | grep -v security | head -n1 || true)
  if [ -z "$m" ]; then echo "no Debian mirror found in /etc/apt/sources.list*" >&2; exit 1; fi
  echo "${m%/}"
}

APT_UPDATED=""
apt_update_once() {
  if [ -z "$APT_UPDATED" ]; then apt-get update -qq; APT_UPDATED=1; fi
}

host_pkgs() {
  # debootstrap for the chroots, iptables for the lab's packet loss, iproute2 for the namespaces.
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    apt_update_once
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}

mount_binds() {
  local root="$1"
  for d in dev dev/pts proc sys; do
    mkdir -p "$root/$d"
    if ! mountpoint -q "$root/$d"; then mount --bind "/$d" "$root/$d"; fi
  done
}

umount_binds() {
  local root="$1"
  for d in sys proc dev/pts dev; do
    if mountpoint -q "$root/$d"; then umount -l "$root/$d" || true; fi
  done
}

install_72() {
  if [ -x /usr/bin/qemu-system-x86_64 ] && dpkg -s qemu-system-x86 >/dev/null 2>&1; then
    log "7.2: present"
  else
    apt_update_once
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends qemu-system-x86
  fi
  log "7.2: $(/usr/bin/qemu-system-x86_64 --version | head -n1)"
  echo "qemu-7.2 root=/ binary=/usr/bin/qemu-system-x86_64"
}

# install_chroot VERSION BACKPORTS(yes|no)
install_chroot() {
  local ver="$1" backports="$2"
  local root="$CACHE/qemu-$ver" mirror
  mirror=$(host_mirror)
  if [ -f "$root/.postcopy-sim-installed" ]; then
    log "$ver: present in $root"
  else
    host_pkgs debootstrap
    mkdir -p "$CACHE"
    if [ ! -f "$root/.debootstrap-done" ]; then
      umount_binds "$root" 2>/dev/null || true
      rm -rf "$root"
      log "$ver: debootstrap --variant=minbase trixie $root (mirror from host apt sources)"
      debootstrap --variant=minbase trixie "$root" "$mirror"
      touch "$root/.debootstrap-done"
    fi
    if [ "$backports" = yes ]; then
      echo "deb $mirror trixie-backports main" > "$root/etc/apt/sources.list.d/backports.list"
    fi
    mount_binds "$root"
    trap 'umount_binds "'"$root"'"' EXIT
    chroot "$root" apt-get update -qq
    if [ "$backports" = yes ]; then
      chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -t trixie-backports qemu-system-x86
    else
      chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends qemu-system-x86
    fi
    chroot "$root" apt-get clean
    umount_binds "$root"
    trap - EXIT
    touch "$root/.postcopy-sim-installed"
  fi
  log "$ver: $(chroot "$root" /usr/bin/qemu-system-x86_64 --version | head -n1)"
  echo "qemu-$ver root=$root binary=/usr/bin/qemu-system-x86_64 (inside the chroot)"
}

need_root
host_pkgs iptables iproute2
case "$WHAT" in
  7.2)  install_72 ;;
  10.0) install_chroot 10.0 no ;;
  11.1) install_chroot 11.1 yes ;;
  all)  install_72; install_chroot 10.0 no; install_chroot 11.1 yes ;;
  *) echo "usage: $0 [7.2|10.0|11.1|all]" >&2; exit 2 ;;
esac
log "cache: $CACHE"
