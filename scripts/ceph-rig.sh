#!/usr/bin/env bash
# A small Ceph cluster for tests and the all-in-one rig, started without cephadm and without systemd:
# one monitor, one manager and three OSDs whose BlueStore devices are sparse files in DIR, the RBD pools
# `images`, `volumes` and `vms`, and the client `client.nuage` (keyring DIR/ceph.client.nuage.keyring,
# client config DIR/ceph.conf). Everything listens on one address (loopback by default), msgr v2 only.
#
# Usage (as root):
#   scripts/ceph-rig.sh start  DIR   bootstrap (first time) or restart the daemons; waits for HEALTH_OK
#   scripts/ceph-rig.sh stop   DIR   stop the daemons by their pid files (the data stays)
#   scripts/ceph-rig.sh status DIR   daemons and `ceph health`; exit 1 unless every daemon runs
#   scripts/ceph-rig.sh destroy DIR  stop, then remove DIR
#
# Settings (environment, read on the first start and kept in DIR/rig.env afterwards):
#   CEPH_RIG_ADDRESS   address every daemon binds (default 127.0.0.1)
#   CEPH_RIG_NETWORK   public/cluster network (default 127.0.0.0/8)
#   CEPH_RIG_MON_PORT  the monitor's msgr2 port (default 13300, away from Ceph's 3300)
#   CEPH_RIG_OSD_GIB   size of each sparse OSD file (default 4)
#   CEPH_RIG_POOL_SIZE replicas per pool (default 2; three OSDs on one host, chooseleaf type 0)
#   CEPH_RIG_LEASE     a name: start records a lease, stop drops it and stops the daemons only when no
#                      other live lease remains (test files share one rig this way)
set -euo pipefail

readonly OSD_COUNT=3
readonly POOLS=(images volumes vms)
readonly PG_NUM=16
readonly HEALTH_TIMEOUT_S=180

log() { printf 'ceph-rig: %s\n' "$*"; }
# A step of start, with the time since start began.
step() { printf 'ceph-rig: [%5ss] %s\n' "$(elapsed)" "$*"; }
die() {
  printf 'ceph-rig: error: %s\n' "$*" >&2
  exit 1
}

usage() {
  sed -n '6,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[ $# -eq 2 ] || usage
readonly CMD="$1"
DIR="$(realpath -m "$2")"
readonly DIR
case "$CMD" in start | stop | status | destroy) ;; *) usage ;; esac
[ "$(id -u)" -eq 0 ] || die "must run as root (the OSDs open their files with O_DIRECT and lock memory)"
for tool in ceph ceph-mon ceph-mgr ceph-osd ceph-authtool monmaptool rbd flock; do
  command -v "$tool" >/dev/null || die "$tool is missing: install ceph, ceph-mon, ceph-mgr, ceph-osd"
done

# The daemons' config is named ceph.conf too: Ceph takes the cluster name ($cluster) from the file name.
readonly DAEMON_CONF="$DIR/daemons/ceph.conf"
readonly CLIENT_CONF="$DIR/ceph.conf"
readonly ADMIN_KEYRING="$DIR/ceph.client.admin.keyring"
readonly NUAGE_KEYRING="$DIR/ceph.client.nuage.keyring"

# The admin CLI: the client config (mon host, fsid, keyring per name), as client.admin.
admin() { timeout 60 ceph -c "$CLIENT_CONF" -n client.admin --connect-timeout 15 "$@"; }

now_s() { date +%s.%N; }
STARTED_S="$(now_s)"
# Seconds since this command began, one decimal.
elapsed() { awk -v a="$STARTED_S" -v b="$(now_s)" 'BEGIN { printf "%.1f", b - a }'; }

# --- settings -------------------------------------------------------------------------------------

load_settings() {
  if [ -f "$DIR/rig.env" ]; then
    # shellcheck source=/dev/null
    . "$DIR/rig.env"
    return
  fi
  ADDRESS="${CEPH_RIG_ADDRESS:-127.0.0.1}"
  NETWORK="${CEPH_RIG_NETWORK:-127.0.0.0/8}"
  MON_PORT="${CEPH_RIG_MON_PORT:-13300}"
  OSD_GIB="${CEPH_RIG_OSD_GIB:-4}"
  POOL_SIZE="${CEPH_RIG_POOL_SIZE:-2}"
  FSID="$(cat /proc/sys/kernel/random/uuid)"
  [[ "$MON_PORT" =~ ^[0-9]+$ ]] || die "CEPH_RIG_MON_PORT must be a port number"
  [[ "$OSD_GIB" =~ ^[0-9]+$ ]] || die "CEPH_RIG_OSD_GIB must be a whole number"
  [[ "$POOL_SIZE" =~ ^[1-3]$ ]] || die "CEPH_RIG_POOL_SIZE must be 1, 2 or 3"
  printf 'ADDRESS=%q\nNETWORK=%q\nMON_PORT=%q\nOSD_GIB=%q\nPOOL_SIZE=%q\nFSID=%q\n' \
    "$ADDRESS" "$NETWORK" "$MON_PORT" "$OSD_GIB" "$POOL_SIZE" "$FSID" >"$DIR/rig.env.tmp"
  mv "$DIR/rig.env.tmp" "$DIR/rig.env"
}

# The daemons' config: every path inside DIR, small caches, no autoscaler, nothing in /var or /etc.
write_daemon_conf() {
  mkdir -p "$DIR/daemons"
  cat >"$DAEMON_CONF.tmp" <<EOF
[global]
fsid = $FSID
mon initial members = a
mon host = v2:$ADDRESS:$MON_PORT
public network = $NETWORK
cluster network = $NETWORK
public addr = $ADDRESS
cluster addr = $ADDRESS
ms bind msgr1 = false
ms bind ipv6 = false
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
auth allow insecure global id reclaim = false
osd pool default size = $POOL_SIZE
osd pool default min size = 1
osd pool default pg num = $PG_NUM
osd pool default pgp num = $PG_NUM
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool delete = true
mon data avail warn = 5
mon data avail crit = 2
mon warn on pool no redundancy = false
run dir = $DIR/run
crash dir = $DIR/crash
pid file = $DIR/run/\$cluster-\$name.pid
admin socket = $DIR/run/\$cluster-\$name.asok
log file = $DIR/log/\$cluster-\$name.log
keyring = $DIR/\$cluster.\$name.keyring
mon data = $DIR/mon/\$cluster-\$id
mgr data = $DIR/mgr/\$cluster-\$id
osd data = $DIR/osd/\$cluster-\$id

[mon]
keyring = \$mon_data/keyring
mon cluster log file = $DIR/log/\$cluster.\$channel.log
mgr initial modules = iostat

[mgr]
keyring = \$mgr_data/keyring

[osd]
keyring = \$osd_data/keyring
osd objectstore = bluestore
bluestore block create = true
bluestore block size = $((OSD_GIB * 1024 * 1024 * 1024))
osd memory target = 536870912
osd op num shards = 2
osd op num threads per shard = 1
EOF
  mv "$DAEMON_CONF.tmp" "$DAEMON_CONF"
}

# What clients (rbd, qemu-img, QEMU's librbd, Nuage) read: the monitor and where the keyrings are.
write_client_conf() {
  cat >"$CLIENT_CONF.tmp" <<EOF
[global]
fsid = $FSID
mon host = v2:$ADDRESS:$MON_PORT
keyring = $DIR/\$cluster.\$name.keyring
EOF
  chmod 0644 "$CLIENT_CONF.tmp"
  mv "$CLIENT_CONF.tmp" "$CLIENT_CONF"
}

# --- daemons --------------------------------------------------------------------------------------

# The pid of a daemon (mon.a, mgr.x, osd.0) if it runs with our config, else nothing.
daemon_pid() {
  local pid_file="$DIR/run/ceph-$1.pid" pid
  [ -f "$pid_file" ] || return 0
  pid="$(cat "$pid_file" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  # A recycled pid must not count: the command line names this rig's config.
  if { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qF -- "$DAEMON_CONF"; then echo "$pid"; fi
}

# Starts daemons of one kind (those not running); they fork into the background and write pid files.
start_daemons() {
  local kind="$1" id i waiting
  shift
  for id in "$@"; do
    [ -z "$(daemon_pid "$kind.$id")" ] || continue
    # 9>&-: the daemon must not inherit (and hold) the rig's lock.
    "ceph-$kind" -c "$DAEMON_CONF" -i "$id" 9>&- >>"$DIR/log/daemon-start.log" 2>&1 &
  done
  for ((i = 0; i < 300; i++)); do
    waiting=0
    for id in "$@"; do [ -n "$(daemon_pid "$kind.$id")" ] || waiting=1; done
    [ "$waiting" -eq 0 ] && { wait; return 0; }
    sleep 0.1
  done
  die "ceph-$kind did not start within 30 s (see $DIR/log/daemon-start.log and $DIR/log/ceph-$kind.*.log)"
}

# SIGTERM to each daemon named, then waits up to 20 s for all of them; survivors get SIGKILL.
stop_daemons() {
  local name pid i pids=()
  for name in "$@"; do
    pid="$(daemon_pid "$name")"
    rm -f "$DIR/run/ceph-$name.pid"
    [ -n "$pid" ] || continue
    kill -TERM "$pid" 2>/dev/null || true
    pids+=("$pid")
  done
  for pid in "${pids[@]}"; do
    for ((i = 0; i < 200; i++)); do
      [ -d "/proc/$pid" ] || break
      sleep 0.1
    done
    if [ -d "/proc/$pid" ]; then
      log "pid $pid ignored SIGTERM for 20 s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

osd_ids() {
  local f
  for f in "$DIR"/osd/slot-*.id; do [ -f "$f" ] && cat "$f"; done
}

# --- bootstrap steps (each one idempotent) --------------------------------------------------------

bootstrap_monitor() {
  [ -f "$DIR/mon/ceph-a/.mkfs-done" ] && return 0
  log "creating the monitor"
  rm -rf "$DIR/mon/ceph-a" "$DIR/bootstrap"
  mkdir -p "$DIR/mon/ceph-a" "$DIR/bootstrap"
  local mon_keyring="$DIR/bootstrap/mon.keyring"
  ceph-authtool --create-keyring "$mon_keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  if [ ! -f "$ADMIN_KEYRING" ]; then
    ceph-authtool --create-keyring "$ADMIN_KEYRING.tmp" --gen-key -n client.admin \
      --cap mon 'allow *' --cap osd 'allow *' --cap mds 'allow *' --cap mgr 'allow *' >/dev/null
    chmod 0600 "$ADMIN_KEYRING.tmp"
    mv "$ADMIN_KEYRING.tmp" "$ADMIN_KEYRING"
  fi
  ceph-authtool "$mon_keyring" --import-keyring "$ADMIN_KEYRING" >/dev/null
  monmaptool --create --fsid "$FSID" --addv a "[v2:$ADDRESS:$MON_PORT]" --enable-all-features \
    --set-min-mon-release pacific "$DIR/bootstrap/monmap" >/dev/null
  ceph-mon -c "$DAEMON_CONF" --mkfs -i a --monmap "$DIR/bootstrap/monmap" --keyring "$mon_keyring"
  rm -rf "$DIR/bootstrap"
  touch "$DIR/mon/ceph-a/.mkfs-done"
}

bootstrap_manager() {
  [ -f "$DIR/mgr/ceph-x/keyring" ] && return 0
  mkdir -p "$DIR/mgr/ceph-x"
  admin auth get-or-create mgr.x mon 'allow profile mgr' osd 'allow *' mds 'allow *' \
    -o "$DIR/mgr/ceph-x/keyring.tmp" >/dev/null
  mv "$DIR/mgr/ceph-x/keyring.tmp" "$DIR/mgr/ceph-x/keyring"
}

# OSD slot n: a uuid kept in DIR/osd/slot-n.uuid makes `ceph osd new` return the same id again.
# Registers the OSD with its key in one call; prints its id when its BlueStore still has to be made.
register_osd() {
  local slot="$1" uuid id data secret
  [ -f "$DIR/osd/slot-$slot.id" ] && return 0
  mkdir -p "$DIR/osd"
  [ -f "$DIR/osd/slot-$slot.uuid" ] || cat /proc/sys/kernel/random/uuid >"$DIR/osd/slot-$slot.uuid"
  uuid="$(cat "$DIR/osd/slot-$slot.uuid")"
  # The secret goes through files written by the shell's builtins: never on a command line.
  if [ ! -f "$DIR/osd/slot-$slot.secret.json" ]; then
    secret="$(ceph-authtool --gen-print-key)"
    (umask 077 && printf '{"cephx_secret": "%s"}\n' "$secret" >"$DIR/osd/slot-$slot.secret.json")
  fi
  secret="$(sed -n 's/.*"cephx_secret": "\([^"]*\)".*/\1/p' "$DIR/osd/slot-$slot.secret.json")"
  id="$(admin osd new "$uuid" -i "$DIR/osd/slot-$slot.secret.json")"
  [[ "$id" =~ ^[0-9]+$ ]] || die "ceph osd new gave '$id'"
  data="$DIR/osd/ceph-$id"
  rm -rf "$data"
  mkdir -p "$data"
  (umask 077 && printf '[osd.%s]\n\tkey = %s\n' "$id" "$secret" >"$data/keyring")
  echo "$id"
}

# Makes the BlueStore of an OSD (its block file is created sparse) and records the slot as done.
mkfs_osd() {
  local slot="$1" id="$2" uuid
  uuid="$(cat "$DIR/osd/slot-$slot.uuid")"
  ceph-osd -c "$DAEMON_CONF" -i "$id" --mkfs --osd-uuid "$uuid" 9>&- >>"$DIR/log/osd-mkfs.$id.log" 2>&1 ||
    die "ceph-osd --mkfs for osd.$id failed (see $DIR/log/osd-mkfs.$id.log)"
  echo "$id" >"$DIR/osd/slot-$slot.id"
  rm -f "$DIR/osd/slot-$slot.secret.json"
}

# Registers every OSD, then makes their BlueStores in parallel (each mkfs takes seconds of I/O waits).
bootstrap_osds() {
  local slot id pids=() pid
  for ((slot = 0; slot < OSD_COUNT; slot++)); do
    id="$(register_osd "$slot")"
    [ -n "$id" ] || continue
    step "creating osd.$id (BlueStore on $DIR/osd/ceph-$id/block, ${OSD_GIB} GiB sparse)"
    mkfs_osd "$slot" "$id" &
    pids+=("$!")
  done
  for pid in "${pids[@]}"; do wait "$pid" || die "an OSD mkfs failed"; done
}

bootstrap_pools() {
  local pool pids=() pid
  # Creating a pool that exists succeeds; size and min size come from the defaults in the config.
  for pool in "${POOLS[@]}"; do
    admin osd pool create "$pool" "$PG_NUM" "$PG_NUM" replicated >/dev/null 2>&1 &
    pids+=("$!")
  done
  for pid in "${pids[@]}"; do wait "$pid" || die "cannot create the pools"; done
  pids=()
  # rbd pool init waits for the pool's placement groups to peer: the three wait together.
  for pool in "${POOLS[@]}"; do
    timeout 120 rbd -c "$CLIENT_CONF" -n client.admin pool init "$pool" &
    pids+=("$!")
  done
  for pid in "${pids[@]}"; do wait "$pid" || die "rbd pool init failed"; done
}

bootstrap_client() {
  [ -f "$NUAGE_KEYRING" ] && return 0
  local osd_caps="profile rbd pool=images, profile rbd pool=volumes, profile rbd pool=vms"
  admin auth get-or-create client.nuage mon 'profile rbd' osd "$osd_caps" mgr "$osd_caps" \
    -o "$NUAGE_KEYRING.tmp" >/dev/null
  chmod 0600 "$NUAGE_KEYRING.tmp"
  mv "$NUAGE_KEYRING.tmp" "$NUAGE_KEYRING"
}

wait_healthy() {
  local deadline health
  deadline=$(($(date +%s) + HEALTH_TIMEOUT_S))
  while :; do
    health="$(admin health 2>/dev/null || true)"
    [ "$health" = "HEALTH_OK" ] && return 0
    if [ "$(date +%s)" -ge "$deadline" ]; then
      admin health detail >&2 || true
      die "not healthy after ${HEALTH_TIMEOUT_S}s: $health"
    fi
    sleep 1
  done
}

# --- leases ---------------------------------------------------------------------------------------

# A lease is DIR/leases/<name> holding the pid of the process that asked (the caller's parent: the
# test runner). A lease whose process is gone no longer counts.
add_lease() {
  [ -n "${CEPH_RIG_LEASE:-}" ] || return 0
  mkdir -p "$DIR/leases"
  echo "$PPID" >"$DIR/leases/${CEPH_RIG_LEASE//\//_}"
}

# Drops our lease; succeeds when no live lease remains.
drop_lease_and_check_last() {
  [ -n "${CEPH_RIG_LEASE:-}" ] || return 0
  rm -f "$DIR/leases/${CEPH_RIG_LEASE//\//_}"
  local f pid
  for f in "$DIR"/leases/*; do
    [ -f "$f" ] || continue
    pid="$(cat "$f" 2>/dev/null || true)"
    if [[ "$pid" =~ ^[0-9]+$ ]] && [ -d "/proc/$pid" ]; then return 1; fi
    rm -f "$f"
  done
  return 0
}

# --- commands -------------------------------------------------------------------------------------

cmd_start() {
  mkdir -p "$DIR/run" "$DIR/log" "$DIR/crash"
  chmod 0700 "$DIR"
  load_settings
  write_daemon_conf
  write_client_conf
  bootstrap_monitor
  start_daemons mon a
  step "monitor up"
  bootstrap_manager
  start_daemons mgr x
  step "manager up"
  bootstrap_osds
  start_daemons osd $(osd_ids)
  step "OSDs started"
  if [ ! -f "$DIR/.pools-done" ]; then
    bootstrap_pools
    touch "$DIR/.pools-done"
    step "pools ready"
  fi
  bootstrap_client
  wait_healthy
  add_lease
  log "HEALTH_OK: mon v2:$ADDRESS:$MON_PORT, $OSD_COUNT OSDs, pools ${POOLS[*]}"
  log "client: --conf $CLIENT_CONF --id nuage (keyring $NUAGE_KEYRING)"
  log "started in $(elapsed)s"
}

cmd_stop() {
  [ -d "$DIR" ] || return 0
  if ! drop_lease_and_check_last; then
    log "other leases remain in $DIR/leases: daemons left running"
    return 0
  fi
  local id osds=()
  for id in $(osd_ids); do osds+=("osd.$id"); done
  # The OSDs together (each takes seconds to say goodbye to the monitor), then the manager and monitor.
  stop_daemons "${osds[@]}"
  stop_daemons mgr.x mon.a
  log "stopped"
}

cmd_status() {
  local name pid all=0 id
  for name in mon.a mgr.x $(for id in $(osd_ids); do echo "osd.$id"; done); do
    pid="$(daemon_pid "$name")"
    if [ -n "$pid" ]; then log "$name running (pid $pid)"; else
      log "$name stopped"
      all=1
    fi
  done
  if [ -n "$(daemon_pid mon.a)" ]; then admin health || all=1; fi
  return "$all"
}

mkdir -p "$DIR"
# One command at a time per rig directory (parallel test files start and stop the same rig).
exec 9>"$DIR/.lock"
flock -w 600 9 || die "another ceph-rig command holds $DIR/.lock"
case "$CMD" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  destroy)
    unset CEPH_RIG_LEASE
    cmd_stop
    rm -rf "$DIR"
    log "removed $DIR"
    ;;
esac
