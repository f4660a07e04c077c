# Cross-check of notebooks/05-predictive-subgroups.cs with R's survival package, on the simulated trial the lab
# writes (run the lab first: dotnet run notebooks/05-predictive-subgroups.cs).
# Run from the repository root: Rscript notebooks/r/05-predictive-subgroups.R
suppressMessages(library(survival))
source("notebooks/r/checks.R")
trial <- read.csv("notebooks/output/05-trial.csv")

for (a in list(c("control", 0), c("treated", 1))) {
  arm <- trial$treated == as.numeric(a[2])
  check("The simulated trial", a[1], "patients", sum(arm))
  check("The simulated trial", a[1], "events", sum(trial$status[arm]))
  check("The simulated trial", a[1], "biomarker > 6", sum(arm & trial$biomarker > 6))
}

effect <- function(table, row, fit, term) {
  s <- summary(fit)
  check(table, row, "hazard ratio", s$conf.int[term, "exp(coef)"])
  check(table, row, "lower 95%", s$conf.int[term, "lower .95"])
  check(table, row, "upper 95%", s$conf.int[term, "upper .95"])
  check(table, row, "p-value", s$coefficients[term, "Pr(>|z|)"])
}
effect("Treatment effect, all patients (Cox)", "treated vs control", coxph(Surv(time, status) ~ treated, data = trial), "treated")
table <- "Main effects and interactions (Cox)"
fit <- coxph(Surv(time, status) ~ treated * ecog, data = trial)
effect(table, "ecog (per level)", fit, "ecog")
effect(table, "treated × ecog", fit, "treated:ecog")
fit <- coxph(Surv(time, status) ~ treated * biomarker, data = trial)
effect(table, "biomarker (per unit)", fit, "biomarker")
effect(table, "treated × biomarker", fit, "treated:biomarker")

scan <- function(data, cut) {
  data$above <- as.numeric(data$biomarker > cut)
  s <- summary(coxph(Surv(time, status) ~ treated * above, data = data))$coefficients["treated:above", ]
  c(statistic = s[["z"]]^2, ratio = s[["exp(coef)"]])
}
cuts <- seq(2, 8, by = 0.5)
for (cut in cuts) {
  s <- scan(trial, cut)
  check("Interaction statistic by cut point (all patients)", sprintf("%.1f", cut), "interaction z²", s[["statistic"]])
  check("Interaction statistic by cut point (all patients)", sprintf("%.1f", cut), "ratio of HRs", s[["ratio"]])
}

search <- trial[trial$half == 1, ]
test <- trial[trial$half == 2, ]
chosen <- cuts[which.max(sapply(cuts, function(cut) scan(search, cut)[["statistic"]]))]
table <- sprintf("Treatment effect by subgroup (biomarker > %g), search half vs test half", chosen)
for (h in list(list("search half", search), list("test half", test))) {
  d <- h[[2]]
  effect(table, paste(h[[1]], "above", sep = ", "), coxph(Surv(time, status) ~ treated, data = d[d$biomarker > chosen, ]), "treated")
  effect(table, paste(h[[1]], "at or below", sep = ", "), coxph(Surv(time, status) ~ treated, data = d[d$biomarker <= chosen, ]), "treated")
}

write_checks("05-predictive-subgroups")
