# Reference values for the fitters' members that the labs use (tests/Stratify.Tests/Fitters/FitterMemberTests.cs):
# CoxPHFit.VarianceMatrix() as vcov(coxph) (model-based on veteran, robust on lung), and KMedoids.ChooseK's
# deterministic criteria on gbsg (age, meno factor, size, grade ordered, nodes, pgr, er; Gower as daisy): for
# k = 1..6 pam(pamonce = 6)'s average dissimilarity, the average silhouette width (k >= 2) and clusGap's log W_k
# (d.power = 1). The gap itself depends on random reference sets (R's and .NET's generators differ): not compared.
# Run from the repository root:  Rscript tests/reference/fitter_members_reference.R
# Writes tests/reference/fitter_members_reference.json (every double with the digits that read back exactly).
suppressPackageStartupMessages({ library(survival); library(cluster); library(jsonlite) })
source("tests/reference/exact_numbers.R")

veteran <- read.csv("datasets/veteran.csv")
lung <- read.csv("datasets/lung.csv")
model <- coxph(Surv(time, status) ~ trt + factor(celltype) + karno, data = veteran)
robust <- coxph(Surv(time, status) ~ age + sex, data = lung, robust = TRUE)

gbsg <- read.csv("datasets/gbsg.csv")
x <- data.frame(age = gbsg$age, meno = factor(gbsg$meno), size = gbsg$size, grade = factor(gbsg$grade, ordered = TRUE),
                nodes = gbsg$nodes, pgr = gbsg$pgr, er = gbsg$er)
d <- daisy(x, metric = "gower")
m <- as.matrix(d)
log_w <- function(clustering) log(0.5 * sum(sapply(split(seq_along(clustering), clustering),
                                                   function(i) sum(m[i, i]) / 2 / length(i))))
choose <- lapply(1:6, function(k) {
  p <- pam(d, k, diss = TRUE, pamonce = 6)
  list(k = k, average_dissimilarity = unname(p$objective["swap"]),
       silhouette = if (k == 1) NA else summary(silhouette(p))$avg.width, log_w = log_w(p$clustering))
})

out <- list(
  r_version = R.version.string, survival = as.character(packageVersion("survival")), cluster = as.character(packageVersion("cluster")),
  vcov = list(veteran = list(terms = names(coef(model)), variance = as.vector(t(vcov(model)))),
              lung_robust = list(terms = names(coef(robust)), variance = as.vector(t(vcov(robust))))),
  choose_k = choose)
write(toJSON(exact(out), auto_unbox = TRUE, pretty = TRUE, json_verbatim = TRUE, na = "null"), "tests/reference/fitter_members_reference.json")
