#!/usr/bin/env bash
# Whole-process benchmark: the `stratify` command (process start, Parquet read, binding, estimator, JSON out)
# against R's estimator call alone (data already in memory: generous to R), on the same 1,000,000-patient cohorts.
# Run from the repository root:  bash tests/benchmarks/whole_process.sh
# Needs R with survival and Debian's python3 with numpy; writes data under tests/benchmarks/out (git-ignored).
set -euo pipefail
out=tests/benchmarks/out
mkdir -p "$out"
dotnet build src/Stratify.Cli -c Release -v q -nologo > /dev/null
stratify="dotnet src/Stratify.Cli/bin/Release/net10.0/stratify.dll"
[ -f "$out/km_logrank_1m.csv" ] || Rscript tests/benchmarks/generate_km_logrank_data.R
[ -f "$out/cox_1m.csv" ] || /usr/bin/python3 tests/benchmarks/cox_generate.py "$out/cox_1m.csv" 1000000
[ -f "$out/km_logrank_1m.parquet" ] || $stratify import "$out/km_logrank_1m.csv" --out "$out/km_logrank_1m.parquet" 2> /dev/null
[ -f "$out/cox_1m.parquet" ] || $stratify import "$out/cox_1m.csv" --out "$out/cox_1m.parquet" 2> /dev/null

seconds() { local start end; start=$(date +%s.%N); "$@" > /dev/null; end=$(date +%s.%N); echo "$end - $start" | bc; }
best() { local best=999999 t; for _ in 1 2 3; do t=$(seconds "$@"); best=$(echo "if ($t < $best) $t else $best" | bc); done; echo "$best"; }

covariates=$(seq -s, -f 'x%g' 1 20)
km=$(best $stratify km "$out/km_logrank_1m.parquet" --time time --event status --group group --format json)
lr=$(best $stratify logrank "$out/km_logrank_1m.parquet" --time time --event status --group group --format json)
cox=$(best $stratify cox "$out/cox_1m.parquet" --time time --event status --covariates "$covariates" --format json)

r_km=$(Rscript -e 'suppressMessages(library(survival)); d <- read.csv("tests/benchmarks/out/km_logrank_1m.csv");
  t <- sapply(1:3, function(i) system.time({ survfit(Surv(time, status) ~ group, d); survdiff(Surv(time, status) ~ group, d) })["elapsed"]); cat(min(t))')
r_cox=$(Rscript -e 'suppressMessages(library(survival)); d <- read.csv("tests/benchmarks/out/cox_1m.csv");
  f <- as.formula(paste("Surv(time, status) ~", paste0("x", 1:20, collapse = "+")));
  t <- sapply(1:2, function(i) system.time(coxph(f, d, ties = "efron"))["elapsed"]); cat(min(t))')

printf '| task (1,000,000 patients) | R estimator only (s) | stratify whole process (s) | ratio |\n|---|---|---|---|\n'
printf '| KM + log-rank, 4 groups | %.2f | %.2f (km %.2f + logrank %.2f) | %.1fx |\n' "$r_km" "$(echo "$km + $lr" | bc)" "$km" "$lr" "$(echo "$r_km / ($km + $lr)" | bc -l)"
printf '| Cox, 20 covariates, Efron | %.2f | %.2f | %.1fx |\n' "$r_cox" "$cox" "$(echo "$r_cox / $cox" | bc -l)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
