# Reference values for Stratify's CoxConcordance.Compute(time, died, risk[, strata]) called on its own (outside a Cox
# fit): R's survival 3.5 concordance() with reverse = TRUE (a higher risk score predicts an earlier event), which
# applies timefix (aeqSurv) to the times by default. Data: lung with near-equal times (written by cox_reference.R).
# Run from the repository root:  Rscript tests/reference/concordance_reference.R
suppressMessages({ library(survival); library(jsonlite) })
d <- read.csv("tests/reference/data/cox_lung_near_ties.csv")
d <- d[complete.cases(d[, c("age", "ph.ecog", "sex")]), ]
case <- function(name, time, risk, strata = NULL) {
  f <- if (is.null(strata)) as.formula(paste0("Surv(", time, ", status) ~ ", risk))
       else as.formula(paste0("Surv(", time, ", status) ~ ", risk, " + strata(", strata, ")"))
  fit <- concordance(f, data = d, reverse = TRUE)
  count <- if (is.matrix(fit$count)) colSums(fit$count) else fit$count  # one row per stratum when stratified
  list(name = name, time = time, risk = risk, strata = if (is.null(strata)) NA else strata,
       c = unname(fit$concordance), se = sqrt(unname(fit$var)),
       concordant = unname(count["concordant"]), discordant = unname(count["discordant"]),
       tied_risk = unname(count["tied.x"]), tied_time = unname(count["tied.y"]), tied_both = unname(count["tied.xy"]))
}
cases <- list(
  case("noise_age", "time_noise", "age"),
  case("noise_ecog", "time_noise", "ph.ecog"),
  case("years_age", "time_years", "age"),
  case("seconds_ecog_by_sex", "time_seconds", "ph.ecog", "sex"),
  case("years_age_by_sex", "time_years", "age", "sex"))
writeLines(toJSON(list(r_version = R.version.string, survival = as.character(packageVersion("survival")), rows = nrow(d), cases = cases),
                  auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"),
           "tests/reference/concordance_reference.json")
cat("wrote tests/reference/concordance_reference.json\n")
