# Cross-check of notebooks/01-survival-basics.cs with R's survival package.
# Run from the repository root: Rscript notebooks/r/01-survival-basics.R
suppressMessages(library(survival))
source("notebooks/r/checks.R")
lung <- read.csv("datasets/lung.csv")

check("The lung cohort", "all", "patients", nrow(lung))
check("The lung cohort", "all", "deaths", sum(lung$status == 2))

fit <- survfit(Surv(time, status) ~ 1, data = lung)              # log-type 95% intervals, as the lab
q <- quantile(fit, 0.5)
check("Median survival (days), all patients", "all", "median", q$quantile)
check("Median survival (days), all patients", "all", "lower 95%", q$lower)
check("Median survival (days), all patients", "all", "upper 95%", q$upper)
s <- summary(fit, times = c(180, 365, 730))
for (i in seq_along(s$time)) {
  row <- format(s$time[i])
  check("Survival at landmark times, all patients", row, "at risk", s$n.risk[i])
  check("Survival at landmark times, all patients", row, "survival", s$surv[i])
  check("Survival at landmark times, all patients", row, "std error", s$std.err[i])
  check("Survival at landmark times, all patients", row, "lower 95%", s$lower[i])
  check("Survival at landmark times, all patients", row, "upper 95%", s$upper[i])
}

lung$sex <- factor(lung$sex, 1:2, c("male", "female"))
fit <- survfit(Surv(time, status) ~ sex, data = lung)
q <- quantile(fit, 0.5)
s <- summary(fit, times = 365)
for (g in c("male", "female")) {
  k <- paste0("sex=", g)
  check("Kaplan–Meier by sex", g, "patients", fit$n[which(levels(lung$sex) == g)])
  check("Kaplan–Meier by sex", g, "median", q$quantile[k, 1])
  check("Kaplan–Meier by sex", g, "lower 95%", q$lower[k, 1])
  check("Kaplan–Meier by sex", g, "upper 95%", q$upper[k, 1])
  check("Kaplan–Meier by sex", g, "survival 1 y", s$surv[s$strata == k])
}

lr <- survdiff(Surv(time, status) ~ sex, data = lung)
for (g in c("male", "female")) {
  i <- which(levels(lung$sex) == g)
  check("Log-rank test, observed and expected deaths", g, "observed", lr$obs[i])
  check("Log-rank test, observed and expected deaths", g, "expected", lr$exp[i])
}
check("Log-rank test by sex", "log-rank", "statistic", lr$chisq)
check("Log-rank test by sex", "log-rank", "df", length(lr$n) - 1)
check("Log-rank test by sex", "log-rank", "p-value", pchisq(lr$chisq, length(lr$n) - 1, lower.tail = FALSE))

write_checks("01-survival-basics")
