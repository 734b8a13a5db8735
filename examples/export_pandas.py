#!/usr/bin/env python3
"""The knowledge base as of a day, in one line of pandas per table.

    python3 examples/export_pandas.py [--url http://127.0.0.1:8000] [--day 2008-08-19]
"""

import argparse

import pandas as pd

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--url", default="http://127.0.0.1:8000")
parser.add_argument("--day", default="2008-08-19")
args = parser.parse_args()
base = args.url.rstrip("/")

# The one line: every relation that held on the day, with its status then.
relations = pd.read_csv(f"{base}/export/relations.csv?asOf={args.day}")

print(f"{len(relations)} relations held on {args.day}; by status:")
print(relations.groupby("status", dropna=False).size().to_string())
print()
print("NATO's relations that day:")
nato = relations[(relations.source == "nato") | (relations.target == "nato")]
print(nato[["label", "status", "status_certain"]].to_string(index=False))
