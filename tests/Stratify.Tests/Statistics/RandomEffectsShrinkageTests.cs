using System.Text.Json;
using Stratify.Statistics;

namespace Stratify.Tests.Statistics;

/// <summary>The random-effects kernel against metafor 3.8 (tests/reference/shrinkage_reference.R).</summary>
public class RandomEffectsShrinkageTests
{
    private static readonly JsonElement[] Cases =
        JsonDocument.Parse(File.ReadAllText(RepoPaths.ReferenceFile("shrinkage_reference.json"))).RootElement.EnumerateArray().ToArray();

    public static TheoryData<string> Names => new(Cases.Select(c => c.GetProperty("name").GetString()!));

    private static JsonElement Case(string name) => Cases.Single(c => c.GetProperty("name").GetString() == name);

    private static double[] Numbers(JsonElement array) => array.EnumerateArray().Select(x => x.GetDouble()).ToArray();

    [Theory]
    [MemberData(nameof(Names))]
    public void Reml_tau2_pooled_mean_and_blup_equal_metafor(string name)
    {
        var c = Case(name);
        var fit = RandomEffectsShrinkage.Fit(Numbers(c.GetProperty("yi")), Numbers(c.GetProperty("vi")));
        Assert.Equal(HeterogeneityEstimator.RestrictedMaximumLikelihood, fit.Estimator);
        Assert.Equal(c.GetProperty("tau2_reml").GetDouble(), fit.Tau2, 1e-12);
        Assert.Equal(c.GetProperty("mean").GetDouble(), fit.Mean, 1e-12);
        Assert.Equal(c.GetProperty("mean_se").GetDouble(), fit.MeanStandardError, 1e-12);
        var pred = Numbers(c.GetProperty("pred"));
        var se = Numbers(c.GetProperty("se"));
        var lower = Numbers(c.GetProperty("lower"));
        var upper = Numbers(c.GetProperty("upper"));
        for (int i = 0; i < pred.Length; i++)
        {
            Assert.Equal(pred[i], fit.Shrunken[i], 1e-12);
            Assert.Equal(se[i], fit.ShrunkenStandardError[i], 1e-12);
            Assert.Equal(lower[i], fit.ShrunkenLower[i], 1e-12);
            Assert.Equal(upper[i], fit.ShrunkenUpper[i], 1e-12);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void DerSimonian_Laird_tau2_equals_metafor(string name)
    {
        var c = Case(name);
        Assert.Equal(c.GetProperty("tau2_dl").GetDouble(), RandomEffectsShrinkage.DerSimonianLaird(Numbers(c.GetProperty("yi")), Numbers(c.GetProperty("vi"))), 1e-14);
    }

    [Fact]
    public void With_no_heterogeneity_every_estimate_is_shrunk_to_the_pooled_mean()
    {
        // Identical estimates: Q = 0, τ² = 0, and the empirical-Bayes estimate is the (common) pooled mean.
        var fit = RandomEffectsShrinkage.Fit([-0.3, -0.3, -0.3], [0.02, 0.05, 0.1]);
        Assert.Equal(0, fit.Tau2);
        Assert.All(fit.Shrunken, x => Assert.Equal(-0.3, x, 1e-15));
        // Var = (1 − λ)² Var(μ̂) with λ = 0: every interval is the pooled mean's, 1/Σw = 1/(50 + 20 + 10).
        Assert.All(fit.ShrunkenStandardError, s => Assert.Equal(Math.Sqrt(1.0 / 80), s, 1e-15));
    }

    [Fact]
    public void Fewer_than_two_estimates_or_a_non_positive_variance_are_refused()
    {
        Assert.Throws<ArgumentException>(() => RandomEffectsShrinkage.Fit([0.1], [0.01]));
        Assert.Throws<ArgumentException>(() => RandomEffectsShrinkage.Fit([0.1, 0.2], [0.01, 0]));
        Assert.Throws<ArgumentException>(() => RandomEffectsShrinkage.Fit([0.1, double.NaN], [0.01, 0.02]));
    }
}
