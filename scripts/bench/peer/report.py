#!/usr/bin/env python3
"""Markdown report from compare.sh's results.tsv: medians, every round, ratios.
   report.py results.tsv
Ratios are computed within each round (the loads of a round ran back to back) and the median of
the per-round ratios is shown; 'of pgb-one' = rate / rate of the one-statement pgbench run,
'of pgl' = rate / PostGraphile's rate. CPU columns are microseconds per request.
QUIET_LOAD / QUIET_PCT (env, as given to compare.sh) only label the gate in the noise table."""
import csv, os, statistics as st, sys

rows = list(csv.DictReader(open(sys.argv[1]), delimiter='\t'))
MAIN = ['project', 'pgl', 'pgb-proj', 'pgb-one']
NAMES = {'project': 'project API (wrk)', 'pgl': 'PostGraphile, 1 process (wrk)',
         'pgb-proj': "pgbench: project's 4 statements", 'pgb-one': 'pgbench: one statement, whole JSON',
         'project-tls': 'project API, TLS to PG (extra)', 'pgb-pgl': "pgbench: PostGraphile's statement (extra)"}
rounds = sorted({r['round'] for r in rows if r['round'] != 'x'}, key=int)
by = {(r['round'], r['system']): r for r in rows}
f = lambda r, k: float(r[k])
med = lambda xs: st.median(xs) if xs else float('nan')

def ratio(sys_, ref):
    xs = [f(by[(rd, sys_)], 'rate') / f(by[(rd, ref)], 'rate') for rd in rounds if (rd, sys_) in by and (rd, ref) in by]
    return med(xs)

print('| system | rate/s (median) | p50 ms | p99 ms | of pgb-one | of pgl | CPU µs/req: machine / server / PG / load gen | server RSS MB (peak) | rounds: rate · p50 · p99 |')
print('|---|---:|---:|---:|---:|---:|---|---:|---|')
systems = MAIN + [s for s in ['project-tls', 'pgb-pgl'] if ('x', s) in by]
for s in systems:
    rs = [by[(rd, s)] for rd in rounds if (rd, s) in by] or [by[('x', s)]]
    rate, p50, p99 = (med([f(r, k) for r in rs]) for k in ('rate', 'p50_ms', 'p99_ms'))
    if s in MAIN:
        of_one, of_pgl = ratio(s, 'pgb-one'), ratio(s, 'pgl')
    else:  # extras ran once, after the rounds: against the medians
        one = med([f(by[(rd, 'pgb-one')], 'rate') for rd in rounds]); pgl = med([f(by[(rd, 'pgl')], 'rate') for rd in rounds])
        of_one, of_pgl = rate / one, rate / pgl
    cpu = ' / '.join('-' if (k == 'us_server' and s.startswith('pgb')) else str(int(med([f(r, k) for r in rs])))
                     for k in ('us_machine', 'us_server', 'us_pg', 'us_gen'))
    rss = '-' if s.startswith('pgb') else f"{med([f(r, 'rss_kb') for r in rs]) / 1024:.0f} ({max(f(r, 'hwm_kb') for r in rs) / 1024:.0f})"
    each = '; '.join(f"{f(r, 'rate'):.0f} · {f(r, 'p50_ms'):.1f} · {f(r, 'p99_ms'):.1f}" for r in rs)
    print(f'| {NAMES[s]} | {rate:.0f} | {p50:.1f} | {p99:.1f} | {of_one:.0%} | {of_pgl:.2f}x | {cpu} | {rss} | {each} |')

# The goals for the project's API, each as measured in this run.
if all((rd, s) in by for rd in rounds for s in ('project', 'pgl', 'pgb-one')):
    p99 = lambda s: med([f(by[(rd, s)], 'p99_ms') for rd in rounds])
    goals = [('rate of pgb-one', ratio('project', 'pgb-one'), 0.5),
             ('rate of PostGraphile', ratio('project', 'pgl'), 3.0),
             ('p99 against pgb-one p99 (at most)', p99('project') / p99('pgb-one'), 2.0)]
    print('\n| goal | reached | wanted | met |')
    print('|---|---:|---:|---|')
    for name, got, want in goals:
        met = got <= want if 'at most' in name else got >= want
        print(f'| {name} | {got:.2f}x | {want:.2f}x | {"yes" if met else "no"} |')

ql, qp = os.environ.get('QUIET_LOAD', '0.6'), os.environ.get('QUIET_PCT', '10')
print('\nNoise per load (foreign CPU % = machine busy time not used by the server, PostgreSQL or the load generator; '
      f'gate = seconds waited for load1 < {ql} and no process > {qp} % CPU; bad = non-200, GraphQL errors, '
      'missing data, socket errors or failed transactions):\n')
print('| round | system | foreign % | load1 at gate | gate wait s | gate | bad |')
print('|---|---|---:|---:|---:|---|---:|')
for r in rows:
    print(f"| {r['round']} | {r['system']} | {r['foreign_pct']} | {r['load1_at_start']} | {r['gate_wait_s']} | {r['gate']} | {r['bad']} |")
