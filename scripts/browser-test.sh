#!/usr/bin/env bash
# Real-browser test of a page the API serves: the GraphQL playground (default)
# or the explorer (/explore).
#
#   scripts/browser-test.sh [SERVER_BINARY] [EXTRA SERVER ARGS...]
#   PAGE=explorer scripts/browser-test.sh [SERVER_BINARY] [EXTRA SERVER ARGS...]
#
# PAGE (playground or explorer, default playground) picks the test,
# scripts/browser-test/$PAGE.test.mjs. SERVER_BINARY defaults to
# target/debug/api (relative to the repo root). The server is started on a
# free loopback port with a fresh temporary SQLite database:
#   SERVER_BINARY --listen 127.0.0.1:PORT --database-url sqlite://DB?mode=rwc [EXTRA...]
# then the test drives headless Debian Chromium against it. The server is
# always stopped on exit; the exit status is the test's. Screenshots go to
# $SCREENSHOT_DIR (default /tmp).
#
# Installs what it needs if missing: Debian's chromium (apt) and the pinned
# playwright-core (npm ci from the committed package-lock.json).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TEST_DIR="$ROOT/scripts/browser-test"
HEALTH_TIMEOUT_S="${HEALTH_TIMEOUT_S:-120}"
PAGE="${PAGE:-playground}"

SERVER_BIN="${1:-target/debug/api}"
[[ $# -gt 0 ]] && shift
case "$SERVER_BIN" in
  /*) ;;
  *) SERVER_BIN="$ROOT/$SERVER_BIN" ;;
esac

say() { echo "[browser-test:$PAGE] $*"; }
die() {
  echo "[browser-test:$PAGE] $*" >&2
  echo "0 passed, 1 failed"
  exit 1
}

[[ "$PAGE" =~ ^[a-z0-9-]+$ && -f "$TEST_DIR/$PAGE.test.mjs" ]] ||
  die "unknown PAGE \"$PAGE\": no scripts/browser-test/$PAGE.test.mjs (try playground or explorer)"
[[ -x "$SERVER_BIN" ]] || die "server binary not found or not executable: $SERVER_BIN (build it first)"
command -v node >/dev/null || die "node is required"
command -v npm >/dev/null || die "npm is required"
command -v curl >/dev/null || die "curl is required"

if [[ ! -x /usr/bin/chromium ]]; then
  say "installing chromium (apt)"
  SUDO=""
  [[ "$(id -u)" -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium
fi
[[ -x /usr/bin/chromium ]] || die "/usr/bin/chromium is still missing after apt-get install"

if [[ ! -d "$TEST_DIR/node_modules/playwright-core" ]]; then
  say "npm ci in scripts/browser-test"
  (cd "$TEST_DIR" && npm ci --no-audit --no-fund)
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/kb-browser-test-$PAGE.XXXXXX")"
SERVER_PID=""
SERVER_LOG="$WORK/server.log"

cleanup() {
  local status=$?
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PORT="$(node -e '
  const srv = require("net").createServer();
  srv.listen(0, "127.0.0.1", () => { console.log(srv.address().port); srv.close(); });')"
[[ "$PORT" =~ ^[0-9]+$ ]] || die "could not pick a free port"
DB="$WORK/kb.sqlite"
BASE="http://127.0.0.1:$PORT"

say "starting $SERVER_BIN on 127.0.0.1:$PORT with database $DB"
"$SERVER_BIN" --listen "127.0.0.1:$PORT" --database-url "sqlite://$DB?mode=rwc" "$@" >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!

deadline=$((SECONDS + HEALTH_TIMEOUT_S))
until curl -fsS -o /dev/null --max-time 5 "$BASE/health" 2>/dev/null; do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "---- server log ----" >&2
    cat "$SERVER_LOG" >&2 || true
    die "server exited before $BASE/health answered"
  fi
  if ((SECONDS >= deadline)); then
    echo "---- server log (last 50 lines) ----" >&2
    tail -n 50 "$SERVER_LOG" >&2 || true
    die "$BASE/health did not answer within ${HEALTH_TIMEOUT_S}s"
  fi
  sleep 0.5
done
say "server is healthy at $BASE"

set +e
KB_URL="$BASE" node "$TEST_DIR/$PAGE.test.mjs"
TEST_STATUS=$?
set -e

if [[ $TEST_STATUS -ne 0 ]]; then
  echo "---- server log (last 50 lines) ----" >&2
  tail -n 50 "$SERVER_LOG" >&2 || true
fi
exit "$TEST_STATUS"
