#!/usr/bin/env bash
# Dashboard benchmark: GraphQL over HTTP (wrk) against the equivalent SQL
# straight on PostgreSQL (pgbench), on synthetic data.
#
#   scripts/bench/run.sh [10k|1m|all]          (default: all)
#
#   10k  kb_bench_10k:  1,000 entities,    10,000 relations
#   1m   kb_bench_1m: 100,000 entities, 1,000,000 relations
#
# For each scale: builds the release binaries, creates and fills the database
# if it is absent or unfinished (seed synth, then VACUUM ANALYZE), starts
# target/release/api on a free loopback port with --max-connections 32
# --no-seed, checks one sample of each query with curl, then for each of the
# three dashboard queries runs a warm-up and a measured load over HTTP (wrk),
# then a warm-up and a measured load of the same SQL (pgbench -M prepared),
# alternating HTTP, SQL, HTTP, SQL... It stops the server and prints a
# markdown table; `all` also prints the 1M/10k latency ratios.
#
# Environment (defaults in brackets):
#   PGHOST [127.0.0.1] PGPORT [5432] PGUSER [postgres]   PostgreSQL to use
#   DURATION [30]   seconds of each measured load
#   WARMUP [5]      seconds of each warm-up load (0: none)
#   CLIENTS [32]    concurrent connections (wrk -c, pgbench -c)
#   THREADS [2]     load-generator threads (wrk -t, pgbench -j)
#   QUERIES ["relations history timeline"]   which dashboard queries
#   SKIP_BUILD [0]  1: use the binaries already in target/release
#   BENCH_OUT [target/bench]   raw output: logs, wrk/pgbench output, results.tsv
#   RUST_LOG        passed to the server (its default logs one line a request)
#
# Needs: cargo, wrk (apt-get install wrk), pgbench/psql/createdb (Debian's
# postgresql-client), curl, python3. Sends traffic to 127.0.0.1 only.
# Every process it starts is stopped on exit, Ctrl-C included.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH="$ROOT/scripts/bench"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
DURATION="${DURATION:-30}"
WARMUP="${WARMUP:-5}"
CLIENTS="${CLIENTS:-32}"
THREADS="${THREADS:-2}"
QUERIES="${QUERIES:-relations history timeline}"
SKIP_BUILD="${SKIP_BUILD:-0}"
OUT="${BENCH_OUT:-$ROOT/target/bench}"
API="$ROOT/target/release/api"
SEED="$ROOT/target/release/seed"

say() { echo "[bench] $*" >&2; }
die() { say "error: $*"; exit 1; }

# ---- process hygiene: everything started is remembered and stopped -------
SERVER_PID=""
CHILD_PID=""
stop_pid() { # pid: TERM, wait up to 10 s, then KILL
  local pid="$1"
  [[ -n "$pid" ]] || return 0
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$CHILD_PID"; CHILD_PID=""
  stop_pid "$SERVER_PID"; SERVER_PID=""
  exit "$rc"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

# Runs a command in the background and waits for it, so that a signal to
# this script reaches the trap (which stops the command) at once.
run_child() {
  "$@" &
  CHILD_PID=$!
  local rc=0
  wait "$CHILD_PID" || rc=$?
  CHILD_PID=""
  return "$rc"
}

# ---- arguments and tools ---------------------------------------------------
SCALES=()
case "${1:-all}" in
  10k) SCALES=(10k) ;;
  1m | 1M) SCALES=(1m) ;;
  all) SCALES=(10k 1m) ;;
  -h | --help) sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) die "usage: scripts/bench/run.sh [10k|1m|all]" ;;
esac
for tool in wrk pgbench psql createdb dropdb curl python3; do
  command -v "$tool" >/dev/null || die "$tool is not installed (wrk: apt-get install -y wrk; pgbench/psql: postgresql-client)"
done
pg_isready -h "$PGHOST" -p "$PGPORT" -q || die "PostgreSQL is not answering on $PGHOST:$PGPORT"

scale_entities() { case "$1" in 10k) echo 1000 ;; 1m) echo 100000 ;; esac; }
scale_relations() { case "$1" in 10k) echo 10000 ;; 1m) echo 1000000 ;; esac; }

if [[ "$SKIP_BUILD" != 1 ]]; then
  say "cargo build --release -p api -p seed"
  (cd "$ROOT" && cargo build --release -p api -p seed)
fi
[[ -x "$API" && -x "$SEED" ]] || die "missing $API or $SEED (build them, or unset SKIP_BUILD)"

# ---- database ----------------------------------------------------------------
psql_q() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }

# Creates and fills the database unless it holds a finished data set of this
# size (marked by a database comment written as the last step).
ensure_db() {
  local db="$1" entities="$2" relations="$3"
  local mark="kb bench: seed synth --entities $entities --relations $relations; vacuum analyzed"
  local have
  have="$(psql_q -d postgres -c "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE datname = '$db'")"
  if [[ "$have" == "$mark" ]]; then
    say "$db: present ($entities entities, $relations relations)"
    return 0
  fi
  if [[ -n "$(psql_q -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]]; then
    say "$db: exists but is unfinished or of another size: dropping it"
    dropdb --if-exists "$db"
  fi
  createdb "$db"
  say "$db: generating $entities entities, $relations relations (seed synth)"
  local started=$SECONDS
  run_child "$SEED" --database-url "postgres://$PGUSER@$PGHOST:$PGPORT/$db" synth --entities "$entities" --relations "$relations"
  say "$db: generated in $((SECONDS - started)) s; VACUUM ANALYZE"
  psql_q -d "$db" -c "VACUUM ANALYZE"
  psql_q -d "$db" -c "COMMENT ON DATABASE $db IS '$mark'"
  say "$db: ready in $((SECONDS - started)) s"
}

# ---- server ------------------------------------------------------------------
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start_server() {
  local db="$1" log="$2"
  PORT="$(free_port)"
  URL="http://127.0.0.1:$PORT"
  say "starting api on 127.0.0.1:$PORT (--max-connections 32 --no-seed), log $log"
  "$API" --database-url "postgres://$PGUSER@$PGHOST:$PGPORT/$db" --listen "127.0.0.1:$PORT" \
    --max-connections 32 --no-seed >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    if curl -fsS -o /dev/null "$URL/health" 2>/dev/null; then
      return 0
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 20 "$log" >&2; die "the server exited while starting"; }
    sleep 0.1
  done
  die "the server did not answer /health within 30 s"
}

stop_server() {
  say "stopping the server"
  stop_pid "$SERVER_PID"
  SERVER_PID=""
}

# ---- one sample of each query, checked before any load --------------------
b64url() { printf '%s' "$1" | base64 | tr '+/' '-_' | tr -d '=\n'; }

# The GraphQL queries, as in the Lua scripts.
Q_RELATIONS='query($e: String!, $d: Date) { relations(entity: $e, asOf: $d, first: 20) { edges { node { key: id label type source { slug name } target { slug name } status(asOf: $d) } } pageInfo { hasNextPage endCursor } } }'
Q_HISTORY='query($id: ID!) { node(id: $id) { ... on Relation { label source { slug } target { slug } history { status from { edtf } to { edtf } citations { quote article { title } } } } } }'
Q_TIMELINE='query($a: String!, $b: String!, $from: Date, $to: Date) { timeline(entities: [$a, $b], from: $from, to: $to) { kind title date { edtf } } }'

sample_body() {
  case "$1" in
    relations) printf '{"query":"%s","variables":{"e":"synth-e0","d":"1995-06-15"}}' "$Q_RELATIONS" ;;
    history) printf '{"query":"%s","variables":{"id":"%s"}}' "$Q_HISTORY" "$(b64url "Relation:synth-r42")" ;;
    timeline) printf '{"query":"%s","variables":{"a":"synth-e0","b":"synth-e1","from":"1995-06-15","to":"1996-06-15"}}' "$Q_TIMELINE" ;;
  esac
}

check_sample() {
  local q="$1" dir="$2"
  local body status
  body="$(sample_body "$q")"
  status="$(curl -sS -o "$dir/sample-$q.json" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "$body" "$URL/graphql")"
  [[ "$status" == 200 ]] || die "$q: sample answered HTTP $status: $(head -c 500 "$dir/sample-$q.json")"
  if grep -q '"errors"' "$dir/sample-$q.json"; then
    die "$q: sample has errors: $(head -c 500 "$dir/sample-$q.json")"
  fi
  grep -q '"data":{' "$dir/sample-$q.json" || die "$q: sample has no data"
  say "$q: sample OK, $(wc -c <"$dir/sample-$q.json") bytes: $(head -c 160 "$dir/sample-$q.json")..."
}

# ---- loads -------------------------------------------------------------------
# Reads key=value pairs from the BENCH line of a file into the assoc array R.
declare -A R
read_bench_line() {
  R=()
  local line kv
  line="$(grep '^BENCH ' "$1" | tail -n 1)" || die "no BENCH line in $1"
  for kv in ${line#BENCH }; do
    R["${kv%%=*}"]="${kv#*=}"
  done
}

http_load() {
  local q="$1" relations="$2" dir="$3"
  local script="$BENCH/lua/$q.lua"
  if [[ "$WARMUP" -gt 0 ]]; then
    say "HTTP $q: warm-up ${WARMUP}s"
    run_child wrk -t "$THREADS" -c "$CLIENTS" -d "${WARMUP}s" -s "$script" "$URL/graphql" -- "$relations" >"$dir/wrk-$q-warmup.txt"
  fi
  say "HTTP $q: wrk -t $THREADS -c $CLIENTS -d ${DURATION}s --latency"
  run_child wrk -t "$THREADS" -c "$CLIENTS" -d "${DURATION}s" --latency -s "$script" "$URL/graphql" -- "$relations" >"$dir/wrk-$q.txt"
  read_bench_line "$dir/wrk-$q.txt"
  local bad=$((R[non200] + R[graphql_errors] + R[no_data] + R[socket_errors]))
  [[ "$bad" -eq 0 ]] || say "WARNING: $q over HTTP: ${R[non200]} non-200, ${R[graphql_errors]} with errors, ${R[no_data]} without data, ${R[socket_errors]} socket errors"
  printf '%s\thttp\t%s\t%s\t%s\t%s\t%s\n' "$q" "${R[rps]}" "${R[p50_ms]}" "${R[p99_ms]}" "${R[requests]}" "$bad" >>"$dir/results.tsv"
  say "HTTP $q: ${R[rps]} req/s, p50 ${R[p50_ms]} ms, p99 ${R[p99_ms]} ms, bad $bad"
}

sql_load() {
  local q="$1" db="$2" relations="$3" dir="$4"
  local script="$BENCH/sql/$q.sql"
  local args=(-n -M prepared -c "$CLIENTS" -j "$THREADS" -D "nrel=$relations" -f "$script" "$db")
  if [[ "$WARMUP" -gt 0 ]]; then
    say "SQL $q: warm-up ${WARMUP}s"
    run_child pgbench -T "$WARMUP" "${args[@]}" >"$dir/pgbench-$q-warmup.txt" 2>&1 || die "pgbench failed: $(tail -n 5 "$dir/pgbench-$q-warmup.txt")"
  fi
  say "SQL $q: pgbench -M prepared -c $CLIENTS -j $THREADS -T $DURATION -l"
  rm -f "$dir/pgb-$q".*
  run_child pgbench -T "$DURATION" -l --log-prefix="$dir/pgb-$q" "${args[@]}" >"$dir/pgbench-$q.txt" 2>&1 || die "pgbench failed: $(tail -n 5 "$dir/pgbench-$q.txt")"
  python3 "$BENCH/percentiles.py" "$dir/pgb-$q" "$DURATION" >>"$dir/pgbench-$q.txt"
  read_bench_line "$dir/pgbench-$q.txt"
  # pgbench's own rate, without connection time, is the figure it reports
  local tps
  tps="$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' "$dir/pgbench-$q.txt")"
  [[ -n "$tps" ]] || tps="${R[tps]}"
  local failed
  failed="$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$dir/pgbench-$q.txt")"
  failed=$(( ${failed:-0} + R[failed] ))
  [[ "$failed" -eq 0 ]] || say "WARNING: $q over SQL: $failed failed transactions"
  printf '%s\tsql\t%s\t%s\t%s\t%s\t%s\n' "$q" "$tps" "${R[p50_ms]}" "${R[p99_ms]}" "${R[transactions]}" "$failed" >>"$dir/results.tsv"
  rm -f "$dir/pgb-$q".*   # the per-transaction logs are large; the summary is kept
  say "SQL $q: $tps tps, p50 ${R[p50_ms]} ms, p99 ${R[p99_ms]} ms, failed $failed"
}

# ---- report --------------------------------------------------------------------
# Prints the markdown table of one scale from its results.tsv.
print_table() {
  local scale="$1" file="$2"
  python3 - "$scale" "$file" <<'PY'
import sys
scale, path = sys.argv[1], sys.argv[2]
rows = {}
for line in open(path):
    q, kind, rate, p50, p99, n, bad = line.rstrip("\n").split("\t")
    rows[(q, kind)] = (float(rate), float(p50), float(p99), int(n), int(bad))
print(f"\n### {scale}\n")
print("| query | HTTP req/s | HTTP p50 ms | HTTP p99 ms | SQL tps | SQL p50 ms | SQL p99 ms | HTTP/SQL throughput | bad responses |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for q in ["relations", "history", "timeline"]:
    h, s = rows.get((q, "http")), rows.get((q, "sql"))
    if not h and not s:
        continue
    cell = lambda r, i, f: (f % r[i]) if r else "-"
    ratio = f"{h[0] / s[0]:.0%}" if h and s and s[0] else "-"
    bad = (h[4] if h else 0) + (s[4] if s else 0)
    print(f"| {q} | {cell(h,0,'%.0f')} | {cell(h,1,'%.2f')} | {cell(h,2,'%.2f')} | {cell(s,0,'%.0f')} | "
          f"{cell(s,1,'%.2f')} | {cell(s,2,'%.2f')} | {ratio} | {bad} |")
PY
}

print_ratios() {
  python3 - "$OUT/10k/results.tsv" "$OUT/1m/results.tsv" <<'PY'
import sys
def load(path):
    rows = {}
    for line in open(path):
        q, kind, rate, p50, p99, n, bad = line.rstrip("\n").split("\t")
        rows[(q, kind)] = (float(rate), float(p50), float(p99))
    return rows
small, big = load(sys.argv[1]), load(sys.argv[2])
print("\n### latency 1M / 10k\n")
print("| query | HTTP p50 | HTTP p99 | SQL p50 | SQL p99 |")
print("|---|---:|---:|---:|---:|")
for q in ["relations", "history", "timeline"]:
    cells = []
    for kind in ["http", "sql"]:
        a, b = small.get((q, kind)), big.get((q, kind))
        for i in (1, 2):
            cells.append(f"{b[i] / a[i]:.2f}x" if a and b and a[i] else "-")
    print(f"| {q} | " + " | ".join(cells) + " |")
PY
}

machine() {
  echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "postgres: $(psql_q -d postgres -c 'SHOW server_version'), shared_buffers $(psql_q -d postgres -c 'SHOW shared_buffers')"
  echo "commit: $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$ROOT" && git diff --quiet HEAD -- api entity migration seed 2>/dev/null || echo ' (with uncommitted changes to the Rust code)')"
  echo "load: $CLIENTS clients, $THREADS threads, ${DURATION}s measured after ${WARMUP}s warm-up per query"
}

# ---- main ------------------------------------------------------------------------
bench_scale() {
  local scale="$1"
  local entities relations db dir
  entities="$(scale_entities "$scale")"
  relations="$(scale_relations "$scale")"
  db="kb_bench_$scale"
  dir="$OUT/$scale"
  mkdir -p "$dir"
  : >"$dir/results.tsv"
  ensure_db "$db" "$entities" "$relations"
  start_server "$db" "$dir/server.log"
  local q
  for q in $QUERIES; do
    check_sample "$q" "$dir"
  done
  for q in $QUERIES; do
    http_load "$q" "$relations" "$dir"
    sql_load "$q" "$db" "$relations" "$dir"
  done
  stop_server
}

for scale in "${SCALES[@]}"; do
  bench_scale "$scale"
done

echo
echo "## Dashboard benchmark ($(date -u +%Y-%m-%dT%H:%MZ))"
echo
machine | sed 's/^/- /'
for scale in "${SCALES[@]}"; do
  print_table "$scale" "$OUT/$scale/results.tsv"
done
if [[ -s "$OUT/10k/results.tsv" && -s "$OUT/1m/results.tsv" ]]; then
  [[ "${#SCALES[@]}" -eq 2 ]] || echo -e "\n(ratios use the latest results of each scale in $OUT)"
  print_ratios
fi
