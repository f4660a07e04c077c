#!/usr/bin/env bash
# Whole-process benchmark: the `stratify` command (process start, Parquet read, binding, estimator, JSON out)
# against R's estimator call alone (data already in memory: generous to R), on the same 1,000,000-patient cohorts.
# Run from the repository root:  bash tests/benchmarks/whole_process.sh
# Needs R with survival and Debian's python3 with numpy; writes data under tests/benchmarks/out (git-ignored).
set -euo pipefail
out=tests/benchmarks/out
mkdir -p "$out"
# The product as installed (README): published as one native program (Native AOT).
dotnet publish src/Stratify.Cli -c Release -r linux-x64 -o "$out/stratify" -v q -nologo > /dev/null
stratify="$out/stratify/stratify"
[ -f "$out/km_logrank_1m.csv" ] || Rscript tests/benchmarks/generate_km_logrank_data.R
[ -f "$out/cox_1m.csv" ] || /usr/bin/python3 tests/benchmarks/cox_generate.py "$out/cox_1m.csv" 1000000
[ -f "$out/km_logrank_1m.parquet" ] || $stratify import "$out/km_logrank_1m.csv" --out "$out/km_logrank_1m.parquet" 2> /dev/null
[ -f "$out/cox_1m.parquet" ] || $stratify import "$out/cox_1m.csv" --out "$out/cox_1m.parquet" 2> /dev/null

seconds() { local start end; start=$(date +%s.%N); "$@" > /dev/null 2>&1; end=$(date +%s.%N); awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'; }
best() { local times=""; for _ in 1 2 3 4 5; do times="$times $(seconds "$@")"; done; echo "$times" | tr ' ' '\n' | grep . | sort -g | head -1; }

covariates=$(seq -s, -f 'x%g' 1 20)
km=$(best $stratify km "$out/km_logrank_1m.parquet" --time time --event status --group group --format json)
lr=$(best $stratify logrank "$out/km_logrank_1m.parquet" --time time --event status --group group --format json)
cox=$(best $stratify cox "$out/cox_1m.parquet" --time time --event status --covariates "$covariates" --format json)

# R as a whole process too: Rscript start, library(survival), the data from R's own binary format (readRDS,
# uncompressed: the analogue of our Parquet read), the estimator calls.
[ -f "$out/km_logrank_1m.rds" ] || Rscript -e 'saveRDS(read.csv("tests/benchmarks/out/km_logrank_1m.csv"), "tests/benchmarks/out/km_logrank_1m.rds", compress = FALSE)'
[ -f "$out/cox_1m.rds" ] || Rscript -e 'saveRDS(read.csv("tests/benchmarks/out/cox_1m.csv"), "tests/benchmarks/out/cox_1m.rds", compress = FALSE)'
r_km_process=$(best Rscript -e 'suppressMessages(library(survival)); d <- readRDS("tests/benchmarks/out/km_logrank_1m.rds");
  survfit(Surv(time, status) ~ group, d); survdiff(Surv(time, status) ~ group, d)')
r_cox_process=$(best Rscript -e 'suppressMessages(library(survival)); d <- readRDS("tests/benchmarks/out/cox_1m.rds");
  coxph(as.formula(paste("Surv(time, status) ~", paste0("x", 1:20, collapse = "+"))), d, ties = "efron")')

r_km=$(Rscript -e 'suppressMessages(library(survival)); d <- read.csv("tests/benchmarks/out/km_logrank_1m.csv");
  t <- sapply(1:3, function(i) system.time({ survfit(Surv(time, status) ~ group, d); survdiff(Surv(time, status) ~ group, d) })["elapsed"]); cat(min(t))')
r_cox=$(Rscript -e 'suppressMessages(library(survival)); d <- read.csv("tests/benchmarks/out/cox_1m.csv");
  f <- as.formula(paste("Surv(time, status) ~", paste0("x", 1:20, collapse = "+")));
  t <- sapply(1:2, function(i) system.time(coxph(f, d, ties = "efron"))["elapsed"]); cat(min(t))')

printf '| task (1,000,000 patients) | R estimator only (s) | R whole process (s) | stratify whole process (s) | ratio to estimator only | ratio to R process |\n|---|---|---|---|---|---|\n'
awk -v r="$r_km" -v rp="$r_km_process" -v k="$km" -v l="$lr" 'BEGIN { printf "| KM + log-rank, 4 groups | %.2f | %.2f | %.3f (km %.3f + logrank %.3f) | %.1fx | %.1fx |\n", r, rp, k + l, k, l, r / (k + l), rp / (k + l) }'
awk -v r="$r_cox" -v rp="$r_cox_process" -v c="$cox" 'BEGIN { printf "| Cox, 20 covariates, Efron | %.2f | %.2f | %.3f | %.1fx | %.1fx |\n", r, rp, c, r / c, rp / c }'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
