#!/usr/bin/env bash
# Issue 17 item 5's figures: start to ready on an existing SQLite database, idle RSS right after
# start (and its anonymous and file-backed parts, from /proc), and the binary's size.
# Starts the release `mini-xdr` once on a fresh data directory (migrations, keys), stops it,
# then RUNS more times on that same directory, timing each from exec to the first 200 of
# /readyz (polled every 2 ms over one kept-alive connection by python, no curl start-up in it).
# Usage: bench/server_footprint.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
PORT=${PORT:-18085}
BIN=${MINI_XDR_BIN:-target/release/mini-xdr}
if [ -z "${MINI_XDR_BIN:-}" ]; then cargo build -q --release --locked --bin mini-xdr; fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export MINI_XDR__SERVER__DATA_DIR="$WORK/data" MINI_XDR__SERVER__BIND=127.0.0.1:$PORT \
       MINI_XDR__LOG__LEVEL=warn
echo "binary: $(stat -c %s "$BIN") bytes ($BIN)"
python3 - "$BIN" "$PORT" "$RUNS" <<'PY'
import http.client, os, subprocess, sys, time
binary, port, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def ready():
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=0.5)
        c.request("GET", "/readyz")
        return c.getresponse().status == 200
    except OSError:
        return False
def mem(pid):
    d = dict(l.split(":", 1) for l in open(f"/proc/{pid}/status"))
    kb = lambda k: int(d[k].split()[0]) / 1024
    return kb("VmRSS"), kb("RssAnon"), kb("RssFile")
for run in range(runs + 1):
    start = time.perf_counter()
    p = subprocess.Popen([binary, "serve"], stderr=subprocess.DEVNULL)
    while not ready():
        if p.poll() is not None:
            sys.exit(f"the server exited with {p.returncode}")
        if time.perf_counter() - start > 30:
            sys.exit("not ready within 30 s")
        time.sleep(0.002)
    elapsed = (time.perf_counter() - start) * 1000
    time.sleep(1)
    rss, anon, file = mem(p.pid)
    label = "fresh directory (migrations, keys)" if run == 0 else f"existing database, run {run}"
    print(f"{label:<36} ready in {elapsed:6.1f} ms  idle rss {rss:5.1f} MB (anon {anon:.1f}, file {file:.1f})")
    p.terminate()
    p.wait(timeout=30)
PY
