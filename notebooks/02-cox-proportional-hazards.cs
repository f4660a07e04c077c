#:project ../src/Stratify/Stratify.csproj
#:project LabKit/LabKit.csproj

// # Lab 2 — The Cox model, and checking proportional hazards
//
// Run it from the repository root:
//
//     dotnet run notebooks/02-cox-proportional-hazards.cs
//
// You will learn to
// - fit a Cox proportional hazards model with a treatment, a categorical and a numeric covariate,
// - read hazard ratios, their intervals and the model's global tests,
// - test the proportional-hazards assumption (R's `cox.zph`) and look at it in a Schoenfeld residual plot,
// - say what to do when the assumption fails.
//
// The data are the Veterans' Administration lung cancer trial (Kalbfleisch and Prentice 1980; `veteran` in R's
// survival package): 137 men with advanced inoperable lung cancer, randomised to standard (`trt` = 1) or test
// (`trt` = 2) chemotherapy. `celltype` is the tumour's histology (squamous, small cell, adeno, large) and `karno`
// the Karnofsky performance score (100 = normal activity, lower = more disabled). `time` is days to death;
// `status` 1 = died. Every number below is cross-checked against R in `notebooks/r/02-cox-proportional-hazards.R`.

using LabKit;
using Microsoft.Data.Analysis;
using Stratify;

// ## 1. The model
//
// The Cox model says that each patient's hazard (instantaneous risk of death) is a baseline hazard, the same for
// everybody and left unspecified, multiplied by exp(β·x):
//
//     h(t | x) = h₀(t) · exp(β₁ x₁ + … + β_p x_p)
//
// so exp(β_j) is a hazard ratio: how many times higher the hazard is per unit of x_j, the other covariates held
// fixed. β is estimated from the partial likelihood, which uses only the order of the events; tied death times are
// handled by Efron's method (R's default).
//
// The `CoxPH` fitter takes a data frame and the roles of its columns. `celltype` is text, so it is categorical: one
// indicator per histology, each compared with the first level in alphabetical order, adeno (as R's `factor` does).

var veteran = DataFrame.LoadCsv(Lab.Dataset("veteran.csv"));
var cox = new CoxPH().Fit(veteran, time: "time", @event: "status", covariates: ["trt", "celltype", "karno"]);

Lab.Table("Cox model: trt + celltype + karno (veteran)",
    ["term", "coefficient", "hazard ratio", "std error", "lower 95%", "upper 95%", "p-value"],
    cox.Coefficients.Select(c => new object[] { c.Term, c.Coefficient, c.HazardRatio, c.StandardError, c.HazardRatioLower, c.HazardRatioUpper, c.PValue }));
Lab.Table("Global tests (all coefficients zero)", ["test", "statistic", "df", "p-value"],
[
    ["likelihood ratio", cox.LikelihoodRatio.Statistic, cox.LikelihoodRatio.DegreesOfFreedom, cox.LikelihoodRatio.PValue],
    ["Wald", cox.Wald.Statistic, cox.Wald.DegreesOfFreedom, cox.Wald.PValue],
    ["score (log-rank)", cox.Score.Statistic, cox.Score.DegreesOfFreedom, cox.Score.PValue],
]);
Lab.Table("Concordance (Harrell's C)", ["", "C", "std error"], [["model", cox.Concordance.C, cox.Concordance.StandardError]]);

// Reading the table:
// - `karno`: each extra point of Karnofsky score multiplies the hazard by about 0.969, so 10 points by
//   0.969¹⁰ ≈ 0.73 — a 27% lower hazard. Its interval is far from 1.
// - `celltype`: each histology is compared with the reference, adeno carcinoma. Squamous-cell tumours carry about a
//   third of the hazard of adeno (HR 0.32) and large-cell ones under half, at the same treatment and Karnofsky
//   score; small-cell ones are closest to adeno.
// - `trt`: hazard ratio 1.3 with an interval from 0.88 to 1.93. The trial cannot tell the two chemotherapies apart.
// - C = 0.74: for a random pair of patients in which one died first, the model gives the one who died first the
//   higher risk three times out of four.

// ## 2. Is the hazard ratio constant over time?
//
// "Proportional hazards" means exp(β) is the same at day 10 and at day 300. Grambsch and Therneau (1994) showed that
// if a coefficient changes over time as β(t), the *scaled Schoenfeld residuals* of that covariate, plotted against
// time, scatter around β(t). Their test (R's `cox.zph`) asks whether the residuals trend with a transform of time
// (here 1 − the Kaplan–Meier estimate, R's default); a small p-value means the hazard ratio changes over time.

var zph = cox.TestProportionalHazards();
Lab.Table("Proportional-hazards test (cox.zph)", ["term", "chi-square", "df", "p-value"],
    zph.Terms.Append(zph.Global).Select(t => new object[] { t.Term, t.Statistic, t.DegreesOfFreedom, t.PValue }));

// Both `celltype` and `karno` fail the test. Let us look at `karno`.
//
// ## 3. Schoenfeld residuals, computed by hand
//
// At each death time, the Schoenfeld residual of the patient who died is their covariate value minus the average
// over everybody at risk, weighted by each patient's risk exp(β·x) (with tied deaths, Efron's averaged weights).
// Scaling by the number of deaths times the variance matrix of β and adding β gives the scaled residual whose
// average near time t estimates β(t) (R: `residuals(fit, type = "scaledsch")`). We compute them from the fitted β
// (`cox.Coefficients`) and its variance matrix (`cox.VarianceMatrix()`, R's `vcov(fit)`), to see that nothing magic
// is involved.
//
// First each patient's row of the design: trt, one indicator per non-reference cell type, karno — in the order of
// the coefficients. (Centring the columns, as R does, would change nothing below: the residuals are differences.)

double[] Column(string name) => veteran[name].Cast<object>().Select(Convert.ToDouble).ToArray();
var cellType = veteran["celltype"].Cast<object>().Select(v => (string)v).ToArray();
var time = Column("time");
var died = Column("status").Select(s => s == 1).ToArray();
int n = time.Length, p = cox.Coefficients.Count;
var beta = cox.Coefficients.Select(c => c.Coefficient).ToArray();
var variance = cox.VarianceMatrix();                             // p × p
var x = new double[n, p];
for (int j = 0; j < p; j++)
{
    string term = cox.Coefficients[j].Term;                       // "trt", "celltype=large", …, "karno"
    var values = term.StartsWith("celltype=") ? cellType.Select(c => c == term["celltype=".Length..] ? 1.0 : 0.0).ToArray() : Column(term);
    for (int i = 0; i < n; i++) x[i, j] = values[i];
}
var risk = new double[n];
for (int i = 0; i < n; i++)
{
    double eta = 0;
    for (int j = 0; j < p; j++) eta += beta[j] * x[i, j];
    risk[i] = Math.Exp(eta);
}
var deathTimes = time.Where((t, i) => died[i]).Distinct().Order().ToArray();
var residualTime = new List<double>();
var scaled = new List<double[]>();
foreach (double t in deathTimes)
{
    // Sums over the risk set (time ≥ t) and over those who die at t.
    var atRisk = Enumerable.Range(0, n).Where(i => time[i] >= t).ToArray();
    var dying = atRisk.Where(i => time[i] == t && died[i]).ToArray();
    double riskSum = atRisk.Sum(i => risk[i]), dyingSum = dying.Sum(i => risk[i]);
    var average = new double[p];
    for (int k = 0; k < dying.Length; k++)
    {
        double fraction = (double)k / dying.Length, denominator = riskSum - fraction * dyingSum;   // Efron
        for (int j = 0; j < p; j++)
            average[j] += (atRisk.Sum(i => risk[i] * x[i, j]) - fraction * dying.Sum(i => risk[i] * x[i, j])) / denominator / dying.Length;
    }
    foreach (int i in dying)
    {
        var residual = Enumerable.Range(0, p).Select(j => x[i, j] - average[j]).ToArray();
        // scaled = β + d · V · r, with d the number of deaths and V the variance matrix of β
        scaled.Add(Enumerable.Range(0, p).Select(j => beta[j] + cox.Events * Enumerable.Range(0, p).Sum(m => variance[j, m] * residual[m])).ToArray());
        residualTime.Add(t);
    }
}
int karno = cox.Coefficients.Select(c => c.Term).ToList().IndexOf("karno");
var karnoResiduals = scaled.Select(r => r[karno]).ToArray();

// Average the scaled residuals within periods of follow-up: if the hazard ratio were constant they would all be
// near β = −0.031.
double[] cuts = [0, 30, 60, 100, 200, double.PositiveInfinity];
var periods = Enumerable.Range(0, cuts.Length - 1).Select(b =>
{
    var inPeriod = Enumerable.Range(0, karnoResiduals.Length).Where(i => residualTime[i] >= cuts[b] && residualTime[i] < cuts[b + 1]).ToArray();
    string label = double.IsPositiveInfinity(cuts[b + 1]) ? $"day {cuts[b]}+" : $"days {cuts[b]}–{cuts[b + 1] - 1}";
    return new object[] { label, inPeriod.Length, inPeriod.Average(i => karnoResiduals[i]) };
}).ToList();
Lab.Table("karno: mean scaled Schoenfeld residual by period", ["period", "deaths", "mean residual"], periods);

new SvgChart("Scaled Schoenfeld residuals of karno against time", "days to death", "β(t) for karno")
    .Points("residual", residualTime, karnoResiduals)
    .Line("period mean", Enumerable.Range(0, cuts.Length - 1).Select(b => b == cuts.Length - 2 ? 300 : (cuts[b] + cuts[b + 1]) / 2).ToArray(),
        periods.Select(r => (double)r[2]).ToArray())
    .Reference(beta[karno], "fitted β")
    .Save("02-schoenfeld-karno.svg");

// The residuals start well below the fitted β (a strong protective effect of a good Karnofsky score in the first
// month) and rise towards 0 over the following months: after day 100 the score says much less about who dies next.
// One hazard ratio of 0.969 per point averages a strong early effect and a weak late one.
//
// What can we do?
// - Report the effect by period (split follow-up at, say, day 100 and let karno have a coefficient in each).
// - Stratify on a covariate that violates the assumption when its effect is not of interest (`celltype` here):
//   each stratum gets its own baseline hazard, and the other coefficients are estimated within strata.
// - Report a restricted mean survival time difference, which does not assume proportional hazards.
//
// The treatment effect, which the trial was designed for, shows no sign of non-proportionality (p = 0.65).

// ## Exercises
//
// 1. Add `age` and `prior` (prior therapy, 0 or 10) to the model. Do they change the treatment hazard ratio?
// 2. Fit the model stratified by `celltype` (`strata: ["celltype"]`), with `trt` and `karno`. Test proportional
//    hazards again. What happened to the global test?
// 3. Refit the model on the patients who survived past day 100, with time measured from day 100. What is the
//    hazard ratio per 10 Karnofsky points now?
// 4. Give 90% intervals instead of 95% (`new CoxOptions { ConfidenceLevel = 0.90 }`). Which interval for `trt`
//    excludes 1?
//
// Solutions: `dotnet run notebooks/solutions/02-cox-proportional-hazards.solutions.cs`.
