#!/usr/bin/env bash
# Starts the server binary given as $1 on a fresh SQLite database and a free loopback port,
# runs the generated-client walkthrough (contract/run.ts) against it, and stops it.
set -euo pipefail
binary=$1
here=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -d "$here/node_modules" ]; then
  echo "contract: console/node_modules is missing: run ./dev test (it installs them)" >&2
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
key="sb_contract_owner_key_$(python3 -c 'import secrets; print(secrets.token_hex(9))')"
mkdir -p "$work/plugins"
SB_HTTP_PORT=$port SB_DATABASE_URL="sqlite:$work/db.sqlite" SB_DATA_DIR="$work/data" \
  SB_BOOTSTRAP_API_KEY=$key SB_PLUGINS_DIR="$work/plugins" SB_WORKFLOWS_DIR="$work" \
  SB_ACCESS_LOG=false "$binary" serve >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  if python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/health')" 2>/dev/null; then
    break
  fi
  sleep 0.1
done
(cd "$here" && npx --no-install tsc -p tsconfig.run.json)
SB_URL="http://127.0.0.1:$port" SB_KEY=$key node "$here/build/contract/contract/run.js" || {
  tail -20 "$work/server.log" >&2
  exit 1
}
