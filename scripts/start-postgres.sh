#!/usr/bin/env bash
# Starts the Debian PostgreSQL cluster (apt leaves it stopped), waits until it accepts connections,
# creates the role `nuage` (password `nuage`, may create databases) and the database `nuage_test`
# if they are absent, and prints the database URL as the last line of stdout. Idempotent.
#
# Usage: sudo bash scripts/start-postgres.sh [--reset]
#   --reset  drop and recreate nuage_test, so a test run starts from an empty database.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly ROLE=nuage
readonly PASSWORD=nuage
readonly DATABASE=nuage_test
readonly CLUSTER=main
readonly WAIT_SECONDS=30

log() { printf 'start-postgres: %s\n' "$*" >&2; }
die() {
  printf 'start-postgres: error: %s\n' "$*" >&2
  exit 1
}

reset=0
for arg in "$@"; do
  case "$arg" in
    --reset) reset=1 ;;
    *) die "unknown argument: $arg" ;;
  esac
done

[ "$(id -u)" -eq 0 ] || die "run as root (it starts the cluster and runs psql as the postgres user)."
command -v pg_ctlcluster >/dev/null 2>&1 || die "pg_ctlcluster not found; run scripts/install-deps.sh first."

# The newest installed major version that has a `main` cluster.
version="$(find /etc/postgresql -mindepth 2 -maxdepth 2 -type d -name "$CLUSTER" 2>/dev/null |
  awk -F/ '{print $4}' | sort -n | tail -n 1)"
[ -n "$version" ] || die "no PostgreSQL cluster under /etc/postgresql/*/$CLUSTER; run scripts/install-deps.sh first."

port="$(awk -F= '/^[[:space:]]*port[[:space:]]*=/ {gsub(/[^0-9]/, "", $2); print $2; exit}' \
  "/etc/postgresql/$version/$CLUSTER/postgresql.conf" 2>/dev/null || true)"
port="${port:-5432}"

if ! pg_ctlcluster "$version" "$CLUSTER" status >/dev/null 2>&1; then
  log "starting cluster $version/$CLUSTER"
  pg_ctlcluster "$version" "$CLUSTER" start >&2 ||
    die "pg_ctlcluster $version $CLUSTER start failed; see /var/log/postgresql/postgresql-$version-$CLUSTER.log"
fi

ready=0
for _ in $(seq 1 $((WAIT_SECONDS * 5))); do
  if pg_isready -q -h 127.0.0.1 -p "$port"; then
    ready=1
    break
  fi
  sleep 0.2
done
[ "$ready" -eq 1 ] || die "PostgreSQL $version did not accept connections on 127.0.0.1:$port within ${WAIT_SECONDS}s"

# Runs one SQL statement as the postgres superuser and prints the unaligned result.
psql_admin() {
  su postgres -c "cd / && psql -X -q -v ON_ERROR_STOP=1 -p $port -tA -d postgres" <<<"$1"
}

if [ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != "1" ]; then
  log "creating role $ROLE"
  psql_admin "CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'" >/dev/null
else
  # Keep the role usable by tests that create a fresh database per server start.
  psql_admin "ALTER ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'" >/dev/null
fi

if [ "$reset" -eq 1 ]; then
  log "dropping database $DATABASE"
  psql_admin "DROP DATABASE IF EXISTS $DATABASE WITH (FORCE)" >/dev/null
fi

if [ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" != "1" ]; then
  log "creating database $DATABASE"
  psql_admin "CREATE DATABASE $DATABASE OWNER $ROLE" >/dev/null
fi

echo "postgres://$ROLE:$PASSWORD@127.0.0.1:$port/$DATABASE"
