# Starts a throwaway PostgreSQL cluster on 127.0.0.1 for the test suite, unless
# VEJVISER_TEST_POSTGRES_URL already names one. Sourced by scripts/test; stops it on exit.
# pg_stat_statements is loaded: the query-plan test (tests/api/query_plans.rs) lists the
# statements the requests ran from it.

start_test_postgres() {
  if [ -n "${VEJVISER_TEST_POSTGRES_URL:-}" ]; then
    echo "postgres: using VEJVISER_TEST_POSTGRES_URL"
    return
  fi
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "postgres: no PostgreSQL server found; install it (apt-get install postgresql) or set VEJVISER_TEST_POSTGRES_URL" >&2
    return 1
  fi
  PG_DIR=$(mktemp -d /tmp/vejviser-pg.XXXXXX)
  PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # Tests need no durability; a benchmark (VEJVISER_PG_DURABLE=1) keeps PostgreSQL's defaults.
  local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "${VEJVISER_PG_DURABLE:-}" = 1 ] && durability=""
  local as_owner=()
  if [ "$(id -u)" = 0 ]; then
    # initdb refuses to run as root: the cluster belongs to the postgres user.
    chown postgres "$PG_DIR"
    as_owner=(runuser -u postgres --)
  fi
  "${as_owner[@]}" "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  "${as_owner[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 $durability -c max_connections=300 -c shared_preload_libraries=pg_stat_statements" \
    start >/dev/null || { cat "$PG_DIR/server.log" >&2; return 1; }
  PG_STOP=("${as_owner[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -m immediate stop)
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE vejviser_test LOGIN CREATEDB PASSWORD 'vejviser_test'"
  export VEJVISER_TEST_POSTGRES_URL="postgres://vejviser_test:vejviser_test@127.0.0.1:$PG_PORT/postgres"
  echo "postgres: throwaway cluster on 127.0.0.1:$PG_PORT"
}

stop_test_postgres() {
  if [ -n "${PG_DIR:-}" ]; then
    "${PG_STOP[@]}" >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
