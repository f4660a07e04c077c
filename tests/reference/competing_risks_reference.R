# Reference values for Stratify's competing-risks estimators (tests/Stratify.Tests/Survival/CompetingRisks*.cs):
# cumulative incidence (survival 3.5's multi-state survfit and cmprsk 2.2's cuminc / timepoints), Gray's test
# (cuminc), and Fine–Gray regression (cmprsk's crr and predict.crr; survival's finegray() + coxph).
# Run from the repository root:  Rscript tests/reference/competing_risks_reference.R
# Needs R >= 4.2 with survival 3.5, cmprsk 2.2, MASS and jsonlite. Writes tests/reference/data/cr_*.csv (simulated
# with a fixed seed, and a competing-risks view of the bundled rotterdam cohort) and
# tests/reference/competing_risks_reference.json. Melanoma is read from datasets/melanoma.csv (MASS::Melanoma).
suppressPackageStartupMessages({ library(survival); library(cmprsk); library(jsonlite) })
stopifnot(packageVersion("survival") >= "3.5", packageVersion("cmprsk") >= "2.2")

# ---- data ------------------------------------------------------------------------------------------------------
# Simulated from known cause-specific hazards: cause 1 at rate 0.10 exp(0.5 x1 + 0.4 [arm B] - 0.3 [arm C]),
# cause 2 at rate 0.06 exp(-0.3 x1), cause 3 at rate 0.03, censoring at rate 0.05; observed time = the first of
# them. "ties" rounds the times up to whole units (heavy ties between causes, and between events and censorings);
# "heavy_censoring" raises the censoring rate to 0.8 (about 85% censored) and keeps 3 decimals.
set.seed(20261130)
simulate <- function(n, censoring_rate, digits) {
  x1 <- round(rnorm(n), 3)
  x2 <- rbinom(n, 1, 0.4)
  arm <- sample(c("A", "B", "C"), n, replace = TRUE)
  t1 <- rexp(n, 0.10 * exp(0.5 * x1 + 0.4 * (arm == "B") - 0.3 * (arm == "C")))
  t2 <- rexp(n, 0.06 * exp(-0.3 * x1))
  t3 <- rexp(n, 0.03)
  tc <- rexp(n, censoring_rate)
  all <- cbind(tc, t1, t2, t3)
  first <- max.col(-all, ties.method = "first")
  time <- all[cbind(seq_len(n), first)]
  time <- if (is.na(digits)) ceiling(time) else round(time, digits) + 10^-digits
  data.frame(time = time, status = first - 1, arm = arm, x1 = x1, x2 = x2, site = sample(1:2, n, replace = TRUE))
}
ties <- simulate(400, 0.05, NA)
write.csv(ties, "tests/reference/data/cr_ties.csv", row.names = FALSE)
heavy <- simulate(300, 0.8, 3)
write.csv(heavy, "tests/reference/data/cr_heavy_censoring.csv", row.names = FALSE)

# Edge cases by hand (cumulative incidence and Gray's test only: in a Fine–Gray model, arm C's coefficient would be
# -Inf): group C has no event of interest (cause 1), group D no competing event, group E one patient; a cause-1 and
# a cause-2 event and a censoring share time 4; a censoring at time 0.
edge <- data.frame(
  time   = c(0, 2, 3, 4, 4, 4, 6, 8, 9,   1, 2, 4, 5, 7, 10, 12,   2, 3, 3, 6, 9, 11,   1, 3, 4, 6, 8,   5),
  status = c(0, 1, 2, 1, 2, 0, 1, 0, 1,   1, 2, 2, 1, 0, 1, 0,     2, 2, 0, 0, 2, 0,    1, 1, 0, 1, 0,   1),
  arm    = c(rep("A", 9), rep("B", 7), rep("C", 6), rep("D", 5), "E"))
write.csv(edge, "tests/reference/data/cr_edge.csv", row.names = FALSE)

# Rotterdam (bundled): relapse, with death before relapse as the competing event (as R's survival vignettes build
# relapse-free survival): time = relapse time, else death or last follow-up.
rot <- read.csv("datasets/rotterdam.csv", stringsAsFactors = FALSE)
rot_cr <- data.frame(pid = rot$pid, time = ifelse(rot$recur == 1, rot$rtime, rot$dtime),
                     status = ifelse(rot$recur == 1, 1, ifelse(rot$death == 1, 2, 0)),
                     hormon = rot$hormon, chemo = rot$chemo, meno = rot$meno, age = rot$age, nodes = rot$nodes, size = rot$size)
write.csv(rot_cr, "tests/reference/data/cr_rotterdam.csv", row.names = FALSE)

read_data <- function(file) {
  path <- if (startsWith(file, "cr_")) file.path("tests/reference/data", file) else file.path("datasets", file)
  read.csv(path, stringsAsFactors = FALSE)
}

# ---- cumulative incidence and Gray's test ----------------------------------------------------------------------
# codes: censored value, event of interest, competing causes (in that order: cause codes 0, 1, 2, ...).
cuminc_case <- function(name, file, time, status, censored, interest, competing, group = NULL, strata = NULL,
                        times = numeric(), rho = 0) {
  d <- read_data(file)
  code <- match(d[[status]], c(censored, interest, competing)) - 1
  stopifnot(!anyNA(code))
  grp <- if (is.null(group)) rep("all", nrow(d)) else as.character(d[[group]])
  states <- c("censored", paste0("cause", seq_len(1 + length(competing))))
  fit <- survfit(Surv(d[[time]], factor(states[code + 1], levels = states)) ~ grp)
  ci <- if (is.null(strata)) cuminc(d[[time]], code, grp, rho = rho) else cuminc(d[[time]], code, grp, d[[strata]], rho = rho)
  glevels <- sort(unique(grp))
  tp_times <- c(times, max(d[[time]]) + 1)                     # the last one beyond follow-up: NA
  tp <- timepoints(ci, tp_times)
  groups <- lapply(seq_along(glevels), function(g) {
    f <- if (length(glevels) == 1) fit else fit[g, ]
    s <- if (length(times) > 0) summary(f, times = times) else NULL
    causes <- lapply(seq_len(1 + length(competing)), function(k) {
      key <- paste(glevels[g], k)
      cm <- ci[[key]]
      list(cause = k,
           pstate = I(f$pstate[, k + 1]), std_err = I(f$std.err[, k + 1]), lower = I(f$lower[, k + 1]), upper = I(f$upper[, k + 1]),
           cmprsk = list(time = I(cm$time), est = I(cm$est), var = I(cm$var)),
           timepoints = list(time = I(tp_times), est = I(unname(tp$est[key, ])), var = I(unname(tp$var[key, ]))),
           at = if (is.null(s)) NULL else list(time = I(s$time), pstate = I(s$pstate[, k + 1]), std_err = I(s$std.err[, k + 1]),
                                               lower = I(s$lower[, k + 1]), upper = I(s$upper[, k + 1]), n_risk = I(s$n.risk[, 1])))
    })
    list(group = glevels[g], n = sum(grp == glevels[g]), time = I(f$time), n_risk = I(f$n.risk[, 1]), causes = causes)
  })
  gray <- if (length(glevels) > 1) {
    tests <- ci$Tests
    lapply(seq_len(nrow(tests)), function(k) list(cause = k, statistic = unname(tests[k, "stat"]), df = unname(tests[k, "df"]),
                                                   p = pchisq(unname(tests[k, "stat"]), unname(tests[k, "df"]), lower.tail = FALSE)))
  } else NULL
  list(name = name, file = file, time = time, status = status, censored = censored, interest = interest,
       competing = I(competing), group = group, strata = strata, times = I(times), rho = rho,
       groups = groups, gray = gray)
}

cuminc_cases <- list(
  cuminc_case("melanoma_by_sex", "melanoma.csv", "time", "status", 2, 1, 3, "sex", times = c(1826, 3652, 5000)),
  cuminc_case("melanoma_by_ulcer_strata_sex", "melanoma.csv", "time", "status", 2, 1, 3, "ulcer", "sex", times = c(1826, 3652)),
  cuminc_case("melanoma_overall", "melanoma.csv", "time", "status", 2, 1, 3, times = c(365, 1826)),
  cuminc_case("melanoma_other_death_by_ulcer", "melanoma.csv", "time", "status", 2, 3, 1, "ulcer", times = c(1826)),
  cuminc_case("ties_by_arm", "cr_ties.csv", "time", "status", 0, 1, c(2, 3), "arm", times = c(2, 5, 10)),
  cuminc_case("ties_by_arm_strata_site_rho1", "cr_ties.csv", "time", "status", 0, 1, c(2, 3), "arm", "site", times = c(3), rho = 1),
  cuminc_case("edge_by_arm", "cr_edge.csv", "time", "status", 0, 1, 2, "arm", times = c(0, 4, 5, 9)),
  cuminc_case("edge_cause2_by_arm", "cr_edge.csv", "time", "status", 0, 2, 1, "arm", times = c(4)),
  cuminc_case("heavy_censoring_by_x2", "cr_heavy_censoring.csv", "time", "status", 0, 1, c(2, 3), "x2", times = c(1, 2.5)),
  cuminc_case("rotterdam_by_chemo_strata_meno", "cr_rotterdam.csv", "time", "status", 0, 1, 2, "chemo", "meno", times = c(1826, 3652))
)
names(cuminc_cases) <- sapply(cuminc_cases, `[[`, "name")

# ---- Fine–Gray regression ---------------------------------------------------------------------------------------
# covariates: list(name, kind = "numeric" | "categorical", reference); profile: values per covariate (as the CLI
# takes them) and its design row. crr is run to a tight convergence (gtol = 1e-12) so that its estimate is the
# maximum itself, and once more with its defaults (gtol = 1e-6) to show how far the defaults stop from it.
design_of <- function(d, covariates) {
  cols <- list()
  for (cv in covariates) {
    v <- d[[cv$name]]
    if (cv$kind == "numeric") cols[[cv$name]] <- as.numeric(v)
    else for (l in setdiff(sort(unique(as.character(v))), cv$reference)) cols[[paste0(cv$name, "=", l)]] <- as.numeric(as.character(v) == l)
  }
  as.matrix(as.data.frame(cols, check.names = FALSE))
}

fine_gray_model <- function(name, file, time, status, censored, interest, competing, covariates, profile = NULL) {
  d <- read_data(file)
  code <- match(d[[status]], c(censored, interest, competing)) - 1
  stopifnot(!anyNA(code))
  X <- design_of(d, covariates)
  tight <- crr(d[[time]], code, X, failcode = 1, cencode = 0, gtol = 1e-12, maxiter = 100)
  default <- crr(d[[time]], code, X, failcode = 1, cencode = 0)
  wald <- drop(t(tight$coef) %*% solve(tight$var, tight$coef))
  # finegray() + coxph with Breslow ties: the same pseudo-likelihood (censoring ties aside), weights taken as known.
  states <- c("censored", paste0("cause", seq_len(1 + length(competing))))
  fd <- data.frame(ftime = d[[time]], fstatus = factor(states[code + 1], levels = states), id = seq_len(nrow(d)), X, check.names = FALSE)
  names(fd)[-(1:3)] <- paste0("v", seq_len(ncol(X)))
  fgd <- finegray(Surv(ftime, fstatus) ~ ., data = fd, etype = "cause1")
  form <- as.formula(paste("Surv(fgstart, fgstop, fgstatus) ~", paste(paste0("v", seq_len(ncol(X))), collapse = " + "), "+ cluster(id)"))
  cx <- coxph(form, data = fgd, weights = fgwt, ties = "breslow", control = coxph.control(eps = 1e-11, toler.chol = 1e-13, iter.max = 100))
  out <- list(name = name, file = file, time = time, status = status, censored = censored, interest = interest,
              competing = I(competing), covariates = covariates, terms = I(colnames(X)),
              n = tight$n, events = sum(code == 1), competing_events = sum(code > 1), censored_count = sum(code == 0),
              crr = list(coef = I(unname(tight$coef)), se = I(unname(sqrt(diag(tight$var)))), model_se = I(unname(sqrt(diag(tight$invinf)))),
                         loglik = tight$loglik, loglik_null = tight$loglik.null, converged = tight$converged,
                         likelihood_ratio = list(statistic = 2 * (tight$loglik - tight$loglik.null), df = ncol(X),
                                                 p = pchisq(2 * (tight$loglik - tight$loglik.null), ncol(X), lower.tail = FALSE)),
                         wald = list(statistic = wald, df = ncol(X), p = pchisq(wald, ncol(X), lower.tail = FALSE)),
                         p = I(unname(2 * pnorm(-abs(tight$coef / sqrt(diag(tight$var)))))),
                         uftime = I(tight$uftime), bfitj = I(tight$bfitj)),
              crr_default = list(coef = I(unname(default$coef)), se = I(unname(sqrt(diag(default$var)))), converged = default$converged),
              coxph_finegray = list(coef = I(unname(coef(cx))), se = I(unname(sqrt(diag(cx$naive.var)))), robust_se = I(unname(sqrt(diag(cx$var)))),
                                    loglik = I(unname(cx$loglik)), score = unname(cx$score), rows = nrow(fgd)))
  if (!is.null(profile)) {
    pr <- predict(tight, cov1 = matrix(profile$design, nrow = 1))
    out$predicted <- list(values = profile$values, design = I(profile$design), time = I(pr[, 1]), cuminc = I(pr[, 2]))
  }
  out
}

num <- function(name) list(name = name, kind = "numeric")
cat_ <- function(name, reference) list(name = name, kind = "categorical", reference = reference)
melanoma_cov <- list(num("sex"), num("age"), num("thickness"), num("ulcer"))
melanoma_profile <- list(values = list(sex = 1, age = 60, thickness = 3, ulcer = 1), design = c(1, 60, 3, 1))
ties_cov <- list(cat_("arm", "A"), num("x1"))
ties_profile <- list(values = list(arm = "B", x1 = 0.5), design = c(1, 0, 0.5))

fine_gray_models <- list(
  fine_gray_model("melanoma", "melanoma.csv", "time", "status", 2, 1, 3, melanoma_cov, melanoma_profile),
  fine_gray_model("melanoma_other_death", "melanoma.csv", "time", "status", 2, 3, 1, melanoma_cov, melanoma_profile),
  fine_gray_model("ties", "cr_ties.csv", "time", "status", 0, 1, c(2, 3), ties_cov, ties_profile),
  fine_gray_model("ties_cause2", "cr_ties.csv", "time", "status", 0, 2, c(1, 3), ties_cov, ties_profile),
  fine_gray_model("ties_cause3", "cr_ties.csv", "time", "status", 0, 3, c(1, 2), ties_cov, ties_profile),
  fine_gray_model("heavy_censoring", "cr_heavy_censoring.csv", "time", "status", 0, 1, c(2, 3), list(num("x1"), num("x2")),
                  list(values = list(x1 = -1, x2 = 1), design = c(-1, 1))),
  fine_gray_model("rotterdam", "cr_rotterdam.csv", "time", "status", 0, 1, 2,
                  list(num("hormon"), num("chemo"), num("age"), cat_("size", "<=20"), num("nodes")),
                  # design columns in R's (C locale) level order: size=>50, size=20-50
                  list(values = list(hormon = 1, chemo = 0, age = 55, size = "20-50", nodes = 3), design = c(1, 0, 55, 0, 1, 3)))
)
names(fine_gray_models) <- sapply(fine_gray_models, `[[`, "name")

# The causes' own models, each predicted for the same profile: their cumulative incidences should not add up to
# more than 1, but with proportional subdistribution hazards imposed on every cause they can.
cause_total <- function(models) {
  times <- sort(unique(unlist(lapply(models, function(m) m$predicted$time))))
  at <- function(m, t) { k <- findInterval(t, m$predicted$time); ifelse(k == 0, 0, m$predicted$cuminc[pmax(k, 1)]) }
  total <- Reduce(`+`, lapply(models, at, t = times))
  list(models = I(sapply(models, `[[`, "name")), maximum = max(total),
       first_time_above_one = if (any(total > 1 + 1e-12)) times[which(total > 1 + 1e-12)[1]] else NULL)
}
cause_totals <- list(
  melanoma = cause_total(fine_gray_models[c("melanoma", "melanoma_other_death")]),
  ties = cause_total(fine_gray_models[c("ties", "ties_cause2", "ties_cause3")])
)

write(toJSON(list(generated_by = paste("R", getRversion(), "survival", packageVersion("survival"), "cmprsk", packageVersion("cmprsk")),
                  cuminc = cuminc_cases, fine_gray = fine_gray_models, cause_totals = cause_totals),
             auto_unbox = TRUE, digits = NA, na = "null", null = "null", pretty = TRUE),
      "tests/reference/competing_risks_reference.json")
