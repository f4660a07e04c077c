# Exports the colon trial from R's survival package (3.5) for the treatment-tailoring references (it is not bundled in
# datasets/), and names the import of the pbc data that tests/reference/pbc_reference.R writes. From the repository root:
#   Rscript tests/reference/pbc_reference.R        (writes tests/reference/data/pbc_randomised.csv)
#   Rscript tests/reference/export_colon.R
#   stratify import tests/reference/data/pbc_randomised.csv --out tests/reference/data/pbc.parquet --label sex=m:male,f:female
#   stratify import tests/reference/data/colon.csv --out tests/reference/data/colon.parquet --label sex=0:female,1:male
# pbc: Mayo Clinic primary biliary cholangitis trial (Fleming & Harrington 1991), the 312 randomised patients
#   (D-penicillamine vs placebo); status 0 = censored, 1 = transplant, 2 = death.
# colon: adjuvant chemotherapy for stage B/C colon cancer (Moertel et al. 1990; Laurie et al. 1989), the death
#   records (etype 2) of the two arms Obs (observation) and Lev+5FU (levamisole + fluorouracil); status 1 = died.
#   Numbers are whole (written as they are); missing values are empty cells.
suppressPackageStartupMessages(library(survival))
colon_death <- colon[colon$etype == 2 & colon$rx != "Lev",
                     c("id", "rx", "sex", "age", "obstruct", "perfor", "adhere", "nodes", "status", "differ", "extent", "surg", "node4", "time")]
colon_death$rx <- as.character(colon_death$rx)
write.csv(colon_death, "tests/reference/data/colon.csv", row.names = FALSE, na = "")
