#!/usr/bin/env bash
# Where the server's CPU goes under one dashboard query: a perf profile of
# target/release/api while wrk drives the query, summarised by library and
# by function.
#
#   scripts/bench/profile.sh [relations|history|timeline] [DATABASE]
#       (defaults: relations, kb_bench_10k made by run.sh 10k)
#
# Starts the api on the database (--max-connections 32 --no-seed,
# RUST_LOG=warn), runs wrk with the query's Lua script for WARMUP + SECONDS,
# records the api process with `perf record -g` for SECONDS after the
# warm-up, stops both and prints two tables: the share of the api's samples
# by shared object, and its top functions (self time). Raw output goes to
# BENCH_OUT/profile-<query>.{data,txt}.
#
# Environment [defaults]: PGHOST [127.0.0.1] PGPORT [5432] PGUSER [postgres]
#   SECONDS_RECORDED [12] WARMUP [4] CLIENTS [32] THREADS [2] SKIP_BUILD [0]
#   BENCH_OUT [target/bench] TOP [30]
# Needs: perf (linux-perf), wrk (installed with apt-get if missing).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
QUERY="${1:-relations}"; DB="${2:-kb_bench_10k}"
RECORD="${SECONDS_RECORDED:-12}"; WARMUP="${WARMUP:-4}"; CLIENTS="${CLIENTS:-32}"; THREADS="${THREADS:-2}"
TOP="${TOP:-30}"; OUT="${BENCH_OUT:-$ROOT/target/bench}"; mkdir -p "$OUT"
case "$QUERY" in relations | history | timeline) ;; *) echo "usage: $0 [relations|history|timeline] [DATABASE]" >&2; exit 2 ;; esac
command -v perf >/dev/null || { echo "perf is not installed (apt-get install linux-perf)" >&2; exit 1; }
command -v wrk >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
[[ "${SKIP_BUILD:-0}" == 1 ]] || (cd "$ROOT" && cargo build --release -q -p api)
psql -qtA -d "$DB" -c "SELECT 1" >/dev/null || { echo "no database $DB (scripts/bench/run.sh makes it)" >&2; exit 1; }
RELATIONS=$(psql -qtA -d "$DB" -c "SELECT count(*) FROM relation WHERE superseded_at IS NULL")

SERVER=""; LOAD=""
trap '[[ -n "$LOAD" ]] && kill "$LOAD" 2>/dev/null; [[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null || true' EXIT INT TERM
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RUST_LOG=warn "$ROOT/target/release/api" --database-url "postgres://$PGUSER@$PGHOST:$PGPORT/$DB" \
  --listen "127.0.0.1:$PORT" --max-connections 32 --no-seed >"$OUT/profile-server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 200); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.2; done

wrk -t "$THREADS" -c "$CLIENTS" -d "$((WARMUP + RECORD + 2))s" -s "$ROOT/scripts/bench/lua/$QUERY.lua" \
  "http://127.0.0.1:$PORT/graphql" -- "$RELATIONS" >"$OUT/profile-$QUERY-wrk.txt" 2>&1 &
LOAD=$!
sleep "$WARMUP"
perf record -q -g -F 499 -p "$SERVER" -o "$OUT/profile-$QUERY.data" -- sleep "$RECORD" 2>/dev/null
wait "$LOAD" 2>/dev/null || true; LOAD=""
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""

perf report -i "$OUT/profile-$QUERY.data" --no-children --sort dso --stdio 2>/dev/null >"$OUT/profile-$QUERY-dso.txt"
perf report -i "$OUT/profile-$QUERY.data" --no-children --sort sym --stdio -g none 2>/dev/null >"$OUT/profile-$QUERY.txt"
echo "## Profile of the api under the $QUERY query ($DB, $CLIENTS connections, ${RECORD}s)"
echo
grep -m1 "Requests/sec" "$OUT/profile-$QUERY-wrk.txt" | sed 's/^/    wrk: /'
echo
echo "| shared object | share of the api's samples |"
echo "|---|---:|"
grep -E '^ +[0-9.]+%' "$OUT/profile-$QUERY-dso.txt" | head -n 12 | awk '{printf "| %s | %s |\n", $2, $1}'
echo
echo "| function (self) | share |"
echo "|---|---:|"
grep -E '^ +[0-9.]+%' "$OUT/profile-$QUERY.txt" | head -n "$TOP" |
  awk '{share=$1; $1=""; $2=""; sub(/^ +/, ""); gsub(/\|/, "\\|"); printf "| `%s` | %s |\n", substr($0, 1, 110), share}'
