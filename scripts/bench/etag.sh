#!/usr/bin/env bash
# Dashboards that poll: the relations question sent as GET, in full and
# revalidated with If-None-Match (304 without running the query), in one run.
#
#   scripts/bench/etag.sh [DATABASE]      (default kb_bench_10k, made by run.sh 10k)
#
# Starts target/release/api (--max-connections 32 --no-seed) on the
# PostgreSQL database, fetches the ETags of 100 dashboard URLs (the
# relations of synth-e0 .. synth-e99 on 2008-08-19), then runs wrk for
# DURATION seconds each: full GETs, then revalidations. Prints a markdown
# table with the ratio.
#
# Environment [defaults]: PGHOST [127.0.0.1] PGPORT [5432] PGUSER [postgres]
#   DURATION [20] WARMUP [3] CLIENTS [32] THREADS [2] SKIP_BUILD [0]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
DB="${1:-kb_bench_10k}"
DURATION="${DURATION:-20}"; WARMUP="${WARMUP:-3}"; CLIENTS="${CLIENTS:-32}"; THREADS="${THREADS:-2}"
command -v wrk >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
[[ "${SKIP_BUILD:-0}" == 1 ]] || (cd "$ROOT" && cargo build --release -q -p api)
SERVER=""; WORK="$(mktemp -d)"
trap '[[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT INT TERM
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RUST_LOG=warn "$ROOT/target/release/api" --database-url "postgres://$PGUSER@$PGHOST:$PGPORT/$DB" \
  --listen "127.0.0.1:$PORT" --max-connections 32 --no-seed >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 200); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.2; done

python3 - "$PORT" >"$WORK/tags.tsv" <<'PY'
import sys, urllib.parse, urllib.request
port = sys.argv[1]
query = ("query($e: String!, $d: Date) { relations(entity: $e, asOf: $d, first: 20) { edges { node { "
         "key: id label type source { slug name } target { slug name } status(asOf: $d) } } "
         "pageInfo { hasNextPage endCursor } } }")
for i in range(100):
    variables = '{"e":"synth-e%d","d":"2008-08-19"}' % i
    path = "/graphql?" + urllib.parse.urlencode({"query": query, "variables": variables})
    with urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Accept": "application/json"})) as r:
        tag = r.headers["ETag"]
        assert r.status == 200 and tag, "the API gives no ETag"
    print(f"{path}\t{tag}")
PY

run() {
  wrk -t"$THREADS" -c"$CLIENTS" -d"${WARMUP}s" -s "$ROOT/scripts/bench/lua/etag.lua" "http://127.0.0.1:$PORT" -- "$WORK/tags.tsv" "$1" >/dev/null
  wrk -t"$THREADS" -c"$CLIENTS" -d"${DURATION}s" -s "$ROOT/scripts/bench/lua/etag.lua" "http://127.0.0.1:$PORT" -- "$WORK/tags.tsv" "$1" | grep '^BENCH'
}
full=$(run full); revalidated=$(run revalidate)
python3 - "$full" "$revalidated" <<'PY'
import sys
f, r = (dict(kv.split("=") for kv in line.split()[1:]) for line in sys.argv[1:3])
print("| GET of the relations question | req/s | p50 ms | p99 ms | wrong status | socket errors |")
print("|---|---|---|---|---|---|")
for name, x in (("full (200, query run)", f), ("revalidated (304, If-None-Match)", r)):
    print(f"| {name} | {float(x['rps']):,.0f} | {x['p50_ms']} | {x['p99_ms']} | {x['wrong_status']} | {x['socket_errors']} |")
print(f"\n304 rate / full rate: {float(r['rps']) / float(f['rps']):.1f}x")
PY
