"""A cohort-shaped benchmark file: n patients, 31 columns of mixed types, as a clinical extract looks (issue 14).
Columns: patient_id (int), time (whole days), status (0/1), group (0-3), x1..x15 (continuous), x16..x20 (0/1),
age (int), sex, site, stage (text), smoker (true/false), diagnosis_date (ISO date), bmi (continuous, 3% missing).
Event times from a proportional hazards model in the 20 covariates and the group (hazard ratios 1.0/1.1/1.2/1.3),
~30% censored, rounded up to whole days (ties, as in clinical data).
Usage: /usr/bin/python3 tests/benchmarks/cohort_generate.py tests/benchmarks/out/cohort_1m.csv 1000000
then:  stratify import tests/benchmarks/out/cohort_1m.csv --out tests/benchmarks/out/cohort_1m.parquet
The files are not committed (about 300 MB of CSV)."""
import sys
import numpy as np

path = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
rng = np.random.default_rng(20261201)
cont = rng.normal(size=(n, 15))
binary = rng.binomial(1, 0.4, size=(n, 5))
x = np.hstack([cont, binary.astype(float)])
beta = np.linspace(-0.3, 0.3, 20)
group = rng.integers(0, 4, size=n)
eta = x @ beta + np.log(1 + 0.1 * group)
event_time = np.ceil(rng.exponential(size=n) / np.exp(eta) * 1000)
censor_time = np.ceil(rng.uniform(0, 3000, size=n))
time = np.minimum(event_time, censor_time)
status = (event_time <= censor_time).astype(int)
age = rng.integers(30, 90, size=n)
sex = np.where(rng.random(n) < 0.5, "female", "male")
site = np.array(["breast", "lung", "colon", "prostate", "skin", "other"])[rng.integers(0, 6, size=n)]
stage = np.array(["I", "II", "III", "IV"])[rng.integers(0, 4, size=n)]
smoker = np.where(rng.random(n) < 0.3, "true", "false")
diagnosis = (np.datetime64("2010-01-01") + rng.integers(0, 4000, size=n)).astype(str)
bmi = np.round(rng.normal(27, 4, size=n), 1).astype(str)
bmi[rng.random(n) < 0.03] = ""

with open(path, "w") as out:
    out.write("patient_id,time,status,group," + ",".join(f"x{j + 1}" for j in range(20))
              + ",age,sex,site,stage,smoker,diagnosis_date,bmi\n")
    chunk = 100_000
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        rows = zip(range(start + 1, stop + 1), time[start:stop].astype(int), status[start:stop], group[start:stop],
                   *(np.char.mod("%.5f", cont[start:stop, j]) for j in range(15)), *(binary[start:stop, j] for j in range(5)),
                   age[start:stop], sex[start:stop], site[start:stop], stage[start:stop], smoker[start:stop],
                   diagnosis[start:stop], bmi[start:stop])
        out.write("".join(",".join(map(str, row)) + "\n" for row in rows))
