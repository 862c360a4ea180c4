#!/usr/bin/env bash
# Measures GET /api/v1/audit-logs/export over 100k entries on SQLite through the real server:
# wall time (curl) and the server's peak RSS (VmHWM from /proc/<pid>/status).
#
#   bench/audit_export.sh [COUNT] [PROFILE]      # defaults: 100000 release
#
# Needs curl and python3. Builds `mini-xdr` and the `audit_seed` example in PROFILE.
set -euo pipefail

COUNT="${1:-100000}"
PROFILE="${2:-release}"
PORT="${PORT:-18089}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
BASE="http://127.0.0.1:${PORT}"
trap 'kill "${SERVER_PID:-}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

flag=(); [ "$PROFILE" = release ] && flag=(--release)
cargo build -q "${flag[@]}" -p xdr-server --bin mini-xdr --example audit_seed --manifest-path "$ROOT/Cargo.toml"
BIN="$ROOT/target/$( [ "$PROFILE" = release ] && echo release || echo debug )"

export MINI_XDR__SERVER__DATA_DIR="$WORK" MINI_XDR__SERVER__BIND="127.0.0.1:${PORT}" \
       MINI_XDR__AUTH__BCRYPT_COST=4 MINI_XDR__AUTH__ACCESS_TOKEN_TTL_SECONDS=7200 MINI_XDR__LOG__LEVEL=warn MINI_XDR__RATE_LIMIT__ENABLED=false
DB_URL="sqlite://$WORK/mini-xdr.db"

start_server() {
  "$BIN/mini-xdr" serve >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do curl -fs "$BASE/healthz" >/dev/null && return; sleep 0.1; done
  echo "server did not start" >&2; cat "$WORK/server.log" >&2; exit 1
}
stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; }
hwm_kib() { awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status"; }

start_server
REG=$(curl -fs -H 'content-type: application/json' "$BASE/api/v1/auth/register" -d '{
  "organization_name": "Bench Org", "admin_email": "bench@example.com",
  "admin_password": "violet tractor mango fjord", "admin_name": "Bench Admin"}')
TOKEN=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])' <<<"$REG")
ORG=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["organization"]["id"])' <<<"$REG")
stop_server

"$BIN/examples/audit_seed" "$DB_URL" "$ORG" "$COUNT"

start_server
echo "server rss before export: $(hwm_kib) KiB (VmHWM)"
for format in ndjson csv; do
  out="$WORK/export.$format"
  t=$(curl -fs -o "$out" -w '%{time_total}' -H "Authorization: Bearer $TOKEN" \
        "$BASE/api/v1/audit-logs/export?format=$format")
  lines=$(wc -l <"$out"); bytes=$(stat -c %s "$out")
  echo "$format: ${t} s, $lines lines, $bytes bytes, server VmHWM now $(hwm_kib) KiB"
done
stop_server
