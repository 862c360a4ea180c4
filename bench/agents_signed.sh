#!/usr/bin/env bash
# Issue 14's signed-ingest target: signed POST /agents/events batches of 100 from 50 simulated
# agents against POST /events with the same batches (target: signed >= 80 % of bearer).
# Usage: bench/agents_signed.sh [sqlite|postgres] [agents] [seconds]
# NO_BATCH_ID=1: the signed batches carry no batch_id (isolates the de-duplication's cost).
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND=${1:-sqlite}
AGENTS=${2:-50}
SECONDS_EACH=${3:-10}
PORT=${PORT:-18082}
WORK=$(mktemp -d)
export MINI_XDR__AGENTS__RATE_LIMIT_PER_MINUTE=0
. bench/server.sh
start_server
cargo build -q --release --locked -p xdr-agent --example signed_load
python3 bench/seed.py "$BASE" 1 0 "$WORK" >/dev/null
ACCESS=$(cat "$WORK/token")
curl -fsS -X POST -H "authorization: Bearer $ACCESS" "$BASE/api/v1/onboarding/start" >/dev/null
ENROLL=$(curl -fsS -H "authorization: Bearer $ACCESS" -H 'content-type: application/json' \
  -d "{\"platform\": \"linux\", \"max_uses\": $AGENTS}" \
  "$BASE/api/v1/onboarding/generate-agent-token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
target/release/examples/signed_load "$BASE" "$ACCESS" "$ENROLL" "$AGENTS" "$SECONDS_EACH"
