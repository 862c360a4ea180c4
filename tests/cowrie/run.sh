#!/usr/bin/env bash
# Agentless ingest, end to end with software no one here wrote: a cowrie SSH honeypot (from
# PyPI), configured only through its own config files, sends its events with its own Splunk HEC
# output to a fresh mini-xdr; failed SSH logins against it open an `ssh_brute_force` incident in
# the organization that owns the ingest token, and in no other.
#
# Usage: tests/cowrie/run.sh            (exit 0 only when the incident appeared, in that org only)
# Env:   MINI_XDR_BIN   a built binary (default: cargo build --release, then target/release)
#        BACKEND        sqlite (default) or postgres (a fresh database on 127.0.0.1:5432, as
#                       bench/server.sh does; MINI_XDR_BENCH_PG overrides the admin URL)
#        COWRIE_VENV    where cowrie is installed (default: target/cowrie-venv)
#        PORT, SSH_PORT loopback ports of the server and of cowrie (default: free ones)
# Network: everything stays on 127.0.0.0/8 (the attacker is 127.0.0.7); only the first run
# reaches PyPI (and, if sshpass or ssh are missing, Debian's mirror).
set -euo pipefail
cd "$(dirname "$0")/../.."
COWRIE_VERSION=3.1.4
VENV=$(realpath -m "${COWRIE_VENV:-target/cowrie-venv}")
BACKEND=${BACKEND:-sqlite}
ATTACKER=127.0.0.7
ATTEMPTS=8   # ssh_brute_force fires at 6 failed logins in 60 s (docs/detection.md)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=${PORT:-$(free_port)}
SSH_PORT=${SSH_PORT:-$(free_port)}
BASE=http://127.0.0.1:$PORT
API=$BASE/api/v1
WORK=$(mktemp -d)
SERVER='' COWRIE='' DB=''

cleanup() {
  for pid in $COWRIE $SERVER; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  if [ -n "$DB" ]; then psql "$ADMIN" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  # cowrie logs every HEC request's HTTP connection; the rest (logins, HEC refusals) is the story.
  echo "--- cowrie (last 40 lines, HTTP client chatter left out) ---" >&2
  grep -v -e _HTTP11ClientFactory -e HTTP11ClientProtocol "$WORK/cowrie.log" 2>/dev/null | tail -n 40 >&2 || true
  echo "--- mini-xdr (last 40 lines) ---" >&2; tail -n 40 "$WORK/server.log" >&2 2>/dev/null || true
  exit 1
}
# json FIELD.PATH < document: one field of a JSON document (text as is, anything else as JSON).
json() { python3 -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."): v = v[int(k)] if isinstance(v, list) else v[k]
print(v if isinstance(v, str) else json.dumps(v))' "$1"; }
# call METHOD PATH TOKEN [BODY]: the API answer's body; anything but a 2xx fails the run.
call() {
  local out code
  out=$(curl -sS -X "$1" "$API$2" -H "Authorization: Bearer $3" -H 'Content-Type: application/json' \
        ${4:+--data "$4"} -w '\n%{http_code}') || fail "$1 $2: no answer"
  code=${out##*$'\n'}; out=${out%$'\n'*}
  [[ $code == 2* ]] || fail "$1 $2 answered $code: $out"
  printf '%s' "$out"
}

# --- 1. cowrie and the SSH client, installed on first use ------------------------------------
if ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('cowrie') != '$COWRIE_VERSION')" 2>/dev/null; then
  echo "installing cowrie $COWRIE_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "cowrie==$COWRIE_VERSION"
fi
if ! command -v sshpass >/dev/null || ! command -v ssh >/dev/null; then
  apt-get update -qq && apt-get install -y -qq sshpass openssh-client >/dev/null
fi
# cowrie refuses to start as root (both its `cowrie` command and its twistd plugin check the
# uid). As root, a user namespace maps uid 1000 onto root: cowrie sees an ordinary user while
# its file access stays root's, so neither the venv (whose python may live under /root, as
# pyenv's does) nor the state directory needs a chown.
AS_USER=()
[ "$(id -u)" != 0 ] || AS_USER=(unshare --user --map-user=1000 --map-group=1000)
"${AS_USER[@]}" true 2>/dev/null || fail "cowrie will not run as root and unshare --user is refused here: run this script as an ordinary user"

# --- 2. a fresh mini-xdr ---------------------------------------------------------------------
if [ -z "${MINI_XDR_BIN:-}" ]; then
  # flock: builds on this machine take turns (two cores; parallel cargo builds starve each other).
  flock /tmp/cargo.lock cargo build --release --locked --bin mini-xdr >/dev/null
fi
BIN=${MINI_XDR_BIN:-target/release/mini-xdr}
# bcrypt at its lowest cost: this run is about ingest, not about hashing two passwords.
export MINI_XDR__SERVER__DATA_DIR="$WORK/data" MINI_XDR__SERVER__BIND=127.0.0.1:$PORT \
       MINI_XDR__LOG__LEVEL=warn MINI_XDR__AUTH__BCRYPT_COST=4
if [ "$BACKEND" = postgres ]; then
  # As bench/server.sh: the server connects as a role row-level security applies to.
  ADMIN=${MINI_XDR_BENCH_PG:-postgres://postgres@127.0.0.1:5432/postgres}
  psql "$ADMIN" -qc "DO \$\$ BEGIN CREATE ROLE mini_xdr_cowrie LOGIN PASSWORD 'mini_xdr_cowrie' NOSUPERUSER NOBYPASSRLS; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$"
  DB=mini_xdr_cowrie_$$
  psql "$ADMIN" -qc "CREATE DATABASE $DB OWNER mini_xdr_cowrie"
  hostport=${ADMIN#*@}; hostport=${hostport%%/*}
  export MINI_XDR__DATABASE__URL="postgres://mini_xdr_cowrie:mini_xdr_cowrie@$hostport/$DB"
fi
"$BIN" serve 2>"$WORK/server.log" &
SERVER=$!
for _ in $(seq 1 100); do curl -fs "$BASE/readyz" >/dev/null && break; sleep 0.1; done
curl -fs "$BASE/readyz" >/dev/null || fail "mini-xdr did not become ready on $BASE"

# --- 3. two organizations; the first owns a cowrie log source and its ingest token -----------
register() {
  curl -fsS -X POST "$API/auth/register" -H 'Content-Type: application/json' --data \
    "{\"organization_name\":\"$1\",\"admin_email\":\"$2\",\"admin_password\":\"cobalt lantern orchid 1977\",\"admin_name\":\"Admin\"}" \
    | json access_token
}
OWNER=$(register "Honeypot Owners" admin@owners.example) || fail "registration failed"
OTHER=$(register "Bystanders" admin@bystanders.example) || fail "registration failed"
SOURCE_ID=$(call POST /log-sources "$OWNER" '{"name":"cowrie honeypot","source_type":"cowrie"}' | json id)
TOKEN=$(call POST "/log-sources/$SOURCE_ID/ingest-tokens" "$OWNER" '{"label":"cowrie"}' | json token)

# --- 4. cowrie, configured only through its config files -------------------------------------
# cowrie 3.x reads its bundled cowrie.cfg.dist, then /etc/cowrie/cowrie.cfg, ./etc/cowrie.cfg
# and ./cowrie.cfg of its working directory (last wins per key), and keeps its state (host
# keys, logs) under ./var. `cowrie init` writes that layout; our settings go in ./cowrie.cfg.
mkdir "$WORK/cowrie"
(cd "$WORK/cowrie" && "${AS_USER[@]}" "$VENV/bin/cowrie" init >/dev/null)
cat >"$WORK/cowrie/cowrie.cfg" <<EOF
[honeypot]
sensor_name = honeypot-1

[ssh]
listen_endpoints = tcp:$SSH_PORT:interface=127.0.0.1

[telnet]
enabled = false

# One HEC envelope per event, "Authorization: Splunk <token>"; plain http needs no setting.
[output_splunk]
enabled = true
url = $BASE/services/collector/event
token = $TOKEN
index = cowrie
sourcetype = cowrie
source = cowrie
EOF
# The bundled user database accepts almost any password (`*:x:*`); this one refuses every
# login, so each attempt below is a cowrie.login.failed.
echo '*:x:!*' >"$WORK/cowrie/etc/userdb.txt"
# COWRIE_STDOUT=yes: `cowrie start` runs twistd in the foreground, logging to stdout.
# (exec: unshare, env and cowrie each exec the next, so $! ends up being twistd itself.)
(cd "$WORK/cowrie" && exec "${AS_USER[@]}" env PATH="$VENV/bin:$PATH" COWRIE_STDOUT=yes cowrie start \
   >"$WORK/cowrie.log" 2>&1) &
COWRIE=$!
for _ in $(seq 1 300); do grep -q "Ready to accept SSH connections" "$WORK/cowrie.log" && break; sleep 0.1; done
grep -q "Ready to accept SSH connections" "$WORK/cowrie.log" || fail "cowrie did not start listening on $SSH_PORT"

# --- 5. the attack: failed password logins from 127.0.0.7 ------------------------------------
for i in $(seq 1 "$ATTEMPTS"); do
  out=$(sshpass -p "wrongpass$i-$RANDOM" ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -o PreferredAuthentications=password -o PubkeyAuthentication=no -o NumberOfPasswordPrompts=1 \
        -o ConnectTimeout=5 -o LogLevel=error -b "$ATTACKER" -p "$SSH_PORT" admin@127.0.0.1 true 2>&1) || true
  [[ $out == *"Permission denied"* ]] || fail "SSH attempt $i was not refused by cowrie: $out"
done
echo "$ATTEMPTS failed SSH logins from $ATTACKER against cowrie on 127.0.0.1:$SSH_PORT"

# --- 6. the incident, in the owner's organization and only there -----------------------------
INCIDENT=''
for _ in $(seq 1 30); do
  INCIDENT=$(call GET "/incidents?src_ip=$ATTACKER" "$OWNER" | python3 -c 'import json, sys
hits = [i for i in json.load(sys.stdin)["items"] if i["rule"] == "ssh_brute_force"]
print(json.dumps(hits[0], indent=2) if hits else "")')
  [ -n "$INCIDENT" ] && break
  sleep 1
done
[ -n "$INCIDENT" ] || fail "no ssh_brute_force incident from $ATTACKER within 30 s"
echo "incident:"; echo "$INCIDENT"
echo "log source ingest counters:"; call GET "/log-sources/$SOURCE_ID" "$OWNER" | json ingest
LEAKED=$(call GET /incidents "$OTHER" | json items)
[ "$LEAKED" = "[]" ] || fail "the other organization sees incidents: $LEAKED"
echo "the other organization sees no incident"
grep -q panicked "$WORK/server.log" && fail "the server panicked"
echo "PASS"
