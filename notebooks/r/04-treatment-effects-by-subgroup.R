# Cross-check of notebooks/04-treatment-effects-by-subgroup.cs with R's survival package (the simulation in
# section 5 uses .NET's seeded generator and is not compared).
# Run from the repository root: Rscript notebooks/r/04-treatment-effects-by-subgroup.R
suppressMessages(library(survival))
source("notebooks/r/checks.R")
gbsg <- read.csv("datasets/gbsg.csv")

table <- "Hormonal therapy by menopausal status"
for (s in list(c("premenopausal", 0), c("postmenopausal", 1))) {
  rows <- gbsg$meno == as.numeric(s[2])
  check(table, s[1], "patients", sum(rows))
  check(table, s[1], "treated", sum(gbsg$hormon[rows]))
  check(table, s[1], "% treated", 100 * mean(gbsg$hormon[rows]))
}

effect <- function(table, row, fit, term = "hormon", ratio = "hazard ratio") {
  s <- summary(fit)
  check(table, row, ratio, s$conf.int[term, "exp(coef)"])
  check(table, row, "lower 95%", s$conf.int[term, "lower .95"])
  check(table, row, "upper 95%", s$conf.int[term, "upper .95"])
  check(table, row, "p-value", s$coefficients[term, "Pr(>|z|)"])
}
effect("Hormonal therapy, all patients (Cox)", "all", coxph(Surv(rfstime, status) ~ hormon, data = gbsg))
for (s in list(c("postmenopausal", 1), c("premenopausal", 0))) {
  fit <- coxph(Surv(rfstime, status) ~ hormon, data = gbsg, subset = meno == as.numeric(s[2]))
  check("Hormonal therapy within subgroups (Cox)", s[1], "patients", fit$n)
  effect("Hormonal therapy within subgroups (Cox)", s[1], fit)
}
effect("Interaction: ratio of hazard ratios, post- vs premenopausal", "unadjusted (Wald)",
       coxph(Surv(rfstime, status) ~ hormon * meno, data = gbsg), term = "hormon:meno", ratio = "ratio of HRs")

without <- coxph(Surv(rfstime, status) ~ hormon + meno + age + size + nodes + pgr + er + factor(grade), data = gbsg)
with <- update(without, . ~ . + hormon:meno)
lr <- anova(without, with)
table <- "Interaction test, adjusted for age, size, nodes, pgr, er and grade"
check(table, "likelihood ratio", "statistic", lr$Chisq[2])
check(table, "likelihood ratio", "df", lr$Df[2])
check(table, "likelihood ratio", "p-value", lr[["Pr(>|Chi|)"]][2])

write_checks("04-treatment-effects-by-subgroup")
