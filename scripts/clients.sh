#!/usr/bin/env bash
# Real GraphQL clients against a real server: Apollo Client 4 with
# graphql-ws (and the graphql-http audit), and Python's gql, each asserting
# the values it gets.
#
#   scripts/clients.sh [SERVER_BINARY]     (default target/debug/api)
#
# Starts the server on a free loopback port over a fresh SQLite database
# (seeded with the shipped articles) with a write token, runs
# scripts/clients/apollo.test.mjs and scripts/clients/gql_client.py, and
# stops the server on exit. Installs the pinned packages if they are
# missing: npm ci from the committed lock file, and gql in a virtual
# environment from scripts/clients/requirements.txt.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$ROOT/scripts/clients"
BIN="${1:-$ROOT/target/debug/api}"
[[ -x "$BIN" ]] || { echo "server binary not found: $BIN (build it first)" >&2; exit 1; }
command -v node >/dev/null || { echo "node is required" >&2; exit 1; }

[[ -d "$DIR/node_modules/@apollo/client" ]] || (cd "$DIR" && npm ci --no-audit --no-fund)
VENV="${KB_CLIENTS_VENV:-${TMPDIR:-/tmp}/kb-clients-venv}"
if ! "$VENV/bin/python" -c 'import gql' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q -r "$DIR/requirements.txt"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/kb-clients.XXXXXX")"
SERVER=""
cleanup() {
  if [[ -n "$SERVER" ]]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"
DB="sqlite://$WORK/kb.sqlite?mode=rwc"
TOKEN=$("$BIN" --database-url "$DB" token create --name client-test --scope write | tail -n 1)
RUST_LOG=warn "$BIN" --database-url "$DB" --listen "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 240); do curl -fs "$URL/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "$URL/readyz" >/dev/null || { cat "$WORK/server.log"; echo "the server did not become ready" >&2; exit 1; }

echo "== Apollo Client, graphql-ws and the graphql-http audit"
(cd "$DIR" && KB_URL="$URL" KB_TOKEN="$TOKEN" node apollo.test.mjs)
echo
echo "== Python gql"
KB_URL="$URL" KB_TOKEN="$TOKEN" "$VENV/bin/python" "$DIR/gql_client.py"
