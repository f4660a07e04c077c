# Writes the benchmark cohort: 1,000,000 patients in 4 groups, exponential event times (days, rounded up as
# clinical data are) with group hazards 1.0/1.1/1.2/1.3 x 1/1000 per day, uniform administrative censoring
# over 0..3000 days; and a variant with continuous (untied) times. Run from the repository root:  Rscript tests/benchmarks/generate_km_logrank_data.R
set.seed(1)
n <- 1e6
group <- sample(0:3, n, replace = TRUE)
event_time <- ceiling(rexp(n, rate = (1 + 0.1 * group) / 1000))
censor_time <- ceiling(runif(n, 0, 3000))
d <- data.frame(time = pmin(event_time, censor_time), status = as.integer(event_time <= censor_time), group = group)
dir.create("tests/benchmarks/out", showWarnings = FALSE)
write.csv(d, "tests/benchmarks/out/km_logrank_1m.csv", row.names = FALSE)
# the same patients with continuous times (no ties: a million distinct times, the hardest case for both sides)
event_time <- rexp(n, rate = (1 + 0.1 * group) / 1000)
censor_time <- runif(n, 0, 3000)
d <- data.frame(time = pmin(event_time, censor_time), status = as.integer(event_time <= censor_time), group = group)
write.csv(d, "tests/benchmarks/out/km_logrank_1m_continuous.csv", row.names = FALSE)
cat("wrote tests/benchmarks/out/km_logrank_1m.csv and km_logrank_1m_continuous.csv\n")
