# Reference values for confidence levels other than 95% (tests/Stratify.Tests/Survival/ConfidenceLevelTests.cs):
# Cox hazard-ratio intervals as summary(fit, conf.int = level) and predicted survival as survfit(fit, newdata,
# conf.int = level), model-based and robust (cluster), at the rows `stratify cox datasets/lung.yaml` uses.
# Run from the repository root:  Rscript tests/reference/confidence_level_reference.R
# Writes tests/reference/confidence_level_reference.json (every double with the digits that read back exactly).
suppressPackageStartupMessages({ library(survival); library(jsonlite) })
source("tests/reference/exact_numbers.R")

lung <- read.csv("datasets/lung.csv")
lung <- lung[!is.na(lung$ph.ecog), ]                 # lung.yaml's covariates: age, sex (reference male), ph.ecog
lung$sex <- factor(ifelse(lung$sex == 1, "male", "female"), levels = c("male", "female"))
profile <- data.frame(age = 60, sex = factor("female", levels = c("male", "female")), ph.ecog = 1)

case <- function(name, level, fit, cli) {
  s <- summary(fit, conf.int = level)
  p <- survfit(fit, newdata = profile, conf.int = level)
  list(name = name, level = level, cli = cli, n = fit$n, events = fit$nevent,
       terms = c("age", "sex=female", "ph.ecog"),
       hr = unname(s$conf.int[, "exp(coef)"]),
       hr_lower = unname(s$conf.int[, 3]), hr_upper = unname(s$conf.int[, 4]),
       z = unname(qnorm((1 + level) / 2)),
       predicted = list(time = p$time, surv = p$surv, lower = p$lower, upper = p$upper))
}

plain <- coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung)
clustered_rows <- lung[!is.na(lung$inst), ]
robust <- coxph(Surv(time, status) ~ age + sex + ph.ecog + cluster(inst), data = clustered_rows)

cases <- list(
  case("lung_90", 0.90, plain, c("--conf-level", "0.9")),
  case("lung_99", 0.99, plain, c("--conf-level", "0.99")),
  case("lung_robust_80", 0.80, robust, c("--conf-level", "0.8", "--cluster", "inst")))
for (i in seq_along(cases)) cases[[i]]$cli <- I(cases[[i]]$cli)

out <- list(r_version = R.version.string, survival = as.character(packageVersion("survival")), cases = cases)
write(toJSON(exact(out), auto_unbox = TRUE, pretty = TRUE, json_verbatim = TRUE), "tests/reference/confidence_level_reference.json")
