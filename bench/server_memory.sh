#!/usr/bin/env bash
# Issue 17 item 5's "after a 60-s mixed load" figure: RSS of a release mini-xdr (SQLite unless
# BACKEND=postgres) idle after start, then after SECONDS_OF_LOAD of mixed traffic from four
# python clients on kept-alive connections (GET /auth/me, GET /incidents, POST /events in
# batches of 100 with 30 source IPs each, one sign-in per client every 2 s), then 5 s later.
# Configuration comes from the environment as for serve (e.g. MINI_XDR__DATABASE__SQLITE_CACHE_KIB).
# Usage: bench/server_memory.sh [seconds]      (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND=${BACKEND:-sqlite}
SECONDS_OF_LOAD=${1:-60}
PORT=${PORT:-18086}
WORK=$(mktemp -d)
. bench/server.sh
start_server
python3 - "$BASE" "$SERVER" "$SECONDS_OF_LOAD" <<'PY'
import http.client, json, sys, threading, time
base, pid, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
host, port = base.split("//")[1].split(":")
PASSWORD = "violet tractor mango fjord"

def mem():
    d = dict(l.split(":", 1) for l in open(f"/proc/{pid}/status"))
    kb = lambda k: int(d[k].split()[0]) / 1024
    return f"rss {kb('VmRSS'):6.1f} MB (anon {kb('RssAnon'):.1f}, file {kb('RssFile'):.1f})"

def call(conn, method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request(method, path, json.dumps(body) if body is not None else None, headers)
    reply = conn.getresponse()
    text = reply.read()
    return reply.status, (json.loads(text) if text else None)

conn = http.client.HTTPConnection(host, int(port), timeout=60)
status, reg = call(conn, "POST", "/api/v1/auth/register", {
    "organization_name": "Memory Bench", "admin_email": "admin@bench.example",
    "admin_password": PASSWORD, "admin_name": "Bench"})
assert status == 201, reg
token = reg["access_token"]
time.sleep(1)
print(f"idle after start and one registration   {mem()}")

counts = {"requests": 0, "errors": 0}
lock = threading.Lock()
stop = time.monotonic() + seconds

def client(n):
    c = http.client.HTTPConnection(host, int(port), timeout=60)
    i, last_login = 0, 0.0
    while time.monotonic() < stop:
        i += 1
        now = time.monotonic()
        if now - last_login >= 2:
            last_login = now
            req = ("POST", "/api/v1/auth/login", {"email": "admin@bench.example", "password": PASSWORD}, None)
        elif i % 3 == 0:
            events = [{"event_type": "cowrie.login.failed", "src_ip": f"198.51.{n}.{(i + k) % 30}",
                       "dst_port": 22, "username": "root", "raw": {"k": k}} for k in range(100)]
            req = ("POST", "/api/v1/events", {"events": events}, token)
        elif i % 3 == 1:
            req = ("GET", "/api/v1/incidents?limit=50", None, token)
        else:
            req = ("GET", "/api/v1/auth/me", None, token)
        status, _ = call(c, *req)
        with lock:
            counts["requests"] += 1
            counts["errors"] += status >= 400 and status != 429

threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(f"after {seconds} s of mixed load ({counts['requests']} requests, {counts['errors']} errors) {mem()}")
time.sleep(5)
print(f"5 s later                                {mem()}")
PY
