# Reference values for case weights in Stratify's Kaplan–Meier, log-rank and Cox kernels
# (tests/Stratify.Tests/Survival/Weighted*.cs, tests/Stratify.Tests/Cli/WeightedCommandTests.cs).
# Run from the repository root:  Rscript tests/reference/weights_reference.R
# Needs R >= 4.2 with survival 3.5 and jsonlite. Writes tests/reference/weights_reference.json and the weighted data
# sets tests/reference/data/weights_*.csv (generated here with a fixed seed, written with 17 significant digits and
# read back, so that the tests fit exactly the doubles R fitted).
#
# What R does with weights, and so what is checked:
# - survfit(Surv(time, status) ~ group, weights = w): n.risk / n.event / n.censor are sums of weights; with a
#   fractional weight robust defaults to TRUE and std.err is the infinitesimal jackknife (logse = FALSE, so the
#   standard error of S itself); with whole-number weights it is Greenwood on the weighted counts.
# - R's survdiff takes no weights: the weighted log-rank reference is the score test of
#   coxph(Surv(time, status) ~ factor(group) [+ strata(s)], weights = w) (Efron ties): fit$score (model-based) and
#   fit$rscore (robust, coxph's default with fractional weights).
# - coxph(..., weights = w): coefficients, model-based (naive.var) and robust SE, log-likelihoods, LR / Wald / score /
#   robust score tests, concordance and its SE, the baseline survfit of the fit, and cox.zph(fit) (the
#   proportional-hazards test of the weighted fit).
suppressPackageStartupMessages({ library(survival); library(jsonlite) })
stopifnot(packageVersion("survival") >= "3.5")
source("tests/reference/reference_common.R")   # exact(), write_exact() and the survival summaries

# ---- data ------------------------------------------------------------------------------------------------------
set.seed(20261201)
lung <- read.csv("datasets/lung.csv")
lung_w <- data.frame(inst = lung$inst, time = lung$time, status = lung$status, age = lung$age, sex = lung$sex,
                     ph.ecog = lung$ph.ecog,
                     w_frac = signif(runif(nrow(lung), 0.3, 2.5), 6),
                     w_int = sample(1:3, nrow(lung), replace = TRUE))
lung_w <- write_exact(lung_w, "tests/reference/data/weights_lung.csv")

n <- 400
grp <- sample(c("a", "b", "c"), n, replace = TRUE)
x1 <- round(rnorm(n), 3)
x2 <- rbinom(n, 1, 0.4)
rate <- exp(0.4 * x1 - 0.5 * x2 + 0.3 * (grp == "b") - 0.4 * (grp == "c"))
sim <- data.frame(time = pmin(25, ceiling(rexp(n, rate) * 6)), status = rbinom(n, 1, 0.75), grp = grp,
                  site = sample(1:2, n, replace = TRUE), clinic = sample(1:40, n, replace = TRUE), x1 = x1, x2 = x2,
                  w_frac = signif(rgamma(n, 4, 4), 6), w_int = sample(1:4, n, replace = TRUE))
# survfit allows zero weights (present in the data, counting for nothing); coxph refuses them ("must be > 0"), so
# the Kaplan–Meier cases also use copies with some zeros.
sim$w_frac0 <- sim$w_frac
sim$w_frac0[c(5, 17, 99)] <- 0
sim$w_int0 <- sim$w_int
sim$w_int0[sample(n, 40)] <- 0
sim <- write_exact(sim, "tests/reference/data/weights_sim.csv")

# A small set whose last time has only deaths, so the weighted Kaplan–Meier reaches 0.
tail0 <- data.frame(time = c(1, 2, 2, 3, 4, 4, 5, 6, 6, 6), status = c(1, 0, 1, 1, 0, 1, 1, 1, 1, 1),
                    w = c(0.5, 1.25, 2, 0.75, 1.5, 0.4, 1.1, 0.3, 0.9, 1.7))
tail0 <- write_exact(tail0, "tests/reference/data/weights_tail0.csv")

read_data <- function(file) switch(file, weights_lung.csv = lung_w, weights_sim.csv = sim, weights_tail0.csv = tail0)

# ---- Kaplan–Meier --------------------------------------------------------------------------------------------------
km_case <- function(name, file, time, status, event_value, weight, group = NULL, conf_type = "log", robust = NULL,
                    tau = NULL, at = NULL) {
  d <- read_data(file)
  used <- c(time, status, weight, group)
  d <- d[complete.cases(d[, used]), ]
  df <- data.frame(time = d[[time]], event = as.integer(d[[status]] == event_value), w = d[[weight]],
                   g = if (is.null(group)) "all" else as.character(d[[group]]))
  form <- if (is.null(group)) Surv(time, event) ~ 1 else Surv(time, event) ~ g
  fit <- if (is.null(robust)) survfit(form, data = df, weights = w, conf.type = conf_type)
         else survfit(form, data = df, weights = w, conf.type = conf_type, robust = robust)
  na <- survfit(form, data = df, weights = w, ctype = 1, robust = if (is.null(robust)) NULL else robust)
  curves <- survfit_curves(fit, na, df, tau)
  out <- list(name = name, file = file, time = time, status = status, event_value = event_value, weight = weight,
              group = group, conf_type = conf_type, robust = if (is.null(robust)) NULL else robust, tau = tau,
              fit_robust = !fit$logse, curves = curves)
  if (!is.null(at)) out$at <- survfit_at(fit, at)
  out
}

km <- list(
  km_case("lung_sex_frac_log", "weights_lung.csv", "time", "status", 2, "w_frac", "sex", tau = 500, at = c(100, 365, 700)),
  km_case("lung_sex_frac_loglog", "weights_lung.csv", "time", "status", 2, "w_frac", "sex", conf_type = "log-log"),
  km_case("lung_sex_frac_plain", "weights_lung.csv", "time", "status", 2, "w_frac", "sex", conf_type = "plain"),
  km_case("lung_sex_int", "weights_lung.csv", "time", "status", 2, "w_int", "sex", tau = 500, at = c(100, 365)),
  km_case("lung_all_frac", "weights_lung.csv", "time", "status", 2, "w_frac", tau = 800),
  km_case("sim_grp_frac_zero", "weights_sim.csv", "time", "status", 1, "w_frac0", "grp", tau = 20, at = c(5, 10, 24)),
  km_case("sim_grp_frac_greenwood", "weights_sim.csv", "time", "status", 1, "w_frac", "grp", robust = FALSE, tau = 20),
  km_case("sim_grp_int_zero", "weights_sim.csv", "time", "status", 1, "w_int0", "grp", tau = 20),
  km_case("sim_grp_int_robust", "weights_sim.csv", "time", "status", 1, "w_int", "grp", robust = TRUE, tau = 20),
  km_case("tail_to_zero_frac", "weights_tail0.csv", "time", "status", 1, "w", tau = 6),
  km_case("tail_to_zero_plain", "weights_tail0.csv", "time", "status", 1, "w", conf_type = "plain")
)
names(km) <- sapply(km, `[[`, "name")

# ---- log-rank as the score test of the weighted Cox model ----------------------------------------------------------
logrank_case <- function(name, file, time, status, event_value, weight, group, strata = NULL) {
  d <- read_data(file)
  used <- c(time, status, weight, group, strata)
  d <- d[complete.cases(d[, used]), ]
  df <- data.frame(time = d[[time]], event = as.integer(d[[status]] == event_value), w = d[[weight]], g = factor(d[[group]]))
  if (!is.null(strata)) df$s <- d[[strata]]
  rhs <- if (is.null(strata)) "g" else "g + strata(s)"
  fit_of <- function(data, term, robust)
    coxph(as.formula(paste("Surv(time, event) ~", sub("^g", term, rhs))), data = data, weights = w, robust = robust)
  fit0 <- coxph(as.formula(paste("Surv(time, event) ~", rhs)), data = df, weights = w, iter.max = 0, init = rep(0, nlevels(df$g) - 1))
  u <- colSums(as.matrix(residuals(fit0, type = "score", weighted = TRUE)))
  observed <- as.vector(tapply(df$w * df$event, df$g, sum))
  c(list(name = name, file = file, time = time, status = status, event_value = event_value, weight = weight, group = group,
         strata = strata), group_score_tests(df, fit_of, observed, u))
}

logrank <- list(
  logrank_case("lung_sex_frac", "weights_lung.csv", "time", "status", 2, "w_frac", "sex"),
  logrank_case("lung_ecog_frac", "weights_lung.csv", "time", "status", 2, "w_frac", "ph.ecog"),
  logrank_case("lung_sex_int", "weights_lung.csv", "time", "status", 2, "w_int", "sex"),
  logrank_case("sim_grp_frac_strata", "weights_sim.csv", "time", "status", 1, "w_frac", "grp", strata = "site"),
  logrank_case("sim_grp_int", "weights_sim.csv", "time", "status", 1, "w_int", "grp")
)
names(logrank) <- sapply(logrank, `[[`, "name")

# ---- Cox -------------------------------------------------------------------------------------------------------------
cox_case <- function(name, file, time, status, event_value, weight, covariates, ties = "efron", strata = NULL,
                     cluster = NULL, robust = NULL) {
  d <- read_data(file)
  used <- c(time, status, weight, sapply(covariates, `[[`, "name"), strata, cluster)
  d <- d[complete.cases(d[, used]), ]
  # Weights as doubles: cox.zph of this survival version fails on integer storage ("REAL() can only be applied to a
  # 'numeric'"); coxph decides on whole-number weights by value, not storage.
  df <- data.frame(time = d[[time]], event = as.integer(d[[status]] == event_value), w = as.double(d[[weight]]))
  for (cv in covariates) {
    v <- d[[cv$name]]
    if (cv$kind == "categorical") v <- relevel(factor(as.character(v)), ref = cv$reference)
    df[[make.names(cv$name)]] <- v
  }
  rhs <- paste(make.names(sapply(covariates, `[[`, "name")), collapse = " + ")
  if (!is.null(strata)) { df$strat <- d[[strata]]; rhs <- paste(rhs, "+ strata(strat)") }
  if (!is.null(cluster)) { df$clus <- d[[cluster]]; rhs <- paste(rhs, "+ cluster(clus)") }
  form <- as.formula(paste("Surv(time, event) ~", rhs))
  fit <- if (is.null(robust)) coxph(form, data = df, weights = w, ties = ties) else coxph(form, data = df, weights = w, ties = ties, robust = robust)
  zph <- cox.zph(fit)$table
  c(list(name = name, file = file, time = time, status = status, event_value = event_value, weight = weight, ties = ties,
         strata = strata, cluster = cluster, robust_option = if (is.null(robust)) NULL else robust, covariates = covariates),
    coxph_summary(fit),
    list(zph = list(terms = I(rownames(zph)), chisq = I(unname(zph[, "chisq"])), df = I(unname(zph[, "df"])), p = I(unname(zph[, "p"])))))
}

num <- function(name) list(name = name, kind = "numeric")
cat_ <- function(name, reference) list(name = name, kind = "categorical", reference = reference)
lung_cov <- list(num("age"), num("sex"), num("ph.ecog"))
sim_cov <- list(num("x1"), num("x2"), cat_("grp", "a"))
cox <- list(
  cox_case("lung_frac_efron", "weights_lung.csv", "time", "status", 2, "w_frac", lung_cov),
  cox_case("lung_frac_breslow", "weights_lung.csv", "time", "status", 2, "w_frac", lung_cov, ties = "breslow"),
  cox_case("lung_frac_model_based", "weights_lung.csv", "time", "status", 2, "w_frac", lung_cov, robust = FALSE),
  cox_case("lung_frac_strata_sex", "weights_lung.csv", "time", "status", 2, "w_frac", list(num("age"), num("ph.ecog")), strata = "sex"),
  cox_case("lung_frac_cluster_inst", "weights_lung.csv", "time", "status", 2, "w_frac", lung_cov, cluster = "inst"),
  cox_case("lung_int_efron", "weights_lung.csv", "time", "status", 2, "w_int", lung_cov),
  cox_case("lung_int_breslow_robust", "weights_lung.csv", "time", "status", 2, "w_int", lung_cov, ties = "breslow", robust = TRUE),
  cox_case("sim_frac_efron_strata", "weights_sim.csv", "time", "status", 1, "w_frac", sim_cov, strata = "site"),
  cox_case("sim_frac_breslow_cluster", "weights_sim.csv", "time", "status", 1, "w_frac", sim_cov, ties = "breslow", cluster = "clinic"),
  cox_case("sim_int_efron", "weights_sim.csv", "time", "status", 1, "w_int", sim_cov)
)
names(cox) <- sapply(cox, `[[`, "name")

write(toJSON(exact(list(generated_by = paste("R", getRversion(), "survival", packageVersion("survival")),
                        km = km, logrank = logrank, cox = cox)),
             auto_unbox = TRUE, digits = NA, na = "null", null = "null", pretty = TRUE, json_verbatim = TRUE),
      "tests/reference/weights_reference.json")
