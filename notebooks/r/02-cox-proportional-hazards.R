# Cross-check of notebooks/02-cox-proportional-hazards.cs with R's survival package.
# Run from the repository root: Rscript notebooks/r/02-cox-proportional-hazards.R
suppressMessages(library(survival))
source("notebooks/r/checks.R")
veteran <- read.csv("datasets/veteran.csv")
veteran$celltype <- factor(veteran$celltype)                               # reference adeno, the first level, as the lab
fit <- coxph(Surv(time, status) ~ trt + celltype + karno, data = veteran)   # Efron ties, as the lab

s <- summary(fit)
terms <- c(trt = "trt", celltypelarge = "celltype=large", celltypesmallcell = "celltype=smallcell",
           celltypesquamous = "celltype=squamous", karno = "karno")
table <- "Cox model: trt + celltype + karno (veteran)"
for (r in names(terms)) {
  check(table, terms[[r]], "coefficient", s$coefficients[r, "coef"])
  check(table, terms[[r]], "hazard ratio", s$coefficients[r, "exp(coef)"])
  check(table, terms[[r]], "std error", s$coefficients[r, "se(coef)"])
  check(table, terms[[r]], "lower 95%", s$conf.int[r, "lower .95"])
  check(table, terms[[r]], "upper 95%", s$conf.int[r, "upper .95"])
  check(table, terms[[r]], "p-value", s$coefficients[r, "Pr(>|z|)"])
}
table <- "Global tests (all coefficients zero)"
for (t in list(c("likelihood ratio", "logtest"), c("Wald", "waldtest"), c("score (log-rank)", "sctest"))) {
  check(table, t[1], "statistic", s[[t[2]]]["test"])
  check(table, t[1], "df", s[[t[2]]]["df"])
  check(table, t[1], "p-value", s[[t[2]]]["pvalue"])
}
check("Concordance (Harrell's C)", "model", "C", s$concordance["C"])
check("Concordance (Harrell's C)", "model", "std error", s$concordance["se(C)"])

zph <- cox.zph(fit)                                                        # transform = "km", as the lab
for (r in rownames(zph$table)) {
  check("Proportional-hazards test (cox.zph)", r, "chi-square", zph$table[r, "chisq"])
  check("Proportional-hazards test (cox.zph)", r, "df", zph$table[r, "df"])
  check("Proportional-hazards test (cox.zph)", r, "p-value", zph$table[r, "p"])
}

# Scaled Schoenfeld residuals (one row per death, rows named by the death time), averaged by period of follow-up.
scaled <- residuals(fit, type = "scaledsch")
times <- as.numeric(rownames(scaled))
cuts <- c(0, 30, 60, 100, 200, Inf)
labels <- c("days 0–29", "days 30–59", "days 60–99", "days 100–199", "day 200+")
for (b in 1:5) {
  inside <- times >= cuts[b] & times < cuts[b + 1]
  check("karno: mean scaled Schoenfeld residual by period", labels[b], "deaths", sum(inside))
  check("karno: mean scaled Schoenfeld residual by period", labels[b], "mean residual", mean(scaled[inside, "karno"]))
}

write_checks("02-cox-proportional-hazards")
