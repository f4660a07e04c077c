# Reference values for Stratify's logistic regression, propensity weighting and covariate balance
# (tests/Stratify.Tests/Statistics/LogisticRegressionReferenceTests.cs,
#  tests/Stratify.Tests/Stratification/PropensityWeightingReferenceTests.cs).
# Run from the repository root:  Rscript tests/reference/propensity_reference.R
# Needs R >= 4.2 with survival 3.5 and jsonlite. Writes tests/reference/propensity_reference.json and the simulated
# data set tests/reference/data/logistic_sim.csv (17 significant digits, read back).
#
# - logistic: glm(y ~ x, family = binomial) with glm.control defaults (and one case with maxit = 2): coefficients, SE,
#   z, p, deviance, null deviance, df, AIC, iterations, convergence, warnings, fitted probabilities. Design columns are
#   named as Stratify names them (numeric: the column; categorical: column=level per non-reference level).
# - rotterdam: the observational chemotherapy comparison end to end, written out by formula (cobalt is not installed):
#   propensity glm on rotterdam.yaml's covariates, stabilised IPTW weights P(T=t)/P(T=t | x) with and without
#   truncation at the 1% and 99% type-7 quantiles, Kish's effective sample size per arm, propensity quantiles and
#   20-bin counts per arm, common support, standardised mean differences before/after weighting (denominator from the
#   unweighted arms: sample variance for numbers, p(1 - p) for each level as a 0/1 indicator), then
#   coxph(Surv(rtime, recur) ~ chemo, weights = w, robust = TRUE) and survfit(Surv(rtime, recur) ~ chemo, weights = w).
suppressPackageStartupMessages({ library(survival); library(jsonlite) })
stopifnot(packageVersion("survival") >= "3.5")
source("tests/reference/exact_numbers.R")   # exact(), write_exact()

# ---- simulated data: a categorical confounder, a collinear column, a separating column --------------------------------
set.seed(20261203)
n <- 300
sim <- data.frame(x1 = round(rnorm(n), 3), x2 = round(runif(n, 0, 10), 2), site = sample(c("north", "south", "west"), n, replace = TRUE))
sim$x3 <- 2 * sim$x1 - 0.5 * sim$x2                       # exactly collinear with x1 and x2
lp <- -0.3 + 0.8 * sim$x1 - 0.1 * sim$x2 + 0.5 * (sim$site == "south")
sim$y <- rbinom(n, 1, plogis(lp))
sim$sep <- ifelse(sim$y == 1, sim$x1 + 5, sim$x1 - 5)     # separates y completely
sim$w <- signif(runif(n, 0.4, 2.2), 6)
sim$w_int <- sample(1:3, n, replace = TRUE)
sim <- write_exact(sim, "tests/reference/data/logistic_sim.csv")
lung <- read.csv("datasets/lung.csv")
rotterdam <- read.csv("datasets/rotterdam.csv", stringsAsFactors = FALSE)
read_data <- function(file) switch(file, logistic_sim.csv = sim, lung.csv = lung, rotterdam.csv = rotterdam)

# Design columns named as Stratify names them.
design <- function(d, numeric, categorical) {
  x <- list()
  for (v in numeric) x[[v]] <- d[[v]]
  for (cv in categorical) for (l in setdiff(sort(unique(as.character(d[[cv$name]]))), cv$reference))
    x[[paste0(cv$name, "=", l)]] <- as.numeric(as.character(d[[cv$name]]) == l)
  as.data.frame(x, check.names = FALSE)
}

fit_glm <- function(y, x, weights = NULL, maxit = 25) {
  warns <- character()
  X <- as.matrix(x)
  fit <- withCallingHandlers(
    if (is.null(weights)) glm(y ~ X, family = binomial, control = glm.control(maxit = maxit))
    else glm(y ~ X, family = binomial, weights = weights, control = glm.control(maxit = maxit)),
    warning = function(w) { warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning") })
  list(fit = fit, warnings = warns)
}

logistic_case <- function(name, file, outcome, event_value, numeric = character(), categorical = list(), weight = NULL, maxit = 25) {
  d <- read_data(file)
  used <- c(outcome, numeric, vapply(categorical, function(cv) cv$name, ""), weight)
  d <- d[complete.cases(d[, used]), ]
  y <- as.numeric(d[[outcome]] == event_value)
  x <- design(d, numeric, categorical)
  g <- fit_glm(y, x, if (is.null(weight)) NULL else d[[weight]], maxit)
  fit <- g$fit
  s <- summary(fit)
  coefs <- coef(fit)
  terms <- c("(Intercept)", names(x))
  table <- matrix(NA_real_, length(coefs), 4)
  table[!is.na(coefs), ] <- s$coefficients
  list(name = name, file = file, outcome = outcome, event_value = event_value, numeric = I(numeric), categorical = categorical,
       weight = weight, maxit = maxit, n = nrow(d),
       terms = I(terms), coef = I(unname(coefs)), se = I(table[, 2]), z = I(table[, 3]), p = I(table[, 4]),
       deviance = fit$deviance, null_deviance = fit$null.deviance, df_residual = fit$df.residual, df_null = fit$df.null,
       aic = fit$aic, rank = fit$rank, iterations = fit$iter, converged = fit$converged, warnings = I(g$warnings),
       fitted = I(unname(fitted(fit))), vcov = I(as.vector(t(vcov(fit)))))
}

cat_ <- function(name, reference) list(name = name, kind = "categorical", reference = reference)
logistic <- list(
  logistic_case("sim_categorical", "logistic_sim.csv", "y", 1, c("x1", "x2"), list(cat_("site", "north"))),
  logistic_case("sim_collinear", "logistic_sim.csv", "y", 1, c("x1", "x2", "x3")),
  logistic_case("sim_prior_weights", "logistic_sim.csv", "y", 1, c("x1", "x2"), list(cat_("site", "north")), weight = "w"),
  logistic_case("sim_integer_weights", "logistic_sim.csv", "y", 1, c("x1", "x2"), weight = "w_int"),
  logistic_case("sim_separation", "logistic_sim.csv", "y", 1, c("sep")),
  logistic_case("lung_death", "lung.csv", "status", 2, c("age", "sex", "ph.karno", "wt.loss")),
  logistic_case("rotterdam_chemo_maxit2", "rotterdam.csv", "chemo", 1, c("age", "nodes", "pgr", "er"), list(cat_("size", "<=20")), maxit = 2)
)
names(logistic) <- sapply(logistic, `[[`, "name")

# ---- rotterdam: chemotherapy, observational -------------------------------------------------------------------------
rd <- rotterdam
rd$hormon <- ifelse(rd$hormon == 1, "yes", "no")
rd$meno <- ifelse(rd$meno == 1, "postmenopausal", "premenopausal")
treated <- rd$chemo == 1
confounders <- design(rd, c("age", "nodes", "pgr", "er"),
                      list(cat_("size", "<=20"), cat_("grade", "2"), cat_("hormon", "no"), cat_("meno", "premenopausal")))
ps_fit <- fit_glm(as.numeric(treated), confounders)
ps <- unname(fitted(ps_fit$fit))
p_treated <- mean(treated)
w_raw <- ifelse(treated, p_treated / ps, (1 - p_treated) / (1 - ps))
bounds <- unname(quantile(w_raw, c(0.01, 0.99), type = 7))
w_trim <- pmin(pmax(w_raw, bounds[1]), bounds[2])

ess <- function(w) sum(w)^2 / sum(w^2)
probabilities <- c(0, 0.05, 0.25, 0.5, 0.75, 0.95, 1)
support <- c(max(min(ps[treated]), min(ps[!treated])), min(max(ps[treated]), max(ps[!treated])))
bin_counts <- function(e) as.vector(table(factor(pmin(19, floor(e * 20)), levels = 0:19)))
# SMDs by formula: numbers with sample variances, each level (reference too) as a 0/1 indicator with p(1 - p).
smd_rows <- function(w) {
  wmean <- function(x, arm) sum(w[arm] * x[arm]) / sum(w[arm])
  out <- list()
  for (v in c("age", "nodes", "pgr", "er")) {
    x <- rd[[v]]
    pooled <- sqrt((var(x[treated]) + var(x[!treated])) / 2)
    out[[length(out) + 1]] <- list(term = v, before = (mean(x[treated]) - mean(x[!treated])) / pooled,
                                   after = (wmean(x, treated) - wmean(x, !treated)) / pooled)
  }
  for (v in c("size", "grade", "hormon", "meno")) for (l in sort(unique(as.character(rd[[v]])))) {
    x <- as.numeric(as.character(rd[[v]]) == l)
    p1 <- mean(x[treated]); p0 <- mean(x[!treated])
    pooled <- sqrt((p1 * (1 - p1) + p0 * (1 - p0)) / 2)
    out[[length(out) + 1]] <- list(term = paste0(v, "=", l), before = (p1 - p0) / pooled,
                                   after = (wmean(x, treated) - wmean(x, !treated)) / pooled)
  }
  list(term = I(sapply(out, `[[`, "term")), before = I(sapply(out, `[[`, "before")), after = I(sapply(out, `[[`, "after")))
}

weighted_survival <- function(w) {
  df <- data.frame(time = rd$rtime, event = rd$recur, chemo = factor(ifelse(treated, "yes", "no"), levels = c("no", "yes")), w = w)
  cox <- coxph(Surv(time, event) ~ chemo, data = df, weights = w, robust = TRUE)
  km <- survfit(Surv(time, event) ~ chemo, data = df, weights = w)
  tab <- summary(km, rmean = 3650)$table
  at <- summary(km, times = c(365, 1825, 3650))
  se_s <- if (km$logse) km$std.err * km$surv else km$std.err
  arm <- rep(sub("^chemo=", "", names(km$strata)), km$strata)
  curves <- lapply(c("no", "yes"), function(a) {
    i <- arm == a
    list(arm = a, time = km$time[i], n_risk = km$n.risk[i], surv = km$surv[i], se = se_s[i], lower = km$lower[i], upper = km$upper[i])
  })
  list(cox = list(coef = unname(coef(cox)), se = unname(sqrt(diag(cox$naive.var))), robust_se = unname(sqrt(diag(cox$var))),
                  hr = unname(exp(coef(cox))), hr_lower = unname(exp(coef(cox) - qnorm(0.975) * sqrt(diag(cox$var)))),
                  hr_upper = unname(exp(coef(cox) + qnorm(0.975) * sqrt(diag(cox$var)))),
                  p = unname(2 * pnorm(-abs(coef(cox) / sqrt(diag(cox$var))))),
                  loglik = I(cox$loglik), robust_score = unname(cox$rscore), score = unname(cox$score), wald = unname(cox$wald.test),
                  concordance = unname(cox$concordance["concordance"]), concordance_se = unname(cox$concordance["std"])),
       km = list(arms = I(c("no", "yes")), median = I(unname(tab[, "median"])), median_lower = I(unname(tab[, "0.95LCL"])),
                 median_upper = I(unname(tab[, "0.95UCL"])), rmst = I(unname(tab[, "rmean"])), rmst_se = I(unname(tab[, "se(rmean)"])),
                 at_arm = I(sub("^chemo=", "", as.character(at$strata))), at_time = I(at$time), at_surv = I(at$surv),
                 at_se = I(at$std.err), at_lower = I(at$lower), at_upper = I(at$upper), at_n_risk = I(at$n.risk),
                 curves = curves))
}

iptw_case <- function(w, trim) c(list(trim = trim, weights = I(w),
    ess = list(treated = ess(w[treated]), reference = ess(w[!treated])),
    weight_sum = list(treated = sum(w[treated]), reference = sum(w[!treated])),
    balance = smd_rows(w)), weighted_survival(w))

ps_summary <- summary(ps_fit$fit)
rotterdam_out <- list(
  n = nrow(rd), treated = sum(treated), treated_proportion = p_treated,
  propensity_model = list(terms = I(c("(Intercept)", names(confounders))), coef = I(unname(coef(ps_fit$fit))),
                          se = I(unname(ps_summary$coefficients[, 2])), deviance = ps_fit$fit$deviance,
                          null_deviance = ps_fit$fit$null.deviance, aic = ps_fit$fit$aic, iterations = ps_fit$fit$iter,
                          warnings = I(ps_fit$warnings)),
  propensity = I(ps),
  overlap = list(probabilities = I(probabilities), treated_quantiles = I(unname(quantile(ps[treated], probabilities, type = 7))),
                 reference_quantiles = I(unname(quantile(ps[!treated], probabilities, type = 7))),
                 treated_bins = I(bin_counts(ps[treated])), reference_bins = I(bin_counts(ps[!treated])),
                 common_support = I(support),
                 treated_outside = sum(ps[treated] < support[1] | ps[treated] > support[2]),
                 reference_outside = sum(ps[!treated] < support[1] | ps[!treated] > support[2])),
  untrimmed = iptw_case(w_raw, NULL),
  trimmed = c(iptw_case(w_trim, 0.01), list(bounds = I(bounds), clipped = sum(w_trim != w_raw)))
)

write(toJSON(exact(list(generated_by = paste("R", getRversion(), "survival", packageVersion("survival")),
                        logistic = logistic, rotterdam = rotterdam_out)),
             auto_unbox = TRUE, digits = NA, na = "null", null = "null", pretty = TRUE, json_verbatim = TRUE),
      "tests/reference/propensity_reference.json")
