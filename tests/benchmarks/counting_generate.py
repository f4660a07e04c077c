"""Simulated cohorts for the counting-process Cox benchmark (tests/benchmarks/counting_benchmark.R and
tests/Stratify.Benchmarks.Cox), 10 covariates (7 continuous, 3 binary), times in days rounded to 0.01:
  entry: n patients with delayed entry (40% enter at 0, the others up to 150 days later; only patients still event-free
         at entry are kept, as left truncation does), columns entry,time,status,x1..x10;
  intervals: n patients followed from 0, their follow-up cut into up to 3 (start, stop] rows at random days, x8..x10
         drawn afresh on each row (time-varying), the event on the last row; columns id,start,stop,status,x1..x10.
Usage: /usr/bin/python3 tests/benchmarks/counting_generate.py entry /tmp/entry_1m.csv 1000000
       /usr/bin/python3 tests/benchmarks/counting_generate.py intervals /tmp/intervals_3m.csv 1000000
The files are not committed (about 110 and 330 MB)."""
import sys
import numpy as np

kind, path = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000
rng = np.random.default_rng(20261207)
beta = np.linspace(-0.3, 0.3, 10)


def covariates(m):
    return np.hstack([np.round(rng.normal(size=(m, 7)), 5), rng.binomial(1, 0.4, size=(m, 3)).astype(float)])


fmt_x = ["%.5f"] * 7 + ["%d"] * 3
names = ",".join(f"x{j + 1}" for j in range(10))
if kind == "entry":
    rows = []
    kept = 0
    while kept < n:
        m = 2 * n
        x = covariates(m)
        entry = np.where(rng.random(m) < 0.4, 0.0, np.round(rng.random(m) * 150, 2))
        event = rng.exponential(size=m) / np.exp(x @ beta) * 100
        keep = event > entry + 0.01
        x, entry, event = x[keep], entry[keep], event[keep]
        censor = entry + rng.exponential(size=len(entry)) * 250
        time = np.round(np.minimum(event, censor), 2) + 0.01
        status = (event <= censor).astype(int)
        rows.append(np.column_stack([entry, time, status, x]))
        kept += len(entry)
    data = np.vstack(rows)[:n]
    np.savetxt(path, data, delimiter=",", header="entry,time,status," + names, comments="", fmt=["%.2f", "%.2f", "%d"] + fmt_x)
else:
    x = covariates(n)
    event = rng.exponential(size=n) / np.exp(x @ beta) * 100
    censor = rng.exponential(size=n) * 250
    hundredths = np.round(np.minimum(event, censor) * 100).astype(np.int64) + 1
    status = (event <= censor).astype(int)
    # Two distinct cut days inside each follow-up of at least 3 hundredths: up to three rows per patient.
    k = hundredths
    c1 = np.floor(rng.random(n) * np.maximum(k - 1, 1)).astype(np.int64) + 1
    c2 = np.floor(rng.random(n) * np.maximum(k - 2, 1)).astype(np.int64) + 1
    c2 = np.where(c2 >= c1, c2 + 1, c2)
    low, high = np.minimum(c1, c2), np.maximum(c1, c2)
    three = k >= 3
    ids, starts, stops, events, xs = [], [], [], [], []
    patient = np.arange(1, n + 1)
    for piece, (a, b) in enumerate([(np.zeros(n, np.int64), np.where(three, low, k)), (low, high), (high, k)]):
        use = np.ones(n, bool) if piece == 0 else three
        last = (piece == 2) | ~three
        ids.append(patient[use]); starts.append(a[use]); stops.append(b[use])
        events.append(np.where(last, status, 0)[use])
        xv = x[use].copy()
        xv[:, 7:] = rng.binomial(1, 0.4, size=(use.sum(), 3))
        xs.append(xv)
    data = np.column_stack([np.concatenate(ids), np.concatenate(starts) / 100, np.concatenate(stops) / 100, np.concatenate(events), np.vstack(xs)])
    data = data[np.argsort(data[:, 0], kind="stable")]
    np.savetxt(path, data, delimiter=",", header="id,start,stop,status," + names, comments="", fmt=["%d", "%.2f", "%.2f", "%d"] + fmt_x)
