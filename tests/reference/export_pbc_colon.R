# Exports two public trials from R's survival package (3.5) for the treatment-tailoring references; they are not
# bundled in datasets/. Run from the repository root:
#   Rscript tests/reference/export_pbc_colon.R
#   stratify import tests/reference/data/pbc.csv --out tests/reference/data/pbc.parquet --label trt=1:D-penicillamine,2:placebo --label sex=m:male,f:female
#   stratify import tests/reference/data/colon.csv --out tests/reference/data/colon.parquet --label sex=0:female,1:male
# pbc: Mayo Clinic primary biliary cholangitis trial (Fleming & Harrington 1991), the 312 randomised patients
#   (D-penicillamine vs placebo); status 0 = censored, 1 = transplant, 2 = death.
# colon: adjuvant chemotherapy for stage B/C colon cancer (Moertel et al. 1990; Laurie et al. 1989), the death
#   records (etype 2) of the two arms Obs (observation) and Lev+5FU (levamisole + fluorouracil); status 1 = died.
suppressPackageStartupMessages(library(survival))
pbc_trial <- pbc[!is.na(pbc$trt), c("id", "time", "status", "trt", "age", "sex", "ascites", "hepato", "spiders", "edema",
                                    "bili", "chol", "albumin", "copper", "alk.phos", "ast", "trig", "platelet", "protime", "stage")]
write.csv(pbc_trial, "tests/reference/data/pbc.csv", row.names = FALSE, na = "")
colon_death <- colon[colon$etype == 2 & colon$rx != "Lev",
                     c("id", "rx", "sex", "age", "obstruct", "perfor", "adhere", "nodes", "status", "differ", "extent", "surg", "node4", "time")]
colon_death$rx <- as.character(colon_death$rx)
write.csv(colon_death, "tests/reference/data/colon.csv", row.names = FALSE, na = "")
