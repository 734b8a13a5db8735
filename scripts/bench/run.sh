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
# if it is absent, unfinished or made from another schema (seed synth, then
# VACUUM ANALYZE; about 10 minutes at 1M on 2 cores), starts
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
#   QUIET_WAIT [300] QUIET_PCT [10]   before each load, wait up to QUIET_WAIT s
#                   for other work to use under QUIET_PCT % of the cores
#   RUST_LOG        passed to the server (its default logs one line a request)
#
# Needs: cargo, wrk (installed with apt-get if missing), pgbench/psql/createdb (Debian's
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
  rm -f "${CPU_TMP:-}"
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
  -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) die "usage: scripts/bench/run.sh [10k|1m|all]" ;;
esac
command -v wrk >/dev/null || { say "installing wrk"; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
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
# The mark also names a digest of the schema that the seed binary in use
# creates (pg_dump -s of a scratch database): the migration is still edited in
# place, and a database made by other code may lack columns or indexes that
# the server now reads. A changed schema means a new database.
SCHEMA_DIGEST=""
SCHEMA_NOTE=""
# (without comments and pg_dump's \restrict lines, which carry a random key)
schema_dump() { pg_dump -s -x -O "$1" | grep -v -e '^--' -e '^$' -e '^\\restrict ' -e '^\\unrestrict '; }
schema_digest() {
  if [[ -z "$SCHEMA_DIGEST" ]]; then
    local probe="kb_bench_schema_probe"
    dropdb --if-exists "$probe"
    createdb "$probe"
    "$SEED" --database-url "postgres://$PGUSER@$PGHOST:$PGPORT/$probe" synth --entities 2 --relations 2 >/dev/null 2>&1 ||
      die "seed cannot fill a scratch database ($probe)"
    schema_dump "$probe" >"$OUT/schema-expected.sql"
    SCHEMA_DIGEST="$(sha256sum <"$OUT/schema-expected.sql" | cut -c1-12)"
    dropdb "$probe"
  fi
  echo "$SCHEMA_DIGEST"
}

ensure_db() {
  local db="$1" entities="$2" relations="$3"
  schema_digest >/dev/null   # computed once, here, so that the subshell below only reads it
  local mark="kb bench: seed synth --entities $entities --relations $relations; schema $(schema_digest); vacuum analyzed"
  local have
  have="$(psql_q -d postgres -c "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE datname = '$db'")"
  if [[ "$have" == "$mark" ]]; then
    say "$db: present ($entities entities, $relations relations)"
    # Someone may have added or dropped indexes by hand since: say so, as
    # the figures would not describe the schema the binaries create.
    if ! schema_dump "$db" | diff -q - "$OUT/schema-expected.sql" >/dev/null; then
      say "WARNING: $db's schema differs from the one the binaries create:"
      schema_dump "$db" | diff - "$OUT/schema-expected.sql" | grep '^[<>]' | head -n 20 >&2 || true
      SCHEMA_NOTE="$SCHEMA_NOTE $db"
    fi
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
  local expect
  case "$q" in relations) expect='"edges":[' ;; history) expect='"history":[' ;; timeline) expect='"timeline":[' ;; esac
  grep -qF "$expect" "$dir/sample-$q.json" || die "$q: sample lacks $expect: $(head -c 500 "$dir/sample-$q.json")"
  say "$q: sample OK, $(wc -c <"$dir/sample-$q.json") bytes: $(head -c 160 "$dir/sample-$q.json")..."
}

# ---- CPU accounting -------------------------------------------------------------
# Where the two cores go during a measured load, in CPU milliseconds: the
# whole machine (busy time in /proc/stat, without niced processes), the api process (all its threads),
# and the load generator (wrk or pgbench: this shell's reaped children, read
# with the `times` builtin, which must run in this shell, not a subshell).
# PostgreSQL and the rest are the difference.
TICK_MS=$((1000 / $(getconf CLK_TCK)))
CPU_TMP="$(mktemp)"
# Busy time leaves out `nice` time: builds at low priority barely slow a
# load at normal priority and are not counted as its work or as background.
busy_ms() { awk -v t="$TICK_MS" '/^cpu / { print ($2 + $4 + $7 + $8 + $9) * t }' /proc/stat; }
proc_ms() { # pid
  if [[ -n "$1" && -r "/proc/$1/stat" ]]; then
    sed 's/^.*) //' "/proc/$1/stat" | awk -v t="$TICK_MS" '{ print ($12 + $13) * t }'
  else
    echo 0
  fi
}
# Sets CHILD_MS to the CPU time of this shell's reaped children. Called
# directly, never in $(...): a subshell's `times` starts from zero.
children_ms() {
  times >"$CPU_TMP"
  CHILD_MS="$(awk 'NR == 2 { split($0, f, /[ms ]+/); print int((f[1] * 60 + f[2] + f[3] * 60 + f[4]) * 1000) }' "$CPU_TMP")"
}
cpu_begin() {
  children_ms
  CPU0=("$(busy_ms)" "$(proc_ms "$SERVER_PID")" "$CHILD_MS")
}
# Sets CPU to the per-request CPU in microseconds, tab-separated: machine,
# api, load generator.
cpu_end() { # requests
  local n="$1" busy api gen
  children_ms
  busy=$(( $(busy_ms) - CPU0[0] ))
  api=$(( $(proc_ms "$SERVER_PID") - CPU0[1] ))
  gen=$(( CHILD_MS - CPU0[2] ))
  [[ "$n" -gt 0 ]] || n=1
  CPU="$(( busy * 1000 / n ))"$'\t'"$(( api * 1000 / n ))"$'\t'"$(( gen * 1000 / n ))"
}

# ---- a quiet machine -------------------------------------------------------------
# Other work on the machine (builds, tests) takes cores from the load. Before
# each measured load: sample the busy share of all cores over 2 s with no
# load running, and wait (up to QUIET_WAIT seconds, default 300) until it is
# below QUIET_PCT percent (default 10). The last sample is kept with the
# figures (column `bg %`), so a disturbed load shows as such.
QUIET_WAIT="${QUIET_WAIT:-300}"
QUIET_PCT="${QUIET_PCT:-10}"
BG=0
wait_quiet() {
  local waited=0 b0 b1
  while :; do
    b0="$(busy_ms)"; sleep 2; b1="$(busy_ms)"
    BG=$(( (b1 - b0) * 100 / (2000 * $(nproc)) ))
    [[ "$BG" -lt "$QUIET_PCT" ]] && return 0
    if [[ "$waited" -ge "$QUIET_WAIT" ]]; then
      say "WARNING: the machine is still ${BG}% busy with other work after ${QUIET_WAIT}s; measuring anyway"
      return 0
    fi
    [[ "$waited" -gt 0 ]] || say "the machine is ${BG}% busy with other work: waiting for it to settle"
    waited=$((waited + 2))
  done
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
  wait_quiet
  say "HTTP $q: wrk -t $THREADS -c $CLIENTS -d ${DURATION}s --latency (background ${BG}%)"
  cpu_begin
  run_child wrk -t "$THREADS" -c "$CLIENTS" -d "${DURATION}s" --latency -s "$script" "$URL/graphql" -- "$relations" >"$dir/wrk-$q.txt"
  read_bench_line "$dir/wrk-$q.txt"
  cpu_end "${R[requests]}"
  local bad=$((R[non200] + R[graphql_errors] + R[no_data] + R[socket_errors]))
  [[ "$bad" -eq 0 ]] || say "WARNING: $q over HTTP: ${R[non200]} non-200, ${R[graphql_errors]} with errors, ${R[no_data]} without data, ${R[socket_errors]} socket errors"
  printf '%s\thttp\t%s\t%s\t%s\t%s\t%s\t%s\n' "$q" "${R[rps]}" "${R[p50_ms]}" "${R[p99_ms]}" "${R[requests]}" "$bad" "$CPU"$'\t'"$BG" >>"$dir/results.tsv"
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
  wait_quiet
  say "SQL $q: pgbench -M prepared -c $CLIENTS -j $THREADS -T $DURATION -l (background ${BG}%)"
  rm -f "$dir/pgb-$q".*
  cpu_begin
  run_child pgbench -T "$DURATION" -l --log-prefix="$dir/pgb-$q" "${args[@]}" >"$dir/pgbench-$q.txt" 2>&1 || die "pgbench failed: $(tail -n 5 "$dir/pgbench-$q.txt")"
  local processed
  processed="$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$dir/pgbench-$q.txt")"
  cpu_end "${processed:-0}"
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
  printf '%s\tsql\t%s\t%s\t%s\t%s\t%s\t%s\n' "$q" "$tps" "${R[p50_ms]}" "${R[p99_ms]}" "${R[transactions]}" "$failed" "$CPU"$'\t'"$BG" >>"$dir/results.tsv"
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
rows, cpu = {}, {}
for line in open(path):
    q, kind, rate, p50, p99, n, bad, total, api, gen, bg = line.rstrip("\n").split("\t")
    rows[(q, kind)] = (float(rate), float(p50), float(p99), int(n), int(bad), int(bg))
    cpu[(q, kind)] = (int(total), int(api), int(gen))
print(f"\n### {scale}\n")
print("| query | HTTP req/s | HTTP p50 ms | HTTP p99 ms | SQL tps | SQL p50 ms | SQL p99 ms | HTTP/SQL throughput | bad responses | bg % HTTP/SQL |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for q in ["relations", "history", "timeline"]:
    h, s = rows.get((q, "http")), rows.get((q, "sql"))
    if not h and not s:
        continue
    cell = lambda r, i, f: (f % r[i]) if r else "-"
    ratio = f"{h[0] / s[0]:.0%}" if h and s and s[0] else "-"
    bad = (h[4] if h else 0) + (s[4] if s else 0)
    print(f"| {q} | {cell(h,0,'%.0f')} | {cell(h,1,'%.2f')} | {cell(h,2,'%.2f')} | {cell(s,0,'%.0f')} | "
          f"{cell(s,1,'%.2f')} | {cell(s,2,'%.2f')} | {ratio} | {bad} | {cell(h,5,'%d')}/{cell(s,5,'%d')} |")
print(f"\nCPU per request in microseconds, {scale} (machine busy time; api process; load generator; "
      "PostgreSQL and the rest = machine - api - generator):\n")
print("| query | HTTP machine | HTTP api | HTTP PostgreSQL+rest | wrk | SQL machine | SQL PostgreSQL+rest | pgbench |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for q in ["relations", "history", "timeline"]:
    h, s = cpu.get((q, "http")), cpu.get((q, "sql"))
    if not h and not s:
        continue
    hc = [str(h[0]), str(h[1]), str(h[0] - h[1] - h[2]), str(h[2])] if h else ["-"] * 4
    sc = [str(s[0]), str(s[0] - s[1] - s[2]), str(s[2])] if s else ["-"] * 3
    print(f"| {q} | " + " | ".join(hc + sc) + " |")
PY
}

print_ratios() {
  python3 - "$OUT/10k/results.tsv" "$OUT/1m/results.tsv" <<'PY'
import sys
def load(path):
    rows = {}
    for line in open(path):
        q, kind, rate, p50, p99 = line.rstrip("\n").split("\t")[:5]
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
  echo "binaries: target/release/api built $(date -u -r "$API" +%Y-%m-%dT%H:%MZ)"
  echo "commit: $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$ROOT" && git diff --quiet HEAD -- api entity migration seed 2>/dev/null || echo ' (with uncommitted changes to the Rust code)')"
  [[ -z "$SCHEMA_NOTE" ]] || echo "WARNING: schema altered by hand since generation in:$SCHEMA_NOTE (see the log above)"
  echo "load: $CLIENTS clients, $THREADS threads, ${DURATION}s measured after ${WARMUP}s warm-up per query"
}

# ---- main ------------------------------------------------------------------------
mkdir -p "$OUT"

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
