# Reference values for Stratify's Cox proportional hazards model (tests/Stratify.Tests/Survival/Cox*.cs).
# Run from the repository root:  Rscript tests/reference/cox_reference.R
# Needs R >= 4.2 with survival 3.5 and jsonlite. Writes tests/reference/cox_reference.json and the edge-case
# data sets tests/reference/data/cox_*.csv (generated here with a fixed seed, then read back like the others).
suppressPackageStartupMessages({ library(survival); library(jsonlite) })
stopifnot(packageVersion("survival") >= "3.5")

# ---- edge-case data sets ---------------------------------------------------------------------------------------
set.seed(20261122)
n <- 150
heavy <- data.frame(time = sample(1:8, n, replace = TRUE), status = rbinom(n, 1, 0.7),
                    x1 = round(rnorm(n), 3), x2 = rbinom(n, 1, 0.4))
write.csv(heavy, "tests/reference/data/cox_heavy_ties.csv", row.names = FALSE)

n <- 120
grp <- sample(c("alpha", "beta", "gamma"), n, replace = TRUE)
arm <- sample(c("control", "treated"), n, replace = TRUE)
rate <- exp(0.5 * (grp == "beta") - 0.4 * (grp == "gamma") - 0.6 * (arm == "treated"))
cat_data <- data.frame(time = round(rexp(n, rate) * 100, 1), status = rbinom(n, 1, 0.75), grp = grp, arm = arm)
write.csv(cat_data, "tests/reference/data/cox_all_categorical.csv", row.names = FALSE)

n <- 100
x1 <- round(rnorm(n), 3)
collinear <- data.frame(time = round(rexp(n, exp(0.3 * x1)) * 50, 1), status = rbinom(n, 1, 0.8),
                        x1 = x1, x2 = 2 * x1, x3 = round(runif(n), 3))
write.csv(collinear, "tests/reference/data/cox_collinear.csv", row.names = FALSE)

n <- 80
flag <- rep(0:1, each = n / 2)
monotone <- data.frame(time = round(rexp(n, 0.1) + 1, 1), status = ifelse(flag == 1, 0, rbinom(n, 1, 0.8)),
                       flag = flag, age = round(rnorm(n, 60, 8)))
write.csv(monotone, "tests/reference/data/cox_monotone.csv", row.names = FALSE)

n <- 61
single <- data.frame(time = round(rexp(n, 0.05), 1) + 0.5, status = rbinom(n, 1, 0.7),
                     site = c(rep(1, 30), rep(2, 30), 3), x = round(rnorm(n), 3))
write.csv(single, "tests/reference/data/cox_single_stratum.csv", row.names = FALSE)

# lung with survival times that differ only by floating-point noise, as times computed from dates or unit
# conversions do. coxph's default timefix (aeqSurv) ties them again. Three ways, all from lung's integer days:
#   time_noise:   time + 1e-10 * (row %% 3)                   gaps of 1e-10, tied by the absolute tolerance
#   time_years:   (time + o) / 365.25 - o / 365.25, o = 100 * (row %% 7)   last-bit differences in years
#   time_seconds: time * 86400 + 0.1 * (row %% 3)             gaps of 0.1 s, tied only relative to the mean time
# Written with 17 significant digits so that the CSV holds the exact doubles R fits (checked on reading back).
lung <- read.csv("datasets/lung.csv")
row <- seq_len(nrow(lung))
offset <- 100 * (row %% 7)
near <- data.frame(inst = lung$inst,
                   time_noise = lung$time + 1e-10 * (row %% 3),
                   time_years = (lung$time + offset) / 365.25 - offset / 365.25,
                   time_seconds = lung$time * 86400 + 0.1 * (row %% 3),
                   status = lung$status, age = lung$age, sex = lung$sex, ph.ecog = lung$ph.ecog)
near_text <- near
for (v in c("time_noise", "time_years", "time_seconds")) near_text[[v]] <- sprintf("%.17g", near[[v]])
write.csv(near_text, "tests/reference/data/cox_lung_near_ties.csv", row.names = FALSE, quote = FALSE, na = "")
back <- read.csv("tests/reference/data/cox_lung_near_ties.csv")
for (v in c("time_noise", "time_years", "time_seconds")) stopifnot(identical(back[[v]], near[[v]]))

# ---- models ----------------------------------------------------------------------------------------------------
# A vector whose values need more than 15 significant digits (times that differ in the last bits) is written with
# the shortest of 15 or 17 digits that reads back exactly; jsonlite's digits = NA would round it to 15.
exact_numbers <- function(x) {
  if (length(x) == 0 || all(as.numeric(sprintf("%.15g", x)) == x)) return(x)
  text <- ifelse(as.numeric(sprintf("%.15g", x)) == x, sprintf("%.15g", x), sprintf("%.17g", x))
  structure(paste0("[", paste(text, collapse = ", "), "]"), class = "json")
}

read_data <- function(file) {
  path <- if (startsWith(file, "cox_")) file.path("tests/reference/data", file) else file.path("datasets", file)
  read.csv(path, stringsAsFactors = FALSE)
}

# covariates: list of list(name, kind = "numeric" | "categorical", reference, levels)
run_model <- function(name, file, time, status, event_value, covariates, ties = "efron", strata = NULL,
                      cluster = NULL, robust = FALSE, profile = NULL) {
  raw <- read_data(file)
  used <- c(time, status, sapply(covariates, `[[`, "name"), strata, cluster)
  d <- raw[complete.cases(raw[, used]), , drop = FALSE]
  df <- data.frame(time = d[[time]], event = as.integer(d[[status]] == event_value))
  for (cv in covariates) {
    v <- d[[cv$name]]
    if (cv$kind == "categorical") {
      lev <- if (!is.null(cv$levels)) cv$levels else sort(unique(as.character(v)))
      v <- relevel(factor(as.character(v), levels = lev), ref = cv$reference)
    }
    df[[make.names(cv$name)]] <- v
  }
  rhs <- paste(make.names(sapply(covariates, `[[`, "name")), collapse = " + ")
  if (!is.null(strata)) { df$strat <- d[[strata]]; rhs <- paste(rhs, "+ strata(strat)") }
  if (!is.null(cluster)) { df$clus <- d[[cluster]]; rhs <- paste(rhs, "+ cluster(clus)") }
  form <- as.formula(paste("Surv(time, event) ~", rhs))
  warns <- character()
  fit <- withCallingHandlers(
    if (robust) coxph(form, data = df, ties = ties, robust = TRUE) else coxph(form, data = df, ties = ties),
    warning = function(w) { warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning") })
  s <- summary(fit)
  coefs <- coef(fit)
  nb <- sum(!is.na(coefs))
  se <- sqrt(diag(if (robust || !is.null(cluster)) fit$naive.var else fit$var))
  rse <- if (robust || !is.null(cluster)) sqrt(diag(fit$var)) else rep(NA, length(coefs))
  se_full <- rep(NA_real_, length(coefs)); se_full[!is.na(coefs)] <- se[!is.na(coefs)]
  if (length(se) == length(coefs)) se_full <- ifelse(is.na(coefs), NA, se)
  rse_full <- ifelse(is.na(coefs), NA, rse)
  inf_se <- if (robust || !is.null(cluster)) rse_full else se_full
  z <- coefs / inf_se
  zph <- tryCatch(cox.zph(fit), error = function(e) NULL)
  base <- survfit(fit)
  test <- function(stat, df) list(statistic = unname(stat), df = df, p = pchisq(unname(stat), df, lower.tail = FALSE))
  out <- list(
    name = name, file = file, time = time, status = status, event_value = event_value, ties = ties,
    strata = strata, cluster = cluster, robust = robust,
    covariates = covariates,
    n = fit$n, events = fit$nevent,
    distinct_times = list(raw = length(unique(df$time)), timefix = length(unique(aeqSurv(Surv(df$time, df$event))[, 1]))),
    terms = I(names(coefs)), coef = I(unname(coefs)), se = I(unname(se_full)), robust_se = I(unname(rse_full)),
    hr = I(unname(exp(coefs))),
    hr_lower = I(unname(exp(coefs - qnorm(0.975) * inf_se))), hr_upper = I(unname(exp(coefs + qnorm(0.975) * inf_se))),
    z = I(unname(z)), p = I(unname(2 * pnorm(-abs(z)))),
    loglik = list(null = fit$loglik[1], model = fit$loglik[2]),
    likelihood_ratio = test(2 * (fit$loglik[2] - fit$loglik[1]), nb),
    wald = test(fit$wald.test, nb),
    score = test(fit$score, nb),
    concordance = list(c = unname(fit$concordance["concordance"]), se = unname(fit$concordance["std"])),
    iterations = fit$iter, warnings = I(warns),
    means = I(unname(fit$means)),
    zph = if (is.null(zph)) NULL else list(terms = I(rownames(zph$table)), chisq = I(unname(zph$table[, "chisq"])),
                                           df = I(unname(zph$table[, "df"])), p = I(unname(zph$table[, "p"]))),
    baseline = list(time = exact_numbers(base$time), n_risk = base$n.risk, n_event = base$n.event, surv = base$surv, std_err = base$std.err, lower = base$lower, upper = base$upper,
                    strata = if (is.null(base$strata)) NULL else rep(seq_along(base$strata), base$strata))
  )
  if (is.null(profile)) {
    # Every model predicts for a profile (its first patient, unless one is chosen above): the design row is
    # model.matrix's, in the coefficients' order.
    cov_names <- make.names(sapply(covariates, `[[`, "name"))
    first <- df[1, cov_names, drop = FALSE]
    mm <- model.matrix(as.formula(paste("~", paste(cov_names, collapse = " + "))), first)
    profile <- list(values = lapply(first, function(v) if (is.factor(v)) as.character(v) else v),
                    design = unname(mm[1, -1]))
  }
  if (!is.null(profile)) {
    nd <- as.data.frame(profile$values, stringsAsFactors = FALSE)
    names(nd) <- make.names(names(nd))
    for (cv in covariates) if (cv$kind == "categorical") {
      lev <- levels(df[[make.names(cv$name)]])
      nd[[make.names(cv$name)]] <- factor(as.character(nd[[make.names(cv$name)]]), levels = lev)
    }
    pf <- survfit(fit, newdata = nd)
    out$predicted <- list(design = I(profile$design), time = exact_numbers(I(pf$time)), surv = I(as.vector(pf$surv)),
                          std_err = I(as.vector(pf$std.err)), lower = I(as.vector(pf$lower)), upper = I(as.vector(pf$upper)))
  }
  out
}

num <- function(name) list(name = name, kind = "numeric")
cat_ <- function(name, reference, levels = NULL) list(name = name, kind = "categorical", reference = reference, levels = levels)
lung_cov <- list(num("age"), num("sex"), num("ph.ecog"))
lung_profile <- list(values = list(age = 60, sex = 1, ph.ecog = 1), design = c(60, 1, 1))

models <- list(
  run_model("lung_efron", "lung.csv", "time", "status", 2, lung_cov, profile = lung_profile),
  run_model("lung_breslow", "lung.csv", "time", "status", 2, lung_cov, ties = "breslow", profile = lung_profile),
  run_model("lung_ecog_factor", "lung.csv", "time", "status", 2, list(num("age"), num("sex"), cat_("ph.ecog", "0")),
            profile = list(values = list(age = 60, sex = 2, ph.ecog = 2), design = c(60, 2, 0, 1, 0))),
  run_model("lung_strata_sex", "lung.csv", "time", "status", 2, list(num("age"), num("ph.ecog")), strata = "sex"),
  run_model("lung_strata_sex_breslow", "lung.csv", "time", "status", 2, list(num("age"), num("ph.ecog")), strata = "sex", ties = "breslow"),
  run_model("lung_cluster_inst", "lung.csv", "time", "status", 2, lung_cov, cluster = "inst"),
  run_model("lung_robust", "lung.csv", "time", "status", 2, lung_cov, robust = TRUE),
  run_model("lung_strata_cluster_breslow", "lung.csv", "time", "status", 2, list(num("age"), cat_("ph.ecog", "0")),
            strata = "sex", cluster = "inst", ties = "breslow"),
  run_model("heavy_ties_robust", "cox_heavy_ties.csv", "time", "status", 1, list(num("x1"), num("x2")), robust = TRUE),
  run_model("veteran", "veteran.csv", "time", "status", 1, list(num("trt"), cat_("celltype", "adeno"), num("karno")),
            profile = list(values = list(trt = 2, celltype = "smallcell", karno = 50), design = c(2, 0, 1, 0, 50))),
  run_model("gbsg", "gbsg.csv", "rfstime", "status", 1,
            list(num("hormon"), num("age"), num("size"), num("grade"), num("nodes"), num("pgr"), num("er"))),
  run_model("rotterdam", "rotterdam.csv", "rtime", "recur", 1,
            list(num("hormon"), num("chemo"), num("age"), cat_("size", "<=20", c("<=20", "20-50", ">50")), num("nodes"))),
  run_model("heavy_ties_efron", "cox_heavy_ties.csv", "time", "status", 1, list(num("x1"), num("x2"))),
  run_model("heavy_ties_breslow", "cox_heavy_ties.csv", "time", "status", 1, list(num("x1"), num("x2")), ties = "breslow"),
  run_model("all_categorical", "cox_all_categorical.csv", "time", "status", 1, list(cat_("grp", "alpha"), cat_("arm", "control"))),
  run_model("collinear", "cox_collinear.csv", "time", "status", 1, list(num("x1"), num("x2"), num("x3"))),
  run_model("monotone", "cox_monotone.csv", "time", "status", 1, list(num("flag"), num("age"))),
  run_model("single_patient_stratum", "cox_single_stratum.csv", "time", "status", 1, list(num("x")), strata = "site"),
  run_model("lung_near_ties_efron", "cox_lung_near_ties.csv", "time_noise", "status", 2, lung_cov, profile = lung_profile),
  run_model("lung_near_ties_breslow", "cox_lung_near_ties.csv", "time_noise", "status", 2, lung_cov, ties = "breslow",
            profile = lung_profile),
  run_model("lung_near_ties_robust", "cox_lung_near_ties.csv", "time_noise", "status", 2, lung_cov, robust = TRUE),
  run_model("lung_near_ties_years_strata", "cox_lung_near_ties.csv", "time_years", "status", 2,
            list(num("age"), num("ph.ecog")), strata = "sex"),
  run_model("lung_near_ties_years_strata_breslow", "cox_lung_near_ties.csv", "time_years", "status", 2,
            list(num("age"), num("ph.ecog")), strata = "sex", ties = "breslow", profile = list(values = list(age = 60, ph.ecog = 1), design = c(60, 1))),
  run_model("lung_near_ties_seconds_cluster", "cox_lung_near_ties.csv", "time_seconds", "status", 2, lung_cov,
            cluster = "inst", profile = lung_profile),
  run_model("lung_near_ties_seconds_strata_cluster_breslow", "cox_lung_near_ties.csv", "time_seconds", "status", 2,
            list(num("age"), cat_("ph.ecog", "0")), strata = "sex", cluster = "inst", ties = "breslow")
)
names(models) <- sapply(models, `[[`, "name")
# aeqSurv itself on small vectors (tests/Stratify.Tests/Survival/TimeFixTests.cs): a chain of gaps each under the
# tolerance whose total is not, gaps tied only relative to the mean, unsorted input with a pair kept apart (5 vs
# 5 + 1e-7), and integer days (unchanged).
timefix_case <- function(name, time) {
  fixed <- aeqSurv(Surv(time, rep(1, length(time))))[, 1]
  list(name = name, time = exact_numbers(I(time)), fixed = exact_numbers(I(fixed)))
}
timefix <- list(
  timefix_case("chain_from_previous_gap", c(1, 1 + 1e-8, 1 + 2e-8, 1 + 3e-8, 2)),
  timefix_case("relative_to_mean", c(1e8, 1e8 + 1, 1e8 + 2, 2e8, 2e8 + 3, 3e8)),
  timefix_case("unsorted_first_of_run_kept", c(3, 0.1 + 0.2, 0.3, 5 + 1e-7, 5, 1 + 1e-12, 1, 2 * (1 + 2e-9), 2)),
  timefix_case("integer_days", c(306, 455, 1010, 210, 883, 1022, 310, 361, 218, 166, 170, 654, 728, 71, 567, 144, 613))
)
write(toJSON(list(generated_by = paste("R", getRversion(), "survival", packageVersion("survival")), models = models,
                  timefix = timefix),
             auto_unbox = TRUE, digits = NA, na = "null", null = "null", pretty = TRUE, json_verbatim = TRUE),
      "tests/reference/cox_reference.json")
