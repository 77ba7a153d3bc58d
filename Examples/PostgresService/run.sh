#!/usr/bin/env bash
# The example service end to end on this machine: a throwaway PostgreSQL, nats-server, the service, and wrk
# driving it; it prints the command that watches it in memtop. Ctrl-C (or the end of the load) stops it all.
#
#   bash Examples/PostgresService/run.sh [SECONDS]      # load for SECONDS (default 120), then stop
#   CONFIGURATION=release bash Examples/PostgresService/run.sh   # an optimized build (slower to build)
#
# Needs: postgresql, nats-server and wrk (apt-get install postgresql nats-server wrk).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SECONDS_OF_LOAD="${1:-120}"
CONFIGURATION="${CONFIGURATION:-debug}"
for tool in nats-server wrk psql; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (apt-get install postgresql nats-server wrk)"; exit 1; }
done
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
WORK="$(mktemp -d)"
chmod 755 "$WORK"  # the cluster in it belongs to the postgres user when this runs as root
POSTGRES_PORT="$(free_port)" NATS_PORT="$(free_port)" HTTP_PORT="$(free_port)"
SERVICE_PID="" NATS_PID=""
cleanup() {
    [ -n "$SERVICE_PID" ] && kill -TERM "$SERVICE_PID" 2>/dev/null && wait "$SERVICE_PID" || true
    [ -n "$NATS_PID" ] && kill "$NATS_PID" 2>/dev/null || true
    bash "$ROOT/Scripts/postgres.sh" stop "$WORK/pg"
    rm -rf "$WORK"
}
trap cleanup EXIT

bash "$ROOT/Scripts/postgres.sh" start "$WORK/pg" "$POSTGRES_PORT"
nats-server -a 127.0.0.1 -p "$NATS_PORT" >"$WORK/nats.log" 2>&1 &
NATS_PID=$!
swift build --package-path "$HERE" -c "$CONFIGURATION" 2>&1 | grep -E "error|Compiling PostgresService|Build" || true
BIN="$(swift build --package-path "$HERE" -c "$CONFIGURATION" --show-bin-path)/PostgresService"
POSTGRES_PORT="$POSTGRES_PORT" NATS_URL="nats://127.0.0.1:$NATS_PORT" HTTP_PORT="$HTTP_PORT" "$BIN" &
SERVICE_PID=$!
for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:$HTTP_PORT/health" >/dev/null 2>&1 && break
    kill -0 "$SERVICE_PID" 2>/dev/null || { echo "run.sh: the service exited"; exit 1; }
    sleep 0.2
done
cat <<TEXT

The service answers on http://127.0.0.1:$HTTP_PORT (try: curl http://127.0.0.1:$HTTP_PORT/items/7).
Watch it, from another terminal in $ROOT:

    swift run memtop attach nats://127.0.0.1:$NATS_PORT --engine shop-1

wrk drives it for $SECONDS_OF_LOAD s (90 % cached reads, 9 % stock moves, 1 % reports); Ctrl-C stops everything.
TEXT
wrk -t2 -c32 -d"${SECONDS_OF_LOAD}s" -s "$HERE/load.lua" "http://127.0.0.1:$HTTP_PORT"
