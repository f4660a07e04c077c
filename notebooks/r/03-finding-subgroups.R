# Cross-check of notebooks/03-finding-subgroups.cs with R's cluster package: Gower dissimilarities (daisy), PAM
# (pam with FasterPAM swaps, pamonce = 6, as the lab), silhouettes, the subgroups' medoids and composition, and
# log W_k of the gap statistic. The gap itself and the bootstrap stability depend on random draws (R's and .NET's
# generators differ), so they are not compared.
# Run from the repository root: Rscript notebooks/r/03-finding-subgroups.R
suppressMessages(library(cluster))
source("notebooks/r/checks.R")
gbsg <- read.csv("datasets/gbsg.csv")
x <- data.frame(age = gbsg$age, meno = factor(gbsg$meno), size = gbsg$size, grade = factor(gbsg$grade, ordered = TRUE),
                nodes = gbsg$nodes, pgr = gbsg$pgr, er = gbsg$er)
d <- daisy(x, metric = "gower")
m <- as.matrix(d)
check("Gower dissimilarities", "patients 1 and 2", "dissimilarity", m[1, 2])
check("Gower dissimilarities", "patients 1 and 3", "dissimilarity", m[1, 3])
check("Gower dissimilarities", "patients 2 and 3", "dissimilarity", m[2, 3])

fits <- list()
for (k in 2:6) {
  fits[[k]] <- pam(d, k, diss = TRUE, pamonce = 6)
  row <- as.character(k)
  check("k-medoids on Gower dissimilarities", row, "average dissimilarity to medoid", fits[[k]]$objective[["swap"]])
  check("k-medoids on Gower dissimilarities", row, "average silhouette", summary(silhouette(fits[[k]]))$avg.width)
}

fit <- fits[[2]]
for (c in 1:2) {
  med <- fit$id.med[c]
  row <- paste("pid", gbsg$pid[med])
  check("The medoids for k = 2", row, "patients", sum(fit$clustering == c))
  for (f in c("age", "meno", "size", "grade", "nodes", "pgr", "er")) check("The medoids for k = 2", row, f, gbsg[[f]][med])
  check("Subgroups (k = 2) by menopausal status", row, "premenopausal", sum(fit$clustering == c & gbsg$meno == 0))
  check("Subgroups (k = 2) by menopausal status", row, "postmenopausal", sum(fit$clustering == c & gbsg$meno == 1))
}

# clusGap's W_k (d.power = 1): half the sum over clusters of (sum of within-cluster pairwise d) / cluster size.
log_w <- function(clustering) log(0.5 * sum(sapply(split(seq_along(clustering), clustering),
                                                   function(i) sum(m[i, i]) / 2 / length(i))))
check("Gap statistic (20 uniform reference sets)", "1", "log W_k", log_w(rep(1, nrow(gbsg))))
for (k in 2:6) check("Gap statistic (20 uniform reference sets)", as.character(k), "log W_k", log_w(fits[[k]]$clustering))

write_checks("03-finding-subgroups")
