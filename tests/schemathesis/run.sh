#!/usr/bin/env bash
# Contract fuzzing: schemathesis (examples, coverage, fuzzing and stateful phases, every check)
# against a fresh mini-xdr on the embedded SQLite default, driven by /api/openapi.json.
# Exit status is schemathesis's: 0 only when no response broke the published document.
#
# Usage: tests/schemathesis/run.sh [max-seconds]   (default 300; the run stops earlier when done)
# Env:   MINI_XDR_BIN    a built binary (default: cargo build --release, then target/release)
#        ST_VENV         where schemathesis is installed (default: target/schemathesis-venv)
#        PORT            loopback port of the server (default 18181)
set -euo pipefail
cd "$(dirname "$0")/../.."
MAX_TIME=${1:-300}
PORT=${PORT:-18181}
BASE=http://127.0.0.1:$PORT
ST_VERSION=4.32.5
ST_VENV=${ST_VENV:-target/schemathesis-venv}
WORK=$(mktemp -d)
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT

if [ ! -x "$ST_VENV/bin/schemathesis" ] || ! "$ST_VENV/bin/schemathesis" --version | grep -q "$ST_VERSION"; then
  python3 -m venv "$ST_VENV"
  "$ST_VENV/bin/pip" install --quiet "schemathesis==$ST_VERSION"
fi
if [ -z "${MINI_XDR_BIN:-}" ]; then
  cargo build --release --locked --bin mini-xdr >/dev/null
fi
BIN=${MINI_XDR_BIN:-target/release/mini-xdr}

# A fuzzer sends hundreds of sign-ins a minute from one address: the per-IP limit would answer
# most of them 429 (documented, but it would hide the operations behind it). Its wrong current
# passwords on change-password lock the admin's account: a lock lasts one second here, so 423 is
# still answered and the run goes on. bcrypt at its lowest cost keeps the run about the
# contract, not about hashing time.
export MINI_XDR__SERVER__DATA_DIR="$WORK/data" MINI_XDR__SERVER__BIND=127.0.0.1:$PORT \
       MINI_XDR__RATE_LIMIT__ENABLED=false MINI_XDR__AUTH__BCRYPT_COST=4 MINI_XDR__LOG__LEVEL=warn \
       MINI_XDR__AUTH__LOCKOUT_DURATION_SECONDS=1
"$BIN" serve 2>"$WORK/server.log" &
SERVER=$!
for _ in $(seq 1 100); do curl -fs "$BASE/readyz" >/dev/null && break; sleep 0.1; done
curl -fs "$BASE/readyz" >/dev/null || { cat "$WORK/server.log"; exit 1; }

# The first organization's admin: every authenticated operation is called as this admin, with
# a token hooks.py renews every second (fuzzing signs it out now and then).
export MINI_XDR_FUZZ_BASE=$BASE MINI_XDR_FUZZ_EMAIL=admin@fuzz.example \
       MINI_XDR_FUZZ_PASSWORD='correct horse battery staple 42'
curl -fs -o /dev/null -X POST -H 'Content-Type: application/json' "$BASE/api/v1/auth/register" \
  --data "{\"organization_name\":\"Fuzz Org\",\"admin_email\":\"$MINI_XDR_FUZZ_EMAIL\",\"admin_password\":\"$MINI_XDR_FUZZ_PASSWORD\",\"admin_name\":\"Fuzz Admin\"}"

set +e
SCHEMATHESIS_HOOKS=tests/schemathesis/hooks.py "$ST_VENV/bin/schemathesis" \
  --config-file tests/schemathesis/schemathesis.toml run "$BASE/api/openapi.json" \
  --phases examples,coverage,fuzzing,stateful --checks all \
  --max-time "$MAX_TIME" --workers 1 --seed 1 \
  --report junit --report-dir "$WORK/report" "${@:2}"
STATUS=$?
set -e
if grep -q "panicked" "$WORK/server.log"; then
  echo "the server panicked during the run:"; grep -A5 "panicked" "$WORK/server.log"; STATUS=1
fi
exit "$STATUS"
