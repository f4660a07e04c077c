# Reference values for the CLI end-to-end tests (tests/Stratify.Tests/Cli/SurvivalCommandTests.cs).
# The CLI reads datasets/*.parquet (the same rows as the CSV files, with readable labels); R reads the CSV files.
# Run from the repository root: Rscript tests/reference/cli_reference.R
suppressPackageStartupMessages({ library(survival); library(jsonlite) })
lung <- read.csv("datasets/lung.csv")
veteran <- read.csv("datasets/veteran.csv")
gbsg <- read.csv("datasets/gbsg.csv")
lung_ecog <- lung[!is.na(lung$ph.ecog), ]   # lung.yaml uses ph.ecog, so its row with ph.ecog missing is dropped

# stratify km datasets/lung.yaml --at 365 --rmst 730 --conf-type log-log
km <- survfit(Surv(time, status) ~ sex, data = lung_ecog, conf.type = "log-log")
tab <- summary(km, rmean = 730)$table
at <- summary(km, times = 365)
km_ref <- list(
  groups = c("male", "female"),  # sex 1 = male, 2 = female
  n = unname(tab[, "records"]), events = unname(tab[, "events"]),
  median = unname(tab[, "median"]), median_lower = unname(tab[, "0.95LCL"]), median_upper = unname(tab[, "0.95UCL"]),
  rmst = unname(tab[, "rmean"]), rmst_se = unname(tab[, "se(rmean)"]),
  at_survival = at$surv, at_lower = at$lower, at_upper = at$upper, at_n_risk = at$n.risk)

# stratify logrank datasets/veteran.parquet --time time --event status --group celltype --rho 1
lr <- survdiff(Surv(time, status) ~ celltype, data = veteran, rho = 1)
lr_ref <- list(statistic = lr$chisq, df = length(lr$n) - 1, p = pchisq(lr$chisq, length(lr$n) - 1, lower.tail = FALSE),
  groups = sub("celltype=", "", names(lr$n)), observed = lr$obs, expected = lr$exp)

# stratify cox datasets/lung.parquet --time time --event status --covariates age,sex,ph.ecog --categorical sex
#   --reference sex=male --cluster inst --check-ph   (robust SE with cluster(inst); rows without inst dropped)
lung_c <- lung_ecog[!is.na(lung_ecog$inst), ]
lung_c$sex <- factor(ifelse(lung_c$sex == 1, "male", "female"), levels = c("male", "female"))
fit <- coxph(Surv(time, status) ~ age + sex + ph.ecog + cluster(inst), data = lung_c)
s <- summary(fit)
zph <- cox.zph(fit)
cox_ref <- list(n = fit$n, events = fit$nevent, terms = c("age", "sex=female", "ph.ecog"),
  coef = unname(coef(fit)), se = unname(sqrt(diag(fit$naive.var))), robust_se = unname(sqrt(diag(fit$var))),
  p = unname(s$coefficients[, "Pr(>|z|)"]),
  loglik = fit$loglik, concordance = unname(fit$concordance["concordance"]),
  zph_chisq = unname(zph$table[, "chisq"]), zph_p = unname(zph$table[, "p"]))

# stratify cox datasets/gbsg.yaml --ties breslow   (covariates from the spec: grade and meno categorical)
g <- gbsg; g$meno <- factor(g$meno); g$grade <- factor(g$grade)
fitg <- coxph(Surv(rfstime, status) ~ age + size + nodes + pgr + er + meno + grade, data = g, ties = "breslow")
gbsg_ref <- list(terms = c("age", "size", "nodes", "pgr", "er", "meno=postmenopausal", "grade=2", "grade=3"),
  coef = unname(coef(fitg)), se = unname(sqrt(diag(fitg$var))), lr = unname(summary(fitg)$logtest["test"]))

# stratify cox datasets/lung.yaml --predict "age=60,sex=female,ph.ecog=1"   (ph.ecog ordinal = its value as a rank score)
l <- lung_ecog; l$sex <- factor(ifelse(l$sex == 1, "male", "female"), levels = c("male", "female"))
fp <- coxph(Surv(time, status) ~ age + sex + ph.ecog, data = l)
sp <- survfit(fp, newdata = data.frame(age = 60, sex = "female", ph.ecog = 1))
predict_ref <- list(time = sp$time, survival = sp$surv, lower = sp$lower, upper = sp$upper)

# stratify logrank datasets/gbsg.parquet --time rfstime --event status --group hormon --strata meno,grade
sd <- survdiff(Surv(rfstime, status) ~ hormon + strata(meno, grade), data = gbsg)
strata_ref <- list(statistic = sd$chisq, observed = as.numeric(rowSums(sd$obs)), expected = as.numeric(rowSums(sd$exp)))

write_json(list(stratified = strata_ref, predict = predict_ref, km = km_ref, logrank = lr_ref, cox = cox_ref, gbsg_cox = gbsg_ref), "tests/reference/cli_reference.json",
  digits = NA, auto_unbox = TRUE, pretty = TRUE)
