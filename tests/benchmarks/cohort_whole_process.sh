#!/usr/bin/env bash
# Whole-process benchmark on a cohort-shaped file (issue 14): 1,000,000 patients, 31 columns of mixed types
# (ints, doubles, text, a boolean, a date; tests/benchmarks/cohort_generate.py). Times `stratify km`, `stratify
# logrank` and `stratify cox` (20 covariates) as whole processes for each stratify program given (e.g. a build of
# the previous commit and this one: the read stage is what column projection changes), and R's survfit + survdiff
# and coxph on the same data: the estimator calls alone (data in memory) and R as a whole process (readRDS).
# Run from the repository root:  bash tests/benchmarks/cohort_whole_process.sh [stratify ...]
# (default: publishes this tree as users install it, README "Install"). Needs R with survival and data.table,
# Debian's python3 with numpy; writes data under tests/benchmarks/out (git-ignored).
set -euo pipefail
out=tests/benchmarks/out
mkdir -p "$out"
if [ $# -eq 0 ]; then
  dotnet publish src/Stratify.Cli -c Release -r linux-x64 -o "$out/stratify" -v q -nologo > /dev/null
  set -- "$out/stratify/stratify"
fi
data="$out/cohort_1m.parquet"
[ -f "$out/cohort_1m.csv" ] || /usr/bin/python3 tests/benchmarks/cohort_generate.py "$out/cohort_1m.csv" 1000000
[ -f "$data" ] || "$1" import "$out/cohort_1m.csv" --out "$data" > /dev/null 2>&1
[ -f "$out/cohort_1m.rds" ] || Rscript -e 'd <- as.data.frame(data.table::fread("tests/benchmarks/out/cohort_1m.csv")); saveRDS(d, "tests/benchmarks/out/cohort_1m.rds", compress = FALSE)'

# Best of 5 runs: elapsed seconds, and CPU seconds (user + system, all threads; steadier on a shared machine).
best() {
  local log; log=$(mktemp)
  for _ in 1 2 3 4 5; do /usr/bin/time -f '%e %U %S' -a -o "$log" "$@" > /dev/null 2>&1; done
  awk 'NF == 3 { e = (e == "" || $1 < e) ? $1 : e; c = $2 + $3; m = (m == "" || c < m) ? c : m } END { printf "%.3f %.3f", e, m }' "$log"
  rm -f "$log"
}
# The read stage of STRATIFY_TIMINGS, median of 5 runs.
read_stage() { for _ in 1 2 3 4 5; do STRATIFY_TIMINGS=1 "$@" 2>&1 > /dev/null | sed -n 's/.*read \([0-9.]*\) s.*/\1/p'; done | sort -g | sed -n 3p; }

covariates=$(seq -s, -f 'x%g' 1 20)
printf '| program | km + logrank: elapsed (CPU) s | cox: elapsed (CPU) s | read stage, km (s) | read stage, cox (s) |\n|---|---|---|---|---|\n'
for stratify in "$@"; do
  read -r km km_cpu <<< "$(best "$stratify" km "$data" --time time --event status --group group --format json)"
  read -r lr lr_cpu <<< "$(best "$stratify" logrank "$data" --time time --event status --group group --format json)"
  read -r cox cox_cpu <<< "$(best "$stratify" cox "$data" --time time --event status --covariates "$covariates" --format json)"
  read_km=$(read_stage "$stratify" km "$data" --time time --event status --group group --format json)
  read_cox=$(read_stage "$stratify" cox "$data" --time time --event status --covariates "$covariates" --format json)
  awk -v p="$stratify" -v k="$km" -v l="$lr" -v kc="$km_cpu" -v lc="$lr_cpu" -v c="$cox" -v cc="$cox_cpu" -v rk="$read_km" -v rc="$read_cox" \
    'BEGIN { printf "| %s | %.3f (%.2f) = km %.3f + logrank %.3f | %.3f (%.2f) | %.3f | %.3f |\n", p, k + l, kc + lc, k, l, c, cc, rk, rc }'
done

# R's estimator calls alone, data in memory: best elapsed and best CPU (user + system) of 3 (KM) or 2 (Cox) runs.
r_km=$(Rscript -e 'suppressMessages(library(survival)); d <- readRDS("tests/benchmarks/out/cohort_1m.rds");
  t <- sapply(1:3, function(i) system.time({ survfit(Surv(time, status) ~ group, d); survdiff(Surv(time, status) ~ group, d) }));
  cat(sprintf("%.3f (%.2f)", min(t["elapsed", ]), min(t["user.self", ] + t["sys.self", ])))')
r_cox=$(Rscript -e 'suppressMessages(library(survival)); d <- readRDS("tests/benchmarks/out/cohort_1m.rds");
  f <- as.formula(paste("Surv(time, status) ~", paste0("x", 1:20, collapse = "+")));
  t <- sapply(1:2, function(i) system.time(coxph(f, d, ties = "efron")));
  cat(sprintf("%.3f (%.2f)", min(t["elapsed", ]), min(t["user.self", ] + t["sys.self", ])))')
read -r r_km_process r_km_process_cpu <<< "$(best Rscript -e 'suppressMessages(library(survival)); d <- readRDS("tests/benchmarks/out/cohort_1m.rds");
  survfit(Surv(time, status) ~ group, d); survdiff(Surv(time, status) ~ group, d)')"
read -r r_cox_process r_cox_process_cpu <<< "$(best Rscript -e 'suppressMessages(library(survival)); d <- readRDS("tests/benchmarks/out/cohort_1m.rds");
  coxph(as.formula(paste("Surv(time, status) ~", paste0("x", 1:20, collapse = "+"))), d, ties = "efron")')"
printf '\n| R 4.2 / survival | estimator only: elapsed (CPU) s | whole process with readRDS: elapsed (CPU) s |\n|---|---|---|\n'
printf '| survfit + survdiff | %s | %s (%s) |\n| coxph, 20 covariates, Efron | %s | %s (%s) |\n' \
  "$r_km" "$r_km_process" "$r_km_process_cpu" "$r_cox" "$r_cox_process" "$r_cox_process_cpu"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
