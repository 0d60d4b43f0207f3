#!/usr/bin/env bash
# Usage: scripts/with-postgres.sh CMD [ARGS...]
#
# Runs CMD with GATEHOUSE_TEST_DB=postgres and TEST_POSTGRES_URL pointing at a PostgreSQL server
# whose user may CREATE DATABASE (the test harness creates and drops a database per test file).
#
# - If TEST_POSTGRES_URL is already set, that server is used as is.
# - Otherwise a throwaway server is started from the newest /usr/lib/postgresql/*/bin (or
#   $PG_BINDIR): a fresh cluster in a temp dir under /tmp (initdb -A trust -U gatehouse), tuned
#   for tests (fsync off), on 127.0.0.1:54329 or the next free port. It is stopped and its data
#   dir removed when this script exits, however it exits. PostgreSQL refuses to run as root, so
#   as root the server runs as the `postgres` OS user.
#
# Exits with CMD's exit status.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

export GATEHOUSE_TEST_DB=postgres

if [ -n "${TEST_POSTGRES_URL:-}" ]; then
  exec "$@"
fi

log() { echo "with-postgres: $*" >&2; }

# --- locate the server binaries --------------------------------------------------------------
bindir="${PG_BINDIR:-}"
if [ -z "$bindir" ]; then
  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ] || [ ! -x "$bindir/pg_ctl" ]; then
  log "no PostgreSQL server binaries found (looked for /usr/lib/postgresql/*/bin/initdb)."
  log "Install them, e.g.: apt-get update && apt-get install -y postgresql"
  log "or set TEST_POSTGRES_URL to an existing server (a user that may CREATE DATABASE)."
  exit 1
fi

# --- who runs the server -----------------------------------------------------------------------
# as_pg CMD...: run CMD as the server's OS user (postgres when we are root, else ourselves),
# from a directory that user can enter.
if [ "$(id -u)" -eq 0 ]; then
  if ! id -u postgres >/dev/null 2>&1; then
    log "running as root but there is no 'postgres' OS user to run the server; creating one"
    useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
  fi
  if command -v runuser >/dev/null 2>&1; then
    as_pg() { (cd / && runuser -u postgres -- "$@"); }
  else
    as_pg() {
      local q
      q="$(printf '%q ' "$@")"
      (cd / && su postgres -s /bin/sh -c "$q")
    }
  fi
else
  as_pg() { (cd / && "$@"); }
fi

# --- throwaway cluster -------------------------------------------------------------------------
# /tmp, not $TMPDIR: every parent must be traversable by the postgres user, and the socket path
# (-k) must stay short.
base="$(mktemp -d /tmp/gatehouse-pg.XXXXXX)"
datadir="$base/data"
logfile="$base/postgres.log"
started=""

cleanup() {
  local rc=$?
  if [ -n "$started" ]; then
    as_pg "$bindir/pg_ctl" -D "$datadir" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$base"
  return "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$base"
fi
chmod 700 "$base"

if ! as_pg "$bindir/initdb" -D "$datadir" -A trust -U gatehouse -E UTF8 --no-locale >"$base/initdb.log" 2>&1; then
  log "initdb failed:"
  cat "$base/initdb.log" >&2
  exit 1
fi

port_busy() {
  # a successful TCP connect means something already listens there
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

port="${TEST_POSTGRES_PORT:-54329}"
for attempt in $(seq 1 20); do
  while port_busy "$port"; do port=$((port + 1)); done
  opts="-c listen_addresses=127.0.0.1 -p $port -k $base -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
  if as_pg "$bindir/pg_ctl" -D "$datadir" -l "$logfile" -o "$opts" -w -t 60 start >/dev/null 2>&1; then
    started=1
    break
  fi
  # most likely someone grabbed the port between the check and the bind: try the next one
  if [ "$attempt" -eq 20 ]; then
    log "could not start PostgreSQL; server log:"
    cat "$logfile" >&2 2>/dev/null || true
    exit 1
  fi
  as_pg "$bindir/pg_ctl" -D "$datadir" -m immediate -w stop >/dev/null 2>&1 || true
  port=$((port + 1))
done

export TEST_POSTGRES_URL="postgresql://gatehouse@127.0.0.1:$port/postgres"
log "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data: $datadir)"

# CMD runs as a background job so a TERM/INT/HUP sent to this script is handled at once (bash
# defers traps while a foreground command runs): it is passed on to CMD, and once CMD is gone the
# EXIT trap stops the server. `<&0` keeps our stdin (a background job would get /dev/null).
set +e
"$@" <&0 &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM
trap 'kill -INT "$child" 2>/dev/null' INT
trap 'kill -HUP "$child" 2>/dev/null' HUP
while :; do
  wait "$child"
  status=$?
  kill -0 "$child" 2>/dev/null || break
done
wait "$child" 2>/dev/null
status=$?
exit "$status"
