#!/usr/bin/env bash
# Discovery of a loopback /24 with the default 30 ports (issue 14's target: <= 10 s).
# Usage: bench/discovery.sh [range in 127.0.0.0/8]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run -q --release --locked -p xdr-service --example discovery_loopback -- "${1:-127.0.0.0/24}"
