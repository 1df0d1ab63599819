#!/usr/bin/env bash
# Run a program against a throwaway PostgreSQL cluster:
#   cluster.sh PROGRAM [ARGUMENT...]
# makes a cluster in a temporary folder (initdb as the `postgres` user
# when run as root, since initdb refuses root), listening only on a Unix
# socket in that folder, runs PROGRAM with RRD_TEST_PG set to its
# connection string, then stops the cluster and removes the folder, also
# when the program fails or the script is interrupted. The status is the
# program's. With RRD_PG_DURABLE=1 the server keeps its durable defaults.
set -euo pipefail
PGBIN=${PGBIN:-$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)}
if [ ! -x "$PGBIN/initdb" ] && [ -d /usr/lib/postgresql ]; then
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
program=$(realpath "$1")
shift
dir=$(mktemp -d /tmp/rrd-pg.XXXXXX)
chmod 755 "$dir"
if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
cd "$dir"
as_owner "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust --no-sync >/dev/null
port=$(( 20000 + RANDOM % 20000 ))
# Tests need no durability; benchmarks (RRD_PG_DURABLE=1) keep initdb's
# defaults, as the server of a real deployment does.
fast="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
if [ "${RRD_PG_DURABLE:-0}" = 1 ]; then fast=""; fi
as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 start \
  -o "-c listen_addresses='' -c unix_socket_directories='$dir' -p $port $fast -c max_connections=60" >/dev/null
export RRD_TEST_PG="host=$dir port=$port user=postgres dbname=postgres"
status=0
"$program" "$@" || status=$?
exit "$status"
