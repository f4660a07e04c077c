# Times R's coxph (Efron) on the benchmark cohort made by cox_generate.py; prints read and fit seconds and the
# coefficients (to check Stratify's agreement). Usage: Rscript tests/benchmarks/cox_benchmark.R /tmp/cox_bench_1m.csv
suppressPackageStartupMessages(library(survival))
path <- commandArgs(trailingOnly = TRUE)[1]
p0 <- proc.time()
t0 <- p0[["elapsed"]]
d <- read.csv(path)
p1 <- proc.time()
t1 <- p1[["elapsed"]]
fit <- coxph(as.formula(paste("Surv(time, status) ~", paste0("x", 1:20, collapse = " + "))), data = d, ties = "efron")
p2 <- proc.time()
t2 <- p2[["elapsed"]]
cpu <- function(a, b) (b[["user.self"]] + b[["sys.self"]]) - (a[["user.self"]] + a[["sys.self"]])
cat(sprintf("R CPU: read.csv %.2f s, coxph %.2f s\n", cpu(p0, p1), cpu(p1, p2)))
cat(sprintf("R read.csv: %.2f s, coxph: %.2f s, total: %.2f s, iterations: %d, loglik: %.10g\n", t1 - t0, t2 - t1, t2 - t0, fit$iter, fit$loglik[2]))
cat("coef:", format(unname(coef(fit)), digits = 15), "\n")
cat("se:", format(unname(sqrt(diag(fit$var))), digits = 15), "\n")
cat("concordance:", format(unname(fit$concordance[c("concordance", "std")]), digits = 15), "\n")
