"""Simulated cohort for the Cox benchmark: n patients x 20 covariates (15 continuous, 5 binary), Weibull-like
event times from a proportional hazards model, ~30% censored, times rounded to 0.01 (some ties).
Usage: /usr/bin/python3 tests/benchmarks/cox_generate.py /tmp/cox_bench_1m.csv 1000000
The file is not committed (about 200 MB)."""
import sys
import numpy as np

path = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
rng = np.random.default_rng(20261122)
cont = rng.normal(size=(n, 15))
binary = rng.binomial(1, 0.4, size=(n, 5)).astype(float)
x = np.hstack([cont, binary])
beta = np.linspace(-0.3, 0.3, 20)
eta = x @ beta
event_time = rng.exponential(size=n) / np.exp(eta) * 100
censor_time = rng.exponential(size=n) * 250
time = np.round(np.minimum(event_time, censor_time), 2) + 0.01
status = (event_time <= censor_time).astype(int)
header = "time,status," + ",".join(f"x{j + 1}" for j in range(20))
columns = [time, status] + [x[:, j] for j in range(20)]
fmt = ["%.2f", "%d"] + ["%.5f"] * 15 + ["%d"] * 5
np.savetxt(path, np.column_stack(columns), delimiter=",", header=header, comments="", fmt=fmt)
