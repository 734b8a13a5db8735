#!/usr/bin/env python3
"""Loads every export of a running server with Python's csv and json modules
and with pandas, and checks that the two formats say the same thing.

    python3 scripts/check-exports.py URL [--as-of DAY]

For each table, as of the day and for all time: the CSV header is the JSON
Lines keys in order; both have the same rows; every CSV cell reads back to
its JSON value (empty is null, booleans and integers by their text, arrays
and objects by their JSON text); pandas reads both with the same shape.
Both requests of a table are pinned to one `knownAt` (the first answer's
X-Known-At), so the files describe the same state. Exits non-zero on the
first difference, naming the table, row and column.
"""

import argparse
import csv
import io
import json
import sys
import urllib.parse
import urllib.request

import pandas as pd

TABLES = ["entities", "relations", "periods", "events", "statements", "citations"]


def fetch(url):
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read().decode("utf-8"), response.headers.get("X-Known-At")


def cell_value(text, like):
    """A CSV cell read back in the type of its JSON counterpart."""
    if text == "":
        return None
    if isinstance(like, bool):
        return {"true": True, "false": False}[text]
    if isinstance(like, int):
        return int(text)
    if isinstance(like, (list, dict)):
        return json.loads(text)
    return text


def check(base, table, as_of):
    params = {"asOf": as_of} if as_of else {}
    query = urllib.parse.urlencode(params)
    csv_text, known = fetch(f"{base}/export/{table}.csv?{query}")
    pinned = urllib.parse.urlencode({**params, "knownAt": known})
    jsonl_text, _ = fetch(f"{base}/export/{table}.jsonl?{pinned}")

    rows = list(csv.reader(io.StringIO(csv_text, newline="")))
    header, body = rows[0], rows[1:]
    objects = [json.loads(line) for line in jsonl_text.splitlines()]
    where = f"{table}{' as of ' + as_of if as_of else ''}"
    if len(body) != len(objects):
        sys.exit(f"{where}: {len(body)} CSV rows but {len(objects)} JSON lines")
    for i, (row, obj) in enumerate(zip(body, objects)):
        if list(obj.keys()) != header:
            sys.exit(f"{where}: row {i}: JSON keys {list(obj.keys())} differ from the CSV header {header}")
        for name, text in zip(header, row):
            if cell_value(text, obj[name]) != obj[name]:
                sys.exit(f"{where}: row {i}, column {name}: CSV {text!r} but JSON {obj[name]!r}")

    frame_csv = pd.read_csv(io.StringIO(csv_text))
    frame_jsonl = pd.read_json(io.StringIO(jsonl_text), lines=True) if objects else pd.DataFrame(columns=header)
    if frame_csv.shape != (len(body), len(header)) or frame_jsonl.shape != frame_csv.shape:
        sys.exit(f"{where}: pandas shapes differ: CSV {frame_csv.shape}, JSON Lines {frame_jsonl.shape}")
    return len(body), len(header)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--as-of", default="2008-08-19")
    args = parser.parse_args()
    base = args.url.rstrip("/")
    for table in TABLES:
        for as_of in (None, args.as_of):
            n, columns = check(base, table, as_of)
            if n == 0:
                sys.exit(f"{table}{' as of ' + as_of if as_of else ''}: no rows; the seeded knowledge base has some")
            label = f"as of {as_of}" if as_of else "all time"
            print(f"ok {table:<10} {label:<20} {n:>4} rows x {columns} columns: csv, json and pandas agree")


if __name__ == "__main__":
    main()
