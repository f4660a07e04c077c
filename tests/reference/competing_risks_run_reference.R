# Reference values for `stratify run` on competing-risks data (tests/Stratify.Tests/Stratification/CompetingRisksRunTests.cs):
# the numbers results.json's competing_risks section reports, computed with R's survival 3.5 (multi-state survfit,
# coxph) and cmprsk 2.2 (cuminc, crr) on the same patients.
# Run from the repository root:  Rscript tests/reference/competing_risks_run_reference.R
# Needs R >= 4.2 with survival, cmprsk and jsonlite. Writes tests/reference/competing_risks_run_reference.json.
# The run reads tests/reference/data/pbc_competing.parquet, made from the CSV this script reads (pbc_reference.R writes it):
#   stratify import tests/reference/data/pbc_randomised.csv --out tests/reference/data/pbc_competing.parquet \
#     --label "status=0:censored,1:transplant,2:death" --label sex=m:male,f:female
#   - melanoma (datasets/melanoma.yaml): subgroups = ulcer (absent/present), no treatment. Cumulative incidence of
#     melanoma death (status 1) and of other death (3; 2 = alive, censored) by subgroup at 1826 and 3652 days, Gray's test.
#   - pbc_competing (tests/reference/specs/pbc_competing.yaml): the 312 randomised PBC patients, death (status 2) with
#     transplantation (1) competing; subgroups = hepato (0/1); treatment trt (reference placebo); covariates age, bili,
#     albumin; landmarks 1825 and 3650 days. Per set of patients (all, hepato 0, hepato 1): cumulative incidence by arm,
#     Gray's test between the arms (all patients), the Fine–Gray subdistribution hazard ratio (crr, failcode 2,
#     cencode 0, sandwich SE, run to gtol 1e-12; survival's finegray() + coxph beside it) and the cause-specific hazard ratio (coxph, Efron ties, transplant
#     censored) of trt + age + bili + albumin, the difference in cumulative incidence (D-penicillamine − placebo) at the
#     landmarks with SE sqrt(se1^2 + se0^2) from survfit's infinitesimal-jackknife SEs and its 95% Wald CI and p; and the
#     likelihood-ratio test of hepato × trt in the cause-specific Cox model with hepato + trt + covariates.
suppressPackageStartupMessages({ library(survival); library(cmprsk); library(jsonlite) })

# Cumulative incidence of every cause by group at the landmarks (survfit, multi-state, IJ variance, log limits).
incidence <- function(time, code, group, times, ncause) {
  states <- c("censored", paste0("cause", seq_len(ncause)))
  fit <- survfit(Surv(time, factor(states[code + 1], levels = states)) ~ group)
  levels <- sort(unique(group))
  lapply(seq_along(levels), function(g) {
    f <- fit[g, ]
    s <- summary(f, times = times)
    list(group = as.character(levels[g]), n = sum(group == levels[g]),
         events = sum(code[group == levels[g]] == 1), competing_events = sum(code[group == levels[g]] > 1),
         time = I(f$time), n_risk = I(f$n.risk[, 1]), cuminc = I(f$pstate[, 2]), se = I(f$std.err[, 2]),
         lower = I(f$lower[, 2]), upper = I(f$upper[, 2]),
         causes = lapply(seq_len(ncause), function(k) list(cause = k,
           at = list(time = I(s$time), cuminc = I(s$pstate[, k + 1]), se = I(s$std.err[, k + 1]),
                     lower = I(s$lower[, k + 1]), upper = I(s$upper[, k + 1]), n_risk = I(s$n.risk[, 1])))))
  })
}

gray <- function(time, code, group) {
  t <- cuminc(time, code, group)$Tests
  list(statistic = unname(t[1, "stat"]), df = unname(t[1, "df"]), p = pchisq(unname(t[1, "stat"]), unname(t[1, "df"]), lower.tail = FALSE))
}

# ---- melanoma ----------------------------------------------------------------------------------------------------
mel <- read.csv("datasets/melanoma.csv")
mel_code <- match(mel$status, c(2, 1, 3)) - 1
mel_group <- ifelse(mel$ulcer == 1, "present", "absent")
melanoma <- list(landmarks = I(c(1826, 3652)),
                 by_subgroup = incidence(mel$time, mel_code, mel_group, c(1826, 3652), 2),
                 gray = gray(mel$time, mel_code, mel_group))

# ---- pbc, death with transplantation competing -------------------------------------------------------------------
pbc <- read.csv("tests/reference/data/pbc_randomised.csv", stringsAsFactors = FALSE)
stopifnot(nrow(pbc) == 312, !anyNA(pbc$hepato))
pbc$code <- match(pbc$status, c(0, 2, 1)) - 1               # 0 censored, 1 death, 2 transplant
pbc$treated <- as.numeric(pbc$trt == "D-penicillamine")
landmarks <- c(1825, 3650)

effect <- function(d, name) {
  arm <- ifelse(d$treated == 1, "D-penicillamine", "placebo")
  X <- cbind(treated = d$treated, age = d$age, bili = d$bili, albumin = d$albumin)
  fg <- crr(d$time, d$code, X, failcode = 1, cencode = 0, gtol = 1e-12, maxiter = 100)
  cs <- coxph(Surv(time, code == 1) ~ treated + age + bili + albumin, data = d, control = coxph.control(eps = 1e-12, toler.chol = 1e-13, iter.max = 100))
  states <- c("censored", "death", "transplant")
  fit <- survfit(Surv(time, factor(states[code + 1], levels = states)) ~ arm, data = data.frame(time = d$time, code = d$code, arm = arm))
  s <- summary(fit, times = landmarks, extend = TRUE)
  # strata order: D-penicillamine, placebo (sorted)
  f1 <- s$pstate[s$strata == "arm=D-penicillamine", 2]; se1 <- s$std.err[s$strata == "arm=D-penicillamine", 2]
  f0 <- s$pstate[s$strata == "arm=placebo", 2]; se0 <- s$std.err[s$strata == "arm=placebo", 2]
  diff <- f1 - f0; se <- sqrt(se1^2 + se0^2); z <- qnorm(0.975)
  fgse <- sqrt(diag(fg$var))
  # survival's finegray() + coxph on the same model: the run follows crr's convention for censorings tied with events
  # (survival's moves the events first), so the two differ where such ties occur (PBC: 3 times).
  fd <- data.frame(ftime = d$time, fstatus = factor(c("censored", "death", "transplant")[d$code + 1], levels = c("censored", "death", "transplant")),
                   id = d$id, X)
  fgd <- finegray(Surv(ftime, fstatus) ~ ., data = fd, etype = "death")
  cx <- coxph(Surv(fgstart, fgstop, fgstatus) ~ treated + age + bili + albumin + cluster(id), data = fgd, weights = fgwt, ties = "breslow",
              control = coxph.control(eps = 1e-12, toler.chol = 1e-13, iter.max = 100))
  list(subgroup = name, n = nrow(d),
       by_arm = incidence(d$time, d$code, arm, landmarks, 2),
       subdistribution = list(coef = unname(fg$coef[1]), se = unname(fgse[1]), hr = exp(unname(fg$coef[1])),
                              lower = exp(unname(fg$coef[1] - z * fgse[1])), upper = exp(unname(fg$coef[1] + z * fgse[1])),
                              p = 2 * pnorm(-abs(unname(fg$coef[1] / fgse[1]))), converged = fg$converged,
                              finegray_coxph = list(coef = unname(coef(cx)[1]), robust_se = unname(sqrt(diag(cx$var))[1]),
                                                    tied_censoring_times = length(intersect(d$time[d$code == 0], d$time[d$code > 0])))),
       cause_specific = list(coef = unname(coef(cs)[1]), se = unname(sqrt(diag(vcov(cs)))[1]), hr = exp(unname(coef(cs)[1])),
                             lower = summary(cs)$conf.int[1, "lower .95"], upper = summary(cs)$conf.int[1, "upper .95"],
                             p = summary(cs)$coefficients[1, "Pr(>|z|)"]),
       differences = list(time = I(landmarks), difference = I(diff), se = I(se), lower = I(diff - z * se), upper = I(diff + z * se),
                          p = I(2 * pnorm(-abs(diff / se)))))
}

all <- effect(pbc, "all patients")
all$gray_by_arm <- gray(pbc$time, pbc$code, pbc$trt)
reduced <- coxph(Surv(time, code == 1) ~ factor(hepato) + treated + age + bili + albumin, data = pbc, control = coxph.control(eps = 1e-12, toler.chol = 1e-13, iter.max = 100))
full <- coxph(Surv(time, code == 1) ~ factor(hepato) + treated + age + bili + albumin + factor(hepato):treated, data = pbc, control = coxph.control(eps = 1e-12, toler.chol = 1e-13, iter.max = 100))
lr <- 2 * (full$loglik[2] - reduced$loglik[2])
pbc_competing <- list(landmarks = I(landmarks),
                      by_subgroup = incidence(pbc$time, pbc$code, as.character(pbc$hepato), landmarks, 2),
                      gray = gray(pbc$time, pbc$code, as.character(pbc$hepato)),
                      overall = all,
                      subgroups = list(effect(pbc[pbc$hepato == 0, ], "0"), effect(pbc[pbc$hepato == 1, ], "1")),
                      interaction = list(statistic = lr, df = 1, p = pchisq(lr, 1, lower.tail = FALSE)))

write(toJSON(list(generated_by = paste("R", getRversion(), "survival", packageVersion("survival"), "cmprsk", packageVersion("cmprsk")),
                  melanoma = melanoma, pbc_competing = pbc_competing),
             auto_unbox = TRUE, digits = NA, na = "null", null = "null", pretty = TRUE),
      "tests/reference/competing_risks_run_reference.json")
