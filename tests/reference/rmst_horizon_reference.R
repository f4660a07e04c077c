# The default RMST horizon of `stratify run` (no rmst_horizon in the spec): the largest follow-up common to every
# subgroup × arm cell, i.e. the smallest of the cells' longest follow-up times (event or censored), and the RMSTs at it.
# Case: tests/reference/specs/gbsg_by_grade.yaml without its rmst_horizon (subgroups = grade, arms = hormon).
# Run from the repository root:  Rscript tests/reference/rmst_horizon_reference.R
suppressPackageStartupMessages({ library(survival); library(jsonlite) })
source("tests/reference/exact_numbers.R")
g <- read.csv("datasets/gbsg.csv")
longest <- tapply(g$rfstime, list(g$grade, g$hormon), max)   # rows: grade 1..3, columns: hormon 0 (no), 1 (yes)
tau <- min(longest)
by_grade <- summary(survfit(Surv(rfstime, status) ~ grade, data = g), rmean = tau)$table
differences <- t(sapply(1:3, function(l) {
  k <- summary(survfit(Surv(rfstime, status) ~ hormon, data = g[g$grade == l, ]), rmean = tau)$table
  c(k[2, "rmean"] - k[1, "rmean"], sqrt(k[2, "se(rmean)"]^2 + k[1, "se(rmean)"]^2))   # treated (yes) − reference (no)
}))
out <- list(longest_by_cell = I(unname(as.vector(t(longest)))), horizon = tau,
            rmst = I(unname(by_grade[, "rmean"])), rmst_se = I(unname(by_grade[, "se(rmean)"])),
            rmst_difference = I(differences[, 1]), rmst_difference_se = I(differences[, 2]))
write(toJSON(exact(out), auto_unbox = TRUE, pretty = TRUE, json_verbatim = TRUE), "tests/reference/rmst_horizon_reference.json")
