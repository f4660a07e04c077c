# Reference values for the random-effects kernel (RandomEffectsShrinkage): metafor 3.8 rma(method = "REML" and "DL")
# and blup() on fixed sets of estimates and variances. Run from the repository root:
#   Rscript tests/reference/shrinkage_reference.R
suppressPackageStartupMessages({ library(metafor); library(jsonlite) })
cases <- list(
  list(name = "heterogeneous", yi = c(-0.69, 0.02, 0.41), vi = c(0.031, 0.045, 0.052)),
  list(name = "homogeneous", yi = c(-0.36, -0.37, -0.35, -0.30), vi = c(0.04, 0.09, 0.02, 0.11)),
  list(name = "two", yi = c(-0.16, -0.63), vi = c(0.0269, 0.0279)),
  list(name = "unequal precision", yi = c(0.10, -0.45, 0.80, -1.20, 0.05), vi = c(0.002, 0.30, 0.15, 0.60, 0.01))
)
out <- lapply(cases, function(case) {
  reml <- rma(yi = case$yi, vi = case$vi, method = "REML", control = list(threshold = 1e-15, maxiter = 10000))
  dl <- rma(yi = case$yi, vi = case$vi, method = "DL")
  b <- blup(reml)
  list(name = case$name, yi = case$yi, vi = case$vi, tau2_reml = reml$tau2, tau2_dl = dl$tau2,
       mean = as.numeric(reml$beta), mean_se = reml$se, pred = b$pred, se = b$se, lower = b$pi.lb, upper = b$pi.ub)
})
write_json(out, "tests/reference/shrinkage_reference.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
