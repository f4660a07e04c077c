# Reference values for Stratify's Kaplan–Meier, Nelson–Aalen and log-rank code, computed by R's survival
# package (3.5) on the same CSV files the C# tests read.
# Run from the repository root:  Rscript tests/reference/km_logrank_reference.R
# Writes tests/reference/data/*.csv (synthetic edge cases; rewritten identically each run, fixed seed) and
# tests/reference/km_logrank_reference.json.
suppressMessages({ library(survival); library(jsonlite) })
stopifnot(packageVersion("survival") >= "3.5")

# ---- synthetic edge cases -------------------------------------------------------------------------------------
set.seed(20240611)
dir.create("tests/reference/data", showWarnings = FALSE)
n <- 300
ties <- data.frame(time = sample(1:5, n, replace = TRUE),          # heavy ties: 5 distinct times
                   status = rbinom(n, 1, 0.6),
                   arm = sample(c("A", "B", "C"), n, replace = TRUE),
                   site = sample(1:2, n, replace = TRUE))
write.csv(ties, "tests/reference/data/ties.csv", row.names = FALSE)

# group C never has an event; group D is censored before the first event (E = 0 in survdiff, dropped from df)
noevents <- data.frame(time = c(2, 3, 3, 5, 8, 9, 11, 4, 6, 6, 10, 12, 1, 7, 9, 13, 0.5, 0.5),
                       status = c(1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0),
                       arm = c(rep("A", 7), rep("B", 5), rep("C", 4), rep("D", 2)))
write.csv(noevents, "tests/reference/data/noevents.csv", row.names = FALSE)

single <- data.frame(time = c(5, 8, 12, 3, 9, 15, 20, 7),
                     status = c(0, 1, 0, 0, 0, 0, 0, 0),
                     arm = c("A", "A", "A", "A", "B", "B", "B", "B"))
write.csv(single, "tests/reference/data/single_event.csv", row.names = FALSE)

# stratum "z" holds one patient
onestratum <- data.frame(time = c(3, 5, 7, 2, 9, 11, 4, 6, 8, 10, 12, 14, 6),
                         status = c(1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 1),
                         arm = c("A", "B", "A", "B", "A", "B", "A", "B", "A", "B", "A", "B", "A"),
                         centre = c(rep("x", 6), rep("y", 6), "z"))
write.csv(onestratum, "tests/reference/data/one_patient_stratum.csv", row.names = FALSE)

# curves that sit exactly at S = 0.5 on a flat segment (half-way rule), end exactly at 0.5 (quantile.survfit's
# last-point rule) and fall to 0 (NA limits)
flat <- data.frame(time = c(1, 2, 3, 4, 5, 6,   1, 2, 3, 4,   2, 3, 3, 5, 7, 8),
                   status = c(1, 1, 1, 0, 1, 1,   1, 1, 0, 0,   1, 1, 0, 1, 1, 1),
                   arm = c(rep("flat", 6), rep("ends_half", 4), rep("to_zero", 6)))
write.csv(flat, "tests/reference/data/median_flat.csv", row.names = FALSE)

# times equal only up to floating-point error (0.1 + 0.2 vs 0.3, 1 + 1e-12 vs 1, 2 (1 + 2e-9) vs 2) that R's
# timefix merges, and a close pair that it keeps apart (5 vs 5 + 1e-7); written with 17 digits so they survive
nearties <- data.frame(time = rep(c(0.1 + 0.2, 0.3, 1 + 1e-12, 1, 2, 2 * (1 + 2e-9), 5, 5 + 1e-7, 7, 8), 3),
                       status = rep(c(1, 1, 0, 1, 1, 0, 1, 1, 1, 0), 3),
                       arm = rep(c("A", "B"), 15))
writeLines(c('"time","status","arm"',
             sprintf('%.17g,%d,"%s"', nearties$time, nearties$status, nearties$arm)), "tests/reference/data/near_ties.csv")

# events and censorings at time 0 (the curve drops at 0; summary(times = 0) reports the drop)
zerotime <- data.frame(time = c(0, 0, 1, 2, 3, 3, 4, 0, 1, 1, 5, 6),
                       status = c(1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 1),
                       arm = c(rep("A", 7), rep("B", 5)))
write.csv(zerotime, "tests/reference/data/zero_time.csv", row.names = FALSE)

# ---- helpers ------------------------------------------------------------------------------------------------
read_case <- function(file) {
  d <- read.csv(file, stringsAsFactors = FALSE)
  d
}
as_group <- function(x) {
  # level order as Stratify's LevelOrder: numbers by value, text in C-locale order
  if (is.numeric(x)) factor(x, levels = sort(unique(x[!is.na(x)])))
  else factor(x, levels = sort(unique(x[!is.na(x)]), method = "radix"))
}
probs <- c(0.1, 0.25, 0.5, 0.75, 0.9)

km_case <- function(name, file, time, status, group = NULL, conf_type = "log", conf_level = 0.95,
                    times = numeric(0), tau = NULL) {
  d <- read_case(file)
  keep <- !is.na(d[[time]]) & !is.na(d[[status]])
  if (!is.null(group)) keep <- keep & !is.na(d[[group]])
  d <- d[keep, ]
  g <- if (is.null(group)) factor(rep("all", nrow(d))) else as_group(d[[group]])
  # survfit(Surv(time, status) ~ group) applies timefix (aeqSurv) to all patients before splitting by group;
  # fitting each group on the already fixed times gives the same curves as that call
  y <- aeqSurv(Surv(d[[time]], d[[status]]))
  curves <- lapply(levels(g), function(lev) {
    fit <- survfit(y[g == lev] ~ 1, conf.type = conf_type, conf.int = conf_level)
    sm <- summary(fit, censored = TRUE)
    tab <- survival:::survmean(fit, rmean = if (is.null(tau)) "none" else tau)$matrix
    q <- quantile(fit, probs)
    tt <- times[times <= max(fit$time)]
    at <- if (length(tt)) summary(fit, times = tt) else NULL
    list(group = lev, n = fit$n, events = sum(fit$n.event),
         time = fit$time, n_risk = fit$n.risk, n_event = fit$n.event, n_censor = fit$n.censor,
         surv = fit$surv, se = fit$std.err * fit$surv, lower = fit$lower, upper = fit$upper,
         cumhaz = fit$cumhaz, std_chaz = fit$std.chaz,
         median = unname(tab["median"]), median_lower = unname(tab[paste0(conf_level, "LCL")]),
         median_upper = unname(tab[paste0(conf_level, "UCL")]),
         rmst = if (is.null(tau)) NA else unname(tab["rmean"]),
         rmst_se = if (is.null(tau)) NA else unname(tab["se(rmean)"]),
         quantiles = list(p = probs, time = unname(q$quantile), lower = unname(q$lower), upper = unname(q$upper)),
         at = list(time = if (is.null(at)) numeric(0) else at$time,
                   surv = if (is.null(at)) numeric(0) else at$surv,
                   se = if (is.null(at)) numeric(0) else at$std.err,
                   lower = if (is.null(at)) numeric(0) else at$lower,
                   upper = if (is.null(at)) numeric(0) else at$upper,
                   n_risk = if (is.null(at)) numeric(0) else at$n.risk))
  })
  list(name = name, file = file, time = time, status = status, group = group, conf_type = conf_type,
       conf_level = conf_level, times = times, tau = if (is.null(tau)) NA else tau, curves = curves)
}

survdiff_parts <- function(d, time, status, g, strata, rho) {
  f <- if (is.null(strata)) survdiff(Surv(d[[time]], d[[status]]) ~ g, rho = rho)
       else { st <- d[[strata]]; survdiff(Surv(d[[time]], d[[status]]) ~ g + strata(st), rho = rho) }
  o <- if (is.matrix(f$obs)) rowSums(f$obs) else f$obs
  e <- if (is.matrix(f$exp)) rowSums(f$exp) else f$exp
  df <- sum(e > 0) - 1
  # With 0 df (a single group expects events) there is nothing to test: R's pchisq(0, 0, lower.tail = FALSE) gives 1,
  # Stratify reports NA (see TailProbability.ChiSquarePValue); p.adjust then leaves the comparison out, as any NA.
  list(fit = f, o = o, e = e, df = df, p = if (df > 0) pchisq(f$chisq, df, lower.tail = FALSE) else NA_real_)
}

logrank_case <- function(name, file, time, status, group, strata = NULL, rho = 0) {
  d <- read_case(file)
  keep <- !is.na(d[[time]]) & !is.na(d[[status]]) & !is.na(d[[group]])
  if (!is.null(strata)) keep <- keep & !is.na(d[[strata]])
  d <- d[keep, ]
  g <- droplevels(as_group(d[[group]]))
  r <- survdiff_parts(d, time, status, g, strata, rho)
  # test for trend, by hand from survdiff's O, E and V with scores 1..k (Collett 2003, section 2.6.4)
  w <- seq_along(levels(g))
  trend <- sum(w * (r$o - r$e))^2 / drop(t(w) %*% r$fit$var %*% w)
  # pairwise: survdiff on the two groups' patients (as survminer::pairwise_survdiff), then p.adjust
  pairs <- list(); praw <- c()
  levs <- levels(g)
  for (a in 1:(length(levs) - 1)) for (b in (a + 1):length(levs)) {
    sub <- d[g %in% levs[c(a, b)], ]
    gs <- droplevels(g[g %in% levs[c(a, b)]])
    rp <- survdiff_parts(sub, time, status, gs, strata, rho)
    pairs[[length(pairs) + 1]] <- list(group_a = levs[a], group_b = levs[b], statistic = rp$fit$chisq, p = rp$p)
    praw <- c(praw, rp$p)
  }
  holm <- p.adjust(praw, "holm"); bh <- p.adjust(praw, "BH")
  for (i in seq_along(pairs)) { pairs[[i]]$p_holm <- holm[i]; pairs[[i]]$p_bh <- bh[i] }
  list(name = name, file = file, time = time, status = status, group = group, strata = strata, rho = rho,
       statistic = r$fit$chisq, df = r$df, p = r$p,
       groups = lapply(seq_along(levs), function(i)
         list(group = levs[i], n = as.integer(r$fit$n[i]), observed = unname(r$o[i]), expected = unname(r$e[i]))),
       variance = unname(r$fit$var),
       trend = list(statistic = trend, p = pchisq(trend, 1, lower.tail = FALSE)),
       pairwise = pairs)
}

L <- "datasets/lung.csv"; V <- "datasets/veteran.csv"; G <- "datasets/gbsg.csv"; R <- "datasets/rotterdam.csv"
D <- function(f) file.path("tests/reference/data", f)
lungTimes <- c(0, 90, 180, 365, 500, 730, 1000, 2000)

km <- list(
  km_case("lung_all", L, "time", "status", NULL, times = lungTimes, tau = 730),
  km_case("lung_sex", L, "time", "status", "sex", times = lungTimes, tau = 730),
  km_case("lung_sex_loglog", L, "time", "status", "sex", conf_type = "log-log", times = lungTimes, tau = 365),
  km_case("lung_sex_plain90", L, "time", "status", "sex", conf_type = "plain", conf_level = 0.9, times = lungTimes),
  km_case("lung_ecog", L, "time", "status", "ph.ecog", times = lungTimes, tau = 1000),
  km_case("veteran_trt", V, "time", "status", "trt", times = c(30, 100, 365, 999), tau = 365),
  km_case("veteran_celltype", V, "time", "status", "celltype", times = c(30, 100, 365), tau = 200),
  km_case("veteran_celltype_loglog", V, "time", "status", "celltype", conf_type = "log-log", times = c(30, 100)),
  km_case("gbsg_hormon", G, "rfstime", "status", "hormon", times = c(365, 1825), tau = 1825),
  km_case("gbsg_grade", G, "rfstime", "status", "grade", times = c(365, 1825), tau = 2000),
  km_case("rotterdam_chemo", R, "rtime", "recur", "chemo", times = c(1825, 3650), tau = 3650),
  km_case("rotterdam_size", R, "rtime", "recur", "size", times = c(1825, 3650), tau = 3650),
  km_case("ties_arm", D("ties.csv"), "time", "status", "arm", times = c(0, 1, 2.5, 5), tau = 4),
  km_case("ties_arm_plain", D("ties.csv"), "time", "status", "arm", conf_type = "plain", times = c(3)),
  km_case("ties_arm_loglog", D("ties.csv"), "time", "status", "arm", conf_type = "log-log", times = c(3)),
  km_case("noevents_arm", D("noevents.csv"), "time", "status", "arm", times = c(1, 6), tau = 10),
  km_case("noevents_arm_loglog", D("noevents.csv"), "time", "status", "arm", conf_type = "log-log", times = c(1, 6)),
  km_case("near_ties_arm", D("near_ties.csv"), "time", "status", "arm", times = c(0.3, 1, 2.5), tau = 6),
  km_case("zero_time_arm", D("zero_time.csv"), "time", "status", "arm", times = c(0, 0.5, 2), tau = 3.5),
  km_case("single_event_arm", D("single_event.csv"), "time", "status", "arm", times = c(10), tau = 12),
  km_case("median_flat_arm", D("median_flat.csv"), "time", "status", "arm", times = c(2, 3.5, 8), tau = 6),
  km_case("median_flat_arm_loglog", D("median_flat.csv"), "time", "status", "arm", conf_type = "log-log"),
  km_case("median_flat_arm_plain", D("median_flat.csv"), "time", "status", "arm", conf_type = "plain")
)

logrank <- list(
  logrank_case("lung_sex", L, "time", "status", "sex"),
  logrank_case("lung_ecog", L, "time", "status", "ph.ecog"),
  logrank_case("lung_ecog_rho1", L, "time", "status", "ph.ecog", rho = 1),
  logrank_case("lung_sex_strata_ecog", L, "time", "status", "sex", strata = "ph.ecog"),
  logrank_case("veteran_trt", V, "time", "status", "trt"),
  logrank_case("veteran_celltype", V, "time", "status", "celltype"),
  logrank_case("veteran_celltype_rho1", V, "time", "status", "celltype", rho = 1),
  logrank_case("veteran_celltype_strata_trt", V, "time", "status", "celltype", strata = "trt"),
  logrank_case("gbsg_hormon", G, "rfstime", "status", "hormon"),
  logrank_case("gbsg_grade", G, "rfstime", "status", "grade"),
  logrank_case("gbsg_hormon_strata_grade_rho05", G, "rfstime", "status", "hormon", strata = "grade", rho = 0.5),
  logrank_case("rotterdam_chemo", R, "rtime", "recur", "chemo"),
  logrank_case("rotterdam_size", R, "rtime", "recur", "size"),
  logrank_case("rotterdam_chemo_strata_size", R, "rtime", "recur", "chemo", strata = "size"),
  logrank_case("ties_arm", D("ties.csv"), "time", "status", "arm"),
  logrank_case("ties_arm_strata_site", D("ties.csv"), "time", "status", "arm", strata = "site"),
  logrank_case("ties_arm_rho1", D("ties.csv"), "time", "status", "arm", rho = 1),
  logrank_case("noevents_arm", D("noevents.csv"), "time", "status", "arm"),
  logrank_case("near_ties_arm", D("near_ties.csv"), "time", "status", "arm"),
  logrank_case("near_ties_arm_rho1", D("near_ties.csv"), "time", "status", "arm", rho = 1),
  logrank_case("zero_time_arm", D("zero_time.csv"), "time", "status", "arm"),
  logrank_case("single_event_arm", D("single_event.csv"), "time", "status", "arm"),
  logrank_case("one_patient_stratum", D("one_patient_stratum.csv"), "time", "status", "arm", strata = "centre")
)

# ---- survival tree root split by brute force -----------------------------------------------------------------
# Every candidate split of every feature on the complete cases, scored by survdiff's chi-square: numeric
# x <= v for each distinct value v but the largest; categorical: prefixes of the levels ordered by event rate
# (order() is stable: ties keep level order). Candidates leaving fewer than min_node patients on a side are skipped.
tree_case <- function(name, file, time, status, features, min_node) {
  d <- read_case(file)
  d <- d[complete.cases(d[, c(time, status, features)]), ]
  ev <- if (all(d[[status]] %in% c(0, 1))) d[[status]] else d[[status]] - 1
  y <- Surv(d[[time]], ev)
  best <- list(statistic = -Inf); candidates <- 0; per_feature <- list()
  for (f in features) {
    x <- d[[f]]
    if (is.numeric(x)) {
      v <- sort(unique(x)); splits <- lapply(v[-length(v)], function(t) list(left = x <= t, threshold = t, levels = NULL))
    } else {
      levs <- sort(unique(x), method = "radix")
      rate <- sapply(levs, function(l) sum(ev[x == l]) / sum(x == l))
      ordered <- levs[order(rate)]
      splits <- lapply(seq_len(length(ordered) - 1), function(i)
        list(left = x %in% ordered[1:i], threshold = NA, levels = I(sort(ordered[1:i], method = "radix"))))
    }
    fbest <- list(statistic = -Inf)
    for (s in splits) {
      if (sum(s$left) < min_node || sum(!s$left) < min_node) next
      candidates <- candidates + 1
      chisq <- survdiff(y ~ s$left)$chisq
      if (chisq > fbest$statistic) {
        medians <- summary(survfit(y ~ s$left))$table[, "median"]   # strata FALSE (right), TRUE (left)
        fbest <- list(feature = f, threshold = s$threshold, left_levels = s$levels, statistic = chisq,
                      left_median = unname(medians[2]), right_median = unname(medians[1]))
      }
    }
    per_feature[[length(per_feature) + 1]] <- fbest
    if (fbest$statistic > best$statistic) best <- fbest
  }
  best$p <- pchisq(best$statistic, 1, lower.tail = FALSE)
  best$candidates <- candidates
  best$adjusted_p <- min(1, best$p * candidates)
  list(name = name, file = file, time = time, status = status, features = features, min_node_size = min_node,
       n = nrow(d), events = sum(ev), best = best, per_feature = per_feature)
}

tree <- list(
  tree_case("veteran", V, "time", "status", c("karno", "age", "diagtime", "trt", "prior", "celltype"), 15),
  tree_case("veteran_celltype", V, "time", "status", c("celltype", "trt"), 15),
  tree_case("lung", L, "time", "status", c("age", "sex", "ph.ecog", "ph.karno", "wt.loss"), 20),
  tree_case("gbsg", G, "rfstime", "status", c("age", "size", "grade", "nodes", "pgr", "er", "hormon"), 30)
)

out <- list(generated_by = "tests/reference/km_logrank_reference.R",
            r_version = R.version.string, survival_version = as.character(packageVersion("survival")),
            km = km, logrank = logrank, tree = tree)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, na = "null", null = "null", pretty = TRUE),
           "tests/reference/km_logrank_reference.json")
cat("wrote tests/reference/km_logrank_reference.json\n")
