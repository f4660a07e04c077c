# Times R's coxph (Efron) on the benchmark cohort made by cox_generate.py; prints read and fit seconds and the
# coefficients (to check Stratify's agreement). Usage: Rscript tests/benchmarks/cox_benchmark.R /tmp/cox_bench_1m.csv
suppressPackageStartupMessages(library(survival))
path <- commandArgs(trailingOnly = TRUE)[1]
t0 <- proc.time()[["elapsed"]]
d <- read.csv(path)
t1 <- proc.time()[["elapsed"]]
fit <- coxph(as.formula(paste("Surv(time, status) ~", paste0("x", 1:20, collapse = " + "))), data = d, ties = "efron")
t2 <- proc.time()[["elapsed"]]
cat(sprintf("R read.csv: %.2f s, coxph: %.2f s, total: %.2f s, iterations: %d, loglik: %.10g\n", t1 - t0, t2 - t1, t2 - t0, fit$iter, fit$loglik[2]))
cat("coef:", format(unname(coef(fit)), digits = 15), "\n")
cat("se:", format(unname(sqrt(diag(fit$var))), digits = 15), "\n")
cat("concordance:", format(unname(fit$concordance[c("concordance", "std")]), digits = 15), "\n")
