# Times R's coxph on the counting-process benchmark cohorts made by counting_generate.py; prints the fit's elapsed and
# CPU seconds and its estimates (to check Stratify's agreement). Usage:
#   Rscript tests/benchmarks/counting_benchmark.R /tmp/entry_1m.csv        # coxph(Surv(entry, time, status) ~ x1 + ... + x10)
#   Rscript tests/benchmarks/counting_benchmark.R /tmp/intervals_3m.csv    # coxph(Surv(start, stop, status) ~ x1 + ... + x10, cluster = id)
#   Rscript tests/benchmarks/counting_benchmark.R /tmp/intervals_3m.csv model-based   # the same without cluster = id
#   Rscript tests/benchmarks/counting_benchmark.R /tmp/intervals_3m.csv 300000        # the first 300,000 rows only
# survival 3.5's robust variance for (start, stop] data (residuals.coxph through agscore2.c) loops over every row at every
# event time, so its time grows with rows x events: on these data 8 s for 50,000 rows, 99 s for 300,000 rows; the 3M-row
# fit with cluster = id would take hours, and the 3M comparison is made without it.
suppressPackageStartupMessages({ library(survival); library(data.table) })
args <- commandArgs(trailingOnly = TRUE)
path <- args[1]
d <- as.data.frame(fread(path))
rows <- suppressWarnings(as.integer(args[-1]))
if (length(rows) && !is.na(rows[1])) d <- d[seq_len(rows[1]), ]
rhs <- paste0("x", 1:10, collapse = " + ")
p1 <- proc.time()
fit <- if (!("id" %in% names(d))) coxph(as.formula(paste("Surv(entry, time, status) ~", rhs)), data = d, ties = "efron") else
  if ("model-based" %in% args) coxph(as.formula(paste("Surv(start, stop, status) ~", rhs)), data = d, ties = "efron") else
  coxph(as.formula(paste("Surv(start, stop, status) ~", rhs)), data = d, cluster = id, ties = "efron")
p2 <- proc.time()
cat(sprintf("R coxph: %.2f s elapsed, %.2f s CPU, %d rows, %d events, iterations %d, loglik %.12g\n", p2[["elapsed"]] - p1[["elapsed"]],
            (p2[["user.self"]] + p2[["sys.self"]]) - (p1[["user.self"]] + p1[["sys.self"]]), fit$n, fit$nevent, fit$iter, fit$loglik[2]))
cat("coef:", format(unname(coef(fit)), digits = 15), "\n")
cat("se:", format(unname(sqrt(diag(if (is.null(fit$naive.var)) fit$var else fit$naive.var))), digits = 15), "\n")
if (!is.null(fit$naive.var)) cat("robust se:", format(unname(sqrt(diag(fit$var))), digits = 15), "\n")
cat("concordance:", format(unname(fit$concordance[c("concordance", "std")]), digits = 15), "\n")
