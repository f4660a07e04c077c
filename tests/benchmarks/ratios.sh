#!/usr/bin/env bash
# Issue 14's speed targets in one run, R and stratify interleaved (rep by rep, so both meet the same load):
#   km + logrank and cox on the cohort-shaped 1,000,000 × 31 file (cohort_generate.py), and Gower + k-medoids
#   (k = 5) + silhouette on 10,000 mixed patients (cluster_gower_pam.R's data).
# Each rep runs: R km, stratify km + logrank, R cox, stratify cox, R cluster, stratify cluster. R is timed two ways:
# its estimator calls alone (system.time inside the process, data already in memory) and as a whole process
# (Rscript start, library(), readRDS / read.csv, the calls). Stratify is always the whole native process.
# Reported: the best of the reps, elapsed and CPU (user + system) seconds, and the ratios; the load average before
# and after. Run from the repository root:  bash tests/benchmarks/ratios.sh [stratify] [reps, default 3] [order]
# (default program: publishes this tree as users install it). Needs R (survival, cluster, data.table) and python3.
# order "interleaved" (default): rep by rep as above. order "blocked": per workload, all of R's reps, then all of
# stratify's, so that each process follows one of its own kind. On a virtual machine whose host reclaims the memory a
# guest frees, a process that starts right after a large one (R's coxph peaks at several GB) meets fresh memory that
# must be backed again on first touch, and the interleaved order charges that to whichever program comes second.
set -euo pipefail
out=tests/benchmarks/out
mkdir -p "$out"
stratify=${1:-}
reps=${2:-3}
order=${3:-interleaved}
if [ -z "$stratify" ]; then
  dotnet publish src/Stratify.Cli -c Release -r linux-x64 -o "$out/stratify" -v q -nologo > /dev/null
  stratify="$out/stratify/stratify"
fi
cohort="$out/cohort_1m.parquet"
[ -f "$out/cohort_1m.csv" ] || /usr/bin/python3 tests/benchmarks/cohort_generate.py "$out/cohort_1m.csv" 1000000
[ -f "$cohort" ] || "$stratify" import "$out/cohort_1m.csv" --out "$cohort" > /dev/null 2>&1
[ -f "$out/cohort_1m.rds" ] || Rscript -e 'd <- as.data.frame(data.table::fread("tests/benchmarks/out/cohort_1m.csv")); saveRDS(d, "tests/benchmarks/out/cohort_1m.rds", compress = FALSE)'
if [ ! -f "$out/cluster_10k.parquet" ]; then
  Rscript tests/benchmarks/cluster_gower_pam.R "$out/cluster_10k.csv" > /dev/null
  "$stratify" import "$out/cluster_10k.csv" --out "$out/cluster_10k.parquet" > /dev/null 2>&1
fi
# The features as R's daisy sees them: size and grade ordinal in their clinical order, the rest as in the data.
cat > "$out/cluster_10k.yaml" <<'EOF'
data: cluster_10k.parquet
subgroups:
  method: kmedoids
  features:
    numeric: [age, nodes, pgr, er]
    categorical: [meno, hormon, chemo]
    ordinal:
      size: ["<=20", "20-50", ">50"]
      grade: [2, 3]
  k: 5
  bootstrap: 0
seed: 1
EOF

log=$(mktemp -d)
# run NAME CMD...: appends "elapsed cpu" of the whole process to $log/NAME; the process's stdout to $log/NAME.out.
# Elapsed from bash's microsecond clock around the process (GNU time's %e has 10 ms steps, coarse for a 0.1 s
# process); CPU (user + system) from GNU time, in its 10 ms steps.
run() {
  local name=$1; shift
  local started=$EPOCHREALTIME
  /usr/bin/time -f '%U %S' -o "$log/t" "$@" > "$log/$name.out" 2> /dev/null
  local ended=$EPOCHREALTIME
  awk -v a="$started" -v b="$ended" '{ printf "%.4f %.3f\n", b - a, $1 + $2 }' "$log/t" >> "$log/$name"
}
# R's own system.time of the estimator calls, printed by the script as "elapsed cpu" on its last line.
estimator() { tail -n 1 "$log/$1.out" >> "$log/$2"; }

covariates=$(seq -s, -f 'x%g' 1 20)
r_km() {
  run r_km Rscript -e 'suppressMessages(library(survival)); d <- readRDS("tests/benchmarks/out/cohort_1m.rds");
    t <- system.time({ survfit(Surv(time, status) ~ group, d); survdiff(Surv(time, status) ~ group, d) });
    cat(sprintf("\n%.3f %.3f\n", t[["elapsed"]], t[["user.self"]] + t[["sys.self"]]))'
  estimator r_km r_km_estimator
}
s_km() {
  run s_km "$stratify" km "$cohort" --time time --event status --group group --format json
  run s_logrank "$stratify" logrank "$cohort" --time time --event status --group group --format json
}
r_cox() {
  run r_cox Rscript -e 'suppressMessages(library(survival)); d <- readRDS("tests/benchmarks/out/cohort_1m.rds");
    f <- as.formula(paste("Surv(time, status) ~", paste0("x", 1:20, collapse = "+")));
    t <- system.time(coxph(f, d, ties = "efron"));
    cat(sprintf("\n%.3f %.3f\n", t[["elapsed"]], t[["user.self"]] + t[["sys.self"]]))'
  estimator r_cox r_cox_estimator
}
s_cox() { run s_cox "$stratify" cox "$cohort" --time time --event status --covariates "$covariates" --format json; }
r_cluster() {
  run r_cluster Rscript -e 'suppressMessages(library(cluster)); b <- read.csv("tests/benchmarks/out/cluster_10k.csv", stringsAsFactors = FALSE);
    x <- data.frame(age = b$age, meno = factor(b$meno), size = factor(b$size, levels = c("<=20", "20-50", ">50"), ordered = TRUE),
      grade = factor(b$grade, ordered = TRUE), nodes = b$nodes, pgr = b$pgr, er = b$er, hormon = factor(b$hormon), chemo = factor(b$chemo));
    t <- system.time({ d <- daisy(x, metric = "gower"); p <- pam(d, 5, diss = TRUE, pamonce = 6); s <- silhouette(p$clustering, d) });
    cat(sprintf("average silhouette %.10f\n%.3f %.3f\n", mean(s[, "sil_width"]), t[["elapsed"]], t[["user.self"]] + t[["sys.self"]]))'
  estimator r_cluster r_cluster_estimator
}
s_cluster() { run s_cluster "$stratify" cluster "$out/cluster_10k.yaml" --gap 0 --format json; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($order order)"
if [ "$order" = blocked ]; then
  for workload in km cox cluster; do
    for rep in $(seq "$reps"); do "r_$workload"; done
    for rep in $(seq "$reps"); do "s_$workload"; done
    echo "$workload done, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  done
else
  for rep in $(seq "$reps"); do
    r_km; s_km; r_cox; s_cox; r_cluster; s_cluster
    echo "rep $rep done, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  done
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -h "average silhouette" "$log/r_cluster.out" | sed 's/^/R: /'
sed -n 's/.*"silhouette": *\([0-9.]*\).*/stratify: average silhouette \1/p' "$log/s_cluster.out" | head -n 1

# best FILE: "elapsed cpu", each the minimum over the reps.
best() { awk 'NR == 1 || $1 < e { e = $1 } NR == 1 || $2 < c { c = $2 } END { printf "%.3f %.3f", e, c }' "$log/$1"; }
# sum2 A B: the per-rep sums of two files (km + logrank are two processes).
paste -d' ' "$log/s_km" "$log/s_logrank" | awk '{ print $1 + $3, $2 + $4 }' > "$log/s_km_logrank"
printf '\n| workload | R estimator only: elapsed (CPU) s | R whole process | stratify whole process | ratio to R estimator: elapsed (CPU) | ratio to R process: elapsed (CPU) |\n|---|---|---|---|---|---|\n'
for row in "km + logrank, 1M × 31:r_km_estimator:r_km:s_km_logrank" "cox 20 covariates Efron, 1M × 31:r_cox_estimator:r_cox:s_cox" \
           "Gower + k-medoids k = 5 + silhouette, 10k:r_cluster_estimator:r_cluster:s_cluster"; do
  IFS=: read -r label re rp s <<< "$row"
  read -r ree rec <<< "$(best "$re")"; read -r rpe rpc <<< "$(best "$rp")"; read -r se sc <<< "$(best "$s")"
  awk -v l="$label" -v ree="$ree" -v rec="$rec" -v rpe="$rpe" -v rpc="$rpc" -v se="$se" -v sc="$sc" 'BEGIN {
    printf "| %s | %.2f (%.2f) | %.2f (%.2f) | %.3f (%.3f) | %.1fx (%.1fx) | %.1fx (%.1fx) |\n", l, ree, rec, rpe, rpc, se, sc, ree / se, rec / sc, rpe / se, rpc / sc }'
done
rm -rf "$log"
