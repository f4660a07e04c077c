# Times R's survfit + survdiff (the kernels only: the CSV is read before the clock starts) on the benchmark
# cohort, 5 repetitions; prints each time and the median in seconds.
# Run from the repository root after generate_km_logrank_data.R:  Rscript tests/benchmarks/time_km_logrank.R [file.csv]
suppressMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(if (length(args)) args[1] else "tests/benchmarks/out/km_logrank_1m.csv")
d$group <- factor(d$group)
times <- numeric(5); cpu <- numeric(5)
for (i in seq_along(times)) {
  st <- system.time({
    fit <- survfit(Surv(time, status) ~ group, data = d)
    test <- survdiff(Surv(time, status) ~ group, data = d)
  })
  times[i] <- st[["elapsed"]]; cpu[i] <- st[["user.self"]] + st[["sys.self"]]
}
cat(sprintf("R survfit + survdiff, n = %d: elapsed %s s; median %.3f s (cpu median %.3f s)\n", nrow(d),
            paste(sprintf("%.3f", times), collapse = " "), median(times), median(cpu)))
cat(sprintf("chisq = %.6f, medians = %s\n", test$chisq, paste(summary(fit)$table[, "median"], collapse = " ")))
