#:project ../src/Stratify/Stratify.csproj
#:project LabKit/LabKit.csproj

// # Lab 1 — Survival basics: Kaplan–Meier and the log-rank test
//
// Run it from the repository root:
//
//     dotnet run notebooks/01-survival-basics.cs
//
// You will learn to
// - read a cohort and say which columns hold the follow-up time and the event,
// - estimate a survival curve with the Kaplan–Meier method, with its median and confidence interval,
// - read survival at a landmark time (one year) and the number still at risk,
// - compare two groups with the log-rank test, and say what its p-value does and does not mean.
//
// The data are the NCCTG lung cancer cohort (Loprinzi et al. 1994; `lung` in R's survival package): 228 patients
// with advanced lung cancer, followed until death or the end of follow-up. `time` is days from enrolment, `status`
// is 1 = censored (alive at last contact), 2 = dead, as R codes it; `sex` is 1 = male, 2 = female.
// Every number printed below is cross-checked against R in `notebooks/r/01-survival-basics.R`.

using LabKit;
using Microsoft.Data.Analysis;
using Stratify;

// ## 1. Read the cohort
//
// A survival analysis needs two columns per patient: how long we followed them, and whether the event (death)
// ended that follow-up. A patient who was still alive at the last contact is *censored*: we know only that their
// survival time is longer than the follow-up. Censored patients are not thrown away — they count as "at risk"
// until they leave.
//
// We read the file into a `DataFrame` (Microsoft.Data.Analysis, .NET's data-frame type) and hand it to Stratify's
// fitters. Every fitter has the same shape: options in the constructor, data and column roles in `Fit`, and an
// immutable result that can summarise itself.

var lung = DataFrame.LoadCsv(Lab.Dataset("lung.csv"));
var km = new KaplanMeier().Fit(lung, time: "time", @event: "status");
var all = km.Curves[0];
Lab.Table("The lung cohort", ["", "patients", "deaths", "censored"],
    [["all", all.N, all.Events, all.N - all.Events]]);

// ## 2. The Kaplan–Meier estimate
//
// At each time t_j when somebody dies, the Kaplan–Meier estimate multiplies the survival so far by the fraction of
// those at risk who survive that time:
//
//     S(t) = Π over t_j ≤ t of (1 − d_j / n_j)
//
// where d_j died at t_j and n_j were still at risk just before it. Greenwood's formula gives its standard error;
// the 95% interval is computed on the log scale (R's default, `conf.type = "log"`).
//
// The median survival is the first time the curve reaches 0.5; its interval is where the confidence band crosses 0.5.

Lab.Table("Median survival (days), all patients", ["", "median", "lower 95%", "upper 95%"],
    [["all", all.Median.Time, all.Median.Lower, all.Median.Upper]]);
Lab.Table("Survival at landmark times, all patients", ["day", "at risk", "survival", "std error", "lower 95%", "upper 95%"],
    new[] { 180.0, 365.0, 730.0 }.Select(all.SurvivalAt).Select(a => new object[] { a.Time, a.NRisk, a.Survival, a.StandardError, a.Lower, a.Upper }));

// Read the table: about 41% of patients were alive at one year, and the interval says the data are compatible with
// anything from about 35% to 48%. By two years few remain at risk, so the interval is wide.

// ## 3. Two groups: men and women
//
// Fit the same estimator with a `group:` role: one curve per sex. R codes sex as 1 = male, 2 = female.

var kmSex = new KaplanMeier().Fit(lung, time: "time", @event: "status", group: "sex");
string Sex(string code) => code == "1" ? "male" : "female";
Lab.Table("Kaplan–Meier by sex", ["sex", "patients", "deaths", "median", "lower 95%", "upper 95%", "survival 1 y"],
    kmSex.Curves.Select(c => new object[] { Sex(c.Group), c.N, c.Events, c.Median.Time, c.Median.Lower, c.Median.Upper, c.SurvivalAt(365).Survival }));

var chart = new SvgChart("Lung cancer: survival by sex (Kaplan–Meier)", "days since enrolment", "survival probability").YRange(0, 1);
foreach (var curve in kmSex.Curves) chart.Steps(Sex(curve.Group), curve.Time, curve.Survival);
chart.Reference(0.5, "median").Save("01-km-by-sex.svg");

// The women's curve lies above the men's: the women's median survival is about five months longer.
// Is that more than chance would produce?

// ## 4. The log-rank test
//
// At every death time, the log-rank test compares the deaths observed in each group with the deaths expected if
// both groups had the same hazard (the deaths at that time shared out in proportion to the numbers at risk).
// Summed over time, (O − E)² scaled by its variance is χ² with (groups − 1) degrees of freedom under the null
// hypothesis of identical survival curves.

var logRank = new LogRank().Fit(lung, time: "time", @event: "status", group: "sex");
Lab.Table("Log-rank test, observed and expected deaths", ["sex", "patients", "observed", "expected"],
    logRank.Groups.Select(g => new object[] { Sex(g.Group), g.N, g.Observed, g.Expected }));
Lab.Table("Log-rank test by sex", ["test", "statistic", "df", "p-value"],
    [["log-rank", logRank.Statistic, logRank.DegreesOfFreedom, logRank.PValue]]);

// Men had more deaths than expected under equal hazards (112 observed, about 91 expected) and women fewer.
// p ≈ 0.001: if survival were truly the same for men and women, a difference at least this large would turn up
// about once in 750 studies of this size. What the p-value does *not* say: how large the difference is (read the
// medians and the curves for that), or that sex causes it (this is an observational cohort).
//
// The log-rank test weights every death time equally. It is most powerful when one group's hazard is a constant
// multiple of the other's (proportional hazards, lab 2) and can miss curves that cross.

// ## Exercises
//
// 1. Fit the Kaplan–Meier curves by ECOG performance status (`ph.ecog`: 0 = fully active … 3 = in bed more than
//    half the day). How many patients are dropped, and why? Which group has the shortest median?
// 2. Test the ECOG groups with the log-rank test. How many degrees of freedom, and why?
// 3. The Peto–Peto test (`new LogRank(new LogRankOptions { Rho = 1 })`, R's `survdiff(..., rho = 1)`) weights early
//    deaths more.
//    Repeat the test by sex. Does the conclusion change?
// 4. What is the women's survival at two years (730 days), with its 95% interval? How many women are still at risk?
//
// Solutions: `dotnet run notebooks/solutions/01-survival-basics.solutions.cs`.
