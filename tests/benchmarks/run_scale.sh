#!/usr/bin/env bash
# `stratify run` at scale (issue 14: 1,000,000 patients in ≤ 60 s and ≤ 3 GB; 10,000,000 in ≤ 10 min and ≤ 12 GB):
# simulates N patients (`stratify simulate`), runs the simulation study (k-medoids on 5 mixed features, k = 2..5,
# 20 bootstrap replicates asked for, treatment by subgroup) and prints the elapsed and CPU time, the peak resident
# memory, the STRATIFY_TIMINGS stages and the longest gap between two progress lines on stderr.
# Run from the repository root:  bash tests/benchmarks/run_scale.sh [N, default 1000000] [stratify]
set -euo pipefail
out=tests/benchmarks/out
mkdir -p "$out"
n=${1:-1000000}
stratify=${2:-}
if [ -z "$stratify" ]; then
  dotnet publish src/Stratify.Cli -c Release -r linux-x64 -o "$out/stratify" -v q -nologo > /dev/null
  stratify="$out/stratify/stratify"
fi
[ -f "$out/sim_$n.parquet" ] || "$stratify" simulate --n "$n" --seed 1 --out "$out/sim_$n.parquet" > /dev/null
cat > "$out/sim_$n.yaml" <<EOF
data: sim_$n.parquet
id: patient_id
time: time
event: event
treatment: arm
treatment_reference: control
design: randomised
subgroups:
  method: kmedoids
  features:
    numeric: [age, biomarker, nodes]
    categorical: [histology]
    ordinal: {ecog: [0, 1, 2, 3]}
  k: 2..5
  bootstrap: 20
output: run_$n
seed: 1
EOF
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# Each stderr line stamped with the seconds since the start, to find the longest silence.
start=$(date +%s.%N)
STRATIFY_TIMINGS=1 /usr/bin/time -f 'elapsed %e s, CPU %U + %S s, peak resident %M kB' "$stratify" run "$out/sim_$n.yaml" --force 2>&1 > /dev/null |
  while IFS= read -r line; do printf '%8.1f %s\n' "$(echo "$(date +%s.%N) - $start" | bc)" "$line"; done > "$out/run_$n.stderr"
cat "$out/run_$n.stderr"
awk 'NR > 1 && $1 - last > gap { gap = $1 - last; at = $0 } { last = $1 } END { printf "longest gap between stderr lines: %.1f s, before: %s\n", gap, at }' "$out/run_$n.stderr"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
