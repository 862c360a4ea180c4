#!/usr/bin/env bash
# A login storm with the *right* password (issue 13 item 1): eight connections sign in to one
# account as fast as the server answers. Prints the answers by status; a correct storm must
# never lock the account (no 423), and a sign-in right after it must succeed.
# Usage: bench/login_storm.sh [duration]   (default 30s; MINI_XDR_BIN as in bench/run.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-30s}
PORT=${PORT:-18082}
BASE=http://127.0.0.1:$PORT
WORK=$(mktemp -d)
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT
if [ -z "${MINI_XDR_BIN:-}" ]; then
  cargo build --release --locked --bin mini-xdr >/dev/null
fi
BIN=${MINI_XDR_BIN:-target/release/mini-xdr}
# The per-IP limit would answer the storm 429 before the lockout is reached: off, so that the
# account's lockout is what is measured. bcrypt at the default cost (12).
export MINI_XDR__SERVER__DATA_DIR="$WORK/data" MINI_XDR__RATE_LIMIT__ENABLED=false \
       MINI_XDR__LOG__LEVEL=warn MINI_XDR__SERVER__BIND=127.0.0.1:$PORT
"$BIN" serve 2>"$WORK/server.log" &
SERVER=$!
for _ in $(seq 1 100); do curl -fs "$BASE/readyz" >/dev/null && break; sleep 0.1; done
curl -fs "$BASE/readyz" >/dev/null || { echo "the server did not start:"; cat "$WORK/server.log"; exit 1; }
PASSWORD='storm password correct horse 7'
curl -fs -o /dev/null -X POST -H 'Content-Type: application/json' "$BASE/api/v1/auth/register" \
  --data "{\"organization_name\":\"Storm Org\",\"admin_email\":\"storm@bench.example\",\"admin_password\":\"$PASSWORD\",\"admin_name\":\"Storm\"}"
printf '{"email":"storm@bench.example","password":"%s"}' "$PASSWORD" >"$WORK/login.json"

echo "== wrk -t2 -c8 -d$DURATION POST /auth/login (right password)"
BODY_FILE=$WORK/login.json wrk -t2 -c8 -d"$DURATION" -s bench/status_counts.lua "$BASE/api/v1/auth/login" \
  | grep -E "Requests/sec|Latency  |status "
echo "== sign-ins after the storm (the storm's last checks may still be in flight)"
for wait in 0 1 2 5 10; do
  sleep "$wait"
  curl -s -o /dev/null -w "after +${wait}s: status %{http_code}, %{time_total}s\n" -X POST \
    -H 'Content-Type: application/json' --data @"$WORK/login.json" "$BASE/api/v1/auth/login"
done
