#!/usr/bin/env bash
# Whole-process benchmark for counting-process input: `stratify km`, `logrank` and `cox` with --entry (1,000,000 patients
# with delayed entry) and `stratify cox` with --start/--stop/--id (340,000 patients cut into 1,019,804 start/stop rows,
# robust SE by patient), each as a whole process (native program, Parquet read, binding, estimator, JSON out), against R
# on the same data: the estimator calls alone (data in memory: generous to R) and as a whole process (Rscript,
# library(survival), readRDS, the calls). Elapsed and CPU (user + system) seconds, best of 3 for Stratify; R once (its
# fits take seconds to minutes). Data from counting_generate.py (10 covariates: 7 continuous, 3 binary; x8 is the group).
#   R's peers: survfit(Surv(entry, time, status) ~ x8) and, for the log-rank (survdiff refuses counting-process data),
#   the score test of coxph(Surv(entry, time, status) ~ x8); coxph(Surv(entry, time, status) ~ x1 + ... + x10);
#   coxph(Surv(start, stop, status) ~ x1 + ... + x10, cluster = id), and the same without cluster = id.
# Run from the repository root:  bash tests/benchmarks/counting_whole_process.sh
# R's clustered fit on the start/stop rows takes about 20 minutes (survival 3.5's residuals for (start, stop] data visit
# every row at every event time); set SKIP_R_CLUSTER=1 to leave it out.
set -euo pipefail
out=tests/benchmarks/out
mkdir -p "$out"
[ -x "$out/stratify/stratify" ] || dotnet publish src/Stratify.Cli -c Release -r linux-x64 -o "$out/stratify" -v q -nologo > /dev/null
stratify="$out/stratify/stratify"
[ -f "$out/counting_entry_1m.csv" ] || /usr/bin/python3 tests/benchmarks/counting_generate.py entry "$out/counting_entry_1m.csv" 1000000
[ -f "$out/counting_intervals_1m.csv" ] || /usr/bin/python3 tests/benchmarks/counting_generate.py intervals "$out/counting_intervals_1m.csv" 340000
for f in counting_entry_1m counting_intervals_1m; do
  [ -f "$out/$f.parquet" ] || $stratify import "$out/$f.csv" --out "$out/$f.parquet" > /dev/null 2>&1
  [ -f "$out/$f.rds" ] || Rscript -e "saveRDS(as.data.frame(data.table::fread('$out/$f.csv')), '$out/$f.rds', compress = FALSE)"
done

# "elapsed cpu" in seconds, best of $1 runs
best() {
  local runs=$1; shift
  local e=() c=() times
  times=$(mktemp)
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %U %S" -o "$times" "$@" > /dev/null 2>&1
    read -r el us sy < "$times"
    e+=("$el"); c+=("$(awk -v u="$us" -v s="$sy" 'BEGIN { print u + s }')")
  done
  rm -f "$times"
  echo "$(printf '%s\n' "${e[@]}" | sort -g | head -1) $(printf '%s\n' "${c[@]}" | sort -g | head -1)"
}
covariates=$(seq -s, -f 'x%g' 1 10)
entry="$out/counting_entry_1m.parquet --entry entry --time time --event status"
rows="$out/counting_intervals_1m.parquet --start start --stop stop --event status --id id"
echo "stratify km entry $(best 3 $stratify km $entry --group x8 --format json)"
echo "stratify logrank entry $(best 3 $stratify logrank $entry --group x8 --format json)"
echo "stratify cox entry $(best 3 $stratify cox $entry --covariates "$covariates" --format json)"
echo "stratify cox intervals $(best 3 $stratify cox $rows --covariates "$covariates" --format json)"

rhs='paste0("x", 1:10, collapse = " + ")'
r_entry_km='d <- readRDS("tests/benchmarks/out/counting_entry_1m.rds"); survfit(Surv(entry, time, status) ~ x8, d); coxph(Surv(entry, time, status) ~ factor(x8), d)$score'
r_entry_cox="d <- readRDS('tests/benchmarks/out/counting_entry_1m.rds'); coxph(as.formula(paste('Surv(entry, time, status) ~', $rhs)), d, ties = 'efron')"
r_rows_cox="d <- readRDS('tests/benchmarks/out/counting_intervals_1m.rds'); coxph(as.formula(paste('Surv(start, stop, status) ~', $rhs)), d, ties = 'efron')"
r_rows_cluster="d <- readRDS('tests/benchmarks/out/counting_intervals_1m.rds'); coxph(as.formula(paste('Surv(start, stop, status) ~', $rhs)), d, cluster = id, ties = 'efron')"
echo "R process km+logrank entry $(best 1 Rscript -e "suppressMessages(library(survival)); $r_entry_km")"
echo "R process cox entry $(best 1 Rscript -e "suppressMessages(library(survival)); $r_entry_cox")"
echo "R process cox intervals model-based $(best 1 Rscript -e "suppressMessages(library(survival)); $r_rows_cox")"
[ -n "${SKIP_R_CLUSTER:-}" ] || echo "R process cox intervals cluster $(best 1 Rscript -e "suppressMessages(library(survival)); $r_rows_cluster")"
# R's estimator calls alone (data in memory), elapsed and CPU.
Rscript -e "suppressMessages(library(survival)); d <- readRDS('tests/benchmarks/out/counting_entry_1m.rds');
  t <- system.time({ survfit(Surv(entry, time, status) ~ x8, d); coxph(Surv(entry, time, status) ~ factor(x8), d) });
  cat('R calls km+logrank entry', t[['elapsed']], t[['user.self']] + t[['sys.self']], '\n')"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
