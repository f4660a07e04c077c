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
        Assert.True(result.Weighted);
        LogRankReferenceAssert.ScoreTestEqual(result, r, robust, name, Tolerance, PValueTolerance);
    }
}
