#!/usr/bin/env bash
# Installs what Nuage needs on a fresh Debian 12 / Ubuntu host (run as root), then installs the npm
# dependencies and builds dist/. Idempotent: a second run installs nothing and only rebuilds.
#
# Usage: sudo bash scripts/install-deps.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly NODE_MIN_MAJOR=20
readonly NODE_MIN_MINOR=19

# Debian packages the project needs: the clients the tests drive (openstack, swift, aws, rclone, boto3,
# Tempest for the interop run and its response schemas, barbicanclient for `openstack secret`,
# cloudkittyclient for `openstack rating`),
# PostgreSQL, wrk for bench/, QEMU guests, networking, config drives, scripts/build-guest-image.sh,
# SoftHSM2 (the PKCS#11 token the key manager's root-of-trust tests use; build-essential builds pkcs11js),
# Ceph (scripts/ceph-rig.sh, the RBD image, volume and root-disk stores) and QEMU's rbd block driver
# (qemu-block-extra), and Debian's Chromium for the web console's browser tests and bench/console
# (Playwright's own browser downloads are not used).
readonly APT_PACKAGES=(
  build-essential python3
  python3-openstackclient python3-swiftclient awscli rclone
  tempest python3-boto3 python3-barbicanclient python3-cloudkittyclient
  softhsm2
  postgresql
  qemu-system-x86 qemu-utils
  dnsmasq-base nftables iproute2
  genisoimage syslinux syslinux-common mtools dosfstools cpio
  openssh-client curl ca-certificates wrk
  ceph ceph-mon ceph-mgr ceph-osd ceph-common librbd1 qemu-block-extra
  chromium fonts-dejavu-core
)

log() { printf 'install-deps: %s\n' "$*"; }
die() {
  printf 'install-deps: error: %s\n' "$*" >&2
  exit 1
}

# Runs a command with its output captured; shows the output only when the command fails.
quietly() {
  local out status
  out="$(mktemp)"
  if "$@" >"$out" 2>&1; then
    rm -f "$out"
    return 0
  else
    status=$?
  fi
  printf 'install-deps: command failed (exit %d): %s\n' "$status" "$*" >&2
  tail -n 80 "$out" >&2
  rm -f "$out"
  return "$status"
}

# Prefix for commands that need root; decided before any output is captured, so a refusal is visible.
root_prefix() {
  if [ "$(id -u)" -eq 0 ]; then
    ROOT=()
  elif command -v sudo >/dev/null 2>&1; then
    ROOT=(sudo)
  else
    die "root is needed to install packages; re-run this script with sudo."
  fi
}
ROOT=()

is_installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = "installed" ]
}

apt_updated=0
apt_update_once() {
  if [ "$apt_updated" -eq 0 ]; then
    root_prefix
    log "apt-get update"
    quietly "${ROOT[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    apt_updated=1
  fi
}

apt_install() {
  apt_update_once
  root_prefix
  log "apt-get install $*"
  quietly "${ROOT[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

# True when the version string $1 (like 20.19.0 or 20.20.2-1nodesource1) is at least 20.19.
version_ok() {
  local v="${1#v}" major minor
  v="${v#*:}" # drop a Debian epoch
  major="${v%%.*}"
  minor="${v#*.}"
  minor="${minor%%[!0-9]*}"
  [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] || return 1
  [ "$major" -gt "$NODE_MIN_MAJOR" ] || { [ "$major" -eq "$NODE_MIN_MAJOR" ] && [ "$minor" -ge "$NODE_MIN_MINOR" ]; }
}

ensure_node() {
  local have=""
  if command -v node >/dev/null 2>&1; then
    have="$(node -p 'process.versions.node' 2>/dev/null || true)"
  fi
  if [ -n "$have" ] && version_ok "$have"; then
    if ! command -v npm >/dev/null 2>&1; then apt_install npm; fi
    return 0
  fi
  command -v apt-get >/dev/null 2>&1 || die "Node.js >= ${NODE_MIN_MAJOR}.${NODE_MIN_MINOR} is required (found: ${have:-none}) and apt-get is not available."
  apt_update_once
  local candidate
  candidate="$(apt-cache policy nodejs 2>/dev/null | awk '/Candidate:/ {print $2}')"
  if [ -z "$candidate" ] || [ "$candidate" = "(none)" ] || ! version_ok "$candidate"; then
    cat >&2 <<EOF
install-deps: error: Nuage needs Node.js >= ${NODE_MIN_MAJOR}.${NODE_MIN_MINOR}; this host has ${have:-no node}.
install-deps: apt offers nodejs ${candidate:-(none)}, which is too old, so this script will not guess.
install-deps: Install Node.js 20 LTS (or newer) first, for example from NodeSource
install-deps: (https://github.com/nodesource/distributions) or https://nodejs.org/en/download,
install-deps: then run this script again.
EOF
    exit 1
  fi
  apt_install nodejs
  # Debian's own nodejs package ships npm separately; NodeSource's includes it.
  if ! command -v npm >/dev/null 2>&1; then apt_install npm; fi
}

ensure_apt_packages() {
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    apt_install "${missing[@]}"
  fi
}

ensure_npm_deps() {
  if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] ||
    [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "npm ci (better-sqlite3 may compile from source; this can take a few minutes)"
    quietly npm ci --no-audit --no-fund --loglevel=error
  fi
}

command -v dpkg-query >/dev/null 2>&1 || die "this script supports Debian/Ubuntu (dpkg and apt) only."
ensure_node
ensure_apt_packages
ensure_npm_deps
log "npm run build"
quietly npm run build --silent
log "ready (node $(node -p 'process.versions.node'))"
