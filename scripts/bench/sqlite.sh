#!/usr/bin/env bash
# The three dashboard queries on the embedded default (SQLite), next to the
# same binary on PostgreSQL, at 10k and 100k relations, in one run.
#
#   scripts/bench/sqlite.sh
#
# For each scale (10k: 1,000 entities and 10,000 relations; 100k: 10,000 and
# 100,000) it fills an SQLite file and a PostgreSQL database with the same
# synthetic data (seed synth; kept between runs under BENCH_OUT), starts
# target/release/api on each in turn (--max-connections 8 on SQLite, 32 on
# PostgreSQL; --no-seed) and drives each query with wrk for DURATION seconds
# after a WARMUP, CLIENTS connections. Prints a markdown table with the
# SQLite / PostgreSQL ratios.
#
# Environment [defaults]: PGHOST [127.0.0.1] PGPORT [5432] PGUSER [postgres]
#   DURATION [20] WARMUP [3] CLIENTS [16] THREADS [2] SKIP_BUILD [0]
#   BENCH_OUT [target/bench]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH="$ROOT/scripts/bench"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
DURATION="${DURATION:-20}"; WARMUP="${WARMUP:-3}"; CLIENTS="${CLIENTS:-16}"; THREADS="${THREADS:-2}"
OUT="${BENCH_OUT:-$ROOT/target/bench}"; mkdir -p "$OUT"
command -v wrk >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
[[ "${SKIP_BUILD:-0}" == 1 ]] || (cd "$ROOT" && cargo build --release -q -p api -p seed)
API="$ROOT/target/release/api"; SEED="$ROOT/target/release/seed"

SERVER=""
trap '[[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null || true' EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# fill URL ENTITIES RELATIONS: synthetic data unless already there.
fill_sqlite() {
  local file="$1" entities="$2" relations="$3"
  [[ -f "$file.done" ]] && return 0
  rm -f "$file" "$file-wal" "$file-shm"
  "$SEED" --database-url "sqlite://$file?mode=rwc" synth --entities "$entities" --relations "$relations" >/dev/null
  touch "$file.done"
}
fill_pg() {
  local db="$1" entities="$2" relations="$3"
  if psql -qtA -d "$db" -c "SELECT count(*) FROM relation" 2>/dev/null | grep -qx "$relations"; then return 0; fi
  dropdb --if-exists "$db"; createdb "$db"
  "$SEED" --database-url "postgres://$PGUSER@$PGHOST:$PGPORT/$db" synth --entities "$entities" --relations "$relations" >/dev/null
  psql -q -d "$db" -c "VACUUM ANALYZE" >/dev/null
}

# measure URL CONNECTIONS RELATIONS: one "rps p50 p99" line per query.
measure() {
  local url="$1" pool="$2" relations="$3" port
  port=$(free_port)
  RUST_LOG=warn "$API" --database-url "$url" --listen "127.0.0.1:$port" --max-connections "$pool" --no-seed >"$OUT/sqlite-bench-server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 200); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
  for q in relations history timeline; do
    wrk -t"$THREADS" -c"$CLIENTS" -d"${WARMUP}s" -s "$BENCH/lua/$q.lua" "http://127.0.0.1:$port/graphql" -- "$relations" >/dev/null
    line=$(wrk -t"$THREADS" -c"$CLIENTS" -d"${DURATION}s" -s "$BENCH/lua/$q.lua" "http://127.0.0.1:$port/graphql" -- "$relations" | grep '^BENCH')
    python3 - "$q" "$line" <<'PY'
import sys
q, line = sys.argv[1], sys.argv[2]
f = dict(kv.split("=") for kv in line.split()[1:])
errors = sum(int(f[k]) for k in ("non200", "graphql_errors", "no_data", "socket_errors"))
print(q, f["rps"], f["p50_ms"], f["p99_ms"], errors)
PY
  done
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
}

echo "| scale | query | SQLite req/s | p50 ms | p99 ms | PostgreSQL req/s | p50 ms | p99 ms | SQLite / PostgreSQL rate | errors |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for scale in 10k 100k; do
  case "$scale" in 10k) e=1000; r=10000 ;; 100k) e=10000; r=100000 ;; esac
  file="$OUT/kb-sqlite-$scale.sqlite"; db="kb_sqlite_peer_$scale"
  fill_sqlite "$file" "$e" "$r"; fill_pg "$db" "$e" "$r"
  lite=$(measure "sqlite://$file?mode=rwc" 8 "$r")
  pg=$(measure "postgres://$PGUSER@$PGHOST:$PGPORT/$db" 32 "$r")
  while read -r q rps p50 p99 errs; do
    read -r _ prps pp50 pp99 perrs <&3
    ratio=$(python3 -c "print(round($rps / $prps, 2))")
    echo "| $scale | $q | $rps | $p50 | $p99 | $prps | $pp50 | $pp99 | ${ratio}x | $errs / $perrs |"
  done < <(echo "$lite") 3< <(echo "$pg")
done
