#!/usr/bin/env bash
# ./dev bench: the console's list, board and tickets queue speed against the Release binary
# given as $1, on a fresh SQLite database, in Debian's Chromium. Prints its lines of the
# bench table.
set -euo pipefail
source "$(dirname "$0")/../scripts/serve-for-tests.sh"
serve_for_tests "$1" SB_RATE_LIMIT_RPS=0
cd "$here"
SB_URL="http://127.0.0.1:$port" SB_KEY=$key npx --no-install playwright test -c bench/playwright.config.ts 2>&1 |
  grep '^console \(list\|board\|tickets\) ' || { tail -30 "$work/server.log" >&2; exit 1; }
