using System.Text.Json;
using Stratify.Survival;
using static Stratify.Tests.Survival.SurvivalReference;

namespace Stratify.Tests.Survival;

/// <summary>
/// Cox on counting-process data against R's coxph (counting_reference.R): delayed entry,
/// coxph(Surv(entry, time, status) ~ ...), and start/stop rows with time-varying covariates,
/// coxph(Surv(start, stop, event) ~ ..., cluster = id) — Efron and Breslow ties, strata, whole-number and fractional
/// weights, robust variance per row, per patient and per clinic: coefficients, model-based and robust SE, z, p and
/// intervals, the centres (agreg.fit's unweighted column means), log-likelihoods, the likelihood-ratio, Wald, score
/// and robust score tests, concordance with its pairs and SE, cox.zph, and the baseline survfit with its numbers at risk.
/// </summary>
public class CountingCoxTests
{
    /// <summary>
    /// Largest relative differences measured over the 17 models: coefficients 2.8e-13, SE and robust SE 5.3e-15, tests and
    /// log-likelihoods 1.2e-13, concordance and its SE 7.4e-16, baseline survival and its SE 1.9e-14, cox.zph 1.5e-13;
    /// p-values 4.9e-13.
    /// </summary>
    private const double Tolerance = 1e-12;
    private const double PTolerance = 1e-11;

    public static TheoryData<string> Cases => CountingReference.Names("cox");

    /// <summary>The unweighted cases (survfit.coxph's n.risk and n.event are head counts only without weights; R sums the weights).</summary>
    public static TheoryData<string> UnweightedCases => CountingReference.Names("cox", c => c.GetProperty("weight").ValueKind == JsonValueKind.Null);

    /// <summary>The cases for which R reported cox.zph (every case: weighted ones since cox.zph takes case weights).</summary>
    public static TheoryData<string> CasesWithPhTest => CountingReference.Names("cox", c => c.GetProperty("zph").ValueKind != JsonValueKind.Null);

    private static CoxOptions Options(JsonElement r, Stratify.Data.BoundStudy bound) => new()
    {
        Ties = r.GetProperty("ties").GetString() == "breslow" ? CoxTies.Breslow : CoxTies.Efron,
        Robust = WeightedReference.OptionalBool(r, "robust_option"),
        Cluster = bound.Cluster,
    };

    private static (CoxModel Model, JsonElement R) Fit(string name)
    {
        var r = CountingReference.Case("cox", name);
        var bound = CountingReference.Bind(r);
        return (CoxProportionalHazards.Fit(SurvivalData.From(bound), StudyTerms.Design(bound), Options(r, bound)), r);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Coefficients_and_standard_errors_equal_coxph_on_counting_process_data(string name)
    {
        var (model, r) = Fit(name);
        Assert.True(model.CountingProcess);
        CoxReferenceAssert.CoefficientsEqual(model, r, name, Tolerance, PTolerance);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Likelihoods_tests_and_concordance_equal_coxph_on_counting_process_data(string name)
    {
        var (model, r) = Fit(name);
        CoxReferenceAssert.TestsAndConcordanceEqual(model, r, name, Tolerance, PTolerance);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Baseline_survival_equals_survfit_of_the_fit(string name)
    {
        var (model, r) = Fit(name);
        CoxReferenceAssert.BaselineEqual(model, r, name, Tolerance);
    }

    [Theory, MemberData(nameof(UnweightedCases))]
    public void Baseline_numbers_at_risk_count_the_rows_with_entry_before_and_stop_at_or_after_each_time(string name)
    {
        var (model, r) = Fit(name);
        var curves = model.BaselineSurvival();
        var baseline = r.GetProperty("baseline");
        AssertClose(Numbers(baseline.GetProperty("n_risk")), curves.SelectMany(c => AsDoubles(c.AtRisk)).ToArray(), 0, name + " n.risk");
        AssertClose(Numbers(baseline.GetProperty("n_event")), curves.SelectMany(c => AsDoubles(c.Events)).ToArray(), 0, name + " n.event");
    }

    [Theory, MemberData(nameof(CasesWithPhTest))]
    public void Proportional_hazards_test_equals_cox_zph_on_counting_process_data(string name)
    {
        var (model, r) = Fit(name);
        var zph = r.GetProperty("zph");
        var test = ProportionalHazardsTest.Compute(model);
        var rows = test.Terms.Append(test.Global).ToArray();
        Assert.Equal(zph.GetProperty("terms").EnumerateArray().Select(t => t.GetString()), rows.Select(t => t.Term));
        AssertClose(Numbers(zph.GetProperty("chisq")), rows.Select(t => t.Statistic).ToArray(), Tolerance, name + " chisq");
        Assert.Equal(zph.GetProperty("df").EnumerateArray().Select(d => d.GetInt32()), rows.Select(t => t.DegreesOfFreedom));
        AssertClose(Numbers(zph.GetProperty("p")), rows.Select(t => t.PValue).ToArray(), PTolerance, name + " p");
    }

    [Theory, MemberData(nameof(Cases))]
    public void The_array_form_with_entry_times_gives_the_same_fit(string name)
    {
        var r = CountingReference.Case("cox", name);
        var bound = CountingReference.Bind(r);
        var shared = CoxProportionalHazards.Fit(SurvivalData.From(bound), StudyTerms.Design(bound), Options(r, bound));
        var arrays = CoxProportionalHazards.Fit(bound.Entry!, bound.Time!, bound.Event!, StudyTerms.Design(bound), bound.Strata?.Codes,
            Options(r, bound) with { Weights = bound.Weights, Cluster = bound.Cluster ?? bound.Patient });
        AssertClose(shared.Beta, arrays.Beta, 1e-12, name + " coef");
        AssertClose(shared.Coefficients.Select(c => c.RobustStandardError).ToArray(), arrays.Coefficients.Select(c => c.RobustStandardError).ToArray(), 1e-12, name + " robust se");
        AssertClose(shared.Concordance.StandardError, arrays.Concordance.StandardError, 1e-12, name + " concordance se");
    }
}
