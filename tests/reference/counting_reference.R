# Reference values for counting-process input in Stratify's Kaplan–Meier, log-rank and Cox kernels: delayed entry
# (left truncation, Surv(entry, time, status)) and long-format time-varying covariates (Surv(start, stop, event) with
# several rows per patient) (tests/Stratify.Tests/Survival/Counting*.cs, tests/Stratify.Tests/Cli/CountingCommandTests.cs).
# Run from the repository root:  Rscript tests/reference/counting_reference.R
# Needs R >= 4.2 with survival 3.5 and jsonlite. Writes tests/reference/counting_reference.json and the data sets
# tests/reference/data/counting_*.csv (generated here with a fixed seed, written with 17 significant digits and read
# back, so that the tests fit exactly the doubles R fitted).
#
# What R does with counting-process data, and so what is checked:
# - survfit(Surv(entry, time, status) ~ g): a patient is at risk at t when entry < t <= time; the curve has a point
#   at every distinct (stop) time; n.risk, n.event, n.censor, surv, std.err, limits, cumhaz/std.chaz, median, RMST
#   (print(fit, rmean = tau), the area from 0) and summary(fit, times = ). With id = and start/stop rows, a row
#   that a later row of the same patient continues is not a censoring (survflag's position); the variance is
#   Greenwood unless a weight is fractional (then the infinitesimal jackknife, clustered by id when given).
# - survdiff refuses counting-process data: the log-rank reference is the score test of
#   coxph(Surv(entry, time, status) ~ group [+ strata(s)]) (Efron ties), model-based (fit$score) and robust
#   (fit$rscore; the default with fractional weights or cluster = id).
# - coxph(Surv(start, stop, event) ~ ..., cluster = id): coefficients, model-based and robust SE, tests, concordance
#   (with the cluster), fit$means (agreg.fit: unweighted column means, 0 for 0/1 columns), cox.zph (KM transform
#   from the counting-process Kaplan–Meier) and the baseline survfit of the fit (n.risk counts entry < t <= stop).
suppressPackageStartupMessages({ library(survival); library(jsonlite) })
stopifnot(packageVersion("survival") >= "3.5")

source("tests/reference/reference_common.R")

# ---- data ------------------------------------------------------------------------------------------------------
set.seed(20261207)

# lung with a made-up entry day: 30% enter at day 0, the others at a whole day before their last day, so entries
# tie with one another and with event and censoring days.
lung <- read.csv("datasets/lung.csv")
u <- runif(nrow(lung))
lung_e <- data.frame(inst = lung$inst, entry = ifelse(u < 0.3, 0, floor(lung$time * runif(nrow(lung), 0, 0.6))),
                     time = lung$time, status = lung$status, age = lung$age, sex = lung$sex, ph.ecog = lung$ph.ecog,
                     w_frac = signif(runif(nrow(lung), 0.3, 2.5), 6), w_int = sample(1:3, nrow(lung), replace = TRUE))
stopifnot(all(lung_e$entry < lung_e$time))
lung_e <- write_exact(lung_e, "tests/reference/data/counting_lung.csv")

# Stanford heart transplant (survival::heart): start/stop rows, transplant time-varying, one event per patient at
# most; a fractional weight per patient.
heart_d <- heart
heart_d$transplant <- as.integer(as.character(heart_d$transplant))
pw <- signif(runif(length(unique(heart_d$id)), 0.4, 2.2), 6)
heart_d$w_frac <- pw[match(heart_d$id, sort(unique(heart_d$id)))]
heart_d <- write_exact(heart_d[, c("id", "start", "stop", "event", "age", "year", "surgery", "transplant", "w_frac")],
                       "tests/reference/data/counting_heart.csv")

# pbc with the serial lab values of pbcseq as time-dependent covariates (the survival package's "timedep" vignette):
# death on a patient's last interval, transplant counts as censored.
base <- subset(pbc, id <= 312, select = c(id:sex, edema))
pbc2 <- tmerge(base, base, id = id, death = event(time, status))
pbc2 <- tmerge(pbc2, pbcseq, id = id, bili = tdc(day, bili), albumin = tdc(day, albumin), protime = tdc(day, protime))
pbc_long <- data.frame(id = pbc2$id, tstart = pbc2$tstart, tstop = pbc2$tstop, dead = as.integer(pbc2$death == 2),
                       trt = pbc2$trt, age = pbc2$age, edema = pbc2$edema, log_bili = log(pbc2$bili),
                       log_protime = log(pbc2$protime), albumin = pbc2$albumin)
pbc_long <- write_exact(pbc_long, "tests/reference/data/counting_pbcseq.csv")

# Simulated delayed entry on a coarse day grid: heavy ties among entries, events and censorings, three groups, two
# sites (strata), 40 clinics (clusters), fractional and whole-number weights.
n <- 500
grp <- sample(c("a", "b", "c"), n, replace = TRUE)
x1 <- round(rnorm(n), 3)
x2 <- rbinom(n, 1, 0.4)
rate <- exp(0.4 * x1 - 0.5 * x2 + 0.3 * (grp == "b") - 0.4 * (grp == "c"))
entry <- ifelse(runif(n) < 0.4, 0, sample(0:12, n, replace = TRUE))
sim_e <- data.frame(entry = entry, time = entry + pmax(1, ceiling(rexp(n, rate) * 8)), status = rbinom(n, 1, 0.75),
                    grp = grp, site = sample(1:2, n, replace = TRUE), clinic = sample(1:40, n, replace = TRUE),
                    x1 = x1, x2 = x2, w_frac = signif(rgamma(n, 4, 4), 6), w_int = sample(1:4, n, replace = TRUE))
sim_e$time <- pmin(sim_e$time, 30)
sim_e <- sim_e[sim_e$entry < sim_e$time, ]
sim_e <- write_exact(sim_e, "tests/reference/data/counting_sim_entry.csv")

# Simulated start/stop data: up to three intervals per patient with a covariate that changes between them, the
# event (if any) on the last interval, interval ends built by floating-point sums (0.1 + 0.2 ...) so that some
# ends differ from other patients' ends only in the last bits (R's timefix ties them), a weight per patient.
m <- 250
rows <- list()
for (p in seq_len(m)) {
  k <- sample(1:3, 1)
  cuts <- cumsum(sample(1:9, k, replace = TRUE) * 0.1 + sample(c(0, 0.05), k, replace = TRUE))
  starts <- c(if (runif(1) < 0.3) 0.1 * sample(1:5, 1) else 0, head(cuts, -1))
  stops <- cuts + starts[1]
  starts[-1] <- head(stops, -1)
  z <- round(rnorm(1), 3)
  xs <- round(rnorm(k, 0.3 * seq_len(k)), 3)
  risk <- exp(0.5 * xs[k] + 0.3 * z)
  rows[[p]] <- data.frame(pid = 1000 + p, start = starts, stop = stops, status = c(rep(0, k - 1), rbinom(1, 1, min(0.9, 0.5 * risk))),
                          x = xs, z = z, arm = sample(c("control", "treated"), 1), site = sample(1:2, 1),
                          w = signif(runif(1, 0.5, 2), 6))
}
sim_i <- do.call(rbind, rows)
sim_i <- sim_i[sample(nrow(sim_i)), ] # rows in no particular order
stopifnot(all(sim_i$start < sim_i$stop))
sim_i <- write_exact(sim_i, "tests/reference/data/counting_sim_intervals.csv")

# Hand-made edge cases: a patient entering exactly at an event time (not at risk then), a curve that reaches 0 while
# patients enter later (it stays 0), an event whose risk set is the dying patient alone, ties at entry and at stop.
edge <- data.frame(
  entry  = c(0, 2, 3, 1, 6, 7, 9.5,  0, 0, 4, 4, 2, 1, 3),
  time   = c(2, 5, 4, 3, 9, 10, 11,  4, 4, 6, 6, 4, 6, 7),
  status = c(1, 1, 0, 1, 1, 0, 1,    1, 1, 1, 0, 0, 1, 1),
  g      = c(rep("a", 7), rep("b", 7)),
  x      = c(0.5, -1.2, 0.3, 1.1, -0.4, 0.8, 0.2, 1.5, -0.3, 0.7, -1.1, 0.4, 0.9, -0.6))
edge <- write_exact(edge, "tests/reference/data/counting_edge.csv")


read_data <- function(file) switch(file, counting_lung.csv = lung_e, counting_heart.csv = heart_d,
                                   counting_pbcseq.csv = pbc_long, counting_sim_entry.csv = sim_e,
                                   counting_sim_intervals.csv = sim_i, counting_edge.csv = edge)

# A case's data: rows complete in the used columns, as R's na.omit (and Stratify's binder) keep them.
case_data <- function(file, used) { d <- read_data(file); d[complete.cases(d[, used]), ] }

# ---- Kaplan–Meier --------------------------------------------------------------------------------------------------
km_case <- function(name, file, entry, time, status, event_value, group = NULL, id = NULL, weight = NULL,
                    conf_type = "log", tau = NULL, at = NULL) {
  d <- case_data(file, c(entry, time, status, group, id, weight))
  df <- data.frame(entry = d[[entry]], time = d[[time]], event = as.integer(d[[status]] == event_value),
                   g = if (is.null(group)) "all" else as.character(d[[group]]),
                   id = if (is.null(id)) seq_len(nrow(d)) else d[[id]], w = if (is.null(weight)) 1 else d[[weight]])
  form <- if (is.null(group)) Surv(entry, time, event) ~ 1 else Surv(entry, time, event) ~ g
  fit_with <- function(...) {
    if (is.null(id) && is.null(weight)) survfit(form, data = df, ...)
    else if (is.null(id)) survfit(form, data = df, weights = w, ...)
    else if (is.null(weight)) survfit(form, data = df, id = id, ...)
    else survfit(form, data = df, weights = w, id = id, ...)
  }
  fit <- fit_with(conf.type = conf_type)
  na <- fit_with(ctype = 1)
  # n.censor with id = and a grouping: survfitKM passes the continuation flags of all rows (survflag) to each group's
  # C call indexed by the row's place within the group, so R 3.5's grouped n.censor mixes up rows. The reference is the
  # fit on the group's own rows, where a row's end is a censoring unless the patient's next row in the same group
  # starts there (a patient who moves to another group leaves this curve's risk set).
  group_censor <- function(level, i) {
    if (is.null(id) || is.null(group)) return(fit$n.censor[i])
    sub <- df[df$g == level, ]
    one <- if (is.null(weight)) survfit(Surv(entry, time, event) ~ 1, data = sub, id = id)
           else survfit(Surv(entry, time, event) ~ 1, data = sub, id = id, weights = w)
    one$n.censor
  }
  curves <- survfit_curves(fit, na, df, tau, group_censor)
  out <- list(name = name, file = file, entry = entry, time = time, status = status, event_value = event_value,
              group = group, id = id, weight = weight, conf_type = conf_type, tau = tau, fit_robust = !fit$logse,
              curves = curves)
  if (!is.null(at)) out$at <- survfit_at(fit, at)
  out
}

km <- list(
  km_case("lung_entry_sex", "counting_lung.csv", "entry", "time", "status", 2, "sex", tau = 500, at = c(0, 100, 365, 700)),
  km_case("lung_entry_all_loglog", "counting_lung.csv", "entry", "time", "status", 2, conf_type = "log-log", tau = 800),
  km_case("lung_entry_ecog_plain", "counting_lung.csv", "entry", "time", "status", 2, "ph.ecog", conf_type = "plain"),
  km_case("lung_entry_sex_frac", "counting_lung.csv", "entry", "time", "status", 2, "sex", weight = "w_frac", tau = 500, at = c(100, 365)),
  km_case("lung_entry_sex_int", "counting_lung.csv", "entry", "time", "status", 2, "sex", weight = "w_int", tau = 500),
  km_case("sim_entry_grp", "counting_sim_entry.csv", "entry", "time", "status", 1, "grp", tau = 20, at = c(1, 5, 10, 29)),
  km_case("heart_transplant", "counting_heart.csv", "start", "stop", "event", 1, "transplant", id = "id", tau = 1000, at = c(30, 365)),
  km_case("heart_all_frac", "counting_heart.csv", "start", "stop", "event", 1, id = "id", weight = "w_frac", tau = 1000),
  km_case("pbcseq_all", "counting_pbcseq.csv", "tstart", "tstop", "dead", 1, id = "id", tau = 3650),
  km_case("sim_intervals_arm", "counting_sim_intervals.csv", "start", "stop", "status", 1, "arm", id = "pid", tau = 1.5),
  km_case("edge_g", "counting_edge.csv", "entry", "time", "status", 1, "g", tau = 10, at = c(2, 5, 8, 11))
)
names(km) <- sapply(km, `[[`, "name")

# ---- log-rank as the score test of the Cox model on the group --------------------------------------------------
logrank_case <- function(name, file, entry, time, status, event_value, group, strata = NULL, id = NULL, weight = NULL) {
  d <- case_data(file, c(entry, time, status, group, strata, id, weight))
  df <- data.frame(entry = d[[entry]], time = d[[time]], event = as.integer(d[[status]] == event_value),
                   g = factor(d[[group]]), w = if (is.null(weight)) 1 else d[[weight]])
  rhs <- "g"
  if (!is.null(strata)) { df$s <- d[[strata]]; rhs <- paste(rhs, "+ strata(s)") }
  if (!is.null(id)) { df$id <- d[[id]]; rhs <- paste(rhs, "+ cluster(id)") }
  form <- function(term) as.formula(paste("Surv(entry, time, event) ~", sub("^g", term, rhs)))
  # R's coxph asks for a cluster with robust = TRUE on (start, stop] data; with one row per patient (delayed entry)
  # each row is its own cluster, which is what it uses by default with fractional weights.
  df$rid <- seq_len(nrow(df))
  fit_of <- function(data, term, robust) {
    f <- form(term)
    if (robust && is.null(id)) f <- update(f, . ~ . + cluster(rid))
    if (is.null(weight)) coxph(f, data = data, robust = robust)
    else coxph(f, data = data, weights = w, robust = robust)
  }
  default_robust <- !is.null(id) || (!is.null(weight) && any(df$w != floor(df$w)))
  fit0 <- if (is.null(weight)) coxph(form("g"), data = df, iter.max = 0, init = rep(0, nlevels(df$g) - 1))
          else coxph(form("g"), data = df, weights = w, iter.max = 0, init = rep(0, nlevels(df$g) - 1))
  u <- colSums(as.matrix(residuals(fit0, type = "score", weighted = TRUE)))
  observed <- as.vector(tapply(df$w * df$event, df$g, sum))
  # The model-based fits keep the cluster term (R warns that it ignores it).
  c(list(name = name, file = file, entry = entry, time = time, status = status, event_value = event_value, group = group,
         strata = strata, id = id, weight = weight, default_robust = default_robust),
    group_score_tests(df, function(data, term, robust) suppressWarnings(fit_of(data, term, robust)), observed, u))
}

logrank <- list(
  logrank_case("lung_entry_sex", "counting_lung.csv", "entry", "time", "status", 2, "sex"),
  logrank_case("lung_entry_ecog", "counting_lung.csv", "entry", "time", "status", 2, "ph.ecog"),
  logrank_case("lung_entry_sex_frac", "counting_lung.csv", "entry", "time", "status", 2, "sex", weight = "w_frac"),
  logrank_case("sim_entry_grp_strata", "counting_sim_entry.csv", "entry", "time", "status", 1, "grp", strata = "site"),
  logrank_case("sim_entry_grp_int", "counting_sim_entry.csv", "entry", "time", "status", 1, "grp", weight = "w_int"),
  logrank_case("heart_transplant", "counting_heart.csv", "start", "stop", "event", 1, "transplant", id = "id"),
  logrank_case("sim_intervals_arm_strata", "counting_sim_intervals.csv", "start", "stop", "status", 1, "arm", strata = "site", id = "pid"),
  logrank_case("edge_g", "counting_edge.csv", "entry", "time", "status", 1, "g")
)
names(logrank) <- sapply(logrank, `[[`, "name")

# ---- Cox -------------------------------------------------------------------------------------------------------------
cox_case <- function(name, file, entry, time, status, event_value, covariates, ties = "efron", strata = NULL,
                     cluster = NULL, weight = NULL, robust = NULL) {
  d <- case_data(file, c(entry, time, status, weight, sapply(covariates, `[[`, "name"), strata, cluster))
  df <- data.frame(entry = d[[entry]], time = d[[time]], event = as.integer(d[[status]] == event_value),
                   w = if (is.null(weight)) 1 else as.double(d[[weight]]))   # doubles: cox.zph fails on integer weights
  for (cv in covariates) {
    v <- d[[cv$name]]
    if (cv$kind == "categorical") v <- relevel(factor(as.character(v)), ref = cv$reference)
    df[[make.names(cv$name)]] <- v
  }
  rhs <- paste(make.names(sapply(covariates, `[[`, "name")), collapse = " + ")
  if (!is.null(strata)) { df$strat <- d[[strata]]; rhs <- paste(rhs, "+ strata(strat)") }
  if (!is.null(cluster)) { df$clus <- d[[cluster]]; rhs <- paste(rhs, "+ cluster(clus)") }
  # R's coxph asks for a cluster with robust = TRUE on (start, stop] data; with one row per patient each row is its own.
  else if (isTRUE(robust)) { df$clus <- seq_len(nrow(df)); rhs <- paste(rhs, "+ cluster(clus)") }
  form <- as.formula(paste("Surv(entry, time, event) ~", rhs))
  args <- list(form, data = df, ties = ties)
  if (!is.null(weight)) args$weights <- df$w
  if (!is.null(robust)) args$robust <- robust
  fit <- do.call(coxph, args)
  zph <- cox.zph(fit)
  # Long-format files (several rows per patient) name their patient column: the cluster of these fits.
  id <- if (file %in% c("counting_heart.csv", "counting_pbcseq.csv", "counting_sim_intervals.csv")) cluster else NULL
  c(list(name = name, file = file, entry = entry, time = time, status = status, event_value = event_value, id = id,
         weight = weight, ties = ties, strata = strata, cluster = cluster,
         robust_option = if (is.null(robust)) NULL else robust, covariates = covariates),
    coxph_summary(fit),
    list(zph = if (is.null(zph)) NULL else list(terms = I(rownames(zph$table)), chisq = I(unname(zph$table[, "chisq"])),
                                                df = I(unname(zph$table[, "df"])), p = I(unname(zph$table[, "p"])))))
}

num <- function(name) list(name = name, kind = "numeric")
cat_ <- function(name, reference) list(name = name, kind = "categorical", reference = reference)
lung_cov <- list(num("age"), num("sex"), num("ph.ecog"))
heart_cov <- list(num("age"), num("surgery"), num("transplant"))
pbc_cov <- list(num("age"), num("edema"), num("log_bili"), num("log_protime"), num("albumin"))
sim_cov <- list(num("x1"), num("x2"), cat_("grp", "a"))
int_cov <- list(num("x"), num("z"), cat_("arm", "control"))
cox <- list(
  cox_case("lung_entry_efron", "counting_lung.csv", "entry", "time", "status", 2, lung_cov),
  cox_case("lung_entry_breslow", "counting_lung.csv", "entry", "time", "status", 2, lung_cov, ties = "breslow"),
  cox_case("lung_entry_strata_sex", "counting_lung.csv", "entry", "time", "status", 2, list(num("age"), num("ph.ecog")), strata = "sex"),
  cox_case("lung_entry_robust", "counting_lung.csv", "entry", "time", "status", 2, lung_cov, robust = TRUE),
  cox_case("lung_entry_cluster_inst", "counting_lung.csv", "entry", "time", "status", 2, lung_cov, cluster = "inst"),
  cox_case("lung_entry_frac", "counting_lung.csv", "entry", "time", "status", 2, lung_cov, weight = "w_frac"),
  cox_case("lung_entry_int_breslow", "counting_lung.csv", "entry", "time", "status", 2, lung_cov, ties = "breslow", weight = "w_int"),
  cox_case("heart_cluster_id", "counting_heart.csv", "start", "stop", "event", 1, heart_cov, cluster = "id"),
  cox_case("heart_breslow_cluster_id", "counting_heart.csv", "start", "stop", "event", 1, heart_cov, ties = "breslow", cluster = "id"),
  cox_case("heart_strata_surgery", "counting_heart.csv", "start", "stop", "event", 1, list(num("age"), num("transplant")), strata = "surgery", cluster = "id"),
  cox_case("heart_frac_cluster_id", "counting_heart.csv", "start", "stop", "event", 1, heart_cov, cluster = "id", weight = "w_frac"),
  cox_case("pbcseq_cluster_id", "counting_pbcseq.csv", "tstart", "tstop", "dead", 1, pbc_cov, cluster = "id"),
  cox_case("sim_entry_strata", "counting_sim_entry.csv", "entry", "time", "status", 1, sim_cov, strata = "site"),
  cox_case("sim_entry_int_cluster", "counting_sim_entry.csv", "entry", "time", "status", 1, sim_cov, weight = "w_int", cluster = "clinic"),
  cox_case("sim_intervals_cluster", "counting_sim_intervals.csv", "start", "stop", "status", 1, int_cov, cluster = "pid"),
  cox_case("sim_intervals_strata_frac", "counting_sim_intervals.csv", "start", "stop", "status", 1, list(num("x"), num("z")),
           strata = "site", cluster = "pid", weight = "w"),
  cox_case("edge_x", "counting_edge.csv", "entry", "time", "status", 1, list(num("x")))
)
names(cox) <- sapply(cox, `[[`, "name")

write(toJSON(exact(list(generated_by = paste("R", getRversion(), "survival", packageVersion("survival")),
                        km = km, logrank = logrank, cox = cox)),
             auto_unbox = TRUE, digits = NA, na = "null", null = "null", pretty = TRUE, json_verbatim = TRUE),
      "tests/reference/counting_reference.json")
