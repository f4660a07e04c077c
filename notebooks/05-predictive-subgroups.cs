#:project ../src/Stratify/Stratify.csproj
#:project LabKit/LabKit.csproj

// # Lab 5 — Predictive subgroups: whom does the treatment help?
//
// Run it from the repository root:
//
//     dotnet run notebooks/05-predictive-subgroups.cs
//
// You will learn to
// - tell a *prognostic* marker (it predicts the outcome, whatever the treatment) from a *predictive* one (it
//   changes the treatment's effect),
// - test a marker's predictive value with a treatment × marker interaction,
// - search for a threshold, and see why the effect found by searching is optimistic,
// - estimate the effect honestly on patients the search did not use.
//
// Real data never tell us the truth, so we simulate a randomised trial in which we know it. Every number below is
// cross-checked against R (survival package) in `notebooks/r/05-predictive-subgroups.R`, which reads the cohort this
// lab writes to `notebooks/output/05-trial.csv`.

using System.Globalization;
using LabKit;
using Microsoft.Data.Analysis;
using Stratify;
using Stratify.Survival;

// ## 1. A trial with a known answer
//
// 1,200 patients, randomised 1:1. Each has a biomarker between 0 and 10 and a performance status (ECOG 0, 1 or 2).
// The truth we plant:
// - ECOG is **prognostic**: each level multiplies the hazard by 1.6, in both arms;
// - the biomarker is **predictive**: treatment halves the hazard (HR 0.5) when the biomarker is above 6, and does
//   nothing (HR 1.0) at or below 6. The biomarker does not affect the outcome of untreated patients.
// Times are exponential (baseline hazard 0.0008 a day); patients enter over three years and follow-up ends a year
// after the last enrolment, so each is censored between 365 and 1,460 days.

const double Threshold = 6;
int n = 1200;
var rng = new Random(5);                                         // seeded: the same trial every run
int Category(double[] probabilities)                             // 0, 1, … with the given probabilities
{
    double u = rng.NextDouble();
    int c = 0;
    while (c < probabilities.Length - 1 && u >= probabilities[c]) u -= probabilities[c++];
    return c;
}
var treated = new double[n];
var biomarker = new double[n];
var ecog = new double[n];
var time = new double[n];
var died = new bool[n];
var half = new int[n];
for (int i = 0; i < n; i++)
{
    treated[i] = rng.NextDouble() < 0.5 ? 1 : 0;
    biomarker[i] = Math.Round(10 * rng.NextDouble(), 1);
    ecog[i] = Category([0.45, 0.40, 0.15]);
    double hazard = 0.0008 * Math.Pow(1.6, ecog[i]) * (treated[i] == 1 && biomarker[i] > Threshold ? 0.5 : 1.0);
    double eventTime = Math.Round(-Math.Log(rng.NextDouble()) / hazard, 1), censorTime = Math.Round(365 + 1095 * rng.NextDouble(), 1);
    (time[i], died[i]) = (Math.Min(eventTime, censorTime), eventTime <= censorTime);
    half[i] = rng.NextDouble() < 0.5 ? 1 : 2;                  // for section 5: a random half to search, the other to test
}
File.WriteAllLines(Lab.Output("05-trial.csv"), ["time,status,treated,biomarker,ecog,half",
    .. Enumerable.Range(0, n).Select(i => string.Join(",", time[i].ToString("R", CultureInfo.InvariantCulture), died[i] ? 1 : 0,
        treated[i], biomarker[i].ToString("R", CultureInfo.InvariantCulture), ecog[i], half[i]))]);
Lab.Table("The simulated trial", ["arm", "patients", "events", "biomarker > 6"],
[
    ["control", treated.Count(t => t == 0), Enumerable.Range(0, n).Count(i => treated[i] == 0 && died[i]), Enumerable.Range(0, n).Count(i => treated[i] == 0 && biomarker[i] > Threshold)],
    ["treated", treated.Count(t => t == 1), Enumerable.Range(0, n).Count(i => treated[i] == 1 && died[i]), Enumerable.Range(0, n).Count(i => treated[i] == 1 && biomarker[i] > Threshold)],
]);
Console.WriteLine("Cohort written to notebooks/output/05-trial.csv.");
Console.WriteLine();

// Fits a Cox model on the given rows with the given numeric terms, each fit on a data frame of its own: the helper
// for the many fits of sections 4 and 5.
var cox = new CoxPH();
CoxPHFit Fit(int[] rows, params (string Name, double[] Values)[] terms) => cox.Fit(
    new DataFrame([new DoubleDataFrameColumn("time", rows.Select(r => time[r])), new DoubleDataFrameColumn("status", rows.Select(r => died[r] ? 1.0 : 0.0)),
        .. terms.Select(t => new DoubleDataFrameColumn(t.Name, rows.Select(r => t.Values[r])))]),
    time: "time", @event: "status", covariates: terms.Select(t => t.Name).ToArray());
object[] Row(string label, CoxCoefficient c) => [label, c.HazardRatio, c.HazardRatioLower, c.HazardRatioUpper, c.PValue];
string[] effectColumns = ["", "hazard ratio", "lower 95%", "upper 95%", "p-value"];
var everyone = Enumerable.Range(0, n).ToArray();

// ## 2. The overall effect is a dilution
//
// Put the trial in a data frame and fit the `CoxPH` fitter with the treatment as the only covariate.

var trial = new DataFrame(new DoubleDataFrameColumn("time", time), new DoubleDataFrameColumn("status", died.Select(d => d ? 1.0 : 0.0)),
    new DoubleDataFrameColumn("treated", treated), new DoubleDataFrameColumn("biomarker", biomarker), new DoubleDataFrameColumn("ecog", ecog));
var overall = cox.Fit(trial, time: "time", @event: "status", covariates: ["treated"]).Coefficients[0];
Lab.Table("Treatment effect, all patients (Cox)", effectColumns, [Row("treated vs control", overall)]);

// The trial "works" on average, but HR 0.81 describes nobody: 40% of patients get HR 0.5 and 60% get nothing.

// ## 3. Prognostic or predictive?
//
// A marker's *main effect* in a model says whether it is prognostic. Whether it is predictive is a different
// question, answered by the interaction term treated × marker: its hazard ratio is how much the treatment's hazard
// ratio changes per unit of the marker.

trial.Columns.Add(new DoubleDataFrameColumn("treated:ecog", treated.Select((t, i) => t * ecog[i])));
trial.Columns.Add(new DoubleDataFrameColumn("treated:biomarker", treated.Select((t, i) => t * biomarker[i])));
var withEcog = cox.Fit(trial, time: "time", @event: "status", covariates: ["treated", "ecog", "treated:ecog"]);
var withBiomarker = cox.Fit(trial, time: "time", @event: "status", covariates: ["treated", "biomarker", "treated:biomarker"]);
Lab.Table("Main effects and interactions (Cox)", effectColumns,
[
    Row("ecog (per level)", withEcog.Coefficients[1]),
    Row("treated × ecog", withEcog.Coefficients[2]),
    Row("biomarker (per unit)", withBiomarker.Coefficients[1]),
    Row("treated × biomarker", withBiomarker.Coefficients[2]),
]);

// ECOG has a strong main effect and no interaction: prognostic. The biomarker has no main effect among controls
// (its main-effect HR is for the control arm) and an interaction: each unit multiplies the treatment HR by about
// 0.95. Predictive. A linear interaction is a rough summary of a step at 6, and a weak one: in this trial it is only
// just significant (p = 0.0496), although the biomarker decides who benefits. The next section models the step.

// ## 4. Searching for the threshold
//
// Where should the line be drawn? A common approach scans candidate cut points c and, for each, fits
// treated + (biomarker > c) + treated × (biomarker > c), keeping the cut with the largest interaction statistic
// (Wald z²).

double[] cuts = Enumerable.Range(4, 13).Select(k => k * 0.5).ToArray();      // 2.0, 2.5, …, 8.0
(double Cut, double Statistic, double Ratio) Scan(int[] rows, double cut)
{
    var above = biomarker.Select(b => b > cut ? 1.0 : 0.0).ToArray();
    var term = Fit(rows, ("treated", treated), ("above", above), ("treated × above", above.Select((a, i) => a * treated[i]).ToArray())).Coefficients[2];
    return (cut, (term.Coefficient / term.StandardError) * (term.Coefficient / term.StandardError), term.HazardRatio);
}
var scan = cuts.Select(c => Scan(everyone, c)).ToArray();
Lab.Table("Interaction statistic by cut point (all patients)", ["cut", "interaction z²", "ratio of HRs"],
    scan.Select(s => new object[] { Lab.Fixed(s.Cut, 1), s.Statistic, s.Ratio }));
var best = scan.MaxBy(s => s.Statistic);
Console.WriteLine($"The largest interaction statistic is at biomarker > {best.Cut} (truth: > {Threshold}).");
Console.WriteLine();
new SvgChart("Searching for the biomarker threshold", "cut point c (biomarker > c)", "interaction statistic (Wald z²)")
    .Line("all patients", cuts, scan.Select(s => s.Statistic).ToArray())
    .Reference(3.84, "z² = 3.84 (p = 0.05 for one pre-specified cut)")
    .Save("05-threshold-scan.svg");

// The scan peaks at 7, not at the true threshold of 6, and look how flat the top is: cuts from 6 to 7 give nearly
// the same statistic, so a threshold found this way is imprecise. And the peak's height is not a valid test: the largest of 13 correlated
// statistics is much more likely to exceed 3.84 than one pre-specified statistic, and the effect estimated at the
// chosen cut tends to be exaggerated, because the cut was chosen where the data happened to show the largest
// contrast (the "winner's curse"). Two remedies: a permutation test of the maximum, or — simpler, and what a reader
// trusts most — search on one part of the data and estimate on the rest.

// ## 5. Search on one half, estimate on the other

var searchHalf = everyone.Where(i => half[i] == 1).ToArray();
var testHalf = everyone.Where(i => half[i] == 2).ToArray();
var chosen = cuts.Select(c => Scan(searchHalf, c)).MaxBy(s => s.Statistic);
Console.WriteLine($"Cut chosen on the search half ({searchHalf.Length} patients): biomarker > {chosen.Cut}.");
Console.WriteLine();
int[] Where(int[] rows, bool above) => rows.Where(i => biomarker[i] > chosen.Cut == above).ToArray();
Lab.Table($"Treatment effect by subgroup (biomarker > {chosen.Cut}), search half vs test half", effectColumns,
[
    Row("search half, above", Fit(Where(searchHalf, true), ("treated", treated)).Coefficients[0]),
    Row("search half, at or below", Fit(Where(searchHalf, false), ("treated", treated)).Coefficients[0]),
    Row("test half, above", Fit(Where(testHalf, true), ("treated", treated)).Coefficients[0]),
    Row("test half, at or below", Fit(Where(testHalf, false), ("treated", treated)).Coefficients[0]),
]);

// The search half put the cut at 6, where the whole trial had put it at 7: another draw of patients, another peak.
// On the test half, which played no part in choosing it, the estimates are honest for the subgroup the search
// defined (biomarker > 6, where the truth is HR 0.5; at or below 6 the truth is 1.0). They are also noisy: each
// rests on a few hundred patients, and the interval above the cut runs from 0.45 to 0.93, a factor of two. Honesty costs precision; a
// confirmatory trial in the biomarker-defined group would be the next step.
//
// ## Where Stratify goes from here
//
// The scan above is a one-marker, one-split version of what dedicated methods do. An *interaction tree* (Su et al.
// 2009) repeats the search over every characteristic and recursively within the subgroups it creates; STEPP
// (Bonetti and Gelber 2004) plots the treatment effect in overlapping windows along a marker instead of forcing a
// single cut. Both are being added to Stratify (`stratify tree --interaction`, `stratify stepp`); when they reach
// the library this lab will use them on the same simulated trial. Everything said here carries over: a subgroup
// found by searching needs an honest estimate on patients the search did not see.

// ## Exercises
//
// 1. Make the biomarker prognostic as well (untreated hazard × 1.1 per unit). Does the interaction still pick it
//    out? Does its main effect?
// 2. Simulate a trial with no predictive marker at all (HR 0.7 for everybody) and run the scan. Where does it
//    peak, and how high? Repeat with five seeds.
// 3. Run the search on the *whole* trial and estimate the effect above the chosen cut on the same patients. How far
//    is it from 0.5? Why?
// 4. With 1,200 patients, how precise is the test-half estimate above the cut? How many patients would halve the
//    width of its interval?
//
// Solutions: `dotnet run notebooks/solutions/05-predictive-subgroups.solutions.cs`.
