# Reference values for Stratify's STEPP (tests/Stratify.Tests/Predictive/SteppTests.cs).
# Run from the repository root:  Rscript tests/reference/stepp_reference.R
# Needs R >= 4.2 with survival 3.5 and jsonlite. Writes tests/reference/stepp_reference.json.
#
# The windows follow the stepp package's sliding windows (stepp.win(type = "sliding", r1 = overlap, r2 = patients
# per window)); `sliding_windows` below restates its rule. When the stepp package is installed (set STEPP_LIB to its
# library folder if it is not on the default path), the script checks that stepp.subpop gives the same windows;
# this was checked with stepp 3.2.7. Per window: coxph(Surv(time, status) ~ arm [+ strata(centre)]) on the window's
# patients (coef, se, HR and its 95% interval), and the RMST per arm to tau (survfit's rmean, print.survfit's se).
# The "adjusted" case fits coxph(Surv(time, status) ~ arm + age + grade) per window instead: the model of every
# adjusted treatment estimate in Stratify (STEPP's windows in a run are adjusted for the declared covariates).
suppressPackageStartupMessages({ library(survival); library(jsonlite) })
stopifnot(packageVersion("survival") >= "3.5")

set.seed(20261202)
n <- 500
arm <- rbinom(n, 1, 0.5)
marker <- round(exp(rnorm(n, 1, 0.6)), 1)                  # one decimal: many ties
centre <- sample(c("east", "west"), n, replace = TRUE)
rate <- 0.01 * exp(0.4 * (centre == "west") + arm * (1 - 0.35 * marker))   # benefit grows with the marker
event_time <- rexp(n, rate)
censor <- runif(n, 20, 250)
time <- ceiling(pmin(event_time, censor))
status <- as.integer(event_time <= censor)
d <- data.frame(time, status, arm, marker, centre)
# Covariates for the adjusted case, drawn after everything above so that the other cases' data stay as they were.
d$age <- round(rnorm(n, 60, 10))
d$grade <- sample(c("1", "2", "3"), n, replace = TRUE)

# The windows as index ranges of the distinct sorted marker values (stepp's I0, I1), from the frequencies.
sliding_windows <- function(x, r2, r1) {
  z <- sort(unique(x))
  f <- as.numeric(table(x))
  cf <- c(0, cumsum(f))                       # cf[i + 1] = patients with values z[1..i]
  count <- function(lo, hi) cf[hi + 1] - cf[lo]
  lower <- 1
  upper <- which(cf[-1] >= r2)[1]
  repeat {
    k <- length(lower)
    if (upper[k] == length(z)) break
    lo <- lower[k] + 1
    while (count(lo, upper[k]) > r1) lo <- lo + 1
    hi <- upper[k]
    while (count(lo, hi) < r2 && hi < length(z)) hi <- hi + 1
    lower <- c(lower, lo); upper <- c(upper, hi)
  }
  list(lower = z[lower], upper = z[upper])
}

stepp_lib <- Sys.getenv("STEPP_LIB", unset = "")
have_stepp <- suppressWarnings(requireNamespace("stepp", lib.loc = if (nzchar(stepp_lib)) stepp_lib else NULL, quietly = TRUE))

# Converged tightly (the default eps = 1e-9 leaves coefficients about 1e-9 from the maximum).
control <- coxph.control(eps = 1e-13, iter.max = 100, toler.chol = 1e-15)
cases <- list()
for (config in list(list(name = "unstratified", r2 = 120, r1 = 80, stratified = FALSE),
                    list(name = "stratified", r2 = 150, r1 = 100, stratified = TRUE),
                    list(name = "adjusted", r2 = 150, r1 = 100, stratified = FALSE, adjusted = TRUE))) {
  w <- sliding_windows(d$marker, config$r2, config$r1)
  if (have_stepp) {
    sp <- stepp::stepp.subpop(stepp::stepp.win(type = "sliding", r1 = config$r1, r2 = config$r2), d$marker)
    stopifnot(identical(sp@minc, w$lower), identical(sp@maxc, w$upper))
  }
  members <- lapply(seq_along(w$lower), function(i) which(d$marker >= w$lower[i] & d$marker <= w$upper[i]))
  # tau: the shortest of the windows' arms' longest follow-up
  tau <- min(sapply(members, function(rows) min(tapply(d$time[rows], d$arm[rows], max))))
  effect <- function(rows) {
    s <- d[rows, ]
    fit <- if (isTRUE(config$adjusted)) coxph(Surv(time, status) ~ arm + age + grade, data = s, control = control)
           else if (config$stratified) coxph(Surv(time, status) ~ arm + strata(centre), data = s, control = control)
           else coxph(Surv(time, status) ~ arm, data = s, control = control)
    km <- summary(survfit(Surv(time, status) ~ arm, data = s), rmean = tau)$table
    list(n = nrow(s), reference_events = sum(s$status[s$arm == 0]), treated_events = sum(s$status[s$arm == 1]),
         coef = unname(coef(fit)[1]), se = unname(sqrt(fit$var[1, 1])), hr = unname(exp(coef(fit)[1])),
         hr_lower = unname(summary(fit)$conf.int[1, "lower .95"]), hr_upper = unname(summary(fit)$conf.int[1, "upper .95"]),
         rmst_reference = unname(km["arm=0", "rmean"]), rmst_treated = unname(km["arm=1", "rmean"]),
         rmst_se_reference = unname(km["arm=0", "se(rmean)"]), rmst_se_treated = unname(km["arm=1", "se(rmean)"]))
  }
  windows <- lapply(seq_along(members), function(i) c(list(lower = w$lower[i], upper = w$upper[i], median = median(d$marker[members[[i]]])),
                                                      effect(members[[i]])))
  cases[[length(cases) + 1]] <- list(name = config$name, patients_per_window = config$r2, overlap = config$r1, stratified = config$stratified,
                                     adjusted = isTRUE(config$adjusted),
                                     tau = tau, windows = windows, overall = effect(seq_len(n)))
}

out <- list(generated_by = paste("R", getRversion(), "survival", packageVersion("survival")),
            checked_with_stepp = if (have_stepp) as.character(packageVersion("stepp", lib.loc = if (nzchar(stepp_lib)) stepp_lib else NULL)) else NULL,
            data = list(time = d$time, status = d$status, arm = d$arm, marker = d$marker, centre = d$centre, age = d$age, grade = d$grade),
            cases = cases)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, null = "null"), "tests/reference/stepp_reference.json")
