# Speed reference: Gower (daisy) + k-medoids (pam with FasterPAM, pamonce = 6) k = 5 + silhouette on 10,000
# mixed-type patients, resampled from the bundled Rotterdam cohort (seeded, numeric columns jittered so that
# rows are distinct). Writes the data to the CSV named on the command line for the C# harness:
#   Rscript tests/benchmarks/cluster_gower_pam.R /tmp/cluster_bench_10k.csv
#   dotnet tests/benchmarks/cluster_bench/bin/Release/net10.0/ClusterBench.dll pam /tmp/cluster_bench_10k.csv
suppressPackageStartupMessages(library(cluster))
args <- commandArgs(trailingOnly = TRUE)
path <- if (length(args)) args[1] else "/tmp/cluster_bench_10k.csv"
set.seed(20240601)
r <- read.csv("datasets/rotterdam.csv", stringsAsFactors = FALSE)
idx <- sample(nrow(r), 10000, replace = TRUE)
b <- r[idx, c("age", "meno", "size", "grade", "nodes", "pgr", "er", "hormon", "chemo")]
b$age <- round(b$age + runif(10000, -2, 2), 2)
b$pgr <- round(pmax(0, b$pgr + runif(10000, -5, 5)), 2)
b$er <- round(pmax(0, b$er + runif(10000, -5, 5)), 2)
write.csv(b, path, row.names = FALSE)
x <- data.frame(age = b$age, meno = factor(b$meno), size = factor(b$size, levels = c("<=20", "20-50", ">50"), ordered = TRUE),
                grade = factor(b$grade, ordered = TRUE), nodes = b$nodes, pgr = b$pgr, er = b$er,
                hormon = factor(b$hormon), chemo = factor(b$chemo))
t1 <- system.time(d <- daisy(x, metric = "gower"))[["elapsed"]]
t2 <- system.time(p <- pam(d, 5, diss = TRUE, pamonce = 6))[["elapsed"]]
t3 <- system.time(s <- silhouette(p$clustering, d))[["elapsed"]]
cat(sprintf("R %s, cluster %s\n", R.version$version.string, packageVersion("cluster")))
cat(sprintf("R: daisy %.2f s, pam(pamonce = 6) k=5 %.2f s (objective swap %.10f), silhouette %.2f s (average %.10f); total %.2f s\n",
            t1, t2, p$objective[2], t3, mean(s[, "sil_width"]), t1 + t2 + t3))
cat("  medoids", sort(p$id.med), "\n")
