using System.Text.Json;
using Stratify.Survival;
using static Stratify.Tests.Survival.SurvivalReference;

namespace Stratify.Tests.Survival;

/// <summary>
/// The weighted log-rank test against the score test of R's coxph(Surv(time, status) ~ group [+ strata], weights = w)
/// (weights_reference.R; R's survdiff takes no weights): model-based (fit$score) and robust (fit$rscore) statistics,
/// observed (summed weights of events) and expected per group, pairwise tests with Holm adjustment, and the test for
/// trend as the score test on the group's position.
/// </summary>
public class WeightedLogRankTests
{
    /// <summary>Largest relative difference measured: 1.1e-14 (a pairwise statistic).</summary>
    private const double Tolerance = 1e-13;

    /// <summary>p-values and Holm-adjusted p-values: measured 3.9e-13 at p = 7.7e-16.</summary>
    private const double PValueTolerance = 2e-12;

    public static TheoryData<string, bool> Cases
    {
        get
        {
            var cases = new TheoryData<string, bool>();
            foreach (var name in WeightedReference.Names("logrank"))
            {
                cases.Add(name, false);
                cases.Add(name, true);
            }
            return cases;
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void Score_test_of_the_weighted_cox_model(string name, bool robust)
    {
        var r = WeightedReference.Case("logrank", name);
        var bound = WeightedReference.Bind(r);
        var result = LogRankTest.Compute(SurvivalData.From(bound, bound.Group),
            new LogRankOptions { Robust = robust, Pairwise = PValueAdjustment.Holm, Trend = true });
        var expected = r.GetProperty(robust ? "robust" : "model");
        Assert.True(result.Weighted);
        Assert.Equal(robust, result.Robust);
        AssertClose(Number(expected.GetProperty("statistic")), result.Statistic, Tolerance, name + " statistic");
        Assert.Equal(expected.GetProperty("df").GetInt32(), result.DegreesOfFreedom);
        AssertClose(Number(expected.GetProperty("p")), result.PValue, PValueTolerance, name + " p");

        Assert.Equal(r.GetProperty("groups").EnumerateArray().Select(g => g.GetString()), result.Groups.Select(g => g.Group));
        Assert.Equal(r.GetProperty("n").EnumerateArray().Select(n => n.GetInt32()), result.Groups.Select(g => g.N));
        AssertClose(Numbers(r.GetProperty("observed")), result.Groups.Select(g => g.Observed).ToArray(), Tolerance, name + " observed");
        AssertClose(Numbers(r.GetProperty("expected")), result.Groups.Select(g => g.Expected).ToArray(), Tolerance, name + " expected");

        var pairs = r.GetProperty("pairwise");
        AssertClose(Numbers(pairs.GetProperty(robust ? "robust" : "model")), result.Pairwise.Select(p => p.Statistic).ToArray(), Tolerance, name + " pairs");
        AssertClose(Numbers(pairs.GetProperty(robust ? "robust_holm" : "model_holm")), result.Pairwise.Select(p => p.PAdjusted).ToArray(), PValueTolerance, name + " holm");
        Assert.Equal(pairs.GetProperty("group_a").EnumerateArray().Select(g => g.GetString()), result.Pairwise.Select(p => p.GroupA));

        var trend = r.GetProperty("trend").GetProperty(robust ? "robust" : "model");
        AssertClose(Number(trend.GetProperty("statistic")), result.Trend!.Statistic, Tolerance, name + " trend");
    }
}
