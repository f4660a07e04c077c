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
        Assert.Equal(r.GetProperty("robust").GetBoolean(), model.Robust);
        Assert.Equal(r.GetProperty("n").GetInt32(), model.N);
        Assert.Equal(r.GetProperty("events").GetInt32(), model.Events);
        Assert.Equal(r.GetProperty("terms").EnumerateArray().Select(t => t.GetString()!.Replace("grp", "grp=")), model.Coefficients.Select(c => c.Term));
        AssertClose(Numbers(r.GetProperty("coef")), model.Coefficients.Select(c => c.Coefficient).ToArray(), Tolerance, name + " coef");
        AssertClose(Numbers(r.GetProperty("se")), model.Coefficients.Select(c => c.StandardError).ToArray(), Tolerance, name + " se");
        AssertClose(Numbers(r.GetProperty("robust_se")), model.Coefficients.Select(c => c.RobustStandardError).ToArray(), Tolerance, name + " robust se");
        AssertClose(Numbers(r.GetProperty("z")), model.Coefficients.Select(c => c.Z).ToArray(), Tolerance, name + " z");
        AssertClose(Numbers(r.GetProperty("p")), model.Coefficients.Select(c => c.PValue).ToArray(), PValueTolerance, name + " p");
        AssertClose(Numbers(r.GetProperty("hr_lower")), model.Coefficients.Select(c => c.HazardRatioLower).ToArray(), Tolerance, name + " lower");
        AssertClose(Numbers(r.GetProperty("hr_upper")), model.Coefficients.Select(c => c.HazardRatioUpper).ToArray(), Tolerance, name + " upper");
        AssertClose(Numbers(r.GetProperty("means")), model.Means, Tolerance, name + " means");
        Assert.Equal(r.GetProperty("iterations").GetInt32(), model.Iterations);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Likelihoods_tests_and_concordance_equal_coxph_with_weights(string name)
    {
        var (model, r) = Fit(name);
        AssertClose(Number(r.GetProperty("loglik").GetProperty("null")), model.LogLikNull, Tolerance, name + " loglik null");
        AssertClose(Number(r.GetProperty("loglik").GetProperty("model")), model.LogLik, Tolerance, name + " loglik");
        foreach (var (property, test) in new[] { ("likelihood_ratio", model.LikelihoodRatio), ("wald", model.Wald), ("score", model.Score) })
            AssertTest(r.GetProperty(property), test, $"{name} {property}");
        if (r.GetProperty("robust_score").ValueKind == JsonValueKind.Null) Assert.Null(model.RobustScore);
        else AssertTest(r.GetProperty("robust_score"), model.RobustScore!, name + " robust score");
        AssertClose(Number(r.GetProperty("concordance").GetProperty("c")), model.Concordance.C, Tolerance, name + " concordance");
        AssertClose(Number(r.GetProperty("concordance").GetProperty("se")), model.Concordance.StandardError, Tolerance, name + " concordance se");
    }

    [Theory, MemberData(nameof(Cases))]
    public void Baseline_survival_equals_survfit_of_the_weighted_fit(string name)
    {
        var (model, r) = Fit(name);
        var baseline = r.GetProperty("baseline");
        var curves = model.BaselineSurvival();
        AssertClose(Numbers(baseline.GetProperty("time")), curves.SelectMany(c => c.Time).ToArray(), 0, name + " time");
        AssertClose(Numbers(baseline.GetProperty("surv")), curves.SelectMany(c => c.Survival).ToArray(), Tolerance, name + " surv");
        AssertClose(Numbers(baseline.GetProperty("std_err")), curves.SelectMany(c => c.StandardError).ToArray(), Tolerance, name + " std.err");
        AssertClose(Numbers(baseline.GetProperty("lower")), curves.SelectMany(c => c.Lower).ToArray(), Tolerance, name + " lower");
        AssertClose(Numbers(baseline.GetProperty("upper")), curves.SelectMany(c => c.Upper).ToArray(), Tolerance, name + " upper");
    }

    private static void AssertTest(JsonElement r, CoxTest test, string what)
    {
        AssertClose(Number(r.GetProperty("statistic")), test.Statistic, Tolerance, what + " statistic");
        Assert.Equal(r.GetProperty("df").GetInt32(), test.DegreesOfFreedom);
        AssertClose(Number(r.GetProperty("p")), test.PValue, PValueTolerance, what + " p");
    }
}
