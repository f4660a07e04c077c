using System.Globalization;
using System.Text.Json;
using Stratify.Reporting;
using Stratify.Stratification;

namespace Stratify.Tests.Stratification;

/// <summary>
/// Every hazard ratio of results.json against R (tests/reference/treatment_reference.R): coxph with the model its
/// adjusted_for names, on the patients and subgroups of the run's assignments (committed as
/// tests/reference/data/assignments_NAME.csv, which these tests check the run still reproduces), and metafor's
/// REML random-effects fit and empirical-Bayes predictions for the shrunken estimates.
/// </summary>
public class TreatmentReferenceTests
{
    private static readonly JsonElement Reference =
        JsonDocument.Parse(File.ReadAllText(RepoPaths.ReferenceFile("treatment_reference.json"))).RootElement;

    /// <summary>Hazard ratios, limits, p-values, statistics and coefficients (relative; measured: HR ≤ 5e-15, interaction ≤ 1e-12, Cox terms ≤ 4e-13).</summary>
    private const double Tolerance = 1e-11;

    private static (StratificationResult Run, ResultsDocument Document) Run(string name) => StudyRuns.Get(name);

    private static void Close(double expected, double actual, string what, double tolerance = Tolerance) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)),
            $"{what}: R {expected.ToString("R", CultureInfo.InvariantCulture)}, Stratify {actual.ToString("R", CultureInfo.InvariantCulture)}");

    public static TheoryData<string> AllStudies => new() { "gbsg", "rotterdam", "veteran", "lung", "pbc", "colon" };

    public static TheoryData<string> TreatmentStudies => new() { "gbsg", "rotterdam", "veteran", "pbc", "colon" };

    [Theory]
    [MemberData(nameof(AllStudies))]
    public void The_run_places_the_patients_in_the_subgroups_the_R_reference_used(string name)
    {
        var (run, _) = Run(name);
        var lines = File.ReadAllLines(RepoPaths.ReferenceFile($"data/assignments_{name}.csv"));
        Assert.Equal(run.Study.RowCount + 1, lines.Length);
        for (int row = 0; row < run.Study.RowCount; row++)
        {
            var cells = lines[row + 1].Split(',');
            int code = run.Subgroups.CodeOfRow[row];
            Assert.Equal(cells[0], run.Study.PatientId(row));
            Assert.Equal(cells[1], code < 0 ? "" : run.Subgroups.Ids[code]);
            if (cells.Length > 2) Assert.Equal(cells[2], run.InDiscovery[row] && run.EstimationRows.Length < run.Study.RowCount ? "discovery" : "estimation");
        }
    }

    [Theory]
    [MemberData(nameof(AllStudies))]
    public void The_cox_model_by_subgroup_equals_R_coxph_term_by_term(string name)
    {
        var (_, doc) = Run(name);
        var cox = Reference.GetProperty(name).GetProperty("cox");
        var terms = cox.GetProperty("terms").EnumerateArray().Select(t => t.GetString()!).ToList();
        // Same columns; R orders a factor's levels alphabetically, Stratify in natural order ("20-50" before ">50").
        Assert.Equal(terms.Order(StringComparer.Ordinal), doc.Survival.Cox.Terms.Select(t => t.Term).Order(StringComparer.Ordinal));
        for (int j = 0; j < terms.Count; j++)
        {
            var term = doc.Survival.Cox.Terms.Single(t => t.Term == terms[j]);
            if (cox.GetProperty("coef")[j].ValueKind == JsonValueKind.String)
            {
                // R's NA: the column is aliased (a subgroup defined by this covariate), and so it is in Stratify.
                Assert.Equal("NA", cox.GetProperty("coef")[j].GetString());
                Assert.True(double.IsNaN(term.Coef), $"{name} cox {terms[j]} should be aliased");
                continue;
            }
            Close(cox.GetProperty("coef")[j].GetDouble(), term.Coef, $"{name} cox {terms[j]} coef");
            Close(cox.GetProperty("se")[j].GetDouble(), term.Se, $"{name} cox {terms[j]} se");
        }
    }

    [Theory]
    [MemberData(nameof(TreatmentStudies))]
    public void Every_treatment_hazard_ratio_equals_R_coxph_with_the_model_its_adjusted_for_names(string name)
    {
        var (_, doc) = Run(name);
        var treatment = doc.Treatment!;
        var reference = Reference.GetProperty(name).GetProperty("treatment");
        Effect(name, reference.GetProperty("overall"), treatment.Overall);
        var bySubgroup = reference.GetProperty("by_subgroup");
        Assert.Equal(bySubgroup.GetArrayLength(), treatment.BySubgroup.Count);
        for (int s = 0; s < treatment.BySubgroup.Count; s++) Effect(name, bySubgroup[s], treatment.BySubgroup[s]);
    }

    private static void Effect(string name, JsonElement r, TreatmentEffectJson e)
    {
        string what = $"{name} {e.Subgroup}";
        Assert.Equal(r.GetProperty("subgroup").GetString(), e.Subgroup);
        Assert.Equal(r.GetProperty("n").GetInt32(), e.N);
        Assert.Equal(r.GetProperty("events").GetInt32(), e.Events);
        Assert.Equal(r.GetProperty("arm_n")[0].GetInt32(), e.Arms[0].N);
        Assert.Equal(r.GetProperty("arm_n")[1].GetInt32(), e.Arms[1].N);
        Assert.Equal(r.GetProperty("arm_events")[0].GetInt32(), e.Arms[0].Events);
        Assert.Equal(r.GetProperty("arm_events")[1].GetInt32(), e.Arms[1].Events);
        Assert.Equal(r.GetProperty("estimable").GetString(), e.Estimable);
        if (e.Estimable != "yes")
        {
            Assert.True(double.IsNaN(e.Hr) && double.IsNaN(e.P) && double.IsNaN(e.RmstDifference), what);
            Assert.Null(e.Unadjusted);
            return;
        }
        Assert.Equal(Strings(r.GetProperty("adjusted_for")), e.AdjustedFor);
        Assert.Equal(Strings(r.GetProperty("not_adjusted_for")), e.NotAdjustedFor.Select(o => o.Covariate));
        var adjusted = r.GetProperty("adjusted");
        Close(adjusted.GetProperty("hr").GetDouble(), e.Hr, what + " adjusted HR");
        Close(adjusted.GetProperty("lower").GetDouble(), e.HrLower, what + " adjusted lower");
        Close(adjusted.GetProperty("upper").GetDouble(), e.HrUpper, what + " adjusted upper");
        Close(adjusted.GetProperty("p").GetDouble(), e.P, what + " adjusted p");
        Close(r.GetProperty("rmst_difference").GetDouble(), e.RmstDifference, what + " RMST difference");
        Close(r.GetProperty("rmst_difference_se").GetDouble(), e.RmstDifferenceSe, what + " RMST difference SE");
        var unadjusted = r.GetProperty("unadjusted");
        Close(unadjusted.GetProperty("hr").GetDouble(), e.Unadjusted!.Hr, what + " unadjusted HR");
        Close(unadjusted.GetProperty("lower").GetDouble(), e.Unadjusted.HrLower, what + " unadjusted lower");
        Close(unadjusted.GetProperty("upper").GetDouble(), e.Unadjusted.HrUpper, what + " unadjusted upper");
        Close(unadjusted.GetProperty("p").GetDouble(), e.Unadjusted.P, what + " unadjusted p");
    }

    [Theory]
    [MemberData(nameof(TreatmentStudies))]
    public void The_interaction_test_equals_R_anova_of_the_two_coxph_models(string name)
    {
        var (_, doc) = Run(name);
        var interaction = doc.Treatment!.Interaction;
        var r = Reference.GetProperty(name).GetProperty("treatment").GetProperty("interaction");
        Assert.Equal(Strings(r.GetProperty("subgroups")), interaction.Subgroups);
        Assert.Equal(Strings(r.GetProperty("adjusted_for")), interaction.AdjustedFor);
        Assert.Equal(r.GetProperty("df").GetInt32(), interaction.Df);
        Close(r.GetProperty("statistic").GetDouble(), interaction.Statistic, $"{name} interaction statistic");
        Close(r.GetProperty("p").GetDouble(), interaction.P, $"{name} interaction p");
        Assert.Equal(r.GetProperty("p").GetDouble() < 0.05 ? "differs" : "consistent", doc.Treatment.BottomLine.Kind);
    }

    [Theory]
    [MemberData(nameof(TreatmentStudies))]
    public void Shrunken_estimates_equal_metafor_REML_and_blup_on_the_same_subgroup_estimates(string name)
    {
        var (_, doc) = Run(name);
        var treatment = doc.Treatment!;
        var r = Reference.GetProperty(name).GetProperty("treatment").GetProperty("shrinkage");
        // τ² absolute (metafor iterates to 1e-14 here).
        Close(r.GetProperty("tau2").GetDouble(), treatment.Shrinkage!.Tau2, $"{name} tau2", 1e-12);
        Close(r.GetProperty("mean_hr").GetDouble(), treatment.Shrinkage.MeanHr, $"{name} pooled HR");
        var subgroups = Strings(r.GetProperty("subgroups"));
        Assert.Equal(subgroups, treatment.Shrinkage.Subgroups);
        for (int j = 0; j < subgroups.Count; j++)
        {
            var shrunken = treatment.BySubgroup.Single(e => e.Subgroup == subgroups[j]).Shrunken!;
            Close(r.GetProperty("hr")[j].GetDouble(), shrunken.Hr, $"{name} {subgroups[j]} shrunken HR");
            Close(r.GetProperty("lower")[j].GetDouble(), shrunken.HrLower, $"{name} {subgroups[j]} shrunken lower");
            Close(r.GetProperty("upper")[j].GetDouble(), shrunken.HrUpper, $"{name} {subgroups[j]} shrunken upper");
        }
    }

    [Theory]
    [InlineData("gbsg")]
    [InlineData("rotterdam")]
    public void Observational_studies_are_weighted_as_R_glm_and_the_balance_is_Rs(string name)
    {
        var (_, doc) = Run(name);
        var treatment = doc.Treatment!;
        var r = Reference.GetProperty(name).GetProperty("treatment").GetProperty("weights");
        var weights = treatment.Weights!;
        Assert.Equal("iptw", weights.Method);
        Assert.Equal("robust_wald", treatment.Interaction.Test);
        Close(r.GetProperty("ess_reference").GetDouble(), weights.Ess.Single(e => e.Arm == treatment.Reference).Ess, $"{name} ESS reference", 1e-9);
        Close(r.GetProperty("ess_treated").GetDouble(), weights.Ess.Single(e => e.Arm == treatment.Treated).Ess, $"{name} ESS treated", 1e-9);
        Close(r.GetProperty("ps_median_reference").GetDouble(), Median(weights.Overlap.Arms.Single(a => a.Arm == treatment.Reference)), $"{name} PS median reference", 1e-9);
        Close(r.GetProperty("ps_median_treated").GetDouble(), Median(weights.Overlap.Arms.Single(a => a.Arm == treatment.Treated)), $"{name} PS median treated", 1e-9);
        var balance = r.GetProperty("balance").EnumerateArray().ToList();
        Assert.Equal(balance.Select(b => b.GetProperty("term").GetString()).Order(StringComparer.Ordinal), treatment.Balance!.Select(b => b.Term).Order(StringComparer.Ordinal));
        foreach (var b in balance)
        {
            var mine = treatment.Balance!.Single(x => x.Term == b.GetProperty("term").GetString());
            Close(b.GetProperty("before").GetDouble(), mine.SmdBefore, $"{name} {mine.Term} SMD before", 1e-9);
            Close(b.GetProperty("after").GetDouble(), mine.SmdAfter, $"{name} {mine.Term} SMD after", 1e-9);
        }
    }

    private static double Median(ArmPropensityJson arm) => arm.Quantiles[arm.Probabilities.ToList().IndexOf(0.5)];

    private static List<string> Strings(JsonElement array) =>
        array.ValueKind == JsonValueKind.Array ? array.EnumerateArray().Select(x => x.GetString()!).ToList() : [array.GetString()!];
}
