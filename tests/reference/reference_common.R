# Helpers shared by the survival reference scripts (source("tests/reference/reference_common.R") from the repository
# root): exact() and write_exact() from exact_numbers.R, and what the tests read from survfit and coxph fits.
source("tests/reference/exact_numbers.R")

# A chi-square test as the tests read it: statistic, df and upper-tail p.
chisq_test <- function(stat, df) list(statistic = unname(stat), df = df, p = pchisq(unname(stat), df, lower.tail = FALSE))

# The curves of a survfit by group (g) as the Kaplan–Meier tests read them: counts, S, its standard error (of S itself),
# limits, Nelson–Aalen (from `na`, the same fit with ctype = 1), events, median with limits and, with tau, the RMST.
# n_censor(k, i) gives group k's n.censor (i: its rows of the fit).
survfit_curves <- function(fit, na, df, tau, n_censor = function(k, i) fit$n.censor[i]) {
  se_s <- if (fit$logse) fit$std.err * fit$surv else fit$std.err
  strata <- if (is.null(fit$strata)) rep("all", length(fit$time)) else rep(sub("^g=", "", names(fit$strata)), fit$strata)
  groups <- unique(strata)
  tab <- summary(fit, rmean = if (is.null(tau)) "none" else tau)$table
  if (is.null(dim(tab))) tab <- matrix(tab, nrow = 1, dimnames = list(NULL, names(tab)))
  lapply(seq_along(groups), function(k) {
    i <- strata == groups[k]
    out <- list(group = groups[k], n = sum(df$g == groups[k]), time = fit$time[i], n_risk = fit$n.risk[i],
                n_event = fit$n.event[i], n_censor = n_censor(groups[k], i), surv = fit$surv[i], se = se_s[i],
                lower = fit$lower[i], upper = fit$upper[i], cumhaz = na$cumhaz[i], std_chaz = na$std.chaz[i],
                events = unname(tab[k, "events"]), median = unname(tab[k, "median"]),
                median_lower = unname(tab[k, grep("LCL", colnames(tab))]), median_upper = unname(tab[k, grep("UCL", colnames(tab))]))
    if (!is.null(tau)) { out$rmst <- unname(tab[k, "rmean"]); out$rmst_se <- unname(tab[k, "se(rmean)"]) }
    out
  })
}

# summary(fit, times = at) by group.
survfit_at <- function(fit, at) {
  s <- summary(fit, times = at)
  sg <- if (is.null(s$strata)) rep("all", length(s$time)) else sub("^g=", "", as.character(s$strata))
  list(times = I(at), group = I(sg), time = I(s$time), surv = I(s$surv), se = I(s$std.err),
       lower = I(s$lower), upper = I(s$upper), n_risk = I(s$n.risk))
}

# The score tests of a group comparison (the log-rank with weights or counting-process data): per group n, observed
# (summed weights of the events) and expected (observed minus the score at 0), the model-based (fit$score) and robust
# (fit$rscore) tests of the group, of a trend over its levels, and of every pair with Holm-adjusted p-values.
# fit_of(data, term, robust) fits the Cox model of `term` ("g" or "score") on data.
group_score_tests <- function(df, fit_of, observed, u) {
  fit_model <- fit_of(df, "g", FALSE)
  fit_robust <- fit_of(df, "g", TRUE)
  lev <- levels(df$g)
  df$score <- as.numeric(df$g)
  pairs <- combn(lev, 2)
  pair_stats <- apply(pairs, 2, function(pr) {
    sub <- droplevels(df[df$g %in% pr, ])
    c(fit_of(sub, "g", FALSE)$score, fit_of(sub, "g", TRUE)$rscore)
  })
  k <- sum(!is.na(coef(fit_model)))
  list(groups = I(lev), n = I(as.vector(table(df$g))), observed = I(observed), expected = I(observed - c(-sum(u), u)),
       model = chisq_test(fit_model$score, k), robust = chisq_test(fit_robust$rscore, k),
       trend = list(model = chisq_test(fit_of(df, "score", FALSE)$score, 1), robust = chisq_test(fit_of(df, "score", TRUE)$rscore, 1)),
       pairwise = list(group_a = I(pairs[1, ]), group_b = I(pairs[2, ]),
                       model = I(unname(pair_stats[1, ])), robust = I(unname(pair_stats[2, ])),
                       model_holm = I(p.adjust(pchisq(pair_stats[1, ], 1, lower.tail = FALSE), "holm")),
                       robust_holm = I(p.adjust(pchisq(pair_stats[2, ], 1, lower.tail = FALSE), "holm"))))
}

# What the Cox tests read from a coxph fit: counts, coefficients with model-based and robust SE, z, p and limits (robust
# ones when the fit is robust), log-likelihoods, the LR / Wald / score / robust score tests, concordance, centres,
# iterations and the baseline survfit.
coxph_summary <- function(fit) {
  is_robust <- !is.null(fit$naive.var)
  coefs <- coef(fit)
  nb <- sum(!is.na(coefs))
  se <- sqrt(diag(if (is_robust) fit$naive.var else fit$var))
  rse <- if (is_robust) sqrt(diag(fit$var)) else rep(NA, length(coefs))
  inf_se <- if (is_robust) rse else se
  z <- coefs / inf_se
  base <- survfit(fit)
  list(robust = is_robust, n = fit$n, events = fit$nevent,
       terms = I(names(coefs)), coef = I(unname(coefs)), se = I(unname(se)), robust_se = I(unname(rse)),
       hr_lower = I(unname(exp(coefs - qnorm(0.975) * inf_se))), hr_upper = I(unname(exp(coefs + qnorm(0.975) * inf_se))),
       z = I(unname(z)), p = I(unname(2 * pnorm(-abs(z)))),
       loglik = list(null = fit$loglik[1], model = fit$loglik[2]),
       likelihood_ratio = chisq_test(2 * (fit$loglik[2] - fit$loglik[1]), nb), wald = chisq_test(fit$wald.test, nb),
       score = chisq_test(fit$score, nb), robust_score = if (is_robust) chisq_test(fit$rscore, nb) else NULL,
       concordance = list(c = unname(fit$concordance["concordance"]), se = unname(fit$concordance["std"]),
                          concordant = unname(fit$concordance["concordant"]), discordant = unname(fit$concordance["discordant"]),
                          tied_risk = unname(fit$concordance["tied.x"]), tied_time = unname(fit$concordance["tied.y"])),
       means = I(unname(fit$means)), iterations = fit$iter,
       baseline = list(time = base$time, n_risk = base$n.risk, n_event = base$n.event, surv = base$surv,
                       std_err = base$std.err, lower = base$lower, upper = base$upper,
                       strata = if (is.null(base$strata)) NULL else rep(seq_along(base$strata), base$strata)))
}
