# Reference values for Stratify's interaction tree (tests/Stratify.Tests/Predictive/InteractionTreeTests.cs).
# Run from the repository root:  Rscript tests/reference/interaction_tree_reference.R
# Needs R >= 4.2 with survival 3.5 and jsonlite. Writes tests/reference/interaction_tree_reference.json.
#
# The split statistic of a candidate split (left = TRUE/FALSE) among a node's patients is the score test of the
# arm x side interaction at the fit without it:
#   reduced <- coxph(Surv(time, status) ~ arm + side)                       (converged tightly: eps = 1e-13)
#   coxph(Surv(time, status) ~ arm + side + arm:side, init = c(coef(reduced), 0), iter.max = 0)$score
# (with + strata(centre) in both for the stratified case). Every candidate split of a feature is scored here by
# brute force (one pair of coxph fits per cut point) and the tests compare Stratify's sweep with all of them.
suppressPackageStartupMessages({ library(survival); library(jsonlite) })
stopifnot(packageVersion("survival") >= "3.5")

set.seed(20261201)
n <- 600
arm <- rbinom(n, 1, 0.5)
biomarker <- round(exp(rnorm(n, 1, 0.5)), 2)            # rounded: tied values
age <- round(rnorm(n, 62, 9))                             # whole years: many ties
grade <- sample(c("g1", "g2", "g3", "g4"), n, replace = TRUE, prob = c(0.3, 0.3, 0.25, 0.15))
centre <- sample(c("north", "south"), n, replace = TRUE)
# treatment helps above biomarker 3; below it, harms above age 60; grade g4 and the south centre are prognostic
rate <- 0.004 * exp(0.5 * (grade == "g4") + 0.3 * (centre == "south") + arm * log(ifelse(biomarker > 3, 0.3, ifelse(age > 60, 1.8, 0.8))))
event_time <- rexp(n, rate)
censor <- runif(n, 100, 700)
time <- ceiling(pmin(event_time, censor) / 7)            # weeks: heavy ties
status <- as.integer(event_time <= censor)
d <- data.frame(time, status, arm, biomarker, age, grade, centre)

control <- coxph.control(eps = 1e-13, iter.max = 100, toler.chol = 1e-15)

score_of <- function(rows, left, stratified) {
  s <- d[rows, ]
  s$side <- as.integer(left)
  if (stratified) {
    reduced <- coxph(Surv(time, status) ~ arm + side + strata(centre), data = s, control = control)
    full <- coxph(Surv(time, status) ~ arm + side + arm:side + strata(centre), data = s, init = c(coef(reduced), 0),
                  control = coxph.control(iter.max = 0))
  } else {
    reduced <- coxph(Surv(time, status) ~ arm + side, data = s, control = control)
    full <- coxph(Surv(time, status) ~ arm + side + arm:side, data = s, init = c(coef(reduced), 0),
                  control = coxph.control(iter.max = 0))
  }
  unname(full$score)
}

# A candidate is admissible when each child has at least min_node patients and every arm of both children at
# least min_events events (the scans below use 1 and 1: every split whose model can be fitted).
admissible <- function(rows, left, min_node = 1, min_events = 1) {
  s <- d[rows, ]
  sum(left) >= min_node && sum(!left) >= min_node &&
    all(sapply(c(TRUE, FALSE), function(side) all(sapply(0:1, function(a) sum(s$status[left == side & s$arm == a]) >= min_events))))
}

numeric_scan <- function(name, feature, rows, stratified) {
  x <- d[[feature]][rows]
  values <- sort(unique(x))
  values <- values[-length(values)]
  thresholds <- c(); statistics <- c(); left_sizes <- c()
  for (v in values) {
    left <- x <= v
    if (!admissible(rows, left)) next
    thresholds <- c(thresholds, v)
    statistics <- c(statistics, score_of(rows, left, stratified))
    left_sizes <- c(left_sizes, sum(left))
  }
  list(name = name, feature = feature, kind = "numeric", rows = rows - 1, stratified = stratified,
       thresholds = thresholds, statistics = statistics, left_sizes = left_sizes)
}

categorical_scan <- function(name, feature, rows, stratified) {
  x <- d[[feature]][rows]
  levels <- sort(unique(x))
  groupings <- list()
  # every two-way grouping: the subsets without the last level (each grouping once)
  for (size in 1:(length(levels) - 1)) {
    for (set in combn(levels[-length(levels)], size, simplify = FALSE)) {
      left <- x %in% set
      if (!admissible(rows, left)) next
      groupings[[length(groupings) + 1]] <- list(left_levels = I(set), statistic = score_of(rows, left, stratified), left_size = sum(left))
    }
  }
  list(name = name, feature = feature, kind = "categorical", rows = rows - 1, stratified = stratified, groupings = groupings)
}

all_rows <- seq_len(n)
high <- which(d$biomarker > median(d$biomarker))
scans <- list(
  numeric_scan("biomarker_root", "biomarker", all_rows, FALSE),
  numeric_scan("biomarker_stratified", "biomarker", all_rows, TRUE),
  numeric_scan("age_in_high_biomarker_node", "age", high, FALSE),
  categorical_scan("grade_root", "grade", all_rows, FALSE),
  categorical_scan("grade_stratified", "grade", all_rows, TRUE)
)

# The whole tree by brute force on the numeric features biomarker and age, with the rules of InteractionTree:
# candidates admissible at min_node = 30, min_events = 5; best = largest statistic (first feature, then smallest
# threshold, on ties); split when min(1, M * p) < 0.05 with M the admissible candidates searched, depth < 3.
min_node <- 30; min_events <- 5; max_depth <- 3; alpha <- 0.05
splits <- list(); leaves <- list()
grow <- function(rows, depth) {
  best <- NULL; searched <- 0
  if (depth < max_depth && length(rows) >= 2 * min_node) {
    for (feature in c("biomarker", "age")) {
      x <- d[[feature]][rows]
      values <- sort(unique(x))
      for (v in values[-length(values)]) {
        left <- x <= v
        if (!admissible(rows, left, min_node, min_events)) next
        searched <- searched + 1
        statistic <- score_of(rows, left, FALSE)
        if (is.null(best) || statistic > best$statistic) best <- list(feature = feature, threshold = v, statistic = statistic)
      }
    }
  }
  if (!is.null(best)) {
    p <- pchisq(best$statistic, 1, lower.tail = FALSE)
    adjusted <- min(1, searched * p)
    if (adjusted < alpha) {
      splits[[length(splits) + 1]] <<- list(depth = depth, n = length(rows), feature = best$feature, threshold = best$threshold,
                                            statistic = best$statistic, p = p, adjusted_p = adjusted, candidates = searched)
      left <- d[[best$feature]][rows] <= best$threshold
      grow(rows[left], depth + 1)
      grow(rows[!left], depth + 1)
      return(invisible())
    }
  }
  s <- d[rows, ]
  fit <- coxph(Surv(time, status) ~ arm, data = s)        # the leaf's treatment effect, R's defaults
  leaves[[length(leaves) + 1]] <<- list(n = length(rows), reference_events = sum(s$status[s$arm == 0]), treated_events = sum(s$status[s$arm == 1]),
                                        hr = unname(exp(coef(fit))), hr_lower = summary(fit)$conf.int[1, "lower .95"],
                                        hr_upper = summary(fit)$conf.int[1, "upper .95"], rows = rows - 1)
}
grow(all_rows, 0)

out <- list(
  generated_by = paste("R", getRversion(), "survival", packageVersion("survival")),
  data = list(time = d$time, status = d$status, arm = d$arm, biomarker = d$biomarker, age = d$age, grade = d$grade, centre = d$centre),
  scans = scans,
  tree = list(min_node_size = min_node, min_events_per_arm = min_events, max_depth = max_depth, alpha = alpha, splits = splits, leaves = leaves)
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/reference/interaction_tree_reference.json")
