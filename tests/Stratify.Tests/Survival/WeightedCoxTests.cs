using System.Text.Json;
using Stratify.Survival;
using static Stratify.Tests.Survival.SurvivalReference;

namespace Stratify.Tests.Survival;

/// <summary>
/// Weighted Cox against R's coxph(..., weights = w) (weights_reference.R): Efron and Breslow ties, strata, clusters,
/// R's default robust variance with fractional weights and explicit robust = TRUE / FALSE: coefficients, model-based
/// and robust SE, z, p and intervals, log-likelihoods, the likelihood-ratio, Wald, score and robust score tests,
/// concordance with its SE, the centres, and the baseline survival curve.
/// </summary>
public class WeightedCoxTests
{
    /// <summary>Largest relative difference measured: 3.6e-14 (a baseline lower limit near 0); the likelihood-ratio
    /// statistic 2.3e-14, coefficients 1.8e-14.</summary>
    private const double Tolerance = 1e-13;

    /// <summary>p-values: measured 1.8e-12 at p = 2.8e-40 (the χ² tail multiplies the statistic's relative error).</summary>
    private const double PValueTolerance = 1e-11;

    public static TheoryData<string> Cases => WeightedReference.Names("cox");

    private static (CoxModel Model, JsonElement R) Fit(string name)
    {
        var r = WeightedReference.Case("cox", name);
        var bound = WeightedReference.Bind(r);
        var options = new CoxOptions
        {
            Ties = r.GetProperty("ties").GetString() == "breslow" ? CoxTies.Breslow : CoxTies.Efron,
            Robust = WeightedReference.OptionalBool(r, "robust_option"),
            Cluster = bound.Cluster,
            Weights = bound.Weights,
        };
        return (CoxProportionalHazards.Fit(bound.Time!, bound.Event!, StudyTerms.Design(bound), bound.Strata?.Codes, options), r);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Coefficients_and_standard_errors_equal_coxph_with_weights(string name)
    {
        var (model, r) = Fit(name);
        Assert.True(model.Weighted);
        CoxReferenceAssert.CoefficientsEqual(model, r, name, Tolerance, PValueTolerance);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Likelihoods_tests_and_concordance_equal_coxph_with_weights(string name)
    {
        var (model, r) = Fit(name);
        CoxReferenceAssert.TestsAndConcordanceEqual(model, r, name, Tolerance, PValueTolerance);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Baseline_survival_equals_survfit_of_the_weighted_fit(string name)
    {
        var (model, r) = Fit(name);
        CoxReferenceAssert.BaselineEqual(model, r, name, Tolerance);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Proportional_hazards_test_equals_cox_zph_of_the_weighted_fit(string name)
    {
        var (model, r) = Fit(name);
        var zph = r.GetProperty("zph");
        var result = ProportionalHazardsTest.Compute(model);
        var rows = result.Terms.Append(result.Global).ToArray();
        Assert.Equal(zph.GetProperty("terms").EnumerateArray().Select(t => t.GetString()!), rows.Select(t => t.Term).ToArray());
        Assert.Equal(Numbers(zph.GetProperty("df")), rows.Select(t => (double)t.DegreesOfFreedom).ToArray());
        AssertClose(Numbers(zph.GetProperty("chisq")), rows.Select(t => t.Statistic).ToArray(), Tolerance, name + " zph chisq");
        AssertClose(Numbers(zph.GetProperty("p")), rows.Select(t => t.PValue).ToArray(), PValueTolerance, name + " zph p");
    }
}
