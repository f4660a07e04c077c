using System.Diagnostics;
using System.Globalization;
using Stratify.Clustering;
using Stratify.Data;
using Stratify.Predictive;
using Stratify.Simulation;
using Stratify.Stratification;
using Stratify.Survival;

// Predictive subgroups on simulated trials whose truth is known (tests/benchmarks/README.md, "Predictive subgroups").
// For each scenario (aligned, biomarker, none) and seeded replicate (n = 3,000), four ways of finding subgroups run
// through `stratify run` with validation: split (found on one half, every effect estimated on the other):
// k-medoids clustering, the prognostic survival tree, the interaction tree and STEPP bands. Reported per method:
//   differs   — the run's bottom line says "differs": its subgroup × treatment interaction test (likelihood ratio,
//               adjusted for the declared covariates, estimation half) has p < 0.05; a run with one subgroup (a tree
//               without a split) never does;
//   own test  — interaction tree: it makes a split on the whole cohort (Bonferroni-adjusted p < 0.05);
//               STEPP: its permutation test of heterogeneity on the whole cohort has p < 0.05;
//   in-sample — interaction tree grown and tested on the same patients (no split): the optimistic interaction test;
//   threshold — biomarker scenario: a biomarker split within ±10% of the planted 3.2 (the split with the largest
//               statistic among the tree's biomarker splits), on the whole cohort and on the discovery half;
//   ARI       — adjusted Rand index of the subgroups (every patient) with the planted benefit group (true_benefit);
//   coverage  — share of the subgroups' 95% HR intervals (estimation half; adjusted for the declared covariates) that
//               cover the subgroup's true HR: the Cox HR of treatment, adjusted for the same covariates, among the
//               patients of a 50,000-patient cohort from the same model whom the run's rule (model.json) places in
//               that subgroup.
// Every run declares the features as covariates (age, biomarker, nodes, ecog numeric; histology, sex categorical),
// as a trial's analysis would declare its prognostic factors, so that every treatment estimate (STEPP's windows
// too) is adjusted for them.
// Run from the repository root (prints a markdown table; takes a while on a shared machine):
//   dotnet run -c Release --project tests/Stratify.Benchmarks.Predictive -- [replicates=20] [n=3000] [scenarios=aligned,biomarker,none] [permutations=1000]
// (permutations: STEPP's, in the run and on the whole cohort).
//   dotnet run -c Release --project tests/Stratify.Benchmarks.Predictive -- timing
// times the interaction tree alone (CPU seconds, median of 3) on biomarker trials of 3,000 to 30,000 patients.
if (args.Length > 0 && args[0] == "timing")
{
    Timing();
    return;
}
int replicates = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
int n = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3000;
var scenarios = (args.Length > 2 ? args[2] : "aligned,biomarker,none").Split(',')
    .Select(name => Enum.Parse<SimulationScenario>(name, ignoreCase: true)).ToArray();
int permutations = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1000;
const int ReferenceSize = 50_000;
string work = Path.Combine(Path.GetTempPath(), $"stratify-predictive-{Environment.ProcessId}");
Directory.CreateDirectory(work);

const string Roles = """
    id: patient_id
    time: time
    event: event
    treatment: arm
    treatment_reference: control
    design: randomised
    covariates:
      numeric: [age, biomarker, nodes, ecog]
      categorical: [histology, sex]
    validation: split
    """;
const string Features = """
      features:
        numeric: [age, biomarker, nodes]
        categorical: [histology, sex]
        ordinal: {ecog: [0, 1, 2, 3]}
    """;
var methods = new (string Name, string Subgroups)[]
{
    ("k-medoids", $"subgroups:\n  method: kmedoids\n{Features}\n  k: 2..5\n  bootstrap: 0\n"),
    ("prognostic tree", $"subgroups:\n  method: tree\n{Features}\n  min_node_size: 50\n"),
    ("interaction tree", $"subgroups:\n  method: interaction_tree\n{Features}\n  min_node_size: 50\n"),
    ("STEPP", $"subgroups:\n  method: stepp\n  marker: biomarker\n  bands: 3\n  permutations: {permutations}\n"),
};
const double Planted = 3.2;

try
{
    Console.WriteLine($"{replicates} replicates of n = {n:N0} per scenario; validation: split (fraction 0.5)");
    Console.WriteLine();
    Console.WriteLine("| scenario | method | one subgroup only | differs (p < 0.05, held-out half) | own test says differs | in-sample interaction p < 0.05 | threshold ±10% (whole / half) | ARI with benefit group | 95% CI coverage (subgroups) | CPU s per run |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
    foreach (var scenario in scenarios)
    {
        var model = SimulationModel.For(scenario);
        var reference = Path.Combine(work, $"reference-{scenario}.parquet");
        CohortSimulator.Write(reference, ReferenceSize, seed: 990_000 + (int)scenario, model);
        var referenceCohort = ParquetCohortReader.Read(reference);
        var tallies = methods.Select(_ => new Tally()).ToArray();
        for (int r = 0; r < replicates; r++)
        {
            var data = Path.Combine(work, "trial.parquet");
            CohortSimulator.Write(data, n, seed: 1000 * (int)scenario + r + 1, model);
            for (int m = 0; m < methods.Length; m++)
            {
                var spec = Path.Combine(work, "study.yaml");
                File.WriteAllText(spec, $"data: {data}\n{Roles}\nseed: {r + 1}\n{methods[m].Subgroups}");
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var t = tallies[m];
                var run = StratificationRun.Execute(StudySpecReader.Read(spec));
                t.Cpu += (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
                t.Runs++;
                if (run.Subgroups.Ids.Length == 1) t.SingleSubgroup++;
                if (run.Treatment is { BottomLine: BottomLineKind.Differs }) t.Differs++;
                var truth = Truth(run, data);
                var codes = run.Subgroups.CodeOfRow;
                t.Ari.Add(AdjustedRandIndex.Compute(truth, codes));
                Coverage(run, referenceCohort, t);
                if (methods[m].Name == "interaction tree") InteractionTreeChecks(run.Study, run.Subgroups.InteractionTree, t);
                if (methods[m].Name == "prognostic tree" && run.Subgroups.Tree is { } tree)
                {
                    var biomarker = tree.Root.InnerNodesOf().Where(s => s.Feature == "biomarker").MaxBy(s => s.Statistic);
                    if (biomarker is not null && Math.Abs(biomarker.Threshold / Planted - 1) <= 0.1) t.ThresholdHalf++;
                }
                if (methods[m].Name == "STEPP")
                {
                    var study = run.Study;
                    var observed = PredictiveSubgroups.WithMarker(PredictiveSubgroups.Marker(study, study.Spec.Subgroups!), SurvivalOrder.Identity(study.RowCount));
                    var whole = PredictiveSubgroups.Stepp(study, study.Spec.Subgroups!, observed, r + 1, StratificationRun.TreatmentCovariates(study.Spec, study));
                    if (whole.Test!.PValue < 0.05) t.OwnTest++;
                }
            }
            Console.Error.WriteLine($"{scenario} replicate {r + 1} of {replicates} done");
        }
        for (int m = 0; m < methods.Length; m++)
        {
            var t = tallies[m];
            bool tree = methods[m].Name == "interaction tree", stepp = methods[m].Name == "STEPP", prognostic = methods[m].Name == "prognostic tree";
            string threshold = scenario != SimulationScenario.Biomarker ? "–"
                : tree ? $"{Rate(t.ThresholdWhole, t.Runs)} / {Rate(t.ThresholdHalf, t.Runs)}"
                : prognostic ? $"– / {Rate(t.ThresholdHalf, t.Runs)}"
                : "no threshold";
            Console.WriteLine($"| {scenario.ToString().ToLowerInvariant()} | {methods[m].Name} | {Rate(t.SingleSubgroup, t.Runs)} | {Rate(t.Differs, t.Runs)} | " +
                $"{(tree || stepp ? Rate(t.OwnTest, t.Runs) : "–")} | {(tree ? Rate(t.InSample, t.Runs) : "–")} | {threshold} | " +
                $"{(scenario == SimulationScenario.Biomarker ? t.Ari.Average().ToString("F2", CultureInfo.InvariantCulture) : "–")} | " +
                $"{Rate(t.Covered, t.Intervals)} of {t.Intervals} | {(t.Cpu / t.Runs).ToString("F1", CultureInfo.InvariantCulture)} |");
        }
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}

static void Timing()
{
    string folder = Path.Combine(Path.GetTempPath(), $"stratify-timing-{Environment.ProcessId}");
    Directory.CreateDirectory(folder);
    try
    {
        Console.WriteLine("| patients | events | candidate cut points at the root | splits | CPU s (median of 3) |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (int size in new[] { 3_000, 10_000, 30_000 })
        {
            var path = Path.Combine(folder, "trial.parquet");
            CohortSimulator.Write(path, size, seed: 17, SimulationModel.For(SimulationScenario.Biomarker));
            File.WriteAllText(Path.Combine(folder, "study.yaml"), $"data: {path}\n{Roles}\nsubgroups:\n  method: interaction_tree\n{Features}\n");
            var read = StudySpecReader.Read(Path.Combine(folder, "study.yaml"));
            var study = StudyBinder.Load(read);
            var set = FeatureSet.From(study.Features, MissingPolicy.Impute);
            var features = SubgroupFinder.TreeFeatures(set);
            var all = SurvivalOrder.Identity(study.RowCount);
            var options = new InteractionTreeOptions { MinNodeSize = 50 };
            var seconds = new List<double>();
            InteractionTreeModel? tree = null;
            for (int r = 0; r < 3; r++)
            {
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                tree = PredictiveSubgroups.GrowInteractionTree(study, features, all, all, options);
                seconds.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
            }
            seconds.Sort();
            Console.WriteLine($"| {size:N0} | {study.EventCount:N0} | {tree!.Root.Split?.Candidates.ToString("N0", CultureInfo.InvariantCulture) ?? "–"} | " +
                $"{tree.Root.InnerNodes().Count()} | {seconds[1].ToString("F2", CultureInfo.InvariantCulture)} |");
        }
    }
    finally
    {
        Directory.Delete(folder, recursive: true);
    }
}

static string Rate(int count, int total) => total == 0 ? "–" : $"{100.0 * count / total:F0}% ({count}/{total})";

// The planted benefit group (true_benefit) of every analysed patient (a run reads only the columns its spec uses).
static int[] Truth(StratificationResult run, string data)
{
    var column = (NumericColumn)ParquetCohortReader.Read(data, CohortReadOptions.Only(["true_benefit"]))["true_benefit"];
    return run.Study.Rows.Select(r => (int)column.Values[r]).ToArray();
}

// Each subgroup's true HR: Cox HR of treatment, adjusted for the run's covariates, among the reference patients the
// run's rule places in it.
static void Coverage(StratificationResult run, Cohort reference, Tally t)
{
    var placed = run.Subgroups.Model!.Assign(reference).SubgroupOfRow;
    var time = ((NumericColumn)reference["time"]).Values;
    var died = ((NumericColumn)reference["event"]).Values;
    var arm = (CategoricalColumn)reference["arm"];
    var covariates = run.Study.Spec.Covariates.Select(c => c.Kind == CovariateKind.Numeric
        ? (CovariateTerm)CovariateTerm.Numeric(c.Column, ((NumericColumn)reference[c.Column]).Values)
        : CovariateTerm.FromColumn(reference[c.Column] is NumericColumn n
            ? CategoricalColumn.FromStrings(c.Column, Enumerable.Range(0, reference.RowCount).Select(i => n.Format(i)).ToArray())
            : reference[c.Column])).ToArray();
    var effects = run.Treatment!.BySubgroup;
    for (int s = 0; s < effects.Count; s++)
    {
        if (effects[s].Adjusted is not { } e) continue;
        var rows = Enumerable.Range(0, reference.RowCount).Where(i => placed[i] == s).ToArray();
        if (rows.Length < 200) continue;
        var treated = rows.Select(i => arm.Levels[arm.Codes[i]] == "treated" ? 1.0 : 0.0).ToArray();
        var fit = CoxProportionalHazards.Fit(rows.Select(i => time[i]).ToArray(), rows.Select(i => died[i] == 1).ToArray(),
            DesignMatrix.Build([CovariateTerm.Numeric("treated", treated), .. covariates.Select(c => StudyTerms.Restrict(c, rows))]));
        double truth = fit.Coefficients[0].HazardRatio;
        t.Intervals++;
        if (e.Lower <= truth && truth <= e.Upper) t.Covered++;
    }
}

// The interaction tree on the whole cohort (its own Bonferroni test, the threshold), the threshold of the discovery
// half's tree, and the in-sample interaction test (treatment layer) of the whole-cohort tree's leaves.
static void InteractionTreeChecks(BoundStudy study, InteractionTreeModel? half, Tally t)
{
    var whole = PredictiveSubgroups.ByInteractionTree(study, study.Spec.Subgroups!, SurvivalOrder.Identity(study.RowCount), null);
    var tree = whole.InteractionTree!;
    if (!tree.Root.IsLeaf) t.OwnTest++;
    if (Recovered(tree)) t.ThresholdWhole++;
    if (half is not null && Recovered(half)) t.ThresholdHalf++;
    if (tree.Leaves.Count > 1)
    {
        var all = SurvivalOrder.Identity(study.RowCount);
        var tailoring = TreatmentTailoring.Analyse(study, whole.ToFactor("leaf", all), all, all,
            StratificationRun.TailoringOptions(study.Spec, study, new KaplanMeierOptions()));
        if (tailoring.Interaction is { } test && test.P < 0.05) t.InSample++;
    }

    static bool Recovered(InteractionTreeModel tree)
    {
        var split = tree.Root.InnerNodes().Select(n => n.Split!).Where(s => s.Feature == "biomarker").MaxBy(s => s.Statistic);
        return split is not null && Math.Abs(split.Threshold / Planted - 1) <= 0.1;
    }
}

sealed class Tally
{
    public int Runs, Differs, OwnTest, InSample, ThresholdWhole, ThresholdHalf, Covered, Intervals, SingleSubgroup;
    public double Cpu;
    public List<double> Ari { get; } = [];
}

static class SurvivalTreeNodes
{
    /// <summary>The splits of a survival tree, parents first.</summary>
    public static IEnumerable<SurvivalTreeSplit> InnerNodesOf(this SurvivalTreeNode node)
    {
        if (node.IsLeaf) yield break;
        yield return node.Split!;
        foreach (var s in node.Left!.InnerNodesOf()) yield return s;
        foreach (var s in node.Right!.InnerNodesOf()) yield return s;
    }
}
