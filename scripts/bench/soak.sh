#!/usr/bin/env bash
# Soak benchmark: mixed reads and writes against PostgreSQL for a long run,
# reporting errors, latency and the server's memory over time, next to a
# short run of the same read mix in the same session.
#
#   scripts/bench/soak.sh
#
# On a database of synthetic data (seed synth, 1,000 entities and 10,000
# relations) plus the shipped articles, it starts target/release/api
# (--max-connections 32), makes a write token, then
#   1. a short run: SHORT seconds of the read mix (wrk, CLIENTS connections),
#   2. the soak: SOAK seconds of the same mix while a writer ingests a new
#      article every WRITE_EVERY seconds and corrects an earlier one in
#      between (each write one bundle through ingestBundle), and the
#      server's resident memory is sampled every SAMPLE seconds.
# It prints a markdown report (also written to BENCH_OUT/soak-<time>.md):
# rates, p50/p99 of both runs and their ratio, errors that were not
# deliberate refusals, writes done and failed, and memory over time: each
# sample with the writes done by then, the RSS after the first 100 writes
# (the level after warm-up) and how far the highest later sample and the
# last one are above it (the goal: within 10%). WRITES, when set, ends the
# soak once that many writes are done (SOAK stays the limit).
#
# Environment [defaults]: PGHOST [127.0.0.1] PGPORT [5432] PGUSER [postgres]
#   SOAK [600] SHORT [30] CLIENTS [16] THREADS [2] WRITE_EVERY [0.5] SAMPLE [10]
#   SKIP_BUILD [0] BENCH_OUT [target/bench] WRITES [none] SOAK_DB [kb_soak]
#   API, SEED [the release binaries under CARGO_TARGET_DIR, or target/]
#   MAX_CONNECTIONS [32]; MALLOC env (e.g. MALLOC_ARENA_MAX) passes to the server
# Needs: cargo, wrk (installed with apt-get if missing), psql/createdb,
# curl, python3. Traffic to 127.0.0.1 only; everything started is stopped on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH="$ROOT/scripts/bench"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
SOAK="${SOAK:-600}"; SHORT="${SHORT:-30}"; CLIENTS="${CLIENTS:-16}"; THREADS="${THREADS:-2}"
WRITE_EVERY="${WRITE_EVERY:-0.5}"; SAMPLE="${SAMPLE:-10}"; SKIP_BUILD="${SKIP_BUILD:-0}"; WRITES="${WRITES:-0}"
OUT="${BENCH_OUT:-$ROOT/target/bench}"; mkdir -p "$OUT"
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release"
API="${API:-$BIN/api}"; SEED="${SEED:-$BIN/seed}"; MAX_CONNECTIONS="${MAX_CONNECTIONS:-32}"
DB="${SOAK_DB:-kb_soak}"; URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB"
say() { echo "[soak] $*" >&2; }

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

command -v wrk >/dev/null || { say "installing wrk"; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
if [[ "$SKIP_BUILD" != 1 ]]; then (cd "$ROOT" && cargo build --release -q -p api -p seed); fi

say "database $DB: synthetic data and the shipped articles"
dropdb --if-exists "$DB" && createdb "$DB"
"$SEED" --database-url "$URL" synth --entities 1000 --relations 10000 >/dev/null
"$SEED" --database-url "$URL" "$ROOT/seed/bundles" >/dev/null
psql -q -d "$DB" -c "VACUUM ANALYZE" >/dev/null
TOKEN="$("$API" --database-url "$URL" token create --name soak-writer --scope write | tail -n 1)"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RUST_LOG=warn "$API" --database-url "$URL" --listen "127.0.0.1:$PORT" --max-connections "$MAX_CONNECTIONS" --no-seed >"$OUT/soak-server.log" 2>&1 &
SERVER=$!; PIDS+=("$SERVER")
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
rss() { awk '/VmRSS/ {print $2}' "/proc/$SERVER/status"; }
IDLE=$(rss)

run_wrk() { # seconds -> the BENCH summary line
  wrk -t"$THREADS" -c"$CLIENTS" -d"${1}s" --latency -s "$BENCH/lua/mixed.lua" "http://127.0.0.1:$PORT/graphql" -- 10000 | grep '^BENCH'
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

say "short run: ${SHORT} s"
SHORT_LINE=$(run_wrk "$SHORT")

say "soak: ${SOAK} s with writes every ${WRITE_EVERY} s"
SAMPLES="$OUT/soak-memory.tsv"; : >"$SAMPLES"
PROGRESS="$OUT/soak-progress.txt"; echo 0 >"$PROGRESS"
( t=0; while kill -0 "$SERVER" 2>/dev/null; do
    echo -e "$t\t$(rss)\t$(cat "$PROGRESS" 2>/dev/null || echo 0)" >>"$SAMPLES"; sleep "$SAMPLE"; t=$((t + SAMPLE))
  done ) &
PIDS+=("$!")
WRITES_OUT="$OUT/soak-writes.txt"
python3 - "$PORT" "$TOKEN" "$WRITE_EVERY" "$SOAK" "$WRITES" "$PROGRESS" >"$WRITES_OUT" <<'PY' &
import json, os, sys, time, urllib.request
port, token, every, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
most, progress = int(sys.argv[5]), sys.argv[6]
def tell(count):  # the writes done so far, for the memory samples
    with open(progress + ".new", "w") as f:
        f.write(f"{count}\n")
    os.replace(progress + ".new", progress)
def bundle(n, label):
    return (f'[article]\nkey = "soak-{n}"\ntitle = "Soak {n}"\npublisher = "Soak"\n'
            f'published_at = "2010-01-01T00:00:00Z"\n\n[[relations]]\nkey = "soak-relation-{n}"\n'
            f'type = "alliance"\nlabel = "{label}"\nsource = "synth-e{n % 100}"\ntarget = "synth-e{(n + 1) % 100}"\n'
            f'cite = "allied"\n\n[[relations.periods]]\nstatus = "active"\nfrom = "2009"\ncite = "allied"\n')
def ingest(toml):
    body = json.dumps({"query": "mutation($t: String!) { ingestBundle(toml: $t) { created updated } }",
                       "variables": {"t": toml}}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    try:
        answer = json.load(urllib.request.urlopen(req, timeout=30))
        return "errors" not in answer
    except Exception:
        return False
done = failed = 0
end = time.time() + seconds
n = 0
while time.time() < end and (most <= 0 or done + failed < most):
    ok = ingest(bundle(n, f"Soak alliance {n}"))
    if n % 2 == 1:
        ok = ingest(bundle(n - 1, f"Soak alliance {n - 1}, corrected")) and ok
    done, failed = done + ok, failed + (not ok)
    tell(done + failed)
    n += 1
    time.sleep(every)
print(f"writes_ok={done} writes_failed={failed}")
PY
WRITER=$!; PIDS+=("$WRITER")
# The read load in the background, so that it can end with the writes
# (wrk stops on SIGINT and still reports).
wrk -t"$THREADS" -c"$CLIENTS" -d"${SOAK}s" --latency -s "$BENCH/lua/mixed.lua" "http://127.0.0.1:$PORT/graphql" -- 10000 \
  >"$OUT/soak-wrk.txt" &
WRK=$!; PIDS+=("$WRK")
wait "$WRITER" || true
if [[ "$WRITES" -gt 0 ]]; then kill -INT "$WRK" 2>/dev/null || true; fi
wait "$WRK" || true
SOAK_LINE=$(grep '^BENCH' "$OUT/soak-wrk.txt")
sleep "$SAMPLE"
END_RSS=$(rss)

report="$OUT/soak-$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "## Soak: $(date -u +%Y-%m-%d), commit $(git -C "$ROOT" rev-parse --short HEAD), ${SOAK} s, server $API"
  echo
  echo "| run | requests | rate (req/s) | p50 ms | p99 ms | non-200 | GraphQL errors | socket errors |"
  echo "|---|---|---|---|---|---|---|---|"
  for name in short soak; do
    line=$([[ $name == short ]] && echo "$SHORT_LINE" || echo "$SOAK_LINE")
    echo "| $name | $(field requests "$line") | $(field rps "$line") | $(field p50_ms "$line") | $(field p99_ms "$line") | $(field non200 "$line") | $(field graphql_errors "$line") | $(field socket_errors "$line") |"
  done
  echo
  echo "p99 soak / short: $(python3 -c "print(round($(field p99_ms "$SOAK_LINE") / $(field p99_ms "$SHORT_LINE"), 2))")x;" \
    "$(cat "$WRITES_OUT"); memory (RSS, KiB): idle $IDLE, after $END_RSS"
  echo
  # The level after warm-up: the first sample with 100 writes done.
  awk -F'\t' '$3 >= 100 && !base {base = $2; at = $3}
    base {if ($2 > high) high = $2; last = $2}
    END {if (base) printf "RSS after %d writes (warm-up) %d KiB; highest later %d KiB (%+.1f%%); last %d KiB (%+.1f%%)\n",
      at, base, high, 100 * (high - base) / base, last, 100 * (last - base) / base}' "$SAMPLES"
  echo
  echo "| seconds into the soak | writes done | RSS KiB |"
  echo "|---|---|---|"
  awk -F'\t' -v every="$(( SOAK / SAMPLE / 20 > 0 ? SOAK / SAMPLE / 20 : 1 ))" \
    'NR % every == 1 || every == 1 {print "| " $1 " | " $3 " | " $2 " |"}' "$SAMPLES"
} | tee "$report"
