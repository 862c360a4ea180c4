#!/bin/bash
# Mini-XDR agent installer for macOS (launchd). Token label: {{label}}
# Run with sudo. With --no-service the agent is enrolled and then runs in the foreground.
set -euo pipefail
SERVER={{server}}
TOKEN={{token}}
AGENT_FILE={{file}}
AGENT_SHA256={{sha256}}
PREFIX="${MINI_XDR_PREFIX:-/usr/local}"
STATE_DIR="${MINI_XDR_AGENT_STATE_DIR:-/Library/Application Support/mini-xdr-agent}"
NO_SERVICE=0
for arg in "$@"; do
  case "$arg" in
    --no-service) NO_SERVICE=1 ;;
    *) echo "unknown option: $arg (only --no-service)" >&2; exit 2 ;;
  esac
done
if [ -z "$AGENT_FILE" ]; then
  echo "this server offers no macOS agent download; ask its operator to set downloads.directory" >&2
  exit 1
fi
BIN="$PREFIX/bin/mini-xdr-agent"
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
curl -fsSL "$SERVER/downloads/$AGENT_FILE" -o "$tmp"
if [ "$(shasum -a 256 "$tmp" | cut -d' ' -f1)" != "$AGENT_SHA256" ]; then
  echo "the downloaded agent does not match its SHA-256; nothing was installed" >&2
  exit 1
fi
mkdir -p "$PREFIX/bin" "$STATE_DIR"
install -m 0755 "$tmp" "$BIN"
if [ ! -s "$STATE_DIR/agent.json" ]; then
  MINI_XDR_ENROLLMENT_TOKEN="$TOKEN" "$BIN" enroll --server "$SERVER" --state-dir "$STATE_DIR"
fi
if [ "$NO_SERVICE" = 1 ]; then
  exec "$BIN" run --state-dir "$STATE_DIR" --auth-log /var/log/system.log
fi
plist=/Library/LaunchDaemons/com.mini-xdr.agent.plist
cat > "$plist" <<PLIST
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
  <key>Label</key><string>com.mini-xdr.agent</string>
  <key>ProgramArguments</key><array>
    <string>$BIN</string><string>run</string>
    <string>--state-dir</string><string>$STATE_DIR</string>
    <string>--auth-log</string><string>/var/log/system.log</string>
  </array>
  <key>RunAtLoad</key><true/>
  <key>KeepAlive</key><true/>
</dict></plist>
PLIST
launchctl bootstrap system "$plist"
echo "mini-xdr-agent installed and running (launchctl print system/com.mini-xdr.agent)"
