#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback, for the tests, the benchmarks and the example service.
#
#   Scripts/postgres.sh start DIR PORT   # initdb (first time) + start; user and database "memtop", trust auth
#   Scripts/postgres.sh restart DIR      # pg_ctl restart -m fast (what the outage test does)
#   Scripts/postgres.sh stop DIR
#
# initdb refuses to run as root, so as root the cluster belongs to the "postgres" user (DIR is chowned to it).
# The server listens on 127.0.0.1:PORT and on a socket in DIR/socket; its log is DIR/server.log.
set -euo pipefail
ACTION="${1:?start|restart|stop}"
DIR="${2:?the directory of the cluster}"
PORT="${3:-55432}"
BIN="${POSTGRES_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
[ -x "$BIN/pg_ctl" ] || { echo "no PostgreSQL server binaries (apt-get install postgresql)"; exit 1; }
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$ACTION" in
start)
    mkdir -p "$DIR/socket"
    [ "$(id -u)" -eq 0 ] && chown -R postgres: "$DIR"
    if [ ! -f "$DIR/data/PG_VERSION" ]; then
        as_owner "$BIN/initdb" -D "$DIR/data" -A trust -U memtop --no-sync >"$DIR/initdb.log" 2>&1 \
            || { cat "$DIR/initdb.log"; exit 1; }
    fi
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 30 \
        -o "-p $PORT -k $DIR/socket -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >/dev/null
    "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U memtop -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'memtop'" \
        | grep -q 1 || "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U memtop memtop
    echo "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT (data in $DIR/data)"
    ;;
restart) as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 30 -m fast restart >/dev/null ;;
stop) as_owner "$BIN/pg_ctl" -D "$DIR/data" -w -t 30 -m fast stop >/dev/null || true ;;
*) echo "unknown action $ACTION (start|restart|stop)"; exit 2 ;;
esac
