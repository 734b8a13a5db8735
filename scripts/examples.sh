#!/usr/bin/env bash
# Runs the client examples against a real server, as a researcher would.
#
#   scripts/examples.sh [SERVER_BINARY]     (default target/debug/api)
#
# Starts the server on a free loopback port over a fresh SQLite database
# (seeded with the shipped articles), then runs examples/research.py,
# examples/research.R, examples/export_pandas.py and scripts/check-exports.py
# against it and `api export --out` on the same database; stops the server on
# exit. Installs pandas (pip) and R with jsonlite (apt) if they are missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${1:-$ROOT/target/debug/api}"
[[ -x "$BIN" ]] || { echo "server binary not found: $BIN (build it first)" >&2; exit 1; }

python3 -c 'import pandas' 2>/dev/null || pip install -q pandas
if ! command -v Rscript >/dev/null || ! Rscript -e 'library(jsonlite)' >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends r-base-core r-cran-jsonlite >/dev/null
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/kb-examples.XXXXXX")"
SERVER=""
cleanup() {
  if [[ -n "$SERVER" ]]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"
DB="sqlite://$WORK/kb.sqlite?mode=rwc"
RUST_LOG=warn "$BIN" --database-url "$DB" --listen "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 240); do curl -fs "$URL/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "$URL/readyz" >/dev/null || { cat "$WORK/server.log"; echo "the server did not become ready" >&2; exit 1; }

echo "== examples/research.py"
python3 "$ROOT/examples/research.py" --url "$URL" | tee "$WORK/python.txt"
echo
echo "== examples/research.R"
Rscript "$ROOT/examples/research.R" "$URL" | tee "$WORK/r.txt"
echo
# The two clients must give the same answers, and the answers must be the
# ones the shipped articles support.
diff -u "$WORK/python.txt" "$WORK/r.txt" || { echo "Python and R disagree" >&2; exit 1; }
expect() { grep -qF -- "$1" "$WORK/python.txt" || { echo "the answers lack: $1" >&2; exit 1; }; }
expect "- SUSPENDED 2008-08 .. open"
expect "BBC News, Nato cools relations with Russia, 2008-08-19"
expect "NATO–Georgia Commission: PROPOSED  [NATO -> Georgia]"
expect "2. Georgia -- Abkhazia in Georgia (part-of, ACTIVE) -- Abkhazia"
echo "ok: Python and R give the same three answers"
echo
echo "== examples/export_pandas.py"
python3 "$ROOT/examples/export_pandas.py" --url "$URL"
echo
echo "== scripts/check-exports.py"
python3 "$ROOT/scripts/check-exports.py" "$URL"
echo
echo "== api export --out"
"$BIN" --database-url "$DB" export --out "$WORK/export" --as-of 2008-08-19
python3 - "$WORK/export" <<'PY'
import csv, json, pathlib, sys
folder = pathlib.Path(sys.argv[1])
for path in sorted(folder.glob("*.csv")):
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with path.with_suffix(".jsonl").open(encoding="utf-8") as f:
        lines = [json.loads(l) for l in f]
    assert rows and len(rows) == len(lines), (path, len(rows), len(lines))
    print(f"ok {path.name}: {len(rows)} rows, the same in {path.with_suffix('.jsonl').name}")
PY
