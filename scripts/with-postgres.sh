#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL server: a new cluster in a temporary folder,
# listening on 127.0.0.1 only, with CLAIMEX_TEST_POSTGRES set to its URL; the server and the
# folder are removed when the command ends. Installs Debian's postgresql package if no server
# binaries are found. Used by `make test`:
#
#   scripts/with-postgres.sh cargo test --workspace
set -euo pipefail

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
PGBIN=$(find_bin || true)
if [[ -z ${PGBIN} ]]; then
  echo "with-postgres: installing Debian's postgresql package" >&2
  if [[ $(id -u) -ne 0 ]]; then
    echo "with-postgres: no PostgreSQL server found and not root: install the postgresql package" >&2
    exit 1
  fi
  if ! { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2; }; then
    echo "with-postgres: could not install Debian's postgresql package (see apt's message above): the PostgreSQL tests need a server" >&2
    exit 1
  fi
  PGBIN=$(find_bin)
fi

DIR=$(mktemp -d /tmp/claimex-pg.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The server refuses to run as root: run it as the postgres user the package created.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[[ $(id -u) -eq 0 ]] && chown postgres "$DIR"
stop() {
  as_owner "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap stop EXIT
as_owner "$PGBIN/initdb" -D "$DIR/data" -A trust -U claimex --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
if ! as_owner "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50" start >/dev/null; then
  echo "with-postgres: the PostgreSQL server did not start; its log:" >&2
  cat "$DIR/server.log" >&2 || true
  exit 1
fi
export CLAIMEX_TEST_POSTGRES="postgres://claimex@127.0.0.1:$PORT/postgres"
echo "with-postgres: throwaway server at $CLAIMEX_TEST_POSTGRES" >&2
"$@"
