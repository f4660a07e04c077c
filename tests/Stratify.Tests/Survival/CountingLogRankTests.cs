using System.Text.Json;
using Stratify.Survival;

namespace Stratify.Tests.Survival;

/// <summary>
/// The log-rank test on counting-process data against the score test of R's coxph(Surv(entry, time, status) ~ group
/// [+ strata] [+ cluster(id)]) (counting_reference.R; R's survdiff refuses counting-process data): delayed entry and
/// start/stop rows, model-based (fit$score) and robust (fit$rscore, per patient or per row) statistics, observed and
/// expected per group, Holm-adjusted pairwise tests and the trend test; and R's default variance (robust with several
/// rows per patient or fractional weights).
/// </summary>
public class CountingLogRankTests
{
    /// <summary>
    /// Largest relative difference measured: 3.6e-12, on a pairwise statistic of 8e-7 (a score near 0 keeps fewer digits
    /// in either program); the other statistics agree to 1e-13.
    /// </summary>
    private const double Tolerance = 1e-11;
    private const double PTolerance = 1e-12;

    public static TheoryData<string, bool> Cases
    {
        get
        {
            var cases = new TheoryData<string, bool>();
            foreach (var name in CountingReference.Names("logrank"))
            {
                cases.Add(name, false);
                cases.Add(name, true);
            }
            return cases;
        }
    }

    public static TheoryData<string> Names => CountingReference.Names("logrank");

    private static (SurvivalData Data, JsonElement R) Data(string name)
    {
        var r = CountingReference.Case("logrank", name);
        var bound = CountingReference.Bind(r);
        return (SurvivalData.From(bound, bound.Group), r);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Score_test_of_the_cox_model_on_counting_process_data(string name, bool robust)
    {
        var (data, r) = Data(name);
        var result = LogRankTest.Compute(data, new LogRankOptions { Robust = robust, Pairwise = PValueAdjustment.Holm, Trend = true });
        Assert.True(result.CountingProcess);
        LogRankReferenceAssert.ScoreTestEqual(result, r, robust, name, Tolerance, PTolerance);
    }

    [Theory, MemberData(nameof(Names))]
    public void The_default_variance_is_coxphs(string name)
    {
        var (data, r) = Data(name);
        var result = LogRankTest.Compute(data, new LogRankOptions());
        Assert.Equal(r.GetProperty("default_robust").GetBoolean(), result.Robust);
    }

    [Fact]
    public void Fleming_harrington_weights_are_refused_on_counting_process_data()
    {
        var (data, _) = Data("lung_entry_sex");
        var error = Assert.Throws<Stratify.Data.StratifyInputException>(() => LogRankTest.Compute(data, new LogRankOptions { Rho = 1 }));
        Assert.Contains("counting-process", error.Message);
    }
}
