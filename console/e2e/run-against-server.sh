#!/usr/bin/env bash
# Starts the server binary given as $1 on a fresh SQLite database and a free loopback port
# (with a second team), runs the Playwright journeys in Debian's Chromium against it, and
# stops it. Used by ctest (console.e2e) and by hand; more arguments go to Playwright.
set -euo pipefail
source "$(dirname "$0")/../scripts/serve-for-tests.sh"
binary=$1
shift
if [ ! -x "${SB_CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "e2e: Chromium is missing (Debian package chromium): ./dev test installs it" >&2
  exit 1
fi
# The journeys make thousands of contacts quickly: no per-key rate limit here.
# The webhook journey's receiver listens on loopback.
# The plugins screen shows a real plugin of this build (an action only: it assigns nothing
# by itself) and a file that fails to load.
mkdir -p "$work/plugins"
cp "$(dirname "$binary")/../plugins/assign_balanced.so" "$work/plugins/"
echo "not a shared library" >"$work/plugins/broken.so"
# Campaign emails go to a real SMTP server on loopback; the journey reads what it received.
smtp_dir="$work/smtp"
mkdir -p "$smtp_dir"
smtp_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
/usr/bin/python3 "$here/../tests/support/smtp_sink.py" --port "$smtp_port" --dir "$smtp_dir" \
  --until-terminated >"$work/smtp.log" 2>&1 &
smtp_pid=$!
trap 'kill "$smtp_pid" 2>/dev/null || true; wait "$smtp_pid" 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 1 50); do grep -q ready "$work/smtp.log" 2>/dev/null && break; sleep 0.1; done
serve_for_tests "$binary" SB_RATE_LIMIT_RPS=0 SB_WEBHOOK_ALLOW_PRIVATE=127.0.0.1 \
  SB_SMTP_URL="smtp://127.0.0.1:$smtp_port"
setup_url=$(grep -o 'http://[^ ]*/app/setup#token=[a-z0-9_]*' "$work/server.log" | head -1)
# Team B, made through the CLI on the same database (team A is the server's first team).
key_b=$("$binary" team create "Team B" | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"]["key"])')
cd "$here"
SB_URL="http://127.0.0.1:$port" SB_KEY=$key SB_KEY_B=$key_b SB_SETUP_URL=$setup_url SB_SMTP_DIR=$smtp_dir \
  npx --no-install playwright test "$@" || {
  tail -30 "$work/server.log" >&2
  exit 1
}
