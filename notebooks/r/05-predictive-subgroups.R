# Cross-check of notebooks/05-predictive-subgroups.cs with R's survival package, on the simulated trial the lab
# writes (run the lab first: dotnet run notebooks/05-predictive-subgroups.cs).
# Run from the repository root: Rscript notebooks/r/05-predictive-subgroups.R
suppressMessages(library(survival))
source("notebooks/r/checks.R")
trial <- read.csv("notebooks/output/05-trial.csv")

for (a in list(c("control", 0), c("treated", 1))) {
  arm <- trial$treated == as.numeric(a[2])
  check("The simulated trial", a[1], "patients", sum(arm))
  check("The simulated trial", a[1], "events", sum(trial$status[arm]))
  check("The simulated trial", a[1], "biomarker > 6", sum(arm & trial$biomarker > 6))
}

effect <- function(table, row, fit, term) {
  s <- summary(fit)
  check(table, row, "hazard ratio", s$conf.int[term, "exp(coef)"])
  check(table, row, "lower 95%", s$conf.int[term, "lower .95"])
  check(table, row, "upper 95%", s$conf.int[term, "upper .95"])
  check(table, row, "p-value", s$coefficients[term, "Pr(>|z|)"])
}
effect("Treatment effect, all patients (Cox)", "treated vs control", coxph(Surv(time, status) ~ treated, data = trial), "treated")
table <- "Main effects and interactions (Cox)"
fit <- coxph(Surv(time, status) ~ treated * ecog, data = trial)
effect(table, "ecog (per level)", fit, "ecog")
effect(table, "treated × ecog", fit, "treated:ecog")
fit <- coxph(Surv(time, status) ~ treated * biomarker, data = trial)
effect(table, "biomarker (per unit)", fit, "biomarker")
effect(table, "treated × biomarker", fit, "treated:biomarker")

scan <- function(data, cut) {
  data$above <- as.numeric(data$biomarker > cut)
  s <- summary(coxph(Surv(time, status) ~ treated * above, data = data))$coefficients["treated:above", ]
  c(statistic = s[["z"]]^2, ratio = s[["exp(coef)"]])
}
cuts <- seq(2, 8, by = 0.5)
for (cut in cuts) {
  s <- scan(trial, cut)
  check("Interaction statistic by cut point (all patients)", sprintf("%.1f", cut), "interaction z²", s[["statistic"]])
  check("Interaction statistic by cut point (all patients)", sprintf("%.1f", cut), "ratio of HRs", s[["ratio"]])
}

search <- trial[trial$half == 1, ]
test <- trial[trial$half == 2, ]
chosen <- cuts[which.max(sapply(cuts, function(cut) scan(search, cut)[["statistic"]]))]
table <- sprintf("Treatment effect by subgroup (biomarker > %g), search half vs test half", chosen)
for (h in list(list("search half", search), list("test half", test))) {
  d <- h[[2]]
  effect(table, paste(h[[1]], "above", sep = ", "), coxph(Surv(time, status) ~ treated, data = d[d$biomarker > chosen, ]), "treated")
  effect(table, paste(h[[1]], "at or below", sep = ", "), coxph(Surv(time, status) ~ treated, data = d[d$biomarker <= chosen, ]), "treated")
}

# Section 6: the interaction tree, grown here by brute force with the fitter's rules (as
# tests/reference/interaction_tree_reference.R does). A candidate split of a node's patients on feature x at value v
# (left: x <= v, for every observed v but the largest) is admissible when each side has at least 30 patients and
# each arm of each side at least 5 events; its statistic is the score test of treated × side at the fit of
# treated + side. The best (largest statistic; first feature, then smallest threshold, on ties) is made when
# min(1, M p) < alpha, M = the admissible candidates searched at the node, and the node's depth is below max_depth.
control <- coxph.control(eps = 1e-13, iter.max = 100, toler.chol = 1e-15)
score_of <- function(s, left) {
  s$side <- as.integer(left)
  reduced <- coxph(Surv(time, status) ~ treated + side, data = s, control = control)
  coxph(Surv(time, status) ~ treated + side + treated:side, data = s, init = c(coef(reduced), 0), control = coxph.control(iter.max = 0))$score
}
admissible <- function(s, left, min_node = 30, min_events = 5) {
  sum(left) >= min_node && sum(!left) >= min_node &&
    all(sapply(c(TRUE, FALSE), function(side) all(sapply(0:1, function(a) sum(s$status[left == side & s$treated == a]) >= min_events))))
}
# A path's conditions as the fitter words them: per feature (in order of first use) its bounds merged.
describe <- function(path) {
  if (length(path) == 0) return("all patients")
  features <- unique(sapply(path, `[[`, "feature"))
  parts <- sapply(features, function(f) {
    on <- Filter(function(p) p$feature == f, path)
    lower <- max(-Inf, vapply(Filter(function(p) p$above, on), `[[`, numeric(1), "threshold"))
    upper <- min(Inf, vapply(Filter(function(p) !p$above, on), `[[`, numeric(1), "threshold"))
    if (is.infinite(lower)) sprintf("%s <= %s", f, upper) else if (is.infinite(upper)) sprintf("%s > %s", f, lower)
    else sprintf("%s < %s <= %s", lower, f, upper)
  })
  paste(parts, collapse = " and ")
}
meets <- function(d, path) Reduce(`&`, lapply(path, function(p) if (p$above) d[[p$feature]] > p$threshold else d[[p$feature]] <= p$threshold), rep(TRUE, nrow(d)))
grow_tree <- function(d, alpha, max_depth, features = c("biomarker", "ecog")) {
  splits <- list(); leaves <- list()
  grow <- function(path, depth) {
    s <- d[meets(d, path), ]
    best <- NULL; searched <- 0
    if (depth < max_depth && nrow(s) >= 2 * 30) {
      for (feature in features) {
        values <- sort(unique(s[[feature]]))
        for (v in values[-length(values)]) {
          left <- s[[feature]] <= v
          if (!admissible(s, left)) next
          searched <- searched + 1
          statistic <- score_of(s, left)
          if (is.null(best) || statistic > best$statistic) best <- list(feature = feature, threshold = v, statistic = statistic)
        }
      }
    }
    if (!is.null(best)) {
      p <- pchisq(best$statistic, 1, lower.tail = FALSE)
      if (min(1, searched * p) < alpha) {
        splits[[length(splits) + 1]] <<- list(node = describe(path), statistic = best$statistic, p = p, adjusted_p = min(1, searched * p), candidates = searched)
        grow(c(path, list(list(feature = best$feature, above = FALSE, threshold = best$threshold))), depth + 1)
        grow(c(path, list(list(feature = best$feature, above = TRUE, threshold = best$threshold))), depth + 1)
        return(invisible())
      }
    }
    leaves[[length(leaves) + 1]] <<- list(rule = describe(path), path = path)
  }
  grow(list(), 0)
  list(splits = splits, leaves = leaves)
}
leaf_counts <- function(table, tree, d) {
  for (l in seq_along(tree$leaves)) {
    s <- d[meets(d, tree$leaves[[l]]$path), ]
    row <- as.character(l - 1)
    check(table, row, "n_reference", sum(s$treated == 0))
    check(table, row, "n_treated", sum(s$treated == 1))
    check(table, row, "events_reference", sum(s$status[s$treated == 0]))
    check(table, row, "events_treated", sum(s$status[s$treated == 1]))
  }
}
strict <- grow_tree(search, alpha = 0.05, max_depth = 3)
leaf_counts("Interaction tree, alpha = 0.05 (search half): tree.Summary()", strict, search)
explore <- grow_tree(search, alpha = 1, max_depth = 2)
for (s in explore$splits) {
  check("Exploratory tree, alpha = 1 (search half): splits", s$node, "interaction χ²", s$statistic)
  check("Exploratory tree, alpha = 1 (search half): splits", s$node, "p-value", s$p)
  check("Exploratory tree, alpha = 1 (search half): splits", s$node, "adjusted p", s$adjusted_p)
  check("Exploratory tree, alpha = 1 (search half): splits", s$node, "candidates", s$candidates)
}
leaf_counts("Exploratory tree, alpha = 1 (search half): explore.Summary()", explore, search)
table <- "Treatment effect by leaf of the exploratory tree, search half vs test half"
for (leaf in explore$leaves) for (h in list(list("search half", search), list("test half", test))) {
  d <- h[[2]]
  effect(table, paste(h[[1]], leaf$rule, sep = ", "), coxph(Surv(time, status) ~ treated, data = d[meets(d, leaf$path), ]), "treated")
}

write_checks("05-predictive-subgroups")
