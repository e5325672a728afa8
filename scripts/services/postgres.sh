#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server (Debian's postgresql package) for the tests: a new
# cluster in a temporary folder, listening on 127.0.0.1 only, on the port given, trusting local
# connections. Prints the connection URL. $POSTGRES_SETTINGS adds server settings
# ("-c shared_buffers=2GB ..."). As root it runs the server as the `postgres` user
# (PostgreSQL refuses to run as root). Stop it with: scripts/services/postgres.sh stop DIR
#   scripts/services/postgres.sh start DIR PORT
set -euo pipefail
action="$1" dir="$2"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$bin/initdb" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}
case "$action" in
  start)
    port="$3"
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
    as_owner "'$bin/initdb' -D '$dir/data' -U postgres --auth=trust --no-sync >'$dir/initdb.log' 2>&1"
    as_owner "'$bin/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c fsync=off ${POSTGRES_SETTINGS:-}\" start >/dev/null"
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    as_owner "'$bin/pg_ctl' -D '$dir/data' -m immediate stop >/dev/null 2>&1" || true
    ;;
esac
