# Reference values for Stratify's tail probabilities and normal quantiles (src/Stratify/Statistics/TailProbability.cs;
# tests/Stratify.Tests/Statistics/TailProbabilityReferenceTests.cs).
# Run from the repository root:  Rscript tests/reference/distributions_reference.R
# Writes tests/reference/distributions_reference.json (every double with the digits that read back exactly). R 4.2's pchisq, pnorm, qnorm, pt and
# pf are accurate to a few ulps far into the tails (Wichura's AS 241 for qnorm, Cody's erfc for pnorm, Loader's
# saddle-point dpois_raw and pgamma's series/continued fraction for pchisq), so they are the oracle here.
suppressPackageStartupMessages(library(jsonlite))
source("tests/reference/exact_numbers.R")

chisq_df <- c(0.5, 1, 1.5, 2, 3, 4, 5, 7, 10, 20, 35, 50, 100, 250)
chisq_x <- c(1e-12, 1e-6, 1e-3, 0.05, 0.5, 1, 2, 3.841458820694124, 5, 10, 20, 35, 50, 80, 100, 150, 200, 300, 500,
             700, 900, 1200, 1400)
chisq <- expand.grid(x = chisq_x, df = chisq_df)
chisq$upper <- pchisq(chisq$x, chisq$df, lower.tail = FALSE)
chisq <- chisq[chisq$upper > 0, ]   # R underflows to 0 below 4.9e-324; Stratify must then give 0 too (checked separately)

# The point mass at 0: chi-square with 0 degrees of freedom. R 4.2: pchisq(x, 0, lower.tail = FALSE) is 0 for x > 0
# and 1 at x = 0 (pgamma with shape 0 returns P(X < x), not P(X <= x), at x = 0).
chisq_zero <- data.frame(x = c(0, 1e-300, 1, 100))
chisq_zero$upper <- pchisq(chisq_zero$x, 0, lower.tail = FALSE)

# R returns 0 below z = -37.519 (the true value is subnormal); the grid stops at -37.5, p = 4.6e-308.
z <- c(-37.5, -35, -30, -25, -20, -15, -10, -8, -6, -5, -4, -3, -2.5, -1.959963984540054, -1.5, -1, -0.5,
       -1e-8, 0, 1e-8, 0.5, 1, 1.644853626951472, 2, 3, 5, 8, 10)
normal <- data.frame(z = z, lower = pnorm(z), two_sided = 2 * pnorm(-abs(z)))

p <- c(1e-300, 1e-100, 1e-50, 1e-20, 1e-10, 1e-5, 1e-3, 0.01, 0.025, 0.05, 0.1, 0.2, 0.25, 0.4, 0.5, 0.6, 0.75, 0.8,
       0.9, 0.95, 0.975, 0.99, 0.995, 0.999, 1 - 1e-5, 1 - 1e-10, 1 - 1e-15)
quantile <- data.frame(p = p, q = qnorm(p))

level <- c(0.5, 0.8, 0.9, 0.95, 0.99, 0.999)
critical <- data.frame(level = level, z = qnorm(1 - (1 - level) / 2))

t_df <- c(1, 2, 3.5, 5, 10, 27.3, 100, 1000)
t_t <- c(0, 0.1, 0.5, 1, 2, 2.5, 5, 10, 30, 100, 1000)
student <- expand.grid(t = t_t, df = t_df)
student$two_sided <- 2 * pt(-abs(student$t), student$df)

f_grid <- expand.grid(f = c(0.01, 0.5, 1, 2, 4, 10, 50, 200, 1000), d1 = c(1, 2, 5, 10), d2 = c(3, 10, 50, 500))
f_grid$upper <- pf(f_grid$f, f_grid$d1, f_grid$d2, lower.tail = FALSE)

out <- list(r_version = R.version.string, chisq_upper = chisq, chisq_zero_df = chisq_zero, normal = normal,
            normal_quantile = quantile, critical_value = critical, student_t = student, fisher_f = f_grid)
cols <- function(df) lapply(as.list(df), I)   # every column an array, even of length 1
out <- lapply(out, function(v) if (is.data.frame(v)) cols(v) else v)
write(toJSON(exact(out), auto_unbox = TRUE, pretty = TRUE, json_verbatim = TRUE), "tests/reference/distributions_reference.json")
