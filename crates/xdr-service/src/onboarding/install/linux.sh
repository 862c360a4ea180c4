#!/usr/bin/env bash
# Mini-XDR agent installer for Linux (systemd). Token label: {{label}}
# Run as root. With --no-service the agent is enrolled and then runs in the foreground, with
# its state under $MINI_XDR_AGENT_STATE_DIR (default /var/lib/mini-xdr-agent) and the binary
# under $MINI_XDR_PREFIX (default /usr/local); logs to follow: $MINI_XDR_AGENT_LOGS (default
# /var/log/auth.log and cowrie's JSON log, those that exist).
set -euo pipefail
SERVER={{server}}
TOKEN={{token}}
AGENT_FILE={{file}}
AGENT_SHA256={{sha256}}
PREFIX="${MINI_XDR_PREFIX:-/usr/local}"
STATE_DIR="${MINI_XDR_AGENT_STATE_DIR:-/var/lib/mini-xdr-agent}"
NO_SERVICE=0
for arg in "$@"; do
  case "$arg" in
    --no-service) NO_SERVICE=1 ;;
    *) echo "unknown option: $arg (only --no-service)" >&2; exit 2 ;;
  esac
done
if [ -z "$AGENT_FILE" ]; then
  echo "this server offers no Linux agent download; ask its operator to set downloads.directory" >&2
  exit 1
fi
BIN="$PREFIX/bin/mini-xdr-agent"
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
curl -fsSL "$SERVER/downloads/$AGENT_FILE" -o "$tmp"
if ! echo "$AGENT_SHA256  $tmp" | sha256sum -c --status -; then
  echo "the downloaded agent does not match its SHA-256; nothing was installed" >&2
  exit 1
fi
mkdir -p "$PREFIX/bin" "$STATE_DIR"
install -m 0755 "$tmp" "$BIN"
if [ ! -s "$STATE_DIR/agent.json" ]; then
  MINI_XDR_ENROLLMENT_TOKEN="$TOKEN" "$BIN" enroll --server "$SERVER" --state-dir "$STATE_DIR"
fi
logs=()
for f in ${MINI_XDR_AGENT_LOGS:-/var/log/auth.log /home/cowrie/cowrie/var/log/cowrie/cowrie.json}; do
  case "$f" in
    *.json) logs+=(--cowrie "$f") ;;
    *) logs+=(--auth-log "$f") ;;
  esac
done
if [ "$NO_SERVICE" = 1 ]; then
  exec "$BIN" run --state-dir "$STATE_DIR" "${logs[@]}"
fi
unit=/etc/systemd/system/mini-xdr-agent.service
{
  echo "[Unit]"
  echo "Description=Mini-XDR agent"
  echo "After=network-online.target"
  echo "Wants=network-online.target"
  echo "[Service]"
  printf 'ExecStart=%q run --state-dir %q' "$BIN" "$STATE_DIR"
  printf ' %q' "${logs[@]}"
  echo
  echo "Restart=always"
  echo "RestartSec=5"
  echo "[Install]"
  echo "WantedBy=multi-user.target"
} > "$unit"
systemctl daemon-reload
systemctl enable --now mini-xdr-agent.service
echo "mini-xdr-agent installed and running (systemctl status mini-xdr-agent)"
