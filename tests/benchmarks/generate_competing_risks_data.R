# Writes the competing-risks benchmark cohort: 1,000,000 patients in 4 groups with 5 covariates, from known
# cause-specific hazards (per day): relapse (cause 1) 0.0004 exp(0.3 x1 - 0.2 x2 + 0.4 x5 + 0.1 group), death
# before relapse (cause 2) 0.0002 exp(0.25 x3 + 0.15 x1); times in whole days (rounded up, as clinical data are)
# with uniform administrative censoring over 0..3650 days. x1..x4 standard normal (3 decimals), x5 binary.
# Run from the repository root:  Rscript tests/benchmarks/generate_competing_risks_data.R
# Also writes time, status and group alone (competing_risks_1m_groups.csv, for cumulative incidence), and the first 5,000 / 10,000 / 20,000 / 50,000 rows as separate files for the peers R cannot run on 1M.
set.seed(2)
n <- 1e6
group <- sample(0:3, n, replace = TRUE)
x <- matrix(round(rnorm(4 * n), 3), ncol = 4)
x5 <- rbinom(n, 1, 0.4)
t1 <- rexp(n, 0.0004 * exp(0.3 * x[, 1] - 0.2 * x[, 2] + 0.4 * x5 + 0.1 * group))
t2 <- rexp(n, 0.0002 * exp(0.25 * x[, 3] + 0.15 * x[, 1]))
tc <- runif(n, 0, 3650)
time <- ceiling(pmin(t1, t2, tc))
status <- ifelse(tc <= pmin(t1, t2), 0L, ifelse(t1 <= t2, 1L, 2L))
d <- data.frame(time = time, status = status, group = group, x1 = x[, 1], x2 = x[, 2], x3 = x[, 3], x4 = x[, 4], x5 = x5)
dir.create("tests/benchmarks/out", showWarnings = FALSE)
write.csv(d, "tests/benchmarks/out/competing_risks_1m.csv", row.names = FALSE)
# cumulative incidence reads time, status and group only: a file of those three columns, as the KM benchmark's
write.csv(d[, c("time", "status", "group")], "tests/benchmarks/out/competing_risks_1m_groups.csv", row.names = FALSE)
for (k in c(5000, 10000, 20000, 50000))
  write.csv(d[seq_len(k), ], sprintf("tests/benchmarks/out/competing_risks_%dk.csv", k / 1000), row.names = FALSE)
print(table(d$status))
cat("wrote tests/benchmarks/out/competing_risks_1m.csv and the 5k..50k subsets\n")
