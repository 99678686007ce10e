#!/usr/bin/env bash
# Starts (or reuses) a throwaway PostgreSQL cluster for the tests and prints its Npgsql connection string.
#
# The cluster lives under ${SAASPORTAL_PG_DIR:-/tmp/saasportal-pg}, listens on 127.0.0.1:${SAASPORTAL_PG_PORT:-54329}
# and trusts local connections: it holds only test data and is never exposed beyond loopback.
# PostgreSQL comes from Debian's packages; the script installs it when missing and fails loudly when it cannot.
set -euo pipefail

dir=${SAASPORTAL_PG_DIR:-/tmp/saasportal-pg}
port=${SAASPORTAL_PG_PORT:-54329}
log() { echo "test-postgres: $*" >&2; }

find_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x $d/initdb && -x $d/pg_ctl ]]; then echo "$d"; return 0; fi
  done
  return 1
}

# One caller at a time: parallel test processes may all ask for the cluster.
exec 9>"/tmp/saasportal-pg.lock"
flock 9

if ! bin=$(find_bin); then
  log "PostgreSQL server not found; installing Debian's postgresql package"
  if [[ $(id -u) -ne 0 ]]; then log "not root: install the 'postgresql' package by hand"; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || { log "apt-get update failed"; exit 1; }
  apt-get install -y -qq postgresql >&2 || { log "apt-get install postgresql failed"; exit 1; }
  bin=$(find_bin) || { log "postgresql installed but initdb/pg_ctl not found"; exit 1; }
fi

# PostgreSQL refuses to run as root; run the cluster as the 'postgres' system user when we are root.
run() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [[ ! -f $dir/PG_VERSION ]]; then
  log "initialising cluster in $dir"
  mkdir -p "$dir"
  [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$dir"
  run "$bin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >&2
  cat >>"$dir/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 128MB
CONF
fi

if ! run "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
  log "starting cluster on 127.0.0.1:$port"
  # 9>&-: the server must not inherit the lock's descriptor, or it would hold the lock for its whole life.
  run "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start >&2 9>&- || { log "pg_ctl start failed:"; tail -20 "$dir/server.log" >&2; exit 1; }
fi

echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
