# Reference for the m-out-of-n stability and the subsampled gap statistic (tests/Stratify.Tests/Clustering/
# SubsampleStabilityTests.cs), on gbsg's seven features (age, meno factor, size, grade ordered, nodes, pgr, er; Gower
# as daisy, as fitter_members_reference.R):
# - fpc::clusterboot(d, distances = TRUE, bootmethod = "subset", subtuning = m, B) with pam(k = 3, pamonce = 6) as the
#   clustering method: the reference partition, the m-of-n subsample indices of each replicate (replayed from the same
#   seed: the clustering method draws no random numbers, so clusterboot's only draws are sample(n, m) per replicate;
#   checked below against clusterboot's own subsetresult), and subsetresult/subsetmean (best Jaccard per cluster and
#   replicate, and its mean);
# - the gap statistic's log W_k (clusGap's W.k, d.power = 1, on Gower dissimilarities of the subsample itself, as
#   daisy on those patients) for k = 1..5 of pam(pamonce = 6), on one subsample of 300 patients.
# Run from the repository root:  Rscript tests/reference/stability_subsample_reference.R
# Writes tests/reference/stability_subsample_reference.json (every double with the digits that read back exactly).
suppressPackageStartupMessages({ library(cluster); library(fpc); library(jsonlite) })
source("tests/reference/exact_numbers.R")

gbsg <- read.csv("datasets/gbsg.csv")
x <- data.frame(age = gbsg$age, meno = factor(gbsg$meno), size = gbsg$size, grade = factor(gbsg$grade, ordered = TRUE),
                nodes = gbsg$nodes, pgr = gbsg$pgr, er = gbsg$er)
d <- daisy(x, metric = "gower")
n <- nrow(x)
k <- 3
m <- n %/% 2
B <- 10
seed <- 14

pam_cbi <- function(data, k, diss = TRUE) {
  p <- pam(data, k, diss = TRUE, pamonce = 6)
  list(result = p, nc = k, clusterlist = lapply(1:k, function(i) p$clustering == i), partition = p$clustering,
       clustermethod = "pam (pamonce = 6)")
}
cb <- clusterboot(d, B = B, distances = TRUE, bootmethod = "subset", subtuning = m, clustermethod = pam_cbi, k = k,
                  seed = seed, count = FALSE, showplots = FALSE)
set.seed(seed)
subsamples <- lapply(1:B, function(b) sample(n, m))
# The replayed indices give clusterboot's Jaccards.
dm <- as.matrix(d)
replayed <- sapply(1:B, function(b) {
  s <- subsamples[[b]]
  sub <- pam(as.dist(dm[s, s]), k, diss = TRUE, pamonce = 6)$clustering
  sapply(1:k, function(c) max(sapply(1:k, function(j) clujaccard(cb$partition[s] == c, sub == j, zerobyzero = 0))))
})
stopifnot(isTRUE(all.equal(replayed, cb$subsetresult, tolerance = 0)))

gap_rows <- sort(sample(n, 300))
xs <- x[gap_rows, ]
ds <- daisy(xs, metric = "gower")
ms <- as.matrix(ds)
log_w <- function(clustering) log(0.5 * sum(sapply(split(seq_along(clustering), clustering),
                                                   function(i) sum(ms[i, i]) / 2 / length(i))))
gap_log_w <- sapply(1:5, function(kk) log_w(if (kk == 1) rep(1, nrow(xs)) else pam(ds, kk, diss = TRUE, pamonce = 6)$clustering))

out <- list(
  r_version = R.version.string, cluster = as.character(packageVersion("cluster")), fpc = as.character(packageVersion("fpc")),
  n = n, k = k, m = m, replicates = B, seed = seed,
  partition = cb$partition,
  subsamples = lapply(subsamples, function(s) s - 1),   # 0-based rows
  subset_result = lapply(1:B, function(b) cb$subsetresult[, b]),
  subset_mean = cb$subsetmean,
  gap_rows = gap_rows - 1,
  gap_log_w = gap_log_w)
write(toJSON(exact(out), auto_unbox = TRUE, pretty = TRUE, json_verbatim = TRUE, na = "null"), "tests/reference/stability_subsample_reference.json")
