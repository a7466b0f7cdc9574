# Sourced by the scripts that test against the real binary (contract/, e2e/):
# serve_for_tests BINARY starts it on a fresh SQLite database in a temporary directory and
# a free loopback port, with a random owner key, and waits for /health. It sets `work`,
# `port`, `key` and `server`; an EXIT trap stops the server and removes the directory.
# Extra environment for the server can be passed as NAME=value arguments after BINARY.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ ! -d "$here/node_modules" ]; then
  echo "console/node_modules is missing: run ./dev test (it installs them)" >&2
  exit 1
fi
work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

serve_for_tests() {
  local binary=$1
  shift
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  key="sb_test_owner_key_$(python3 -c 'import secrets; print(secrets.token_hex(9))')"
  export SB_DATABASE_URL="sqlite:$work/db.sqlite" SB_DATA_DIR="$work/data"
  mkdir -p "$work/plugins"
  env SB_HTTP_PORT="$port" SB_BOOTSTRAP_API_KEY="$key" SB_PLUGINS_DIR="$work/plugins" \
    SB_WORKFLOWS_DIR="$work" SB_ACCESS_LOG=false "$@" "$binary" serve >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do
    if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/health')" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "the server did not start:" >&2
  tail -20 "$work/server.log" >&2
  exit 1
}
