#:project ../../src/Stratify/Stratify.csproj
#:project ../LabKit/LabKit.csproj

// # Lab 5 — solutions
//
//     dotnet run notebooks/solutions/05-predictive-subgroups.solutions.cs

using LabKit;
using Microsoft.Data.Analysis;
using Stratify;

// The lab's trial, with the truth as parameters: the treatment HR above and at or below 6, and the untreated
// hazard ratio per biomarker unit (1 = the biomarker is not prognostic).
Trial Simulate(int n, int seed, double hrAbove, double hrBelow, double prognostic)
{
    var rng = new Random(seed);
    var (time, died, treated, biomarker, ecog) = (new double[n], new bool[n], new double[n], new double[n], new double[n]);
    for (int i = 0; i < n; i++)
    {
        treated[i] = rng.NextDouble() < 0.5 ? 1 : 0;
        biomarker[i] = Math.Round(10 * rng.NextDouble(), 1);
        double u = rng.NextDouble();
        ecog[i] = u < 0.45 ? 0 : u < 0.85 ? 1 : 2;                                // ECOG 0, 1, 2 with probabilities 0.45, 0.40, 0.15
        double hazard = 0.0008 * Math.Pow(1.6, ecog[i]) * Math.Pow(prognostic, biomarker[i]) * (treated[i] == 1 ? (biomarker[i] > 6 ? hrAbove : hrBelow) : 1.0);
        double eventTime = -Math.Log(rng.NextDouble()) / hazard, censorTime = 365 + 1095 * rng.NextDouble();
        (time[i], died[i]) = (Math.Min(eventTime, censorTime), eventTime <= censorTime);
    }
    return new Trial(time, died, treated, biomarker, ecog);
}

var cox = new CoxPH();
CoxPHFit Fit(Trial t, int[] rows, params (string Name, double[] Values)[] terms) => cox.Fit(
    new DataFrame([new DoubleDataFrameColumn("time", rows.Select(r => t.Time[r])), new DoubleDataFrameColumn("status", rows.Select(r => t.Died[r] ? 1.0 : 0.0)),
        .. terms.Select(x => new DoubleDataFrameColumn(x.Name, rows.Select(r => x.Values[r])))]),
    time: "time", @event: "status", covariates: terms.Select(x => x.Name).ToArray());

double[] cuts = Enumerable.Range(4, 13).Select(k => k * 0.5).ToArray();
(double Cut, double Statistic) Best(Trial t, int[] rows) => cuts.Select(c =>
{
    var above = t.Biomarker.Select(b => b > c ? 1.0 : 0.0).ToArray();
    var term = Fit(t, rows, ("treated", t.Treated), ("above", above), ("treated × above", above.Select((a, i) => a * t.Treated[i]).ToArray())).Coefficients[2];
    return (c, term.Z * term.Z);
}).MaxBy(s => s.Item2);

// ## Exercise 1. A biomarker that is prognostic and predictive

var both = Simulate(1200, 5, 0.5, 1.0, 1.1);
var all = Enumerable.Range(0, 1200).ToArray();
var fit = Fit(both, all, ("treated", both.Treated), ("biomarker", both.Biomarker), ("treated × biomarker", both.Biomarker.Select((b, i) => b * both.Treated[i]).ToArray()));
Lab.Table("Prognostic and predictive biomarker", ["term", "hazard ratio", "p-value"],
    fit.Coefficients.Select(c => new object[] { c.Term, c.HazardRatio, c.PValue }));

// Now both the main effect (≈ 1.1 per unit, the prognostic part) and the interaction are clear: a model with both
// terms separates the two roles.

// ## Exercise 2. No predictive marker: where does the scan peak?

Lab.Table("Scan under no predictive effect (HR 0.7 for all)", ["seed", "peak at cut", "peak z²"],
    Enumerable.Range(1, 5).Select(seed =>
    {
        var best = Best(Simulate(1200, seed, 0.7, 0.7, 1.0), all);
        return new object[] { seed, Lab.Fixed(best.Cut, 1), best.Statistic };
    }));

// The peak lands at a different cut from one seed to the next, and in one trial of five its height exceeds 3.84
// although there is nothing to find.

// ## Exercise 3. Search and estimate on the same patients

var trial = Simulate(1200, 5, 0.5, 1.0, 1.0);
var chosen = Best(trial, all);
var above = all.Where(i => trial.Biomarker[i] > chosen.Cut).ToArray();
var same = Fit(trial, above, ("treated", trial.Treated)).Coefficients[0];
Lab.Table($"Effect above the cut chosen on all patients (> {chosen.Cut})", ["", "patients", "hazard ratio", "lower 95%", "upper 95%"],
    [["same patients", above.Length, same.HazardRatio, same.HazardRatioLower, same.HazardRatioUpper]]);

// Here the search chose biomarker > 5, below the true cut. Above 5 the truth mixes HR 1.0 (biomarker 5 to 6) with
// 0.5 (above 6), yet the estimate on the same patients is 0.51, as strong as the effect above 6 alone: an estimate
// at a cut chosen on the same data is further from 1 than the truth, because the cut goes where chance made the
// contrast largest. Repeat with the seeds of exercise 2 to see it again.

// ## Exercise 4. Precision
//
// The width of a log-HR interval shrinks as 1/√events: halving it needs about four times the events, so about
// four times the patients (4,800) at the same follow-up.

var testHalfAbove = Fit(trial, all.Where(i => trial.Biomarker[i] > 6).Take(300).ToArray(), ("treated", trial.Treated)).Coefficients[0];
Lab.Table("Interval width on the log scale (300 patients above 6)", ["", "log upper − log lower"],
    [["300 patients", Math.Log(testHalfAbove.HazardRatioUpper) - Math.Log(testHalfAbove.HazardRatioLower)]]);

// ## Exercise 5. How many patients does the interaction tree need?
//
// The default tree (alpha 0.05) on the first half of each trial (the patients are in random order, so the first
// half is a random half), and on all patients of the five no-marker trials of exercise 2. Each split is listed as
// the rules of the leaves it made.

var defaultTree = new InteractionTree(new InteractionTreeOptions { MinNodeSize = 30, MinEventsPerArm = 5, MaxDepth = 3, Alpha = 0.05 });
InteractionTreeFit Grow(Trial t, int patients) => defaultTree.Fit(new DataFrame(
        new DoubleDataFrameColumn("time", t.Time.Take(patients)), new DoubleDataFrameColumn("status", t.Died.Take(patients).Select(d => d ? 1.0 : 0.0)),
        new DoubleDataFrameColumn("treated", t.Treated.Take(patients)), new DoubleDataFrameColumn("biomarker", t.Biomarker.Take(patients)),
        new DoubleDataFrameColumn("ecog", t.Ecog.Take(patients))),
    time: "time", @event: "status", treatment: "treated", reference: "0", features: ["biomarker", "ecog"]);
object[] TreeRow(string label, int patients, InteractionTreeFit tree) =>
    [label, patients, tree.Splits.Count, tree.Splits.Count == 0 ? "" : Lab.Number(tree.Splits[0].AdjustedPValue), string.Join("; ", tree.Leaves.Select(l => l.Rule))];
string[] treeColumns = ["trial", "patients searched", "splits", "root adjusted p", "leaves"];

Lab.Table("Interaction tree by trial size (biomarker predictive above 6)", treeColumns,
    new[] { 1200, 2400, 4800 }.Select(n => TreeRow($"{n} patients", n / 2, Grow(Simulate(n, 5, 0.5, 1.0, 1.0), n / 2))));
Lab.Table("Interaction tree with no predictive marker (HR 0.7 for all)", treeColumns,
    Enumerable.Range(1, 5).Select(seed => TreeRow($"seed {seed}", 1200, Grow(Simulate(1200, seed, 0.7, 0.7, 1.0), 1200))));

// Searching 600 patients, the tree splits nothing, as in the lab; searching 1,200 or 2,400 it splits once, on the
// biomarker, a little below the true threshold (5.8 and 5.7 against 6), with an adjusted p far below 0.05, and
// never on ECOG. Those are single draws (repeat with other seeds to see how the size needed varies): the lab's own
// trial, searched whole, 1,200 patients, is not split either (its best root split, biomarker <= 6.1, has adjusted
// p 0.084). Where no marker is predictive, the tree splits none of the five trials, where the scan's peak passed
// 3.84 in one: the Bonferroni stop does what the peak of a scan cannot, at the price of needing several times the
// patients to find a real difference.

record Trial(double[] Time, bool[] Died, double[] Treated, double[] Biomarker, double[] Ecog);
