#!/usr/bin/env bash
# Starts the server binary given as $1 on a fresh SQLite database and a free loopback port,
# runs the generated-client walkthrough (contract/run.ts) against it, and stops it.
set -euo pipefail
source "$(dirname "$0")/../scripts/serve-for-tests.sh"
serve_for_tests "$1"
(cd "$here" && npx --no-install tsc -p tsconfig.run.json)
SB_URL="http://127.0.0.1:$port" SB_KEY=$key node "$here/build/contract/contract/run.js" || {
  tail -20 "$work/server.log" >&2
  exit 1
}
