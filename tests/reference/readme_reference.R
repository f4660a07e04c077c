# Reference values for the README's library example (tests/Stratify.Tests/Fitters/ReadmeExampleTests.cs):
# the Cox model coxph(Surv(rfstime, status) ~ hormon + age + size + nodes, gbsg), and k-medoids on gbsg's first 600
# patients (age, size, nodes; Gower as daisy, pam with FasterPAM, k = 3) with each of the last 86 patients placed at
# its nearest medoid by Gower's distance on the ranges of the 600 (written out here, not daisy on all 686, whose
# ranges would include the new patients).
# Run from the repository root:  Rscript tests/reference/readme_reference.R
# Writes tests/reference/readme_reference.json (every double with the digits that read back exactly).
suppressPackageStartupMessages({ library(survival); library(cluster); library(jsonlite) })
source("tests/reference/exact_numbers.R")

gbsg <- read.csv("datasets/gbsg.csv")
fit <- coxph(Surv(rfstime, status) ~ hormon + age + size + nodes, data = gbsg)
s <- summary(fit)

features <- c("age", "size", "nodes")
train <- gbsg[1:600, features]
test <- gbsg[601:686, features]
p <- pam(daisy(train, metric = "gower"), 3, pamonce = 6)
medoids <- train[p$id.med, ]
ranges <- sapply(train, function(x) diff(range(x)))
gower <- function(a, b) mean(abs(unlist(a) - unlist(b)) / ranges)
nearest <- apply(test, 1, function(row) which.min(sapply(seq_len(3), function(c) gower(row, medoids[c, ]))) - 1)

out <- list(
  r_version = R.version.string, survival = as.character(packageVersion("survival")), cluster = as.character(packageVersion("cluster")),
  cox = list(terms = names(coef(fit)), coef = unname(coef(fit)), se = unname(s$coefficients[, "se(coef)"]),
             hr = unname(exp(coef(fit))), p = unname(s$coefficients[, "Pr(>|z|)"]),
             lower = unname(s$conf.int[, "lower .95"]), upper = unname(s$conf.int[, "upper .95"])),
  pam = list(medoids = p$id.med - 1, objective = unname(p$objective["swap"]), labels = unname(p$clustering) - 1,
             predicted = unname(nearest)))
write(toJSON(exact(out), auto_unbox = TRUE, pretty = TRUE, json_verbatim = TRUE), "tests/reference/readme_reference.json")
