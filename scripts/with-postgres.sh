#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on a free loopback port, run "$@" with DATABASE_URL pointing at it,
# then stop and remove the cluster (also on failure or interruption).
set -euo pipefail
BIN=""
for dir in /usr/lib/postgresql/*/bin; do [ -x "$dir/initdb" ] && BIN="$dir"; done
[ -n "$BIN" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)." >&2; exit 1; }
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
DATA=$(mktemp -d /tmp/parcours-pg.XXXXXX)
RUN=()
if [ "$(id -u)" = "0" ]; then chown postgres:postgres "$DATA"; RUN=(runuser -u postgres --); fi
pg() { (cd "$DATA" && "${RUN[@]}" "$@"); }  # from a folder the postgres user may enter
cleanup() {
  pg "$BIN/pg_ctl" -D "$DATA/db" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DATA"
}
trap cleanup EXIT INT TERM
pg "$BIN/initdb" -D "$DATA/db" -U parcours --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
pg "$BIN/pg_ctl" -D "$DATA/db" -l "$DATA/log" -w \
  -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
echo "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"
export DATABASE_URL="postgres://parcours@127.0.0.1:$PORT/parcours"
pg "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U parcours parcours
"$@"
