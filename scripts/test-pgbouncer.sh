#!/usr/bin/env bash
# Starts (or reuses) a PgBouncer in transaction mode in front of a test PostgreSQL cluster and prints the Npgsql
# connection string of the PgBouncer (Host and Port only: the rest comes from the direct connection string).
#
#   scripts/test-pgbouncer.sh [direct connection string]    default: $SAASPORTAL_TEST_PG, else scripts/test-postgres.sh
#
# It listens on 127.0.0.1:${SAASPORTAL_PGBOUNCER_PORT:-54339}, keeps its files in ${SAASPORTAL_PGBOUNCER_DIR:-/tmp/saasportal-pgbouncer}
# and trusts local connections, like the test cluster behind it. Every database name is forwarded to the cluster
# ("*" entry), so tenants created after it started are reachable. The server side is capped on purpose well below
# what the tests open on the client side (max_user_connections), so queueing in PgBouncer is exercised.
# PgBouncer comes from Debian's package; the script installs it when missing and fails loudly when it cannot.
set -euo pipefail

dir=${SAASPORTAL_PGBOUNCER_DIR:-/tmp/saasportal-pgbouncer}
port=${SAASPORTAL_PGBOUNCER_PORT:-54339}
log() { echo "test-pgbouncer: $*" >&2; }
here=$(cd "$(dirname "$0")" && pwd)

direct=${1:-${SAASPORTAL_TEST_PG:-}}
[[ -n $direct ]] || direct=$("$here/test-postgres.sh")
# Host and Port of the direct connection string (Npgsql keywords, any case; defaults as Npgsql's).
field() { tr ';' '\n' <<<"$direct" | awk -F= -v k="$1" 'tolower($1) == k { print $2 }' | tail -1; }
upstream_host=$(field host); upstream_port=$(field port)
upstream_host=${upstream_host:-127.0.0.1}; upstream_port=${upstream_port:-5432}
user=$(field username); [[ -n $user ]] || user=$(field "user id"); user=${user:-postgres}

exec 8>"/tmp/saasportal-pgbouncer.lock"
flock 8

if [[ ! -x /usr/sbin/pgbouncer ]]; then
  log "pgbouncer not found; installing Debian's pgbouncer package"
  if [[ $(id -u) -ne 0 ]]; then log "not root: install the 'pgbouncer' package by hand"; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y -qq pgbouncer >&2 || { apt-get update -qq >&2 && apt-get install -y -qq pgbouncer >&2; }; } \
    || { log "apt-get install pgbouncer failed"; exit 1; }
fi

# PgBouncer refuses to run as root; run it as the 'postgres' system user (Debian's package creates it) when we are root.
run() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

mkdir -p "$dir"
[[ $(id -u) -eq 0 ]] && chown postgres:postgres "$dir"
ini="$dir/pgbouncer.ini"
wanted=$(cat <<INI
[databases]
* = host=$upstream_host port=$upstream_port

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir = $dir
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
auth_type = trust
auth_file = $dir/userlist.txt
admin_users = $user
pool_mode = transaction
max_client_conn = 2000
default_pool_size = 4
max_user_connections = 24
server_idle_timeout = 30
autodb_idle_timeout = 60
ignore_startup_parameters = extra_float_digits
INI
)

pid_alive() { [[ -f $dir/pgbouncer.pid ]] && kill -0 "$(cat "$dir/pgbouncer.pid")" 2>/dev/null; }
if pid_alive && [[ -f $ini ]] && [[ "$(cat "$ini")" == "$wanted" ]]; then
  echo "Host=127.0.0.1;Port=$port"
  exit 0
fi
if pid_alive; then
  log "restarting: the upstream or the settings changed"
  kill "$(cat "$dir/pgbouncer.pid")"
  for _ in $(seq 50); do pid_alive || break; sleep 0.1; done
fi

printf '%s\n' "$wanted" >"$ini"
printf '"%s" ""\n' "$user" >"$dir/userlist.txt"
[[ $(id -u) -eq 0 ]] && chown postgres:postgres "$ini" "$dir/userlist.txt"
log "starting PgBouncer (transaction mode) on 127.0.0.1:$port in front of $upstream_host:$upstream_port"
# 8>&-: the daemon must not inherit the lock's descriptor, or it would hold the lock for its whole life.
run /usr/sbin/pgbouncer -d "$ini" 8>&- || { log "pgbouncer did not start:"; tail -20 "$dir/pgbouncer.log" >&2; exit 1; }
for _ in $(seq 50); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "Host=127.0.0.1;Port=$port"
    exit 0
  fi
  sleep 0.1
done
log "pgbouncer is not listening on 127.0.0.1:$port:"; tail -20 "$dir/pgbouncer.log" >&2
exit 1
