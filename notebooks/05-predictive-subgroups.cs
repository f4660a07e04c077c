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
// - estimate the effect honestly on patients the search did not use,
// - grow an interaction tree, whose stopping rule pays for its search, and check its leaves on held-out patients.
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

// A data frame of the given rows: time, status and the given numeric columns. Fit fits a Cox model on such a frame
// with the columns as its terms: the helper for the many fits of sections 4 to 6.
DataFrame Frame(int[] rows, params (string Name, double[] Values)[] columns) =>
    new([new DoubleDataFrameColumn("time", rows.Select(r => time[r])), new DoubleDataFrameColumn("status", rows.Select(r => died[r] ? 1.0 : 0.0)),
        .. columns.Select(c => new DoubleDataFrameColumn(c.Name, rows.Select(r => c.Values[r])))]);
var cox = new CoxPH();
CoxPHFit Fit(int[] rows, params (string Name, double[] Values)[] terms) =>
    cox.Fit(Frame(rows, terms), time: "time", @event: "status", covariates: terms.Select(t => t.Name).ToArray());
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

// ## 6. An interaction tree: the search, done by the library
//
// The scan of sections 4 and 5 searched one marker, at 13 cut points we picked, for one split, and its peak had no
// valid test. An *interaction tree* (Su, Tsai, Wang, Nickerson & Li, J Mach Learn Res 2009; for censored survival
// data Su, Zhou, Yan, Fan & Yang, Int J Biostat 2008) does the same search with a discipline:
// - at each node it tries every cut point of every feature it is given (every observed biomarker value, both ECOG
//   cuts) and keeps the split whose two sides differ most in their treatment effect. Its statistic is the score test
//   (χ², 1 df) of the treated × side term in the Cox model treated + side + treated × side on the node's patients:
//   section 4's question, asked with a score test instead of a Wald z²;
// - it makes the split only if the best split's p-value times the number of candidates searched (Bonferroni) is
//   below alpha. That is the valid test the peak of section 4 lacked: conservative, because neighbouring cut points
//   are strongly correlated, but it cannot be fooled by the number of looks;
// - it repeats the search within each side, so a subgroup can be defined by two features, and it never makes a side
//   smaller than 30 patients or with fewer than 5 events in an arm.
//
// Grow it on the search half, as the hand scan was grown in section 5, with the fitter's default options written out.

(string Name, double[] Values)[] columns = [("treated", treated), ("biomarker", biomarker), ("ecog", ecog)];
var tree = new InteractionTree(new InteractionTreeOptions { MinNodeSize = 30, MinEventsPerArm = 5, MaxDepth = 3, Alpha = 0.05 })
    .Fit(Frame(searchHalf, columns), time: "time", @event: "status", treatment: "treated", reference: "0", features: ["biomarker", "ecog"]);
Console.WriteLine($"Splits made at alpha = 0.05: {tree.Splits.Count}.");
Console.WriteLine();
Lab.Table("Interaction tree, alpha = 0.05 (search half): tree.Summary()", tree.Summary());

// No split: one leaf, "all patients" (n_reference and n_treated count the control and treated arms). By its own
// rule the tree has found no subgroup whose treatment effect differs, although we planted one. To see what it turned
// down, grow it again with Alpha = 1, which makes the best split at every node whatever its p-value, and MaxDepth = 2
// (at most four leaves). This is an *exploratory* tree: nothing in it is a finding until the test half confirms it.

var explore = new InteractionTree(new InteractionTreeOptions { MinNodeSize = 30, MinEventsPerArm = 5, MaxDepth = 2, Alpha = 1 })
    .Fit(Frame(searchHalf, columns), time: "time", @event: "status", treatment: "treated", reference: "0", features: ["biomarker", "ecog"]);
Lab.Table("Exploratory tree, alpha = 1 (search half): splits", ["node", "feature", "interaction χ²", "p-value", "adjusted p", "candidates"],
    explore.Splits.Select(s => new object[] { s.Node, s.Feature, s.Statistic, s.PValue, s.AdjustedPValue, s.Candidates }));
Lab.Table("Exploratory tree, alpha = 1 (search half): explore.Summary()", explore.Summary());

// Each split is listed at its node, and its cut point is in the rules of the leaves below it. The root's best split
// is biomarker ≤ 5.9 against > 5.9 (with the biomarker in steps of 0.1, "> 5.9" is "≥ 6.0"): right next to the
// truth. Its χ² of 7.69 would give p = 0.0055 for one pre-specified cut, but it is the best of 92 candidates, and
// 92 × 0.0055 = 0.51: a search this wide can turn up a split that strong without any real difference, so the tree
// at alpha = 0.05 was right by its own rule not to claim it. Look at the two splits below the root: a second
// biomarker cut at 4.6, and ECOG above 5.9. Their χ² (7.05 and 7.09) are nearly as large as the root's, and we know both
// are chance: at or below 6 the treatment does nothing whatever the biomarker, and ECOG is prognostic only. A real
// difference and two chance ones look alike on the patients that were searched.
//
// Now the honest estimate. `Predict` puts each test-half patient in a leaf by the leaves' rules alone (it needs no
// outcome and no treatment), and the treatment effect in each leaf is estimated on those patients, who played no
// part in growing the tree. `explore.Labels` holds the leaf of each search-half patient, for comparison.

var testLeaf = explore.Predict(Frame(testHalf, columns));
int[] InLeaf(int[] rows, IReadOnlyList<int> leafOfRow, int leaf) => rows.Where((_, j) => leafOfRow[j] == leaf).ToArray();
Lab.Table("Treatment effect by leaf of the exploratory tree, search half vs test half", effectColumns,
    explore.Leaves.SelectMany(l => new[]
    {
        Row($"search half, {l.Rule}", Fit(InLeaf(searchHalf, explore.Labels, l.Leaf), ("treated", treated)).Coefficients[0]),
        Row($"test half, {l.Rule}", Fit(InLeaf(testHalf, testLeaf, l.Leaf), ("treated", treated)).Coefficients[0]),
    }));

// (The truth: HR 1.0 at or below 6, 0.5 above, whatever the ECOG.) On the search half the ECOG split looks
// decisive: HR 0.33 with ECOG above 0 against 0.90 with ECOG 0. On the test half the two ECOG leaves give 0.67 and
// 0.60, each inside the other's interval: the contrast the split was chosen for has vanished, because it was chance.
// The small leaf between 4.6 and 5.9 looked harmed on the search half (HR 2.2, p = 0.025); on the test half its
// interval, 0.90 to 3.1, includes 1, and its contrast with the leaf below 4.6 shrinks from 2.2 against 0.87 to 1.7
// against 0.80. Every split was made where the search half showed the largest contrast, and every contrast is
// smaller on patients the search did not see: the winner's curse, one split at a time.
//
// What the tree adds to the hand scan: it searches every feature at every observed cut point, not a grid we chose,
// and again inside each subgroup; and its stopping rule is a test that pays for the search. With 610 patients that
// test declined to split, where our scan announced "biomarker > 6" with nothing to say how often a scan finds a
// peak that high. What it does not fix: a split is still made where the data show the largest contrast, so effects
// estimated on the patients who grew the tree are optimistic. Only patients the tree never saw give honest
// estimates, which is why we grew it on the search half. The command-line program does the same (`stratify tree
// --interaction`; with the spec's `validation: split` it grows the tree on one half and estimates on the other).
//
// STEPP (Bonetti & Gelber, Biostatistics 2004) does not cut at all: it estimates the treatment HR in overlapping
// windows of patients ordered by the marker, plots it against the window's median marker, and tests with a single
// permutation test whether the effect varies. It is in the command-line program (`stratify` stands for
// `dotnet run --project src/Stratify.Cli -c Release --`, see the README), which reads Parquet:
//
//     stratify import notebooks/output/05-trial.csv --out notebooks/output/05-trial.parquet
//     stratify stepp notebooks/output/05-trial.parquet --marker biomarker --treatment treated \
//         --time time --event status --plot notebooks/output/05-stepp.svg
//
// On the whole trial it prints 12 windows of about 240 patients: hazard ratios from 0.75 to 1.41 in the seven
// windows whose median biomarker is below 6, 0.77 in the one centred on 6.5, which straddles the threshold, and
// 0.49 to 0.60 in the four whose median is above 7; and a permutation p of 0.007 for heterogeneity. That test is
// one test of "does the effect vary along the marker", whose permutations already account for looking at every
// window; a cut point read off the plot would be chosen by the data again, and would need a held-out half again.

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
// 5. The interaction tree at alpha = 0.05 split nothing in the 610 patients of the search half. Simulate trials like
//    this one (biomarker predictive only) of 1,200, 2,400 and 4,800 patients and grow the default tree on half of
//    each: from which size does it find the biomarker, and where does it put the cut? Then grow it on the five trials
//    of exercise 2, where no marker is predictive: how often does it split, and how often did the scan's peak pass
//    3.84?
//
// Solutions: `dotnet run notebooks/solutions/05-predictive-subgroups.solutions.cs`.
