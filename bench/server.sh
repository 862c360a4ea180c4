# Sourced by the bench scripts: starts a release mini-xdr on $PORT with its data in $WORK,
# on SQLite or (BACKEND=postgres) on a fresh PostgreSQL database, and stops and drops it on
# exit. Sets BIN, BASE and SERVER.
# MINI_XDR_BIN: a binary built elsewhere (to compare two commits on the same run of a
# script); otherwise the release build of this tree. SERVER_LOG: where its stderr goes.

bench_cleanup() {
  kill "${SERVER:-}" 2>/dev/null || true; wait "${SERVER:-}" 2>/dev/null || true
  if [ -n "${DB:-}" ]; then psql "$ADMIN" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"; fi
  rm -rf "$WORK"
}

start_server() {
  trap bench_cleanup EXIT
  if [ -z "${MINI_XDR_BIN:-}" ]; then
    cargo build --release --locked --bin mini-xdr >/dev/null
  fi
  BIN=${MINI_XDR_BIN:-target/release/mini-xdr}
  BASE=http://127.0.0.1:$PORT
  export MINI_XDR__SERVER__DATA_DIR="$WORK/data" MINI_XDR__RATE_LIMIT__ENABLED=false \
         MINI_XDR__LOG__LEVEL=warn MINI_XDR__SERVER__BIND=127.0.0.1:$PORT
  if [ "$BACKEND" = postgres ]; then
    ADMIN=${MINI_XDR_BENCH_PG:-postgres://postgres@127.0.0.1:5432/postgres}
    # The server connects as a role row-level security applies to (not the superuser), as
    # in production (docs/security.md), so the numbers include its cost.
    psql "$ADMIN" -qc "DO \$\$ BEGIN CREATE ROLE mini_xdr_bench LOGIN PASSWORD 'mini_xdr_bench' NOSUPERUSER NOBYPASSRLS; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$"
    DB=mini_xdr_bench_$$
    psql "$ADMIN" -qc "CREATE DATABASE $DB OWNER mini_xdr_bench"
    local hostport=${ADMIN#*@}; hostport=${hostport%%/*}
    export MINI_XDR__DATABASE__URL="postgres://mini_xdr_bench:mini_xdr_bench@$hostport/$DB"
  fi
  "$BIN" serve 2>"${SERVER_LOG:-$WORK/server.log}" &
  SERVER=$!
  for _ in $(seq 1 100); do curl -fs "$BASE/readyz" >/dev/null && break; sleep 0.1; done
}
