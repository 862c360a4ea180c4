#!/usr/bin/env bash
# Ingest of 1000 failed SSH logins per batch from one source IP against from 1000 source IPs,
# alone (no seeding): issue 12 item 7's ratio, quick enough to run before and after a change
# and under a profiler (PERF=1 records the 1000-IP phase with `perf record -g`).
# Usage: bench/ingest_spread.sh [sqlite|postgres] [duration]
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND=${1:-sqlite}
DURATION=${2:-10s}
PORT=${PORT:-18081}
BASE=http://127.0.0.1:$PORT
WORK=$(mktemp -d)
cleanup() {
  kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true
  if [ -n "${DB:-}" ]; then psql "$ADMIN" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
if [ -z "${MINI_XDR_BIN:-}" ]; then
  cargo build --release --locked --bin mini-xdr >/dev/null
fi
BIN=${MINI_XDR_BIN:-target/release/mini-xdr}
export MINI_XDR__SERVER__DATA_DIR="$WORK/data" MINI_XDR__RATE_LIMIT__ENABLED=false \
       MINI_XDR__LOG__LEVEL=warn MINI_XDR__SERVER__BIND=127.0.0.1:$PORT
if [ "$BACKEND" = postgres ]; then
  ADMIN=${MINI_XDR_BENCH_PG:-postgres://postgres@127.0.0.1:5432/postgres}
  psql "$ADMIN" -qc "DO \$\$ BEGIN CREATE ROLE mini_xdr_bench LOGIN PASSWORD 'mini_xdr_bench' NOSUPERUSER NOBYPASSRLS; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$"
  DB=mini_xdr_spread_$$
  psql "$ADMIN" -qc "CREATE DATABASE $DB OWNER mini_xdr_bench"
  HOSTPORT=${ADMIN#*@}; HOSTPORT=${HOSTPORT%%/*}
  export MINI_XDR__DATABASE__URL="postgres://mini_xdr_bench:mini_xdr_bench@$HOSTPORT/$DB"
fi
"$BIN" serve 2>"${SERVER_LOG:-$WORK/server.log}" &
SERVER=$!
for _ in $(seq 1 100); do curl -fs "$BASE/readyz" >/dev/null && break; sleep 0.1; done
python3 bench/seed.py "$BASE" 1 0 "$WORK"
export TOKEN_FILE=$WORK/token
phase() {
  echo "== POST /events: $1 (events/s = 1000 x req/s)"
  BODY_FILE=$2 wrk -t2 -c4 -d"$DURATION" -s bench/post.lua "$BASE/api/v1/events" \
    | grep -E "Requests/sec|Latency  |Non-2xx"
}
phase "1000 failed logins from 1 IP" "$WORK/failed_logins_one_ip.json"
if [ -n "${PERF:-}" ]; then
  perf record -g -o "${PERF_OUT:-perf.data}" -p "$SERVER" 2>/dev/null &
  PERF_PID=$!
fi
phase "1000 failed logins from 1000 IPs" "$WORK/failed_logins_many_ips.json"
if [ -n "${PERF:-}" ]; then kill -INT "$PERF_PID"; wait "$PERF_PID" || true; fi
