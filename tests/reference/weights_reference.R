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
#   robust score tests, concordance and its SE, and the baseline survfit of the fit.
suppressPackageStartupMessages({ library(survival); library(jsonlite) })
stopifnot(packageVersion("survival") >= "3.5")
source("tests/reference/exact_numbers.R")   # exact(), write_exact()

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
  se_s <- if (fit$logse) fit$std.err * fit$surv else fit$std.err
  strata <- if (is.null(fit$strata)) rep("all", length(fit$time)) else rep(sub("^g=", "", names(fit$strata)), fit$strata)
  groups <- unique(strata)
  tab <- summary(fit, rmean = if (is.null(tau)) "none" else tau)$table
  if (is.null(dim(tab))) tab <- matrix(tab, nrow = 1, dimnames = list(NULL, names(tab)))
  na <- survfit(form, data = df, weights = w, ctype = 1, robust = if (is.null(robust)) NULL else robust)
  curves <- lapply(seq_along(groups), function(k) {
    i <- strata == groups[k]
    out <- list(group = groups[k], n = sum(df$g == groups[k]), time = fit$time[i], n_risk = fit$n.risk[i],
                n_event = fit$n.event[i], n_censor = fit$n.censor[i], surv = fit$surv[i], se = se_s[i],
                lower = fit$lower[i], upper = fit$upper[i], cumhaz = na$cumhaz[i], std_chaz = na$std.chaz[i],
                events = unname(tab[k, "events"]), median = unname(tab[k, "median"]),
                median_lower = unname(tab[k, grep("LCL", colnames(tab))]), median_upper = unname(tab[k, grep("UCL", colnames(tab))]))
    if (!is.null(tau)) { out$rmst <- unname(tab[k, "rmean"]); out$rmst_se <- unname(tab[k, "se(rmean)"]) }
    out
  })
  out <- list(name = name, file = file, time = time, status = status, event_value = event_value, weight = weight,
              group = group, conf_type = conf_type, robust = if (is.null(robust)) NULL else robust, tau = tau,
              fit_robust = !fit$logse, curves = curves)
  if (!is.null(at)) {
    s <- summary(fit, times = at)
    sg <- if (is.null(s$strata)) rep("all", length(s$time)) else sub("^g=", "", as.character(s$strata))
    out$at <- list(times = I(at), group = I(sg), time = I(s$time), surv = I(s$surv), se = I(s$std.err),
                   lower = I(s$lower), upper = I(s$upper), n_risk = I(s$n.risk))
  }
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
  fit_model <- coxph(as.formula(paste("Surv(time, event) ~", rhs)), data = df, weights = w, robust = FALSE)
  fit_robust <- coxph(as.formula(paste("Surv(time, event) ~", rhs)), data = df, weights = w, robust = TRUE)
  fit0 <- coxph(as.formula(paste("Surv(time, event) ~", rhs)), data = df, weights = w, iter.max = 0, init = rep(0, nlevels(df$g) - 1))
  u <- colSums(as.matrix(residuals(fit0, type = "score", weighted = TRUE)))
  observed <- as.vector(tapply(df$w * df$event, df$g, sum))
  u_full <- c(-sum(u), u)
  lev <- levels(df$g)
  # trend: the same score test on the group's position 1..k
  df$score <- as.numeric(df$g)
  trend_model <- coxph(as.formula(paste("Surv(time, event) ~", sub("^g", "score", rhs))), data = df, weights = w, robust = FALSE)
  trend_robust <- coxph(as.formula(paste("Surv(time, event) ~", sub("^g", "score", rhs))), data = df, weights = w, robust = TRUE)
  pairs <- combn(lev, 2)
  pair_stats <- apply(pairs, 2, function(pr) {
    sub <- droplevels(df[df$g %in% pr, ])
    fm <- coxph(as.formula(paste("Surv(time, event) ~", rhs)), data = sub, weights = w, robust = FALSE)
    fr <- coxph(as.formula(paste("Surv(time, event) ~", rhs)), data = sub, weights = w, robust = TRUE)
    c(fm$score, fr$rscore)
  })
  test <- function(stat, df) list(statistic = unname(stat), df = df, p = pchisq(unname(stat), df, lower.tail = FALSE))
  k <- sum(!is.na(coef(fit_model)))
  list(name = name, file = file, time = time, status = status, event_value = event_value, weight = weight, group = group,
       strata = strata, groups = I(lev), n = I(as.vector(table(df$g))), observed = I(observed), expected = I(observed - u_full),
       model = test(fit_model$score, k), robust = test(fit_robust$rscore, k),
       trend = list(model = test(trend_model$score, 1), robust = test(trend_robust$rscore, 1)),
       pairwise = list(group_a = I(pairs[1, ]), group_b = I(pairs[2, ]),
                       model = I(unname(pair_stats[1, ])), robust = I(unname(pair_stats[2, ])),
                       model_holm = I(p.adjust(pchisq(pair_stats[1, ], 1, lower.tail = FALSE), "holm")),
                       robust_holm = I(p.adjust(pchisq(pair_stats[2, ], 1, lower.tail = FALSE), "holm"))))
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
  df <- data.frame(time = d[[time]], event = as.integer(d[[status]] == event_value), w = d[[weight]])
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
  is_robust <- !is.null(fit$naive.var)
  coefs <- coef(fit)
  nb <- sum(!is.na(coefs))
  se <- sqrt(diag(if (is_robust) fit$naive.var else fit$var))
  rse <- if (is_robust) sqrt(diag(fit$var)) else rep(NA, length(coefs))
  inf_se <- if (is_robust) rse else se
  z <- coefs / inf_se
  test <- function(stat, df) list(statistic = unname(stat), df = df, p = pchisq(unname(stat), df, lower.tail = FALSE))
  base <- survfit(fit)
  list(name = name, file = file, time = time, status = status, event_value = event_value, weight = weight, ties = ties,
       strata = strata, cluster = cluster, robust_option = if (is.null(robust)) NULL else robust, robust = is_robust,
       covariates = covariates, n = fit$n, events = fit$nevent,
       terms = I(names(coefs)), coef = I(unname(coefs)), se = I(unname(se)), robust_se = I(unname(rse)),
       hr_lower = I(unname(exp(coefs - qnorm(0.975) * inf_se))), hr_upper = I(unname(exp(coefs + qnorm(0.975) * inf_se))),
       z = I(unname(z)), p = I(unname(2 * pnorm(-abs(z)))),
       loglik = list(null = fit$loglik[1], model = fit$loglik[2]),
       likelihood_ratio = test(2 * (fit$loglik[2] - fit$loglik[1]), nb), wald = test(fit$wald.test, nb),
       score = test(fit$score, nb), robust_score = if (is_robust) test(fit$rscore, nb) else NULL,
       concordance = list(c = unname(fit$concordance["concordance"]), se = unname(fit$concordance["std"])),
       means = I(unname(fit$means)), iterations = fit$iter,
       baseline = list(time = base$time, surv = base$surv, std_err = base$std.err, lower = base$lower, upper = base$upper,
                       strata = if (is.null(base$strata)) NULL else rep(seq_along(base$strata), base$strata)))
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
