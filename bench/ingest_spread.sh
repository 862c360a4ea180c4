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
WORK=$(mktemp -d)
. bench/server.sh
start_server
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
