# Reference values for the pipeline (`stratify run tests/reference/specs/gbsg_by_grade.yaml`), computed with R's
# survival package on datasets/gbsg.csv. Run from the repository root: Rscript tests/reference/run_reference.R
suppressPackageStartupMessages({ library(survival); library(jsonlite) })
g <- read.csv("datasets/gbsg.csv")
g$grade <- factor(g$grade)
g$hormon <- factor(ifelse(g$hormon == 1, "yes", "no"), levels = c("no", "yes"))

km <- survfit(Surv(rfstime, status) ~ grade, data = g)
tab <- summary(km, rmean = 1825)$table
at <- summary(km, times = c(365, 1825))
lr <- survdiff(Surv(rfstime, status) ~ grade, data = g)
pw <- pairwise <- list()
levels_g <- levels(g$grade)
pairs <- combn(levels_g, 2)
pp <- apply(pairs, 2, function(ab) {
  d <- g[g$grade %in% ab, ]
  s <- survdiff(Surv(rfstime, status) ~ grade, data = d)
  pchisq(s$chisq, 1, lower.tail = FALSE)
})
cox <- coxph(Surv(rfstime, status) ~ grade + age + nodes, data = g)
zph <- cox.zph(cox)

effects <- lapply(levels_g, function(l) {
  d <- g[g$grade == l, ]
  f <- coxph(Surv(rfstime, status) ~ hormon, data = d)
  s <- summary(f)
  k <- summary(survfit(Surv(rfstime, status) ~ hormon, data = d), rmean = 1825)$table
  list(grade = l, n = nrow(d), events = sum(d$status),
       hr = unname(s$conf.int[1, "exp(coef)"]), lower = unname(s$conf.int[1, "lower .95"]), upper = unname(s$conf.int[1, "upper .95"]),
       p = unname(s$coefficients[1, "Pr(>|z|)"]),
       rmst_difference = unname(k[2, "rmean"] - k[1, "rmean"]),
       rmst_difference_se = unname(sqrt(k[2, "se(rmean)"]^2 + k[1, "se(rmean)"]^2)))
})
f0 <- coxph(Surv(rfstime, status) ~ grade + hormon + age + nodes, data = g)
f1 <- coxph(Surv(rfstime, status) ~ grade + hormon + age + nodes + grade:hormon, data = g)
a <- anova(f0, f1)
overall <- summary(coxph(Surv(rfstime, status) ~ hormon, data = g))$conf.int

write_json(list(
  km = list(groups = levels_g, n = unname(tab[, "records"]), events = unname(tab[, "events"]), median = unname(tab[, "median"]),
            rmst = unname(tab[, "rmean"]), rmst_se = unname(tab[, "se(rmean)"]), at_survival = at$surv),
  logrank = list(statistic = lr$chisq, p = pchisq(lr$chisq, 2, lower.tail = FALSE), pairwise_p = pp, pairwise_holm = p.adjust(pp, "holm")),
  cox = list(terms = c("subgroup=2", "subgroup=3", "age", "nodes"), coef = unname(coef(cox)), se = unname(sqrt(diag(cox$var))),
             concordance = unname(cox$concordance["concordance"]), zph_global = unname(zph$table["GLOBAL", "chisq"])),
  effects = effects,
  overall_hr = unname(overall[1, "exp(coef)"]),
  interaction = list(statistic = a$Chisq[2], df = a$Df[2], p = a$`Pr(>|Chi|)`[2])
), "tests/reference/run_reference.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
