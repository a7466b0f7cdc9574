#!/usr/bin/env bash
# Starts the server binary given as $1 on a fresh SQLite database and a free loopback port
# (with a second team), runs the Playwright journeys in Debian's Chromium against it, and
# stops it. Used by ctest (console.e2e) and by hand.
set -euo pipefail
binary=$1
shift
here=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -d "$here/node_modules" ]; then
  echo "e2e: console/node_modules is missing: run ./dev test (it installs them)" >&2
  exit 1
fi
if [ ! -x "${SB_CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "e2e: Chromium is missing (Debian package chromium): ./dev test installs it" >&2
  exit 1
fi
work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
key="sb_e2e_owner_key_$(python3 -c 'import secrets; print(secrets.token_hex(9))')"
export SB_DATABASE_URL="sqlite:$work/db.sqlite" SB_DATA_DIR="$work/data"
mkdir -p "$work/plugins"
"$binary" migrate >/dev/null
# Team B first exists only through the CLI; team A (id 1) is made by the server's first start.
SB_HTTP_PORT=$port SB_BOOTSTRAP_API_KEY=$key SB_PLUGINS_DIR="$work/plugins" SB_WORKFLOWS_DIR="$work" \
  SB_ACCESS_LOG=false SB_RATE_LIMIT_RPS=0 "$binary" serve >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  if python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/health')" 2>/dev/null; then
    break
  fi
  sleep 0.1
done
setup_url=$(grep -o 'http://[^ ]*/app/setup#token=[a-z0-9_]*' "$work/server.log" | head -1)
key_b=$("$binary" team create "Team B" | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"]["key"])')
cd "$here"
SB_URL="http://127.0.0.1:$port" SB_KEY=$key SB_KEY_B=$key_b SB_SETUP_URL=$setup_url \
  npx --no-install playwright test "$@" || {
  tail -30 "$work/server.log" >&2
  exit 1
}
