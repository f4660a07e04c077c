using System.Text.Json;
using Stratify.Data;
using Stratify.Reporting;
using Stratify.Stratification;

namespace Stratify.Tests.Stratification;

/// <summary>
/// Missing values in features used only to find subgroups never remove a patient from the overall analyses, and every
/// stage says how many patients it analysed and left out. The data are R's survival::pbc randomised patients, whose
/// tree candidates chol, copper, trig and platelet have missing values; the references come from
/// tests/reference/pbc_reference.R (coxph on all 312 randomised patients).
/// </summary>
public class MissingFeatureTests
{
    private static readonly JsonElement R = JsonDocument.Parse(File.ReadAllText(RepoPaths.ReferenceFile("pbc_reference.json"))).RootElement;
    private static readonly string[] MissingFeatures = ["chol", "copper", "trig", "platelet"];

    /// <summary>The pbc fixture as Parquet beside a spec that grows a survival tree on 16 features, with <paramref name="missing"/> as its policy.</summary>
    internal static string PbcSpec(TempFolder folder, string missing)
    {
        ParquetCohortWriter.Write(CsvCohortReader.Read(RepoPaths.ReferenceFile("data/pbc_randomised.csv")), folder.File("pbc.parquet"));
        File.WriteAllText(folder.File("pbc.yaml"), $$"""
            title: PBC randomised patients
            data: pbc.parquet
            id: id
            time: time
            event: status
            event_value: [2]
            censored_value: [0, 1]
            treatment: trt
            treatment_reference: placebo
            design: randomised
            subgroups:
              method: tree
              features:
                numeric: [age, bili, chol, albumin, copper, alk.phos, ast, trig, platelet, protime]
                categorical: [sex, ascites, hepato, spiders]
                ordinal: {edema: [0, 0.5, 1.0], stage: [1.0, 2.0, 3.0, 4.0]}
              min_node_size: 30
              max_depth: 2
              missing: {{missing}}
            output: out
            seed: 5
            """);
        return folder.File("pbc.yaml");
    }

    private static (StratificationResult Run, ResultsDocument Document) Run(string missing)
    {
        using var folder = new TempFolder();
        var spec = StudySpecReader.Read(PbcSpec(folder, missing));
        var run = StratificationRun.Execute(spec);
        return (run, ResultsMapping.ToDocument(run, RunOutput.Inputs(run)));
    }

    private static void Close(double expected, double actual, double relative) =>
        Assert.True(Math.Abs(expected - actual) <= relative * Math.Abs(expected), $"expected {expected:R}, got {actual:R}");

    private static int Missing(string feature) => R.GetProperty("missing").GetProperty(feature).GetInt32();

    [Fact]
    public void Feature_only_missingness_keeps_every_patient_in_the_overall_treatment_effect_as_R()
    {
        var (run, doc) = Run("impute");

        // R: coxph(Surv(time, status == 2) ~ arm) on all 312 randomised patients: HR 1.059 (the binding of tree
        // features as covariates used to drop 34 patients). Measured agreement: 2e-16 (HR), 1e-15 (p); the reference
        // JSON holds 15 significant digits; asserted 1e-14.
        var overall = doc.Treatment!.Overall;
        Assert.Equal(R.GetProperty("n").GetInt32(), overall.N);
        Assert.Equal(R.GetProperty("events").GetInt32(), overall.Events);
        Close(R.GetProperty("overall").GetProperty("hr").GetDouble(), overall.Hr, 1e-14);
        Close(R.GetProperty("overall").GetProperty("lower").GetDouble(), overall.HrLower, 1e-14);
        Close(R.GetProperty("overall").GetProperty("upper").GetDouble(), overall.HrUpper, 1e-14);
        Close(R.GetProperty("overall").GetProperty("p").GetDouble(), overall.P, 1e-14);
        Assert.Equal(312, run.Study.RowCount);
        Assert.Empty(run.DroppedByStage);
        Assert.Equal(312, doc.Subgroups.Sum(s => s.N));
    }

    [Fact]
    public void Imputation_fills_the_median_of_the_observed_values_and_states_the_count_per_feature()
    {
        var (_, doc) = Run("impute");
        var missing = doc.Discovery.MissingValues.ToDictionary(m => m.Feature);
        Assert.Equal(16, missing.Count);
        foreach (var feature in MissingFeatures)
        {
            // R: colSums(is.na(d)) and median(d$x, na.rm = TRUE) on the 312 patients.
            Assert.Equal(("impute", Missing(feature), Missing(feature), false),
                (missing[feature].Policy, missing[feature].Missing, missing[feature].Imputed, missing[feature].Indicator));
            Assert.Equal(R.GetProperty("median").GetProperty(feature).GetDouble(), double.Parse(missing[feature].Fill!, System.Globalization.CultureInfo.InvariantCulture));
        }
        Assert.All(missing.Values.Where(m => !MissingFeatures.Contains(m.Feature)), m => Assert.Equal((0, 0, (string?)null), (m.Missing, m.Imputed, m.Fill)));
        Assert.Contains(doc.Warnings, w => w.Text.StartsWith($"chol: {Missing("chol")} missing values imputed (median: 309.5)", StringComparison.Ordinal));
    }

    [Fact]
    public void Complete_case_leaves_patients_without_a_subgroup_counted_per_stage_but_in_the_overall_effect()
    {
        var (run, doc) = Run("complete_case");
        int complete = R.GetProperty("complete_n").GetInt32(); // R: sum(complete.cases(d[, features])) = 276

        var sizes = doc.Study.AnalysedByStage.ToDictionary(s => s.Stage, s => (s.N, s.Events));
        Assert.Equal((312, 125), sizes["load"]);
        Assert.Equal((complete, R.GetProperty("complete_events").GetInt32()), sizes["subgroup_finding"]);
        Assert.Equal(sizes["subgroup_finding"], sizes["survival_by_subgroup"]);
        Assert.Equal(sizes["subgroup_finding"], sizes["treatment_by_subgroup"]);
        Assert.Equal((312, 125), sizes["treatment_overall"]);
        foreach (var stage in new[] { "subgroup_finding", "survival_by_subgroup", "treatment_by_subgroup" })
            Assert.Equal(MissingFeatures.Select(f => (f, Missing(f))),
                doc.Study.DroppedByStage.Where(d => d.Stage == stage).Select(d => (d.Column, d.Rows)));
        Assert.DoesNotContain(doc.Study.DroppedByStage, d => d.Stage is "load" or "treatment_overall");

        Assert.Equal(complete, doc.Subgroups.Sum(s => s.N));
        Assert.Equal(complete, doc.Survival.KaplanMeier.Groups.Sum(g => g.N));
        Assert.Equal(complete, doc.Treatment!.BySubgroup.Sum(e => e.N));
        Assert.Equal(312 - complete, run.Subgroups.CodeOfRow.Count(c => c < 0));
        // The overall effect is unchanged by the policy: all 312 patients, R's HR.
        Assert.Equal(312, doc.Treatment.Overall.N);
        Close(R.GetProperty("overall").GetProperty("hr").GetDouble(), doc.Treatment.Overall.Hr, 1e-14);
        Assert.Contains(doc.Warnings, w => w.Text.StartsWith($"{312 - complete} patients lack a complete-case feature", StringComparison.Ordinal));
        // Table 1 by subgroup: every estimation patient in the overall column, those without a subgroup in no group.
        Assert.Equal((312, 312 - complete), (run.Table1BySubgroup.OverallCount, run.Table1BySubgroup.GroupMissingCount));
    }

    [Fact]
    public void Indicator_adds_a_missing_value_feature_the_tree_may_split_on()
    {
        var (run, doc) = Run("indicator");
        var chol = doc.Discovery.MissingValues.Single(m => m.Feature == "chol");
        Assert.Equal(("indicator", Missing("chol"), true), (chol.Policy, chol.Imputed, chol.Indicator));
        Assert.False(doc.Discovery.MissingValues.Single(m => m.Feature == "age").Indicator);
        Assert.Equal(312, doc.Subgroups.Sum(s => s.N));
        Assert.Equal(312, doc.Treatment!.Overall.N);
        Assert.Empty(run.DroppedByStage);
    }

    [Fact]
    public void Pairwise_is_refused_for_the_survival_tree_with_the_line_and_a_suggestion()
    {
        using var folder = new TempFolder();
        var error = Assert.Throws<StratifyInputException>(() => StudySpecReader.Read(PbcSpec(folder, "pairwise")));
        Assert.Contains("'missing: pairwise' is for k-medoids", error.Message);
        Assert.Contains("Use impute, indicator or complete_case", error.Message);
    }

    [Fact]
    public void Results_json_carries_the_stages_as_typed_fields()
    {
        var (_, doc) = Run("complete_case");
        using var json = JsonDocument.Parse(JsonOutput.Serialize(doc));
        var study = json.RootElement.GetProperty("study");
        Assert.Equal(["stage", "n", "events"], study.GetProperty("analysed_by_stage")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(["stage", "column", "rows"], study.GetProperty("dropped_by_stage")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(["feature", "policy", "missing", "imputed", "fill", "indicator"],
            json.RootElement.GetProperty("discovery").GetProperty("missing_values")[0].EnumerateObject().Select(p => p.Name));
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(JsonOutput.Serialize(doc)));
        var back = JsonOutput.Deserialize<ResultsDocument>(stream)!;
        Assert.Equal(doc.Study.DroppedByStage, back.Study.DroppedByStage);
        Assert.Equal(doc.Study.AnalysedByStage, back.Study.AnalysedByStage);
    }
}
