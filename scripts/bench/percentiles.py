#!/usr/bin/env python3
"""Latency percentiles from pgbench per-transaction logs (pgbench -l).

    percentiles.py LOG_PREFIX [SECONDS]

Reads every file LOG_PREFIX.* (pgbench writes one per thread: PREFIX.PID,
PREFIX.PID.1, ...). Each line is

    client_id transaction_no time script_no time_epoch time_us [lag]

with `time` the transaction's latency in microseconds (or `failed` /
`skipped`). Prints one line of key=value pairs: transactions counted,
failed ones, p50/p90/p99/max latency in milliseconds (nearest rank), and,
given SECONDS (the -T duration), transactions per second over that time.
"""
import glob
import math
import sys


def nearest_rank(sorted_values, pct):
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(pct / 100.0 * len(sorted_values)))
    return sorted_values[rank - 1]


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    prefix = argv[1]
    seconds = float(argv[2]) if len(argv) > 2 else None
    files = sorted(glob.glob(glob.escape(prefix) + ".*"))
    if not files:
        sys.exit(f"percentiles.py: no pgbench log files {prefix}.*")
    latencies, failed = [], 0
    for path in files:
        with open(path) as f:
            for line in f:
                fields = line.split()
                if len(fields) < 6:
                    continue
                if fields[2].isdigit():
                    latencies.append(int(fields[2]))
                else:
                    failed += 1
    latencies.sort()
    ms = lambda us: us / 1000.0
    out = [
        f"transactions={len(latencies)}",
        f"failed={failed}",
        f"p50_ms={ms(nearest_rank(latencies, 50)):.3f}",
        f"p90_ms={ms(nearest_rank(latencies, 90)):.3f}",
        f"p99_ms={ms(nearest_rank(latencies, 99)):.3f}",
        f"max_ms={ms(latencies[-1]) if latencies else float('nan'):.3f}",
    ]
    if seconds:
        out.append(f"tps={len(latencies) / seconds:.2f}")
    print("BENCH " + " ".join(out))


if __name__ == "__main__":
    main(sys.argv)
