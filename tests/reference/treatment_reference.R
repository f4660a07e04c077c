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
#   - survival.cox: coxph(Surv(time, event) ~ subgroup + the spec's covariates) with Stratify's column names.
suppressPackageStartupMessages({ library(survival); library(jsonlite); library(metafor) })

studies <- list(
  list(name = "gbsg", data = "datasets/gbsg.csv", id = "pid", time = "rfstime", event = function(d) d$status == 1,
       treatment = function(d) d$hormon == 1,
       numeric = c("age", "size", "nodes", "pgr", "er"),
       categorical = list(meno = list(ref = "premenopausal", labels = c("0" = "premenopausal", "1" = "postmenopausal")),
                          grade = list(ref = "1")),
       ordinal = list()),
  list(name = "rotterdam", data = "datasets/rotterdam.csv", id = "pid", time = "rtime", event = function(d) d$recur == 1,
       treatment = function(d) d$chemo == 1,
       numeric = c("age", "nodes", "pgr", "er"),
       categorical = list(size = list(ref = "<=20"), grade = list(ref = "2"),
                          hormon = list(ref = "no", labels = c("0" = "no", "1" = "yes")),
                          meno = list(ref = "premenopausal", labels = c("0" = "premenopausal", "1" = "postmenopausal"))),
       ordinal = list()),
  list(name = "veteran", data = "datasets/veteran.csv", id = NULL, time = "time", event = function(d) d$status == 1,
       treatment = function(d) d$trt == 2,
       numeric = c("karno", "diagtime", "age"),
       categorical = list(celltype = list(ref = "squamous"), prior = list(ref = "no", labels = c("0" = "no", "10" = "yes"))),
       ordinal = list()),
  list(name = "lung", data = "datasets/lung.csv", id = NULL, time = "time", event = function(d) d$status == 2,
       treatment = NULL,
       numeric = c("age"),
       categorical = list(sex = list(ref = "male", labels = c("1" = "male", "2" = "female"))),
       ordinal = list(ph.ecog = c("0", "1", "2", "3"))),
  list(name = "pbc", data = "tests/reference/data/pbc_randomised.csv", id = "id", time = "time", event = function(d) d$status == 2,
       treatment = function(d) d$trt == "D-penicillamine",
       numeric = c("age", "bili", "albumin", "protime"),
       categorical = list(sex = list(ref = "female", labels = c("m" = "male", "f" = "female")), edema = list(ref = "0")),
       ordinal = list(stage = c("1", "2", "3", "4"))),
  list(name = "colon", data = "tests/reference/data/colon.csv", id = "id", time = "time", event = function(d) d$status == 1,
       treatment = function(d) d$rx == "Lev+5FU",
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
fit_adjusted <- function(time, event, leading, covs) {
  covs <- droplevels(covs)
  keep <- names(covs)[vapply(covs, function(x) length(unique(x)) > 1, logical(1))]
  omitted <- setdiff(names(covs), keep)
  repeat {
    frame <- cbind(leading, covs[, keep, drop = FALSE])
    fit <- coxph(Surv(time, event) ~ ., data = frame)
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

effect_of <- function(time, event, treated, covs, label) {
  n_arm <- c(sum(!treated), sum(treated))
  e_arm <- c(sum(event & !treated), sum(event & treated))
  out <- list(subgroup = label, n = length(time), events = sum(event), arm_n = n_arm, arm_events = e_arm)
  if (any(n_arm < threshold)) return(c(out, estimable = "too_few_patients"))
  if (any(e_arm < min_events)) return(c(out, estimable = "too_few_events"))
  adjusted <- fit_adjusted(time, event, data.frame(treated = as.numeric(treated)), covs)
  unadjusted <- coxph(Surv(time, event) ~ treated, data = data.frame(treated = as.numeric(treated)))
  c(out, list(estimable = "yes", adjusted = hr_of(adjusted$fit), adjusted_for = I(adjusted$adjusted_for),
              not_adjusted_for = I(adjusted$omitted), unadjusted = hr_of(unadjusted)))
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
    overall <- effect_of(time, event, treated, covs, "all patients")
    by <- lapply(levels_sg, function(l) { k <- subgroup == l; effect_of(time[k], event[k], treated[k], covs[k, , drop = FALSE], l) })
    estimable <- levels_sg[vapply(by, function(e) e$estimable == "yes", logical(1))]
    treatment <- list(overall = overall, by_subgroup = by)
    if (length(estimable) >= 2) {
      k <- subgroup %in% estimable
      sgk <- factor(subgroup[k], levels = estimable)
      leading <- data.frame(subgroup = sgk, treated = as.numeric(treated[k]))
      reduced <- fit_adjusted(time[k], event[k], leading, covs[k, , drop = FALSE])
      full_frame <- cbind(leading, droplevels(covs[k, reduced$adjusted_for, drop = FALSE]))
      full <- coxph(Surv(time[k], event[k]) ~ . + subgroup:treated, data = full_frame)
      statistic <- 2 * (full$loglik[2] - reduced$fit$loglik[2])
      df <- sum(!is.na(coef(full))) - sum(!is.na(coef(reduced$fit)))
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
