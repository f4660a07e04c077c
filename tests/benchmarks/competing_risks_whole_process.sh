#!/usr/bin/env bash
# Whole-process benchmark for competing risks: the `stratify cuminc` and `stratify cox --model fine-gray` commands
# (process start, Parquet read, binding, estimator, JSON out) against R on the same patients, elapsed and CPU time
# (user + system; the fairer figure on a loaded machine). R: cmprsk's cuminc on 1,000,000 patients, its estimator
# call alone (data in memory) and as a whole process (Rscript, library(cmprsk), readRDS, cuminc); crr and
# finegray() + coxph on the first n patients (they cannot run on 1,000,000: see README.md), with Stratify's Fine–Gray
# on the same n and on 1,000,000.
# Run from the repository root:  bash tests/benchmarks/competing_risks_whole_process.sh [sizes for crr, default 5000,10000]
set -euo pipefail
out=tests/benchmarks/out
sizes=${1:-5000,10000}
mkdir -p "$out"
[ -x "$out/stratify/stratify" ] || dotnet publish src/Stratify.Cli -c Release -r linux-x64 -o "$out/stratify" -v q -nologo > /dev/null
stratify="$out/stratify/stratify"
[ -f "$out/competing_risks_1m.csv" ] || Rscript tests/benchmarks/generate_competing_risks_data.R
[ -f "$out/competing_risks_1m.parquet" ] || $stratify import "$out/competing_risks_1m.csv" --out "$out/competing_risks_1m.parquet" > /dev/null 2>&1
[ -f "$out/competing_risks_1m_groups.parquet" ] || $stratify import "$out/competing_risks_1m_groups.csv" --out "$out/competing_risks_1m_groups.parquet" > /dev/null 2>&1
for n in ${sizes//,/ }; do
  k=$((n / 1000))
  [ -f "$out/competing_risks_${k}k.parquet" ] || $stratify import "$out/competing_risks_${k}k.csv" --out "$out/competing_risks_${k}k.parquet" > /dev/null 2>&1
done

# best of 5: "elapsed cpu" in seconds
best() {
  local e=() c=() times
  times=$(mktemp)
  for _ in 1 2 3 4 5; do
    /usr/bin/time -f "%e %U %S" -o "$times" "$@" > /dev/null 2>&1
    read -r el us sy < "$times"
    e+=("$el"); c+=("$(awk -v u="$us" -v s="$sy" 'BEGIN { print u + s }')")
  done
  rm -f "$times"
  echo "$(printf '%s\n' "${e[@]}" | sort -g | head -1) $(printf '%s\n' "${c[@]}" | sort -g | head -1)"
}
cr="--time time --event status --event-of-interest 1 --competing 2"
echo "stratify cuminc 1000000 $(best $stratify cuminc "$out/competing_risks_1m_groups.parquet" $cr --group group --format json)"
echo "stratify fine-gray 1000000 $(best $stratify cox "$out/competing_risks_1m.parquet" $cr --covariates x1,x2,x3,x4,x5,group --model fine-gray --format json)"
for n in ${sizes//,/ }; do
  echo "stratify fine-gray $n $(best $stratify cox "$out/competing_risks_$((n / 1000))k.parquet" $cr --covariates x1,x2,x3,x4,x5,group --model fine-gray --format json)"
done

[ -f "$out/competing_risks_1m_groups.rds" ] || Rscript -e 'saveRDS(read.csv("tests/benchmarks/out/competing_risks_1m_groups.csv"), "tests/benchmarks/out/competing_risks_1m_groups.rds", compress = FALSE)'
echo "R cuminc-process 1000000 $(best Rscript -e 'suppressMessages(library(cmprsk)); d <- readRDS("tests/benchmarks/out/competing_risks_1m_groups.rds"); cuminc(d$time, d$status, d$group)')"
Rscript tests/benchmarks/time_competing_risks.R "$sizes"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
