#!/usr/bin/env bash
# Allocator measurement: the same server built or run with different
# allocators, each through the same burst of the costliest accepted query
# and the same relations load, on one PostgreSQL database, in one run.
#
#   scripts/bench/allocator.sh LABEL=BINARY[:ENV=VALUE,...] ...
#   e.g. scripts/bench/allocator.sh glibc=/tmp/api-glibc \
#          glibc-arena2=/tmp/api-glibc:MALLOC_ARENA_MAX=2 mimalloc=/tmp/api-mimalloc
#
# For each: start the binary (--max-connections 32), note its resident
# memory once warm (idle), run BURST seconds of the heavy query (wrk,
# 16 connections) sampling memory, wait SETTLE seconds, note memory again
# (after), then RATE seconds of the relations question (32 connections).
# Prints a markdown table. Environment [defaults]: PGHOST [127.0.0.1]
# PGPORT [5432] PGUSER [postgres] BURST [20] SETTLE [10] RATE [15].
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH="$ROOT/scripts/bench"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
BURST="${BURST:-20}"; SETTLE="${SETTLE:-10}"; RATE="${RATE:-15}"
DB=kb_alloc; URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB"
command -v wrk >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
if ! psql -qtA -d "$DB" -c "SELECT count(*) FROM relation" 2>/dev/null | grep -qx 10000; then
  dropdb --if-exists "$DB"; createdb "$DB"
  "$ROOT/target/release/seed" --database-url "$URL" synth --entities 1000 --relations 10000 >/dev/null
  psql -q -d "$DB" -c "VACUUM ANALYZE" >/dev/null
fi
SERVER=""
trap '[[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null || true' EXIT INT TERM
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
echo "| variant | idle RSS KiB | peak RSS KiB | after RSS KiB | after / idle | heavy req/s | relations req/s | relations p99 ms |"
echo "|---|---|---|---|---|---|---|---|"
for spec in "$@"; do
  label="${spec%%=*}"; rest="${spec#*=}"; bin="${rest%%:*}"; envs=""
  [[ "$rest" == *:* ]] && envs="${rest#*:}"
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  env ${envs//,/ } RUST_LOG=warn "$bin" --database-url "$URL" --listen "127.0.0.1:$PORT" --max-connections 32 --no-seed >/dev/null 2>&1 &
  SERVER=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
  wrk -t2 -c4 -d3s -s "$BENCH/lua/relations.lua" "http://127.0.0.1:$PORT/graphql" -- 10000 >/dev/null
  sleep 2; idle=$(rss "$SERVER"); peak=$idle
  ( while kill -0 "$SERVER" 2>/dev/null; do rss "$SERVER"; sleep 0.5; done ) >"/tmp/alloc-$label.rss" &
  sampler=$!
  heavy=$(wrk -t2 -c16 -d"${BURST}s" -s "$BENCH/lua/heavy.lua" "http://127.0.0.1:$PORT/graphql" -- 10000 | sed -n 's/.* rps=\([^ ]*\).*/\1/p')
  sleep "$SETTLE"; after=$(rss "$SERVER")
  kill "$sampler" 2>/dev/null || true
  peak=$(sort -n "/tmp/alloc-$label.rss" | tail -n 1)
  line=$(wrk -t2 -c32 -d"${RATE}s" -s "$BENCH/lua/relations.lua" "http://127.0.0.1:$PORT/graphql" -- 10000 | grep '^BENCH')
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
  rps=$(sed -n 's/.* rps=\([^ ]*\).*/\1/p' <<<"$line"); p99=$(sed -n 's/.* p99_ms=\([^ ]*\).*/\1/p' <<<"$line")
  echo "| $label | $idle | $peak | $after | $(python3 -c "print(round($after / $idle, 2))") | $heavy | $rps | $p99 |"
done
