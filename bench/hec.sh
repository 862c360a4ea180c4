#!/usr/bin/env bash
# Issue 15's HEC target: cowrie JSON through POST /services/collector/event in requests of 100
# envelopes against POST /api/v1/events with the same 100 events (target: HEC >= 70 %).
# Nothing fires (connections from 100 addresses), so both measure parsing and storage.
# Usage: bench/hec.sh [sqlite|postgres] [duration]
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND=${1:-sqlite}
DURATION=${2:-10s}
PORT=${PORT:-18083}
WORK=$(mktemp -d)
export MINI_XDR__INGEST__RATE_LIMIT_PER_MINUTE=0
. bench/server.sh
start_server
python3 bench/seed.py "$BASE" 1 0 "$WORK" >/dev/null
ACCESS=$(cat "$WORK/token")
SOURCE=$(curl -fsS -H "authorization: Bearer $ACCESS" -H 'content-type: application/json' \
  -d '{"name": "bench honeypot", "source_type": "cowrie"}' "$BASE/api/v1/log-sources" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
curl -fsS -H "authorization: Bearer $ACCESS" -H 'content-type: application/json' -d '{}' \
  "$BASE/api/v1/log-sources/$SOURCE/ingest-tokens" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' >"$WORK/ingest_token"
python3 - "$WORK" <<'PY'
import json, sys
work = sys.argv[1]
events, envelopes = [], []
for i in range(100):
    ip = f"198.51.100.{i + 1}"
    events.append({"event_type": "cowrie.session.connect", "src_ip": ip, "dst_port": 22,
                   "hostname": "hp-01", "message": f"New connection: {ip}:40000",
                   "raw": {"session": f"s{i}", "protocol": "ssh"}})
    envelopes.append(json.dumps({"index": "cowrie", "source": "cowrie", "sourcetype": "cowrie",
        "host": "hp-01", "event": {"eventid": "cowrie.session.connect", "src_ip": ip,
        "src_port": 40000, "dst_ip": "127.0.0.1", "dst_port": 22, "session": f"s{i}",
        "protocol": "ssh", "sensor": "hp-01", "timestamp": "2026-12-03T10:00:00.000000Z",
        "message": f"New connection: {ip}:40000"}}))
open(f"{work}/events.json", "w").write(json.dumps({"events": events}))
open(f"{work}/hec.json", "w").write("\n".join(envelopes))
PY
phase() {
  echo "== $1 (events/s = 100 x req/s)"
  wrk -t2 -c8 -d"$DURATION" -s bench/post.lua "$2" | grep -E "Requests/sec|Latency  |Non-2xx"
}
BODY_FILE=$WORK/events.json TOKEN_FILE=$WORK/token phase "POST /api/v1/events" "$BASE/api/v1/events"
BODY_FILE=$WORK/hec.json TOKEN_FILE=$WORK/ingest_token AUTH_SCHEME=Splunk \
  phase "POST /services/collector/event" "$BASE/services/collector/event"
BODY_FILE=$WORK/events.json TOKEN_FILE=$WORK/token phase "POST /api/v1/events again" "$BASE/api/v1/events"
