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
WORK=$(mktemp -d)
. bench/server.sh
start_server

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
# The cumulative counts at 10 ms, 100 ms, 1 s and +Inf, one per line, summed over every
# route, method and status (`le` is each bucket line's last label).
buckets() {
  curl -fs "$BASE/metrics" | awk '
    /^mini_xdr_http_request_duration_seconds_bucket\{.*le="0.01"\}/ {a+=$2}
    /^mini_xdr_http_request_duration_seconds_bucket\{.*le="0.1"\}/ {b+=$2}
    /^mini_xdr_http_request_duration_seconds_bucket\{.*le="1"\}/ {c+=$2}
    /^mini_xdr_http_request_duration_seconds_bucket\{.*le="\+Inf"\}/ {d+=$2}
    END {print a+0; print b+0; print c+0; print d+0}'
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
