#!/usr/bin/env bash
# Issue 14's agent target: mini-xdr-agent idle RSS <= 10 MB and <= 1 % of a core while tailing
# 1,000 cowrie lines/s. A fresh release server; one enrolled agent following one cowrie.json;
# RSS (VmRSS, its anonymous and file-backed parts, VmHWM) and CPU (utime + stime from /proc) sampled over an idle phase, then while
# a writer appends 1,000 lines a second (in 10 bursts of 100), then idle again.
# Usage: bench/agent_footprint.sh [seconds-per-phase]
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND=sqlite
PHASE=${1:-20}
PORT=${PORT:-18084}
WORK=$(mktemp -d)
export MINI_XDR__AGENTS__RATE_LIMIT_PER_MINUTE=0
. bench/server.sh
start_server
cargo build -q --release --locked -p xdr-agent --bin mini-xdr-agent
python3 bench/seed.py "$BASE" 1 0 "$WORK" >/dev/null
ACCESS=$(cat "$WORK/token")
curl -fsS -X POST -H "authorization: Bearer $ACCESS" "$BASE/api/v1/onboarding/start" >/dev/null
ENROLL=$(curl -fsS -H "authorization: Bearer $ACCESS" -H 'content-type: application/json' \
  -d '{"platform": "linux"}' "$BASE/api/v1/onboarding/generate-agent-token" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
AGENT_BIN=target/release/mini-xdr-agent
MINI_XDR_ENROLLMENT_TOKEN=$ENROLL "$AGENT_BIN" enroll --server "$BASE" --state-dir "$WORK/agent" >/dev/null
: >"$WORK/cowrie.json"
"$AGENT_BIN" run --state-dir "$WORK/agent" --cowrie "$WORK/cowrie.json" 2>"$WORK/agent.log" &
AGENT=$!
trap 'kill $AGENT 2>/dev/null || true; wait $AGENT 2>/dev/null || true; bench_cleanup' EXIT
sleep 2
python3 - "$AGENT" "$WORK/cowrie.json" "$PHASE" <<'PY'
import os, sys, time, json
pid, path, phase = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
tick = os.sysconf("SC_CLK_TCK")
def cpu():
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / tick
def mem():
    d = dict(l.split(":", 1) for l in open(f"/proc/{pid}/status"))
    kb = lambda k: int(d[k].split()[0]) / 1024
    return kb("VmRSS"), kb("VmHWM"), kb("RssAnon"), kb("RssFile")
def measure(name, write):
    c0, t0, peak, n = cpu(), time.time(), 0.0, 0
    out = open(path, "a")
    while time.time() - t0 < phase:
        if write:
            for _ in range(100):
                out.write(json.dumps({"eventid": "cowrie.session.connect", "src_ip": f"198.51.100.{n % 250 + 1}",
                    "dst_port": 22, "session": f"s{n}", "sensor": "hp-01",
                    "timestamp": "2026-12-03T10:00:00.000000Z", "message": "New connection"}) + "\n")
                n += 1
            out.flush()
        peak = max(peak, mem()[0])
        time.sleep(0.1)
    used = (cpu() - c0) / (time.time() - t0) * 100
    rss, hwm, anon, file = mem()
    print(f"{name:<22} cpu {used:5.2f} % of a core  rss {rss:4.1f} MB (anon {anon:.1f}, file {file:.1f};"
          f" peak {peak:.1f}, high-water {hwm:.1f})  lines {n}")
measure("idle", False)
measure("tailing ~1000 lines/s", True)
measure("idle after", False)
# Where the resident memory is: per mapped file (or [heap], [stack], anonymous), largest first.
rss, name = {}, "anonymous"
for line in open(f"/proc/{pid}/smaps"):
    parts = line.split()
    if "-" in parts[0] and len(parts) >= 5 and not parts[0].endswith(":"):
        name = os.path.basename(parts[5]) if len(parts) > 5 else "anonymous"
    elif parts[0] == "Rss:":
        rss[name] = rss.get(name, 0) + int(parts[1])
print("resident by mapping (MB):", ", ".join(f"{k} {v / 1024:.1f}" for k, v in
      sorted(rss.items(), key=lambda kv: -kv[1]) if v >= 100))
PY
sleep 3
curl -fsS -H "authorization: Bearer $ACCESS" "$BASE/api/v1/events?limit=1" >/dev/null
echo "agent log (errors):"; grep -ci error "$WORK/agent.log" || true
