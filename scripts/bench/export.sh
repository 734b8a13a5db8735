#!/usr/bin/env bash
# Exports at scale: each table streamed through GET /export/... next to
# PostgreSQL's own COPY of the same rows, with the server's memory sampled
# throughout, in one run.
#
#   scripts/bench/export.sh [DATABASE]      (default kb_bench_1m, made by run.sh 1m)
#
# Starts target/release/api (--no-seed) on the database, notes its resident
# memory when idle, then for relations.csv, relations.jsonl (as of
# 2008-08-19 and for all time) and periods.csv downloads the export with
# curl while sampling the server's RSS every 0.2 s, and times `psql \copy`
# of the same table's current rows as CSV. Prints a markdown table: rows,
# bytes, seconds, rows/s, the API's time against COPY's, idle and peak RSS.
#
# Environment [defaults]: PGHOST [127.0.0.1] PGPORT [5432] PGUSER [postgres]
#   SKIP_BUILD [0]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
DB="${1:-kb_bench_1m}"
[[ "${SKIP_BUILD:-0}" == 1 ]] || (cd "$ROOT" && cargo build --release -q -p api)
psql -qtA -d "$DB" -c "SELECT 1" >/dev/null || { echo "no database $DB (scripts/bench/run.sh 1m makes kb_bench_1m)" >&2; exit 1; }

SERVER=""; SAMPLER=""; WORK="$(mktemp -d)"
trap '[[ -n "$SAMPLER" ]] && kill "$SAMPLER" 2>/dev/null; [[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT INT TERM
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RUST_LOG=warn "$ROOT/target/release/api" --database-url "postgres://$PGUSER@$PGHOST:$PGPORT/$DB" \
  --listen "127.0.0.1:$PORT" --no-seed >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 200); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
rss() { awk '/VmRSS/ {print $2}' "/proc/$SERVER/status"; }
curl -fs "http://127.0.0.1:$PORT/export/entities.csv" >/dev/null   # warm
sleep 1
idle=$(rss)

copy_time() { # SQL: seconds for psql to copy its rows out as CSV
  local start end
  start=$(date +%s.%N)
  psql -q -d "$DB" -c "\\copy ($1) TO '$WORK/copy.csv' CSV HEADER"
  end=$(date +%s.%N)
  python3 -c "print(round($end - $start, 2))"
}

echo "| export | rows | MB | API s | rows/s | COPY s | API / COPY time | idle RSS MiB | peak RSS MiB |"
echo "|---|---|---|---|---|---|---|---|---|"
for spec in "relations.csv|relation" "relations.jsonl|relation" "relations.csv?asOf=2008-08-19|relation" "periods.csv|status_period"; do
  path="${spec%%|*}"; table="${spec##*|}"
  ( while kill -0 "$SERVER" 2>/dev/null; do rss; sleep 0.2; done ) >"$WORK/rss.txt" &
  SAMPLER=$!
  start=$(date +%s.%N)
  curl -fsS "http://127.0.0.1:$PORT/export/$path" -o "$WORK/out"
  end=$(date +%s.%N)
  kill "$SAMPLER" 2>/dev/null || true; wait "$SAMPLER" 2>/dev/null || true; SAMPLER=""
  peak=$(sort -n "$WORK/rss.txt" | tail -n 1)
  lines=$(wc -l <"$WORK/out"); bytes=$(stat -c %s "$WORK/out")
  rows=$lines; [[ "$path" == *.csv* ]] && rows=$((lines - 1))
  copy=$(copy_time "SELECT * FROM $table WHERE superseded_at IS NULL ORDER BY id")
  python3 - "$path" "$rows" "$bytes" "$start" "$end" "$copy" "$idle" "$peak" <<'PY'
import sys
path, rows, size, start, end, copy, idle, peak = sys.argv[1:]
api = float(end) - float(start)
print(f"| {path} | {int(rows):,} | {int(size) / 1e6:.0f} | {api:.1f} | {int(rows) / api:,.0f} | {copy} | "
      f"{api / float(copy):.1f}x | {int(idle) / 1024:.0f} | {int(peak) / 1024:.0f} |")
PY
done
