using Stratify.Data;
using Stratify.Description;
using Stratify.Reporting;
using Stratify.Survival;

namespace Stratify.Tests.Reporting;

/// <summary>
/// A results.json as `stratify run` would write it for the German Breast Cancer Study Group data (gbsg.csv, 686
/// patients, recurrence-free survival in days, tamoxifen vs none): three subgroups found by k-medoids — A (≤ 3
/// positive nodes), B (&gt; 3 nodes) and C, the three youngest patients (n = 3, below the small-cell threshold of 5).
/// Kaplan–Meier curves, log-rank tests and both Table 1s are computed from the data with Stratify's own estimators;
/// the Cox, treatment-effect, clustering-criteria and stability numbers are plausible values typed in (the report
/// only displays them). <paramref name="mark"/> is appended to every free-text field (title, subgroup ids and
/// descriptions, feature names, arm labels) to test escaping.
/// </summary>
internal static class SubgroupReportFixture
{
    public const int SmallSubgroupSize = 3;
    public const string Statement = "The subgroups were found and tested on the same 686 patients, so p-values and confidence intervals are optimistic.";

    public static ResultsDocument Results(string mark = "")
    {
        var cohort = CsvCohortReader.Read(RepoPaths.Dataset("gbsg.csv"));
        int n = cohort.RowCount;
        double[] Numbers(string column) => ((NumericColumn)cohort[column]).Values;
        var time = Numbers("rfstime");
        var died = Numbers("status").Select(s => s == 1).ToArray();
        var age = Numbers("age");
        var nodes = Numbers("nodes");
        var hormon = Numbers("hormon");

        string[] ids = ["A" + mark, "B" + mark, "C" + mark];
        string[] arms = ["none" + mark, "tamoxifen" + mark];
        var youngest = Enumerable.Range(0, n).OrderBy(i => age[i]).ThenBy(i => i).Take(SmallSubgroupSize).ToHashSet();
        var subgroup = new int[n];
        for (int i = 0; i < n; i++) subgroup[i] = youngest.Contains(i) ? 2 : nodes[i] <= 3 ? 0 : 1;
        var arm = hormon.Select(h => (int)h).ToArray();

        var kmOptions = new KaplanMeierOptions { Times = [365, 1095, 1825], RmstHorizon = 1825 };
        var km = SurvivalJson.From(ProductLimit.Fit(new SurvivalData(time, died, subgroup, ids), kmOptions));
        var logRank = SurvivalJson.From(LogRankTest.Compute(new SurvivalData(time, died, subgroup, ids),
            new LogRankOptions { Pairwise = PValueAdjustment.Holm }));

        var features = new[] { "age", "size", "grade", "nodes", "pgr", "er", "meno" };
        var featureNames = features.Select(f => f + mark).ToArray();
        var withGroups = new Cohort([.. cohort.Columns,
            new CategoricalColumn("subgroup", subgroup, ids), new CategoricalColumn("arm", arm, arms)], "gbsg.csv");
        var table1Variables = new List<Table1Variable>
        {
            new("age", VariableKind.Numeric), new("size", VariableKind.Numeric), new("grade", VariableKind.Categorical),
            new("nodes", VariableKind.Numeric), new("meno", VariableKind.Categorical),
        };
        var bySubgroup = Table1Formats.ToDocument(Table1Builder.Build(withGroups, new Table1Options(table1Variables, "subgroup")));
        var byArm = Table1Formats.ToDocument(Table1Builder.Build(withGroups, new Table1Options(table1Variables, "arm")));

        var effects = new List<TreatmentEffectJson>();
        (double Hr, double Lower, double Upper, double P)[] hazardRatios = [(0.71, 0.51, 0.99, 0.043), (0.68, 0.50, 0.92, 0.012), (double.NaN, double.NaN, double.NaN, double.NaN)];
        string[] descriptions = ["≤ 3 positive nodes" + mark, "> 3 positive nodes" + mark, "age under 26" + mark];
        string[] adjustedFor = ["age", "grade"];
        for (int g = 0; g < 3; g++)
        {
            var members = Enumerable.Range(0, n).Where(i => subgroup[i] == g).ToArray();
            var armKm = SurvivalJson.From(ProductLimit.Fit(new SurvivalData(members.Select(i => time[i]).ToArray(),
                members.Select(i => died[i]).ToArray(), members.Select(i => arm[i]).ToArray(), arms), kmOptions));
            var (hr, lower, upper, p) = hazardRatios[g];
            int events = members.Count(i => died[i]);
            bool estimable = !double.IsNaN(hr);
            var armCounts = Enumerable.Range(0, 2).Select(a => new ArmCountJson(arms[a], members.Count(i => arm[i] == a), members.Count(i => arm[i] == a && died[i]))).ToArray();
            effects.Add(new TreatmentEffectJson(ids[g], members.Length, events, armCounts, estimable ? "yes" : "too_few_patients", hr, lower, upper, p,
                estimable ? adjustedFor : [], [], estimable ? new HazardRatioJson(hr + 0.02, lower + 0.01, upper + 0.03, p * 1.1) : null,
                estimable ? new ShrunkenHazardRatioJson(0.70, 0.56, 0.88) : null,
                estimable ? 96.4 + 40 * g : double.NaN, estimable ? 38.1 : double.NaN, estimable ? 21.7 + 40 * g : double.NaN, estimable ? 171.1 + 40 * g : double.NaN,
                estimable ? "consistent with overall" : "not estimable", "", armKm));
        }
        var overallKm = SurvivalJson.From(ProductLimit.Fit(new SurvivalData(time, died, arm, arms), kmOptions));
        var overallArms = Enumerable.Range(0, 2).Select(a => new ArmCountJson(arms[a], arm.Count(x => x == a), Enumerable.Range(0, n).Count(i => arm[i] == a && died[i]))).ToArray();
        var overall = new TreatmentEffectJson("all patients", n, died.Count(d => d), overallArms, "yes", 0.69, 0.54, 0.89, 0.0034, adjustedFor, [],
            new HazardRatioJson(0.72, 0.56, 0.92, 0.0081), null, 112.5, 34.2, 45.5, 179.5, "benefit", "", overallKm);

        var profiles = new List<SubgroupProfileJson>();
        for (int g = 0; g < 3; g++)
        {
            var values = new List<ProfileValueJson>();
            for (int f = 0; f < features.Length; f++)
            {
                var x = Numbers(features[f]);
                double inside = Enumerable.Range(0, n).Where(i => subgroup[i] == g).Average(i => x[i]);
                double rest = Enumerable.Range(0, n).Where(i => subgroup[i] != g).Average(i => x[i]);
                double mean = x.Average();
                double sd = Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (n - 1));
                values.Add(new ProfileValueJson(featureNames[f], (inside - rest) / sd, inside, rest));
            }
            profiles.Add(new SubgroupProfileJson(ids[g], values));
        }

        var clustering = new DiscoveryClusteringJson("gower", 3, 3, 0.2143, 0.31, 0.12,
            [new KCriteriaJson(2, 0.28, 0.41, 0.02, 10412.5), new KCriteriaJson(3, 0.31, 0.47, 0.02, 10288.1),
             new KCriteriaJson(4, 0.26, 0.46, 0.02, 10301.7), new KCriteriaJson(5, 0.22, 0.48, 0.02, 10330.2),
             new KCriteriaJson(6, 0.21, 0.49, 0.03, 10372.9)],
            [new ClusterStabilityJson(ids[0], 0.84, true), new ClusterStabilityJson(ids[1], 0.77, true), new ClusterStabilityJson(ids[2], 0.41, false)]);

        var cox = new CoxModelJson(n, died.Count(d => d), CoxTies.Efron,
            [new CoxTermJson("subgroup=" + ids[1], 0.72, 0.082, 2.05, 1.75, 2.41, 8.78, 1.6e-18, double.NaN),
             new CoxTermJson("subgroup=" + ids[2], 0.35, 1.002, 1.42, 0.20, 10.1, 0.35, 0.73, double.NaN),
             new CoxTermJson("hormon", -0.36, 0.125, 0.70, 0.55, 0.89, -2.88, 0.0040, double.NaN)],
            new CoxLogLikJson(-1788.1, -1749.9),
            new CoxTestsJson(new CoxTestJson(76.4, 3, 1.8e-16), new CoxTestJson(80.2, 3, 2.7e-17), new CoxTestJson(84.0, 3, 4.2e-18)),
            new CoxConcordanceJson(0.624, 0.014), 4, true, [],
            new CoxPhTestJson([new CoxPhTermJson("subgroup", 7.91, 2, 0.019), new CoxPhTermJson("hormon", 0.41, 1, 0.52)],
                new CoxPhGlobalJson(8.66, 3, 0.034)));

        var study = new StudyJson("Tamoxifen and recurrence-free survival after breast cancer (GBSG)" + mark,
            [new DataFileJson("gbsg.parquet", "3f5d0a1c9b7e2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d0f")],
            new EndpointJson("rfstime", "days", "status", "1 = recurrence or death, 0 = censored", died.Count(d => d), "recurrence-free survival"),
            new TreatmentArmsJson("hormon" + mark, arms[0], arms), ["grade"], n, n,
            [], [365, 1095, 1825], 1825, 5, 20240611);
        return new ResultsDocument(ResultsDocument.CurrentSchemaVersion, study,
            new InferenceJson("none", true, null, null, n, n, Statement),
            Enumerable.Range(0, 3).Select(g => new SubgroupJson(ids[g], subgroup.Count(s => s == g),
                Enumerable.Range(0, n).Count(i => subgroup[i] == g && died[i]), descriptions[g], null)).ToList(),
            new SubgroupDiscoveryJson("kmedoids", featureNames, clustering, null, profiles),
            byArm, bySubgroup,
            new SurvivalBySubgroupJson(km, logRank, cox),
            new TreatmentTailoringJson("hormon" + mark, arms[0], arms[1], "randomised", 5, null,
                new BottomLineJson("consistent", 0.84, 0.05, "exploratory", ""), overall, effects,
                new InteractionTestJson(0.35, 1, 0.84, adjustedFor, [], [ids[0], ids[1]]),
                new ShrinkageJson("REML", 0, 0.70, 0.56, 0.88, [ids[0], ids[1]]), null),
            [ResultsMapping.ToJson(CountedText.Format($"Subgroup {ids[2]} has fewer than 5 patients ({TextCount.SubgroupSize(SmallSubgroupSize, ids[2])}); its estimates are not shown."), 5)]);
    }

    public static ManifestDocument Manifest(string mark = "") => new("1.0", "0.4.0", ".NET 10.0.0",
        [new PackageVersionJson("MathNet.Numerics", "5.0.0"), new PackageVersionJson("ScottPlot", "5.0.55")],
        [new DataFileJson("gbsg.parquet" + mark, "3f5d0a1c9b7e2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d0f")],
        "gbsg.yaml", "data: gbsg.parquet\ntime: rfstime\nevent: status\ntreatment: hormon" + mark + "\nsubgroups:\n  method: kmedoids\n  k: 3\n",
        20240611, "2026-11-22T18:00:00Z", "2026-11-22T18:00:41Z",
        [new StageTimingJson("discovery", 12.5), new StageTimingJson("survival", 0.8)]);
}
