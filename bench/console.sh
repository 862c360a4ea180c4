#!/usr/bin/env bash
# The web console's pages under load (issue 16): dashboard and incident list at N incidents.
#   bench/console.sh [sqlite|postgres] [incidents] [seconds]
# Seeds one organization with N incidents through the API (seed.py), signs in through the
# console's form, then runs wrk on each page with the session cookie. Prints wrk's latency and
# the server's own mean time per page (its request histogram in /metrics, route "/" and
# "/incidents"), and the dashboard's weight with the assets it loads.
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND=${1:-sqlite}; INCIDENTS=${2:-10000}; SECONDS_EACH=${3:-10}
PORT=${PORT:-18093}; WORK=$(mktemp -d)
source bench/server.sh
start_server
python3 bench/seed.py "$BASE" 1 "$INCIDENTS" "$WORK" >/dev/null
if [ "$BACKEND" = postgres ]; then
  # What autovacuum does within a minute of a bulk load: without statistics, the planner
  # guesses a few rows per organization and sorts all 10,000 incidents instead of reading the
  # (organization_id, id) index backwards (15 ms instead of 0.06 ms per page).
  psql "${ADMIN%/*}/$DB" -qc "ANALYZE"
fi

jar=$WORK/jar
csrf=$(curl -fs -c "$jar" "$BASE/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
email=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]+"/login.json"))["email"])' "$WORK")
curl -fs -b "$jar" -c "$jar" -o /dev/null -w '' --data-urlencode "csrf=$csrf" \
  --data-urlencode "email=$email" --data-urlencode "password=violet tractor mango fjord" "$BASE/login"
session=$(awk '$6 == "xdr_session" { print $7 }' "$jar")
[ -n "$session" ] || { echo "console sign-in failed for $email" >&2; exit 1; }

server_mean_ms() { # route: mean server time (ms) of its 200s from /metrics
  curl -fs "$BASE/metrics" | python3 -c '
import re, sys
route = sys.argv[1]
s = c = 0.0
for line in sys.stdin:
    m = re.match(r"mini_xdr_http_request_duration_seconds_(sum|count)\{(.*)\} (\S+)", line)
    if m and f"route=\"{route}\"" in m.group(2) and "status=\"200\"" in m.group(2):
        if m.group(1) == "sum": s += float(m.group(3))
        else: c += float(m.group(3))
print(f"{s} {c}")' "$1"
}

for page in "/" "/incidents" "/incidents?status=open&severity=high"; do
  route=${page%%\?*}
  read -r s0 c0 < <(server_mean_ms "$route")
  echo "== GET $page ($INCIDENTS incidents, $BACKEND, wrk -t1 -c4 -d${SECONDS_EACH}s)"
  wrk -t1 -c4 -d"${SECONDS_EACH}s" --latency -H "Cookie: xdr_session=$session" "$BASE$page" \
    | grep -E "Requests/sec|50%|99%|Non-2xx"
  read -r s1 c1 < <(server_mean_ms "$route")
  python3 -c "import sys; s0,c0,s1,c1=map(float,sys.argv[1:]); print(f'server: {c1-c0:.0f} answers, mean {1000*(s1-s0)/max(c1-c0,1):.2f} ms')" "$s0" "$c0" "$s1" "$c1"
done

html=$(curl -fs -H "Cookie: xdr_session=$session" "$BASE/")
weight=${#html}
for asset in $(echo "$html" | grep -o '/assets/[^"]*'); do
  weight=$((weight + $(curl -fs "$BASE$asset" | wc -c)))
done
echo "dashboard weight with its assets: $weight bytes (uncompressed)"
