#!/usr/bin/env python3
"""Seeds a running Mini-XDR: organizations, each with many incidents (one per source IP),
and writes tokens and sample bodies for the load scripts. Standard library only."""
import json
import sys
import urllib.request

BASE = sys.argv[1]            # e.g. http://127.0.0.1:18080
ORGS = int(sys.argv[2])       # organizations to create
INCIDENTS = int(sys.argv[3])  # incidents per organization
OUT = sys.argv[4]             # directory for tokens and bodies
PASSWORD = "violet tractor mango fjord"
EVENTS_PER_INCIDENT = 6       # ssh_brute_force fires at 6 failed logins in 60 s
BATCH = 1000


def call(method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=120) as resp:
        text = resp.read()
        return json.loads(text) if text else None


def ip(n):
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


tokens = []
for o in range(ORGS):
    reg = call("POST", "/api/v1/auth/register", {
        "organization_name": f"Bench Org {o}", "admin_email": f"admin{o}@bench.example",
        "admin_password": PASSWORD, "admin_name": "Bench Admin"})
    token = reg["access_token"]
    tokens.append(token)
    pending = []
    for i in range(INCIDENTS):
        pending.extend({"event_type": "cowrie.login.failed", "src_ip": ip(i), "dst_port": 22}
                       for _ in range(EVENTS_PER_INCIDENT))
        if len(pending) >= BATCH:
            call("POST", "/api/v1/events", {"events": pending[:BATCH]}, token)
            pending = pending[BATCH:]
    if pending:
        call("POST", "/api/v1/events", {"events": pending}, token)
    print(f"org {o}: {INCIDENTS} incidents seeded", file=sys.stderr)

with open(f"{OUT}/token", "w") as f:
    f.write(tokens[0])
with open(f"{OUT}/login.json", "w") as f:
    json.dump({"email": "admin0@bench.example", "password": PASSWORD}, f)
for size in (10, 1000):
    events = [{"event_type": "net.connection", "src_ip": ip(200000 + n % 50), "dst_port": 443}
              for n in range(size)]
    with open(f"{OUT}/events_{size}.json", "w") as f:
        json.dump({"events": events}, f)

# Failed SSH logins in batches of 1000: from one source IP, and from 1000 distinct ones (a
# campaign: after six batches every address has an open incident that each batch grows).
# 198.18.0.0/15 is reserved for benchmarks; these are event fields, never traffic.
def bench_ip(n):
    return f"198.{18 + ((n >> 16) & 1)}.{(n >> 8) & 255}.{n & 255}"


for name, source in (("one_ip", lambda n: bench_ip(0)), ("many_ips", bench_ip)):
    events = [{"event_type": "cowrie.login.failed", "src_ip": source(n), "dst_port": 22}
              for n in range(1000)]
    with open(f"{OUT}/failed_logins_{name}.json", "w") as f:
        json.dump({"events": events}, f)
