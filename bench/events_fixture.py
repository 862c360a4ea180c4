#!/usr/bin/env python3
"""Writes N old events of one organization straight into the database, for the retention
benchmark (bench/events_prune.sh): far faster than posting them. Standard library only.

  events_fixture.py sqlite PATH N DAYS_AGO          inserts into the SQLite file at PATH
  events_fixture.py csv    FILE N DAYS_AGO ORG_ID   writes a CSV for PostgreSQL's \\copy

The SQLite form reads the organization (the only one) from the file. Ids are UUID v7 made
from the reception time, increasing, as the server makes them (xdr_domain::detection::
event_id): the prune finds old events through them. net.connection events from 1000 source
IPs, all received DAYS_AGO days ago (spread over N/4096 ms).
"""
import csv
import datetime
import os
import sqlite3
import sys

COLUMNS = ("id", "organization_id", "event_type", "src_ip", "dst_port", "username",
           "occurred_at", "received_at")


def uuid7(ms, seq):
    # 48 bits of milliseconds, version 7, 12 bits of sequence, variant 10, 62 random bits.
    rand = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms << 80) | (0x7 << 76) | (seq << 64) | (0b10 << 62) | rand
    h = f"{value:032x}"
    return f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def rows(org, n, days_ago):
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=days_ago)
    base_ms = int(start.timestamp() * 1000)
    for i in range(n):
        ms = base_ms + i // 4096
        at = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
        stamp = at.strftime("%Y-%m-%d %H:%M:%S.%f")
        yield (uuid7(ms, i % 4096), org, "net.connection", f"198.18.{(i // 250) % 4}.{i % 250}",
               443, None, stamp, stamp)


def main():
    kind, target, n, days_ago = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    if kind == "sqlite":
        db = sqlite3.connect(target, timeout=60)
        (org,) = db.execute("SELECT id FROM organizations").fetchone()
        with db:
            db.executemany(
                f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
                rows(org, n, days_ago))
        db.close()
    elif kind == "csv":
        with open(target, "w", newline="") as f:
            csv.writer(f).writerows(rows(sys.argv[5], n, days_ago))
    else:
        sys.exit(f"unknown kind {kind}")


if __name__ == "__main__":
    main()
