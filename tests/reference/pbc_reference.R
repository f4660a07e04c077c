# Reference values for the run on R's pbc data (tests/Stratify.Tests/Stratification/MissingFeatureTests.cs): the
# randomised patients of survival::pbc (Mayo Clinic primary biliary cholangitis trial, D-penicillamine vs placebo),
# with a survival tree searching 16 baseline features, 4 of which have missing values (chol, copper, trig,
# platelet). Missing values in features used only to find subgroups must not remove anyone from the overall
# treatment effect: it must equal coxph on all 312 randomised patients. Run from the repository root:
#   Rscript tests/reference/pbc_reference.R
# Writes tests/reference/data/pbc_randomised.csv (numbers with 17 significant digits, NA for missing) and
# tests/reference/pbc_reference.json.
suppressPackageStartupMessages({ library(survival); library(jsonlite) })
stopifnot(packageVersion("survival") >= "3.5")

d <- pbc[!is.na(pbc$trt), ]                      # the 312 randomised patients
d$trt <- ifelse(d$trt == 1, "D-penicillamine", "placebo")
d$sex <- as.character(d$sex)
features <- c("age", "bili", "chol", "albumin", "copper", "alk.phos", "ast", "trig", "platelet", "protime",
              "edema", "stage", "ascites", "hepato", "spiders", "sex")

out <- d[, c("id", "time", "status", "trt", features)]
for (col in names(out)) if (is.numeric(out[[col]])) out[[col]] <- ifelse(is.na(out[[col]]), NA, sprintf("%.17g", out[[col]]))
write.csv(out, "tests/reference/data/pbc_randomised.csv", row.names = FALSE, quote = FALSE, na = "NA")

# Death is the event; censored = alive (0) or transplanted (1), as in the pbc documentation's analyses.
d$arm <- factor(d$trt, levels = c("placebo", "D-penicillamine"))
all_patients <- coxph(Surv(time, status == 2) ~ arm, data = d)
complete <- complete.cases(d[, features])
complete_only <- coxph(Surv(time, status == 2) ~ arm, data = d[complete, ])

write_json(list(
  n = nrow(d), events = sum(d$status == 2),
  missing = as.list(colSums(is.na(d[, features]))[c("chol", "copper", "trig", "platelet")]),
  median = list(chol = median(d$chol, na.rm = TRUE), copper = median(d$copper, na.rm = TRUE),
                trig = median(d$trig, na.rm = TRUE), platelet = median(d$platelet, na.rm = TRUE)),
  complete_n = sum(complete), complete_events = sum(d$status[complete] == 2),
  overall = list(hr = unname(exp(coef(all_patients))), se = unname(sqrt(diag(vcov(all_patients)))),
                 lower = unname(summary(all_patients)$conf.int[1, "lower .95"]), upper = unname(summary(all_patients)$conf.int[1, "upper .95"]),
                 p = unname(summary(all_patients)$coefficients[1, "Pr(>|z|)"])),
  complete_only_hr = unname(exp(coef(complete_only)))
), "tests/reference/pbc_reference.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
