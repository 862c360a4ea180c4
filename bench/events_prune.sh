#!/usr/bin/env bash
# Issue 17 item 4: event retention on 1,000,000 events. One organization, whose EVENTS events
# received 40 days ago are written straight into the database (events_fixture.py), then:
#   1. ingest alone: RATE requests/s of 10 events (POST /api/v1/events, one connection) for
#      BASELINE_SECONDS, the old events in place;
#   2. the background prune of `serve` (restarted with events.retention_days = 30) with the
#      same ingest beside it, until the log says "event prune finished";
#   3. the fixture written again, and `mini-xdr events prune --older-than-days 30` (another
#      process) with the same ingest beside it.
# For each phase: the ingest's request count, p50/p99/p99.9/max latency; for 2 and 3 the
# prune's events, batches, longest batch and time (throughput = events / time).
# PRUNE_BATCH / PRUNE_PAUSE_MS set events.prune_batch_size / prune_pause_ms (defaults of the
# server when unset).
# Usage: bench/events_prune.sh [sqlite|postgres] [events]
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND=${1:-sqlite}
EVENTS=${2:-1000000}
RATE=${RATE:-200}
BASELINE_SECONDS=${BASELINE_SECONDS:-20}
PORT=${PORT:-18086}
WORK=$(mktemp -d)
. bench/server.sh
# The prune's summary is an info line; everything else stays at warn.
export RUST_LOG=${RUST_LOG:-"warn,xdr_server::events_prune=info"}
[ -n "${PRUNE_BATCH:-}" ] && export MINI_XDR__EVENTS__PRUNE_BATCH_SIZE=$PRUNE_BATCH
[ -n "${PRUNE_PAUSE_MS:-}" ] && export MINI_XDR__EVENTS__PRUNE_PAUSE_MS=$PRUNE_PAUSE_MS
SERVER_LOG=${SERVER_LOG:-$WORK/server.log}
start_server
python3 bench/seed.py "$BASE" 1 0 "$WORK" 2>/dev/null
BODY=$WORK/events_10.json

if [ "$BACKEND" = postgres ]; then
  hostport=${ADMIN#*@}; hostport=${hostport%%/*}
  DB_ADMIN="postgres://postgres@$hostport/$DB"
fi
fixture() {
  local started=$SECONDS
  if [ "$BACKEND" = postgres ]; then
    local org
    org=$(psql "$DB_ADMIN" -Atc "SELECT id FROM organizations")
    python3 bench/events_fixture.py csv "$WORK/events.csv" "$EVENTS" 40 "$org"
    psql "$DB_ADMIN" -qc "\copy events (id, organization_id, event_type, src_ip, dst_port, username, occurred_at, received_at) FROM '$WORK/events.csv' CSV"
    psql "$DB_ADMIN" -qc "VACUUM ANALYZE events"
    rm -f "$WORK/events.csv"
  else
    python3 bench/events_fixture.py sqlite "$WORK/data/mini-xdr.db" "$EVENTS" 40
  fi
  echo "fixture: $EVENTS events received 40 days ago written in $((SECONDS - started)) s"
}
ingest() { # ingest [seconds]: runs until $WORK/stop exists (or for that many seconds)
  rm -f "$WORK/stop"
  python3 bench/ingest_latency.py "$BASE" "$WORK/token" "$BODY" "$RATE" "$WORK/stop" "$@"
}
restart() { # restart VAR=VALUE...: the same data, another configuration
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  env "$@" "$BIN" serve 2>>"$SERVER_LOG" &
  SERVER=$!
  for _ in $(seq 1 100); do curl -fs "$BASE/readyz" >/dev/null && break; sleep 0.05; done
}
finished() { grep -c '"event prune finished"' "$SERVER_LOG" || true; }

echo "== $BACKEND, $EVENTS old events, ingest at $RATE req/s of 10 events"
fixture
echo "-- 1. ingest alone, ${BASELINE_SECONDS} s"
ingest "$BASELINE_SECONDS"

echo "-- 2. ingest while serve prunes in the background"
before=$(finished)
restart MINI_XDR__EVENTS__RETENTION_DAYS=30
ingest > "$WORK/phase2" &
LOAD=$!
while [ "$(finished)" = "$before" ]; do
  kill -0 "$SERVER" 2>/dev/null || { echo "server exited"; exit 1; }
  sleep 0.2
done
touch "$WORK/stop"; wait "$LOAD"
cat "$WORK/phase2"
grep '"event prune finished"' "$SERVER_LOG" | tail -1 | python3 -c '
import json, sys
f = json.loads(sys.stdin.read())["fields"]
n, batches, s, longest = f["pruned"], f["batches"], f["elapsed_ms"] / 1000, f["longest_batch_ms"]
print(f"prune: {n} events in {batches} batches, {s:.1f} s ({n / s:,.0f} events/s), longest batch {longest:.1f} ms")'

echo "-- 3. ingest while mini-xdr events prune runs"
restart MINI_XDR__EVENTS__RETENTION_DAYS=
fixture
ingest > "$WORK/phase3" &
LOAD=$!
sleep 1
"$BIN" events prune --older-than-days 30 2>/dev/null
touch "$WORK/stop"; wait "$LOAD"
cat "$WORK/phase3"
