# Reference values for Stratify's Table 1 (src/Stratify/Description) and its statistical kernels
# (src/Stratify/Statistics), computed by R on the bundled CSV files.
# Run from the repository root:  Rscript tests/reference/table1_reference.R
# Writes tests/reference/table1_reference.json, read by tests/Stratify.Tests/Description.
#
# Conventions mirrored from the C# code (and documented there):
# - Groups are the sorted distinct values of the grouping column; group 0 is the first, group 1 the second.
# - Numeric summaries: mean(), sd(), quantile(type = 7) of the non-missing values.
# - Numeric p-values: two groups t.test(var.equal = FALSE) (Welch); more groups anova(lm(y ~ g));
#   both: kruskal.test as the nonparametric alternative.
# - Categorical: table of levels x groups with all-zero rows and columns dropped; Fisher's exact test
#   (fisher.test) when that table is 2 x 2 and some expected count < 5, otherwise chisq.test(correct = FALSE).
# - SMD (exactly two groups), group 1 minus group 0:
#     numeric (m1 - m0) / sqrt((s1^2 + s0^2) / 2);
#     two levels (p1 - p0) / sqrt((p1 (1 - p1) + p0 (1 - p0)) / 2), p = proportion in the second level;
#     more levels sqrt(t(d) %*% MASS::ginv(S) %*% d) (Yang & Dalton 2012), d and S over levels 2..K.
suppressMessages({ library(jsonlite); library(MASS) })

read_data <- function(file) read.csv(file.path("datasets", file), stringsAsFactors = FALSE)

numeric_summary <- function(x) {
  x <- x[!is.na(x)]
  q <- if (length(x) > 0) quantile(x, c(0.25, 0.5, 0.75), type = 7, names = FALSE) else c(NA, NA, NA)
  list(n = length(x), mean = if (length(x) > 0) mean(x) else NA, sd = if (length(x) > 1) sd(x) else NA,
       median = q[2], q1 = q[1], q3 = q[3])
}

try_na <- function(expr) tryCatch(expr, error = function(e) NA)

numeric_variable <- function(x, g, groups) {
  keep <- !is.na(x)
  by_group <- lapply(groups, function(level) {
    s <- numeric_summary(x[which(g == level)])
    s$missing <- sum(is.na(x[which(g == level)]))
    s
  })
  overall <- numeric_summary(x)
  overall$missing <- sum(is.na(x))
  keep <- keep & !is.na(g)  # patients without a group count in the overall column only
  xs <- x[keep]; gs <- factor(g[keep])
  result <- list(kind = "numeric", overall = overall, by_group = by_group)
  if (length(groups) == 2) {
    # x = group 0, y = group 1, as the C# code calls WelchTTest.Compute(group0, group1).
    t <- try_na(t.test(x[which(g == groups[1])], x[which(g == groups[2])], var.equal = FALSE))
    result$primary <- list(test = "welch_t", statistic = unname(t$statistic), df = unname(t$parameter), p = t$p.value)
    a <- x[which(g == groups[2] & keep)]; b <- x[which(g == groups[1] & keep)]
    result$smd <- (mean(a) - mean(b)) / sqrt((var(a) + var(b)) / 2)
    w <- wilcox.test(x[which(g == groups[1])], x[which(g == groups[2])])
    result$wilcoxon <- list(statistic = unname(w$statistic), p = w$p.value)
  } else {
    a <- anova(lm(xs ~ gs))
    result$primary <- list(test = "anova_f", statistic = a[1, "F value"], df = a[1, "Df"], df2 = a[2, "Df"], p = a[1, "Pr(>F)"])
    result$smd <- NA
  }
  k <- kruskal.test(xs, gs)
  result$alternative <- list(test = "kruskal_wallis", statistic = unname(k$statistic), df = unname(k$parameter), p = k$p.value)
  result
}

smd_categorical <- function(c1, c0) {
  present <- (c1 + c0) > 0
  c1 <- c1[present]; c0 <- c0[present]
  p1 <- c1 / sum(c1); p0 <- c0 / sum(c0)
  if (length(p1) < 2) return(0)
  if (length(p1) == 2) {
    return((p1[2] - p0[2]) / sqrt((p1[2] * (1 - p1[2]) + p0[2] * (1 - p0[2])) / 2))
  }
  p1 <- p1[-1]; p0 <- p0[-1]
  s <- (diag(p1) - outer(p1, p1) + diag(p0) - outer(p0, p0)) / 2
  d <- p1 - p0
  sqrt(drop(t(d) %*% ginv(s) %*% d))
}

categorical_variable <- function(x, g, groups) {
  levels <- sort(unique(x[!is.na(x)]))
  if (is.numeric(levels)) labels <- as.character(levels) else labels <- levels
  f <- factor(x, levels = levels)
  gf <- factor(g, levels = groups)
  tab <- table(f, gf)
  result <- list(kind = "categorical", levels = labels,
                 overall = list(counts = as.vector(table(f)), missing = sum(is.na(x))),
                 by_group = lapply(seq_along(groups), function(j) list(counts = as.vector(tab[, j]), missing = sum(is.na(x[which(g == groups[j])])))))
  tested <- tab[rowSums(tab) > 0, colSums(tab) > 0, drop = FALSE]
  if (nrow(tested) < 2 || ncol(tested) < 2) {
    result$primary <- list(test = NA, p = NA)
  } else {
    chi <- suppressWarnings(chisq.test(tested, correct = FALSE))
    result$chi_square <- list(statistic = unname(chi$statistic), df = unname(chi$parameter), p = chi$p.value,
                              min_expected = min(chi$expected))
    if (all(dim(tested) == 2) && any(chi$expected < 5)) {
      result$primary <- list(test = "fisher_exact", p = fisher.test(tested)$p.value)
    } else {
      result$primary <- list(test = "chi_square", p = chi$p.value)
    }
  }
  result$smd <- if (length(groups) == 2) smd_categorical(tab[, 2], tab[, 1]) else NA
  result
}

table1 <- function(name, file, group, numeric_vars, categorical_vars) {
  d <- read_data(file)
  g <- d[[group]]
  groups <- sort(unique(g[!is.na(g)]))
  variables <- list()
  for (v in c(numeric_vars, categorical_vars)) {
    variables[[v]] <- if (v %in% numeric_vars) numeric_variable(d[[v]], g, groups) else categorical_variable(d[[v]], g, groups)
    variables[[v]]$variable <- v
  }
  list(name = name, dataset = file, group_column = group, n = nrow(d), group_missing = sum(is.na(g)),
       groups = lapply(groups, function(level) list(group = as.character(level), n = sum(g == level, na.rm = TRUE))),
       numeric = I(numeric_vars), categorical = I(categorical_vars),
       variables = unname(variables))
}

tables <- list(
  table1("lung_by_sex", "lung.csv", "sex", c("age", "wt.loss", "meal.cal", "ph.karno"), c("ph.ecog")),
  table1("gbsg_by_hormon", "gbsg.csv", "hormon", c("age", "size", "nodes", "pgr", "er"), c("grade", "meno")),
  table1("veteran_by_celltype", "veteran.csv", "celltype", c("karno", "age", "diagtime"), c("prior", "trt")),
  table1("rotterdam_by_chemo", "rotterdam.csv", "chemo", c("nodes", "age"), c("size", "grade")),
  # Grouping by a numeric score with one missing value and a one-patient group (ECOG 3).
  table1("lung_by_ecog", "lung.csv", "ph.ecog", c("age", "wt.loss"), c("sex"))
)

# A constructed 2 x 2 with small expected counts: 12 patients in arm A (2 responders), 6 in arm B (5 responders);
# smallest expected count 7 * 6 / 18 = 2.33 < 5, so Table 1 uses Fisher's exact test.
small <- data.frame(arm = c(rep("A", 12), rep("B", 6)),
                    response = c(rep("yes", 2), rep("no", 10), rep("yes", 5), rep("no", 1)))
small_table <- table(factor(small$response, levels = c("no", "yes")), small$arm)
small_chi <- suppressWarnings(chisq.test(small_table, correct = FALSE))
fisher_small <- list(arm = small$arm, response = small$response,
                     table = as.vector(t(small_table)),  # row-major: (no,A) (no,B) (yes,A) (yes,B)
                     p = fisher.test(small_table)$p.value, chi_square_p = small_chi$p.value,
                     min_expected = min(small_chi$expected),
                     smd = smd_categorical(small_table[, 2], small_table[, 1]))

# Kernel checks on fixed inputs.
fisher_cases <- lapply(list(c(3, 1, 1, 3), c(10, 0, 0, 10), c(1, 9, 11, 3), c(0, 5, 5, 0), c(7, 2, 3, 8), c(20, 15, 5, 30)),
  function(t) list(table = t, p = fisher.test(matrix(t, 2, byrow = TRUE))$p.value))
wx <- c(1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30)
wy <- c(0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29)
wilcoxon_exact <- wilcox.test(wx, c(0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 3.14))
vet <- read_data("veteran.csv")
wilcoxon_ties <- wilcox.test(vet$karno[vet$trt == 1], vet$karno[vet$trt == 2])
wilcoxon_cases <- list(
  list(x = wx, y = c(0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 3.14), statistic = unname(wilcoxon_exact$statistic), p = wilcoxon_exact$p.value, exact = TRUE),
  list(dataset = "veteran.csv", variable = "karno", group = "trt", x_level = 1, y_level = 2,
       statistic = unname(wilcoxon_ties$statistic), p = wilcoxon_ties$p.value, exact = FALSE))
tails <- list(
  t = lapply(list(c(2.1, 7.3), c(-40, 5), c(12, 300.5), c(0.3, 1)), function(a) list(x = a[1], df = a[2], p = 2 * pt(-abs(a[1]), a[2]))),
  f = lapply(list(c(3.2, 2, 40), c(200, 3, 500), c(0.7, 4, 12.5), c(45, 1, 2980)), function(a) list(x = a[1], df1 = a[2], df2 = a[3], p = pf(a[1], a[2], a[3], lower.tail = FALSE))),
  chi_square = lapply(list(c(3.84, 1), c(900, 2), c(12.3, 7), c(1400, 3)), function(a) list(x = a[1], df = a[2], p = pchisq(a[1], a[2], lower.tail = FALSE))))
quantile_cases <- lapply(list(c(5, 1, 3), c(2, 9, 4, 7), c(1.5), c(3, 3, 3, 8, 1, 10, 2)),
  function(x) list(x = x, probs = c(0, 0.1, 0.25, 0.5, 0.75, 0.9, 1), q = quantile(x, c(0, 0.1, 0.25, 0.5, 0.75, 0.9, 1), type = 7, names = FALSE)))

out <- list(r_version = R.version.string, tables = tables, fisher_small = fisher_small, fisher_cases = fisher_cases,
            wilcoxon_cases = wilcoxon_cases, tails = tails, quantile_cases = quantile_cases)
writeLines(toJSON(out, auto_unbox = TRUE, digits = I(17), na = "null", pretty = TRUE, null = "null"),
           "tests/reference/table1_reference.json")

# Cohort schema summaries (CohortSchemaSummary): per column missing count and percent of rows, distinct
# non-missing values, min/max of numeric columns, the five most frequent levels of text columns (ties in
# level order).
schema <- function(file) {
  d <- read_data(file)
  list(dataset = file, rows = nrow(d), columns = unname(lapply(names(d), function(name) {
    x <- d[[name]]
    present <- x[!is.na(x)]
    column <- list(name = name, missing = sum(is.na(x)), percent_missing = 100 * mean(is.na(x)),
                   distinct = length(unique(present)))
    if (is.numeric(x)) {
      column$min <- min(present); column$max <- max(present)
    } else {
      tab <- table(factor(present, levels = sort(unique(present), method = "radix")))
      tab <- tab[order(-as.vector(tab), seq_along(tab))][seq_len(min(5, length(tab)))]
      column$top_levels <- unname(lapply(names(tab), function(l) list(level = l, count = unname(tab[[l]]))))
    }
    column
  })))
}
out$schemas <- lapply(c("lung.csv", "gbsg.csv", "veteran.csv", "rotterdam.csv"), schema)
writeLines(toJSON(out, auto_unbox = TRUE, digits = I(17), na = "null", pretty = TRUE, null = "null"),
           "tests/reference/table1_reference.json")
