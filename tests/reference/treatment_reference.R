# Reference values for treatment tailoring (results.json: treatment.overall, treatment.by_subgroup[],
# treatment.interaction, the shrunken estimates, and survival.cox), computed with R's survival (coxph) and metafor
# (rma + blup) on exactly the patients and subgroups of each run's assignments.parquet.
#
# Regenerate from the repository root:
#   Rscript tests/reference/export_colon.R   (and the steps it names for pbc and colon)
#   for each study NAME (spec):  stratify run SPEC --out /tmp/ref-NAME --quiet
#       gbsg, rotterdam, veteran, lung: datasets/NAME.yaml;  pbc, colon: tests/reference/specs/NAME.yaml
#     dotnet fsi tests/reference/export_assignments.fsx /tmp/ref-NAME/assignments.parquet tests/reference/data/assignments_NAME.csv
#   Rscript tests/reference/treatment_reference.R
#
# The rules, written here independently of Stratify's code (TreatmentTailoring.cs):
#   - estimable: each arm has >= 5 patients (small-cell threshold) and >= 5 events (min_events_per_arm);
#   - adjusted model: coxph(Surv(time, event) ~ treated + covariates), Efron ties; a covariate constant in the
#     patients is left out; factor levels absent there are dropped (droplevels); a covariate with an NA (aliased)
#     coefficient is left out and the model refitted until none is NA; "adjusted_for" lists the covariates kept;
#   - unadjusted model: coxph(Surv(time, event) ~ treated);
#   - interaction: on the patients of the estimable subgroups, anova(reduced, full) with
#     reduced = subgroup + treated + covariates (the same dropping rules), full = reduced + subgroup:treated;
#   - shrinkage: metafor::rma(yi = adjusted log HR, vi = SE^2, method = "REML") and blup() on the estimable subgroups;
#   - RMST difference: summary(survfit(Surv ~ treated), rmean = tau) per arm, treated − reference, SE sqrt(se1^2 + se0^2);
#   - observational studies (design: observational, weights: iptw by default): the propensity score is
#     glm(treated ~ covariates, binomial) over every estimation patient, the weight P(T)/e for the treated and
#     (1 − P(T))/(1 − e) for the reference arm (stabilised, no truncation); the adjusted models and the Kaplan–Meier
#     curves behind the RMST difference are weighted (coxph(weights = w, robust = TRUE), survfit(weights = w)), the
#     unadjusted model is not; the interaction is the robust Wald test of the product terms of the weighted model;
#     balance: standardised mean differences before and after weighting (pooled SD of the unweighted arms);
#   - survival.cox: coxph(Surv(time, event) ~ subgroup + the spec's covariates) with Stratify's column names.
suppressPackageStartupMessages({ library(survival); library(jsonlite); library(metafor) })

studies <- list(
  list(name = "gbsg", data = "datasets/gbsg.csv", id = "pid", time = "rfstime", event = function(d) d$status == 1,
       treatment = function(d) d$hormon == 1, weighted = TRUE, tau = 1825,
       numeric = c("age", "size", "nodes", "pgr", "er"),
       categorical = list(meno = list(ref = "premenopausal", labels = c("0" = "premenopausal", "1" = "postmenopausal")),
                          grade = list(ref = "1")),
       ordinal = list()),
  list(name = "rotterdam", data = "datasets/rotterdam.csv", id = "pid", time = "rtime", event = function(d) d$recur == 1,
       treatment = function(d) d$chemo == 1, weighted = TRUE, tau = 3650,
       numeric = c("age", "nodes", "pgr", "er"),
       categorical = list(size = list(ref = "<=20"), grade = list(ref = "2"),
                          hormon = list(ref = "no", labels = c("0" = "no", "1" = "yes")),
                          meno = list(ref = "premenopausal", labels = c("0" = "premenopausal", "1" = "postmenopausal"))),
       ordinal = list()),
  list(name = "veteran", data = "datasets/veteran.csv", id = NULL, time = "time", event = function(d) d$status == 1,
       treatment = function(d) d$trt == 2, weighted = FALSE, tau = 365,
       numeric = c("karno", "diagtime", "age"),
       categorical = list(celltype = list(ref = "squamous"), prior = list(ref = "no", labels = c("0" = "no", "10" = "yes"))),
       ordinal = list()),
  list(name = "lung", data = "datasets/lung.csv", id = NULL, time = "time", event = function(d) d$status == 2,
       treatment = NULL,
       numeric = c("age"),
       categorical = list(sex = list(ref = "male", labels = c("1" = "male", "2" = "female"))),
       ordinal = list(ph.ecog = c("0", "1", "2", "3"))),
  list(name = "pbc", data = "tests/reference/data/pbc_randomised.csv", id = "id", time = "time", event = function(d) d$status == 2,
       treatment = function(d) d$trt == "D-penicillamine", weighted = FALSE, tau = 3650,
       numeric = c("age", "bili", "albumin", "protime"),
       categorical = list(sex = list(ref = "female", labels = c("m" = "male", "f" = "female")), edema = list(ref = "0")),
       ordinal = list(stage = c("1", "2", "3", "4"))),
  list(name = "colon", data = "tests/reference/data/colon.csv", id = "id", time = "time", event = function(d) d$status == 1,
       treatment = function(d) d$rx == "Lev+5FU", weighted = FALSE, tau = 2555,
       numeric = c("age", "obstruct", "perfor", "adhere", "surg", "node4"),
       categorical = list(),
       ordinal = list(extent = c("1", "2", "3", "4")))
)

threshold <- 5
min_events <- 5

# The covariates of a study as a data frame: numeric as they are, categorical as factors with their labels and
# reference first, ordinal as the rank score 0, 1, 2, ... in the declared order (Stratify's StudyTerms).
covariate_frame <- function(d, study) {
  out <- list()
  for (v in study$numeric) out[[v]] <- as.numeric(d[[v]])
  for (v in names(study$categorical)) {
    spec <- study$categorical[[v]]
    x <- as.character(d[[v]])
    if (!is.null(spec$labels)) x <- unname(spec$labels[x])
    out[[v]] <- relevel(factor(x), ref = spec$ref)
  }
  for (v in names(study$ordinal)) out[[v]] <- match(as.character(d[[v]]), study$ordinal[[v]]) - 1
  as.data.frame(out, check.names = FALSE)
}

# Keep the covariates that can be estimated in these rows: not constant (after dropping absent levels), and not
# aliased in the fitted model (refit until no covariate coefficient is NA).
fit_adjusted <- function(time, event, leading, covs, w = NULL) {
  covs <- droplevels(covs)
  keep <- names(covs)[vapply(covs, function(x) length(unique(x)) > 1, logical(1))]
  omitted <- setdiff(names(covs), keep)
  repeat {
    frame <- cbind(leading, covs[, keep, drop = FALSE])
    fit <- if (is.null(w)) coxph(Surv(time, event) ~ ., data = frame) else coxph(Surv(time, event) ~ ., data = frame, weights = w, robust = TRUE)
    coefs <- coef(fit)
    aliased <- character(0)
    for (v in keep) if (any(is.na(coefs[fit$assign[[v]]]))) aliased <- c(aliased, v)
    if (length(aliased) == 0) return(list(fit = fit, adjusted_for = keep, omitted = c(omitted, aliased)))
    keep <- setdiff(keep, aliased)
    omitted <- c(omitted, aliased)
  }
}

hr_of <- function(fit, term = "treated") {
  s <- summary(fit)
  list(hr = unname(s$conf.int[term, "exp(coef)"]), lower = unname(s$conf.int[term, "lower .95"]),
       upper = unname(s$conf.int[term, "upper .95"]), p = unname(s$coefficients[term, "Pr(>|z|)"]),
       log_hr = unname(coef(fit)[term]), se = unname(sqrt(diag(fit$var))[which(names(coef(fit)) == term)]))
}

effect_of <- function(time, event, treated, covs, label, tau, w = NULL) {
  n_arm <- c(sum(!treated), sum(treated))
  e_arm <- c(sum(event & !treated), sum(event & treated))
  out <- list(subgroup = label, n = length(time), events = sum(event), arm_n = n_arm, arm_events = e_arm)
  if (any(n_arm < threshold)) return(c(out, estimable = "too_few_patients"))
  if (any(e_arm < min_events)) return(c(out, estimable = "too_few_events"))
  adjusted <- fit_adjusted(time, event, data.frame(treated = as.numeric(treated)), covs, w)
  unadjusted <- coxph(Surv(time, event) ~ treated, data = data.frame(treated = as.numeric(treated)))
  km <- if (is.null(w)) survfit(Surv(time, event) ~ treated) else survfit(Surv(time, event) ~ treated, weights = w)
  rm <- summary(km, rmean = tau)$table
  c(out, list(estimable = "yes", adjusted = hr_of(adjusted$fit), adjusted_for = I(adjusted$adjusted_for),
              not_adjusted_for = I(adjusted$omitted), unadjusted = hr_of(unadjusted),
              rmst_difference = unname(rm[2, "rmean"] - rm[1, "rmean"]),
              rmst_difference_se = unname(sqrt(rm[2, "se(rmean)"]^2 + rm[1, "se(rmean)"]^2))))
}

results <- list()
for (study in studies) {
  d <- read.csv(study$data, stringsAsFactors = FALSE, check.names = FALSE)
  a <- read.csv(sprintf("tests/reference/data/assignments_%s.csv", study$name), stringsAsFactors = FALSE, colClasses = "character")
  if (!is.null(a$split)) a <- a[a$split == "estimation", ]
  rows <- if (is.null(study$id)) as.integer(a$row) else match(a[[study$id]], as.character(d[[study$id]]))
  stopifnot(!any(is.na(rows)))
  d <- d[rows, ]
  subgroup <- a$subgroup
  levels_sg <- unique(subgroup)
  levels_sg <- levels_sg[order(match(levels_sg, sort(levels_sg)))]
  time <- as.numeric(d[[study$time]])
  event <- study$event(d)
  covs <- covariate_frame(d, study)
  out <- list(name = study$name, n = length(time))

  # survival.cox: subgroup + the spec's covariates, design columns named as Stratify names them.
  sg <- relevel(factor(subgroup, levels = levels_sg), ref = levels_sg[1])
  x <- model.matrix(~ sg, data.frame(sg = sg))[, -1, drop = FALSE]
  colnames(x) <- paste0("subgroup=", levels_sg[-1])
  for (v in names(covs)) {
    if (is.factor(covs[[v]])) {
      m <- model.matrix(~ f, data.frame(f = covs[[v]]))[, -1, drop = FALSE]
      colnames(m) <- paste0(v, "=", levels(covs[[v]])[-1])
      x <- cbind(x, m)
    } else {
      x <- cbind(x, matrix(covs[[v]], ncol = 1, dimnames = list(NULL, v)))
    }
  }
  cox <- coxph(Surv(time, event) ~ x)
  out$cox <- list(terms = sub("^x", "", names(coef(cox))), coef = unname(coef(cox)), se = unname(sqrt(diag(cox$var))))

  if (!is.null(study$treatment)) {
    treated <- study$treatment(d)
    w <- NULL
    treatment <- list()
    if (study$weighted) {
      ps_frame <- cbind(data.frame(treated = as.numeric(treated)), covs)
      ps <- fitted(glm(treated ~ ., family = binomial, data = ps_frame, control = glm.control(epsilon = 1e-14, maxit = 100)))
      p1 <- mean(treated)
      w <- ifelse(treated, p1 / ps, (1 - p1) / (1 - ps))
      smd <- function(x) {
        pooled <- sqrt((var(x[treated]) + var(x[!treated])) / 2)
        c(before = (mean(x[treated]) - mean(x[!treated])) / pooled,
          after = (weighted.mean(x[treated], w[treated]) - weighted.mean(x[!treated], w[!treated])) / pooled)
      }
      balance <- list()
      for (v in names(covs)) {
        if (is.factor(covs[[v]])) {
          for (l in levels(covs[[v]])) {
            x <- as.numeric(covs[[v]] == l)
            p1l <- mean(x[treated]); p0l <- mean(x[!treated])
            pooled <- sqrt((p1l * (1 - p1l) + p0l * (1 - p0l)) / 2)
            balance[[length(balance) + 1]] <- list(term = paste0(v, "=", l), before = (p1l - p0l) / pooled,
              after = (weighted.mean(x[treated], w[treated]) - weighted.mean(x[!treated], w[!treated])) / pooled)
          }
        } else {
          b <- smd(covs[[v]])
          balance[[length(balance) + 1]] <- list(term = v, before = unname(b["before"]), after = unname(b["after"]))
        }
      }
      ess <- function(x) sum(x)^2 / sum(x^2)
      treatment$weights <- list(ess_reference = ess(w[!treated]), ess_treated = ess(w[treated]),
                                ps_median_reference = unname(quantile(ps[!treated], 0.5)), ps_median_treated = unname(quantile(ps[treated], 0.5)),
                                balance = balance)
    }
    overall <- effect_of(time, event, treated, covs, "all patients", study$tau, w)
    by <- lapply(levels_sg, function(l) { k <- subgroup == l; effect_of(time[k], event[k], treated[k], covs[k, , drop = FALSE], l, study$tau, w[k]) })
    estimable <- levels_sg[vapply(by, function(e) e$estimable == "yes", logical(1))]
    treatment$overall <- overall
    treatment$by_subgroup <- by
    if (length(estimable) >= 2) {
      k <- subgroup %in% estimable
      sgk <- factor(subgroup[k], levels = estimable)
      leading <- data.frame(subgroup = sgk, treated = as.numeric(treated[k]))
      reduced <- fit_adjusted(time[k], event[k], leading, covs[k, , drop = FALSE], w[k])
      full_frame <- cbind(leading, droplevels(covs[k, reduced$adjusted_for, drop = FALSE]))
      if (is.null(w)) {
        full <- coxph(Surv(time[k], event[k]) ~ . + subgroup:treated, data = full_frame)
        statistic <- 2 * (full$loglik[2] - reduced$fit$loglik[2])
        df <- sum(!is.na(coef(full))) - sum(!is.na(coef(reduced$fit)))
      } else {
        # A weighted partial likelihood is not a likelihood: robust Wald test of the product terms.
        full <- coxph(Surv(time[k], event[k]) ~ . + subgroup:treated, data = full_frame, weights = w[k], robust = TRUE)
        products <- grep(":", names(coef(full)))
        products <- products[!is.na(coef(full)[products])]
        b <- coef(full)[products]
        statistic <- as.numeric(t(b) %*% solve(vcov(full)[products, products], b))
        df <- length(products)
      }
      treatment$interaction <- list(statistic = statistic, df = df, p = pchisq(statistic, df, lower.tail = FALSE),
                                    adjusted_for = I(reduced$adjusted_for), subgroups = I(estimable))
      yi <- vapply(by[match(estimable, levels_sg)], function(e) e$adjusted$log_hr, numeric(1))
      vi <- vapply(by[match(estimable, levels_sg)], function(e) e$adjusted$se^2, numeric(1))
      re <- rma(yi = yi, vi = vi, method = "REML", control = list(threshold = 1e-14, maxiter = 10000))
      b <- blup(re)
      treatment$shrinkage <- list(tau2 = re$tau2, mean_hr = exp(as.numeric(re$beta)), subgroups = I(estimable),
                                  hr = exp(b$pred), lower = exp(b$pi.lb), upper = exp(b$pi.ub),
                                  tau2_dl = rma(yi = yi, vi = vi, method = "DL")$tau2)
    }
    out$treatment <- treatment
  }
  results[[study$name]] <- out
}

write_json(results, "tests/reference/treatment_reference.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
