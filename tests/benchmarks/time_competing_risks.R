# R's side of the competing-risks benchmark (tests/benchmarks/README.md): the estimator calls alone, the data
# already in memory (read.csv not counted). cmprsk's cuminc (with Gray's test) on 1,000,000 patients; crr and
# finegray() + coxph(ties = "breslow", cluster(id)) on the first n patients for the sizes given (crr is O(n^2) per
# Newton step and its variance more, finegray() expands each competing event into one row per later censoring
# interval, so neither reaches 1,000,000 here). Prints one line per timing: task, n, elapsed seconds, cpu seconds.
# Run from the repository root:  Rscript tests/benchmarks/time_competing_risks.R [sizes, e.g. 5000,10000,20000]
suppressPackageStartupMessages({ library(cmprsk); library(survival) })
args <- commandArgs(trailingOnly = TRUE)
sizes <- if (length(args) > 0) as.integer(strsplit(args[1], ",")[[1]]) else c(5000L, 10000L, 20000L)
timed <- function(task, n, expr) {
  t <- system.time(expr)
  cat(sprintf("%s\t%d\t%.3f\t%.3f\n", task, n, t[["elapsed"]], t[["user.self"]] + t[["sys.self"]]))
}
d <- read.csv("tests/benchmarks/out/competing_risks_1m.csv")
if (!("skip_cuminc" %in% args)) for (r in 1:3) timed("cuminc", nrow(d), cuminc(d$time, d$status, d$group))
covariates <- c("x1", "x2", "x3", "x4", "x5", "group")
for (n in sizes) {
  s <- d[seq_len(n), ]
  timed("crr", n, fit <- crr(s$time, s$status, as.matrix(s[, covariates]), failcode = 1, cencode = 0))
  s$id <- seq_len(n)
  s$fstatus <- factor(s$status, 0:2, c("censored", "relapse", "death"))
  timed("finegray+coxph", n, {
    fg <- finegray(Surv(time, fstatus) ~ ., data = s[, c("time", "fstatus", "id", covariates)], etype = "relapse")
    cx <- coxph(Surv(fgstart, fgstop, fgstatus) ~ x1 + x2 + x3 + x4 + x5 + group + cluster(id), data = fg, weights = fgwt, ties = "breslow")
  })
  cat(sprintf("# n = %d: crr coef %s; finegray rows %d\n", n, paste(sprintf("%.6f", fit$coef), collapse = " "), nrow(fg)))
}
