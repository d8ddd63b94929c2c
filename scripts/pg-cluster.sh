#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests: a temporary folder, a free port on 127.0.0.1,
# trust authentication for the local superuser, no fsync (test data only: an operating-system
# crash could lose commits, a crash of PostgreSQL itself cannot, since commits still wait for
# their WAL write).
#
#   pg-cluster.sh start STATE         start a cluster; write its description to the file STATE
#   pg-cluster.sh stop STATE          stop it and delete its folder (no error if already gone)
#   pg-cluster.sh pause STATE         stop the server only (simulates an outage); resume STATE
#                                     starts it again on the same port
#   pg-cluster.sh exec STATE [--db NAME] -- CMD...
#                                     run CMD with ORDO_TEST_POSTGRES_URL set to a fresh, empty
#                                     database NAME (default: ordo_test) of that cluster, and
#                                     ORDO_TEST_POSTGRES_ADMIN_URL to its `postgres` database
#   pg-cluster.sh run [--db NAME] -- CMD...
#                                     start a cluster, exec CMD in it, stop it — also when CMD
#                                     fails or the script is interrupted (trap)
#
# PostgreSQL refuses to run as root: when run as root, the server runs as the `postgres` user
# (created by Debian's postgresql package) and the folder belongs to it.
#
# ctest uses start/stop as a fixture so that every PostgreSQL test shares one cluster
# (tests/CMakeLists.txt); `run` is for a one-off by hand:
#   scripts/pg-cluster.sh run -- build/ordo_store_test
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
die() { echo "pg-cluster: $*" >&2; exit 1; }

[[ -x "$PGBIN/postgres" ]] || die "PostgreSQL 15 not found in $PGBIN (apt-get install postgresql)"

as_pg() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# psql against the cluster described by the sourced state file.
pg_psql() {
  PGOPTIONS="-c client_min_messages=warning" "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres "$@"
}

# Starts the server of the cluster in folder $1 on port $2.
# ORDO_PG_DURABLE=1 keeps fsync on (the benchmark measures a durable database; tests need not).
launch() {
  local durability="-c fsync=off -c full_page_writes=off"
  [[ "${ORDO_PG_DURABLE:-0}" == 1 ]] && durability=""
  as_pg "$PGBIN/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 30 start -o \
    "-c listen_addresses=127.0.0.1 -c port=$2 -c unix_socket_directories=$1 \
     $durability \
     -c max_connections=200 -c shared_buffers=64MB" >/dev/null 2>&1
}

start() {
  local state=$1
  [[ -s "$state" ]] && { stop "$state" || true; }
  local dir port
  dir=$(mktemp -d /tmp/ordo-pg.XXXXXX)
  chmod 0755 "$dir"
  if [[ $(id -u) -eq 0 ]]; then chown postgres:postgres "$dir"; fi
  as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; rm -rf "$dir"; die "initdb failed"; }
  # A few tries: another process may take the port between choosing and binding it.
  local try
  for try in 1 2 3 4 5; do
    port=$(free_port)
    if launch "$dir" "$port"; then break; fi
    port=""
  done
  if [[ -z "$port" ]]; then
    cat "$dir/server.log" >&2 || true
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    die "the cluster did not start"
  fi
  printf 'PG_DIR=%q\nPG_PORT=%q\n' "$dir" "$port" >"$state"
  echo "pg-cluster: PostgreSQL on 127.0.0.1:$port in $dir"
}

stop() {
  local state=$1
  [[ -s "$state" ]] || { rm -f "$state"; return 0; }
  # shellcheck disable=SC1090
  source "$state"
  if [[ -d "$PG_DIR/data" ]]; then
    as_pg "$PGBIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
      as_pg "$PGBIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PG_DIR"
  rm -f "$state"
}

# Stops the server but keeps the cluster (database outage tests), and starts it again on the
# same port.
pause() {
  # shellcheck disable=SC1090
  source "$1"
  as_pg "$PGBIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null
}
resume() {
  # shellcheck disable=SC1090
  source "$1"
  launch "$PG_DIR" "$PG_PORT" || die "the cluster did not start again"
}

exec_in() {
  local state=$1; shift
  local db=ordo_test
  if [[ "${1:-}" == "--db" ]]; then db=$2; shift 2; fi
  [[ "${1:-}" == "--" ]] && shift
  [[ $# -gt 0 ]] || die "exec: no command"
  [[ -f "$state" ]] || die "no cluster described in $state (start it first)"
  [[ "$db" =~ ^[a-z_][a-z0-9_]*$ ]] || die "bad database name: $db"
  # shellcheck disable=SC1090
  source "$state"
  pg_psql -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  export ORDO_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$PG_PORT/$db"
  export ORDO_TEST_POSTGRES_ADMIN_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
  "$@"
}

cmd=${1:-}
shift || true
case "$cmd" in
  start) [[ $# -eq 1 ]] || die "usage: start STATE"; start "$1" ;;
  stop) [[ $# -eq 1 ]] || die "usage: stop STATE"; stop "$1" ;;
  pause) [[ $# -eq 1 ]] || die "usage: pause STATE"; pause "$1" ;;
  resume) [[ $# -eq 1 ]] || die "usage: resume STATE"; resume "$1" ;;
  exec) [[ $# -ge 2 ]] || die "usage: exec STATE [--db NAME] -- CMD..."; exec_in "$@" ;;
  run)
    state=$(mktemp /tmp/ordo-pg-state.XXXXXX)
    trap 'stop "$state"' EXIT
    trap 'exit 130' INT TERM
    start "$state" >&2
    exec_in "$state" "$@"
    ;;
  *) die "usage: pg-cluster.sh start|stop STATE | exec STATE [--db NAME] -- CMD... | run -- CMD..." ;;
esac
