# Reference values for Stratify's clustering tests (tests/Stratify.Tests/Clustering/).
# Run from the repository root:  Rscript tests/reference/cluster_reference.R
# Writes tests/reference/cluster_reference.json. R 4.2, cluster 2.1.4, jsonlite.
#
# Feature sets (the C# tests build the same FeatureSet from the same CSV):
#   lung:      age, sex (factor), ph.ecog (ordered 0<1<2<3), wt.loss, meal.cal      (missing values present)
#   veteran:   celltype (factor), karno, age, diagtime, prior (factor), trt (factor)
#   gbsg:      age, meno (factor), size, grade (ordered 1<2<3), nodes, pgr, er
#   rotterdam: age, meno (factor), size (ordered <=20 < 20-50 < >50), grade (ordered), nodes, er
suppressPackageStartupMessages({ library(cluster); library(jsonlite) })

rd <- function(f) read.csv(file.path("datasets", f), stringsAsFactors = FALSE)
lung <- rd("lung.csv"); veteran <- rd("veteran.csv"); gbsg <- rd("gbsg.csv"); rotterdam <- rd("rotterdam.csv")

features <- list(
  lung = data.frame(age = lung$age, sex = factor(lung$sex), ph.ecog = factor(lung$ph.ecog, ordered = TRUE),
                    wt.loss = lung$wt.loss, meal.cal = lung$meal.cal),
  veteran = data.frame(celltype = factor(veteran$celltype), karno = veteran$karno, age = veteran$age,
                       diagtime = veteran$diagtime, prior = factor(veteran$prior), trt = factor(veteran$trt)),
  gbsg = data.frame(age = gbsg$age, meno = factor(gbsg$meno), size = gbsg$size,
                    grade = factor(gbsg$grade, ordered = TRUE), nodes = gbsg$nodes, pgr = gbsg$pgr, er = gbsg$er),
  rotterdam = data.frame(age = rotterdam$age, meno = factor(rotterdam$meno),
                         size = factor(rotterdam$size, levels = c("<=20", "20-50", ">50"), ordered = TRUE),
                         grade = factor(rotterdam$grade, ordered = TRUE), nodes = rotterdam$nodes, er = rotterdam$er))

out <- list(r_version = R.version.string, cluster_version = as.character(packageVersion("cluster")))

# 1. Gower dissimilarities: the full lower triangle (dist order) for lung (with and without weights) and veteran;
#    for the larger sets the sum and a few entries (1-based positions in the dist vector).
d_lung <- daisy(features$lung, metric = "gower")
lung_weights <- c(1, 2, 1, 0.5, 3)
d_lung_w <- daisy(features$lung, metric = "gower", weights = lung_weights)
d_vet <- daisy(features$veteran, metric = "gower")
out$gower <- list(
  lung = list(types = attr(d_lung, "Types"), dist = as.numeric(d_lung)),
  lung_weighted = list(weights = lung_weights, dist = as.numeric(d_lung_w)),
  veteran = list(types = attr(d_vet, "Types"), dist = as.numeric(d_vet)))
dists <- list(lung = d_lung, veteran = d_vet, gbsg = daisy(features$gbsg, metric = "gower"),
              rotterdam = daisy(features$rotterdam, metric = "gower"))
probe <- function(d) { m <- length(d); pos <- unique(c(1, 2, 17, m %/% 3, m %/% 2, m - 1, m)); list(sum = sum(d), positions = pos, values = as.numeric(d[pos])) }
out$gower_summary <- lapply(dists[c("gbsg", "rotterdam")], probe)

# 2. PAM (BUILD + SWAP, the original algorithm; objective = average dissimilarity to the nearest medoid),
#    R's FasterPAM (pamonce = 6)
#    and silhouette widths, for k = 2..6.
out$pam <- lapply(dists, function(d) lapply(2:6, function(k) {
  p <- pam(d, k, diss = TRUE)
  s <- silhouette(p$clustering, d)
  f <- pam(d, k, diss = TRUE, pamonce = 6)   # R's FasterPAM (Schubert & Rousseeuw 2021)
  list(k = k, medoids = as.integer(p$id.med), objective_build = unname(p$objective[1]),
       fasterpam_medoids = as.integer(f$id.med), fasterpam_objective = unname(f$objective[2]),
       objective_swap = unname(p$objective[2]), clustering = as.integer(p$clustering),
       silhouette_width = as.numeric(s[, "sil_width"]), silhouette_average = mean(s[, "sil_width"]))
}))

# 3. Gap statistic pieces that do not depend on R's random reference sets: log W_k of the data (clusGap's W.k,
#    d.power = 1) with pam(pamonce = 6) on standardised gbsg numeric columns, and maxSE's two rules.
std <- function(m) scale(m)   # (x - mean) / sd with n - 1, as FeatureScaling.Standardise
x_gbsg <- std(as.matrix(gbsg[, c("age", "size", "nodes", "pgr", "er")]))
set.seed(1)
gap <- clusGap(x_gbsg, FUNcluster = function(x, k) list(cluster = pam(x, k, pamonce = 6)$clustering), K.max = 6, B = 5,
               spaceH0 = "original", verbose = FALSE)
tab <- gap$Tab
vectors <- list(list(f = c(0.1, 0.3, 0.35, 0.34, 0.5), se = c(0.02, 0.02, 0.06, 0.02, 0.02)),
                list(f = c(0.5, 0.4, 0.6, 0.7, 0.65), se = c(0.05, 0.05, 0.05, 0.2, 0.05)),
                list(f = as.numeric(tab[, "gap"]), se = as.numeric(tab[, "SE.sim"])))
out$gap <- list(columns = c("age", "size", "nodes", "pgr", "er"), logW = as.numeric(tab[, "logW"]),
  maxse = lapply(vectors, function(v) c(v, list(firstSEmax = maxSE(v$f, v$se, "firstSEmax"),
                                                  Tibs2001SEmax = maxSE(v$f, v$se, "Tibs2001SEmax")))))

# 4. Hierarchical clustering: Ward (ward.D2) on Euclidean distances of the standardised gbsg columns, and average
#    linkage on the lung Gower dissimilarities; merge heights (increasing) and cutree(k) for k = 2..6.
hc_ref <- function(h) list(height = as.numeric(h$height), merge = as.vector(t(h$merge)),
                           cutree = lapply(2:6, function(k) as.integer(cutree(h, k))))
out$hclust <- list(ward_gbsg = hc_ref(hclust(dist(x_gbsg), method = "ward.D2")),
                   average_lung = hc_ref(hclust(d_lung, method = "average")))

# 5. Profiles of R's pam(k = 3) clustering of lung: standardised mean difference of age (pooled SD of the cluster
#    and the rest, each with n - 1) and difference in the proportion of sex = 2, cluster against the rest.
cl3 <- pam(d_lung, 3, diss = TRUE)$clustering
smd <- function(v, inside) { a <- v[inside & !is.na(v)]; b <- v[!inside & !is.na(v)]
  (mean(a) - mean(b)) / sqrt((var(a) + var(b)) / 2) }
out$profiles <- list(clustering = as.integer(cl3), clusters = lapply(1:3, function(c) {
  inside <- cl3 == c
  p_in <- mean(lung$sex[inside] == 2); p_out <- mean(lung$sex[!inside] == 2)
  list(cluster = c, age_mean = mean(lung$age[inside]), age_smd = smd(lung$age, inside), wt_loss_smd = smd(lung$wt.loss, inside),
       sex2_difference = p_in - p_out,
       sex2_smd = (p_in - p_out) / sqrt((p_in * (1 - p_in) + p_out * (1 - p_out)) / 2))
}))

# 6. Robust scaling of gbsg nodes: (x - median) / IQR (R's IQR, type 7), first 10 patients.
out$robust_nodes <- as.numeric(((gbsg$nodes - median(gbsg$nodes)) / IQR(gbsg$nodes))[1:10])

writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, na = "null"), "tests/reference/cluster_reference.json")
