#!/usr/bin/env bash
# Load benchmarks of a release mini-xdr on this machine (server and load tool share the cores).
# Usage: bench/run.sh [sqlite|postgres] [orgs] [incidents-per-org]
# Needs: wrk and hyperfine (apt-get install -y wrk hyperfine), python3, curl.
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND=${1:-sqlite}
ORGS=${2:-10}
INCIDENTS=${3:-10000}
DURATION=${DURATION:-10s}
PORT=${PORT:-18080}
BASE=http://127.0.0.1:$PORT
WORK=$(mktemp -d)
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT

# MINI_XDR_BIN: a binary built elsewhere (to compare two commits on the same run of this
# script); otherwise the release build of this tree.
if [ -z "${MINI_XDR_BIN:-}" ]; then
  cargo build --release --locked --bin mini-xdr >/dev/null
fi
BIN=${MINI_XDR_BIN:-target/release/mini-xdr}
export MINI_XDR__SERVER__DATA_DIR="$WORK/data" MINI_XDR__RATE_LIMIT__ENABLED=false \
       MINI_XDR__LOG__LEVEL=warn MINI_XDR__SERVER__BIND=127.0.0.1:$PORT
if [ "$BACKEND" = postgres ]; then
  ADMIN=${MINI_XDR_BENCH_PG:-postgres://postgres@127.0.0.1:5432/postgres}
  DB=mini_xdr_bench_$$
  # The server connects as a role row-level security applies to (not the superuser), as in
  # production (docs/security.md), so the numbers include its cost.
  psql "$ADMIN" -qc "DO \$\$ BEGIN CREATE ROLE mini_xdr_bench LOGIN PASSWORD 'mini_xdr_bench' NOSUPERUSER NOBYPASSRLS; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$"
  psql "$ADMIN" -qc "CREATE DATABASE $DB OWNER mini_xdr_bench" && trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; psql "$ADMIN" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"; rm -rf "$WORK"' EXIT
  HOSTPORT=${ADMIN#*@}; HOSTPORT=${HOSTPORT%%/*}
  export MINI_XDR__DATABASE__URL="postgres://mini_xdr_bench:mini_xdr_bench@$HOSTPORT/$DB"
fi
"$BIN" serve 2>"$WORK/server.log" &
SERVER=$!
for _ in $(seq 1 100); do curl -fs "$BASE/readyz" >/dev/null && break; sleep 0.1; done

echo "== seeding $ORGS organizations x $INCIDENTS incidents ($BACKEND)"
START=$(date +%s)
python3 bench/seed.py "$BASE" "$ORGS" "$INCIDENTS" "$WORK"
echo "seeded in $(( $(date +%s) - START )) s"
# Let the database settle (SQLite's background WAL checkpoint of the seeding, PostgreSQL's
# autovacuum) so that the phases below measure a steady state.
sleep "${SETTLE:-15}"

echo "== login at the configured bcrypt cost (sequential)"
hyperfine --warmup 2 --runs 20 -N \
  "curl -fs -o /dev/null -X POST -H 'Content-Type: application/json' --data @$WORK/login.json $BASE/api/v1/auth/login"

# wrk corrects its percentiles for coordinated omission: a stall of the in-flight requests
# counts as the latency a constant-rate client would have seen for every request it would have
# sent meanwhile. The server's own histogram (/metrics) says how many real requests were slow.
# The cumulative counts at 10 ms, 100 ms, 1 s and +Inf, one per line, picked by their labels.
buckets() {
  curl -fs "$BASE/metrics" | awk '
    /_duration_seconds_bucket\{le="0.01"\}/ {a=$2} /_duration_seconds_bucket\{le="0.1"\}/ {b=$2}
    /_duration_seconds_bucket\{le="1"\}/ {c=$2}   /_duration_seconds_bucket\{le="\+Inf"\}/ {d=$2}
    END {print a; print b; print c; print d}'
}
served() {
  paste -d' ' "$1" "$2" | awk '{d[NR]=$2-$1} END {
    printf "server: %d requests, %d over 10 ms, %d over 100 ms, %d over 1 s\n",
      d[4], d[4]-d[1], d[4]-d[2], d[4]-d[3] }'
}
run() {
  echo "== $1"; shift
  buckets >"$WORK/before"
  wrk --latency "$@" | grep -E "Requests/sec|Latency  |50%|99%|Non-2xx"
  buckets >"$WORK/after"
  served "$WORK/before" "$WORK/after"
}
export TOKEN_FILE=$WORK/token
run "GET /auth/me" -t2 -c32 -d"$DURATION" -s bench/get.lua "$BASE/api/v1/auth/me"
run "GET /incidents?limit=50" -t2 -c32 -d"$DURATION" -s bench/get.lua "$BASE/api/v1/incidents?limit=50"
BODY_FILE=$WORK/events_10.json run "POST /events (batches of 10; events/s = 10 x req/s)" -t2 -c8 -d"$DURATION" -s bench/post.lua "$BASE/api/v1/events"
BODY_FILE=$WORK/events_1000.json run "POST /events (batches of 1000; events/s = 1000 x req/s)" -t2 -c4 -d"$DURATION" -s bench/post.lua "$BASE/api/v1/events"
# Detection that fires: failed logins from one source IP (one incident grows per batch), then
# from 1000 distinct IPs (1000 incidents open, then all 1000 grow in every batch).
BODY_FILE=$WORK/failed_logins_one_ip.json run "POST /events (1000 failed logins from 1 IP; events/s = 1000 x req/s)" -t2 -c4 -d"$DURATION" -s bench/post.lua "$BASE/api/v1/events"
BODY_FILE=$WORK/failed_logins_many_ips.json run "POST /events (1000 failed logins from 1000 IPs; events/s = 1000 x req/s)" -t2 -c4 -d"$DURATION" -s bench/post.lua "$BASE/api/v1/events"

# The storm's reference: the same load shape without the storm.
run "GET /auth/me idle (reference for the storm)" -t1 -c16 -d5s -s bench/get.lua "$BASE/api/v1/auth/me"
echo "== GET /auth/me while a login storm (c8 on /auth/login) runs"
BODY_FILE=$WORK/login.json TOKEN_FILE= wrk -t1 -c8 -d"$DURATION" -s bench/post.lua "$BASE/api/v1/auth/login" >/dev/null &
STORM=$!
sleep 1
run "GET /auth/me under login storm" -t1 -c16 -d5s -s bench/get.lua "$BASE/api/v1/auth/me"
wait "$STORM"
