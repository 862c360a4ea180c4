#!/usr/bin/env python3
"""Paced ingest for the retention benchmark: POSTs BODY to /api/v1/events at RATE requests/s
over one kept-alive connection until STOP exists (or SECONDS have passed), then prints the
count, the non-202 answers and the latency percentiles. Standard library only.

  ingest_latency.py BASE TOKEN_FILE BODY_FILE RATE STOP_FILE [SECONDS]
"""
import http.client
import os
import sys
import time
import urllib.parse

base, token_file, body_file, rate, stop = sys.argv[1:6]
seconds = float(sys.argv[6]) if len(sys.argv) > 6 else None
url = urllib.parse.urlparse(base)
token = open(token_file).read().strip()
body = open(body_file, "rb").read()
headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
interval = 1.0 / float(rate)

conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
latencies, failures = [], 0
start = time.perf_counter()
next_at = start
while not os.path.exists(stop) and (seconds is None or time.perf_counter() - start < seconds):
    now = time.perf_counter()
    if now < next_at:
        time.sleep(next_at - now)
    next_at += interval
    sent = time.perf_counter()
    conn.request("POST", "/api/v1/events", body, headers)
    resp = conn.getresponse()
    resp.read()
    latencies.append((time.perf_counter() - sent) * 1000)
    if resp.status != 202:
        failures += 1
elapsed = time.perf_counter() - start
latencies.sort()


def pct(p):
    return latencies[min(len(latencies) - 1, int(len(latencies) * p))] if latencies else 0.0


print(f"{len(latencies)} requests in {elapsed:.1f} s ({failures} not 202): "
      f"p50 {pct(0.50):.2f} ms, p99 {pct(0.99):.2f} ms, p99.9 {pct(0.999):.2f} ms, "
      f"max {latencies[-1] if latencies else 0:.2f} ms")
