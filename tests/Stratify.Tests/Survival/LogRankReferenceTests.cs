using System.Text.Json;
using Stratify.Survival;
using Xunit.Abstractions;
using static Stratify.Tests.Survival.SurvivalReference;

namespace Stratify.Tests.Survival;

/// <summary>
/// The log-rank family against R's survdiff (survival 3.5): unstratified and stratified, rho = 0, 0.5, 1, pairwise
/// comparisons (survdiff on each pair's patients, then p.adjust "holm" and "BH") and the test for trend computed in
/// R from survdiff's O, E and variance matrix. Reference: tests/reference/km_logrank_reference.R, section "logrank".
/// </summary>
public class LogRankReferenceTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases => Names("logrank");

    private static (JsonElement Reference, LogRankResult Test) Run(string name, PValueAdjustment adjustment)
    {
        var c = Case("logrank", name);
        var options = new LogRankOptions { Rho = c.GetProperty("rho").GetDouble(), Pairwise = adjustment, Trend = true };
        return (c, LogRankTest.Compute(SurvivalReference.Data(c, withStrata: true), options));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Chi_square_df_and_p_equal_survdiff(string name)
    {
        var (r, test) = Run(name, PValueAdjustment.Holm);
        double d1 = AssertClose(r.GetProperty("statistic").GetDouble(), test.Statistic, StatisticTolerance, "chisq");
        Assert.Equal(r.GetProperty("df").GetInt32(), test.DegreesOfFreedom);
        double d2 = AssertClose(Number(r.GetProperty("p")), test.PValue, PValueTolerance, "p");
        Assert.Equal(SurvivalReference.OptionalString(r, "strata") is not null, test.Stratified);
        output.WriteLine($"{name}: chisq {d1:E2}, p {d2:E2}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Observed_expected_and_variance_per_group_equal_survdiff(string name)
    {
        var (r, test) = Run(name, PValueAdjustment.Holm);
        var groups = r.GetProperty("groups").EnumerateArray().ToArray();
        Assert.Equal(groups.Length, test.Groups.Count);
        double max = 0;
        for (int i = 0; i < groups.Length; i++)
        {
            Assert.Equal(groups[i].GetProperty("group").GetString(), test.Groups[i].Group);
            Assert.Equal(groups[i].GetProperty("n").GetInt32(), test.Groups[i].N);
            max = Math.Max(max, AssertClose(groups[i].GetProperty("observed").GetDouble(), test.Groups[i].Observed, EstimateTolerance, "obs"));
            max = Math.Max(max, AssertClose(groups[i].GetProperty("expected").GetDouble(), test.Groups[i].Expected, EstimateTolerance, "exp"));
        }
        var rows = r.GetProperty("variance").EnumerateArray().ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            var row = Numbers(rows[i]);
            for (int j = 0; j < row.Length; j++)
                max = Math.Max(max, AssertClose(row[j], test.Variance[i, j], EstimateTolerance, $"var[{i},{j}]"));
        }
        output.WriteLine($"{name}: max relative difference {max:E2}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Trend_statistic_equals_the_hand_computation_from_survdiff(string name)
    {
        var (r, test) = Run(name, PValueAdjustment.Holm);
        var trend = r.GetProperty("trend");
        Assert.NotNull(test.Trend);
        AssertClose(Number(trend.GetProperty("statistic")), test.Trend!.Statistic, StatisticTolerance, "trend chisq");
        AssertClose(Number(trend.GetProperty("p")), test.Trend.PValue, PValueTolerance, "trend p");
        Assert.Equal(1, test.Trend.DegreesOfFreedom);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pairwise_tests_and_holm_adjustment_equal_pairwise_survdiff(string name)
        => AssertPairwise(name, PValueAdjustment.Holm, "p_holm");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pairwise_tests_and_bh_adjustment_equal_pairwise_survdiff(string name)
        => AssertPairwise(name, PValueAdjustment.BenjaminiHochberg, "p_bh");

    private static void AssertPairwise(string name, PValueAdjustment method, string adjustedProperty)
    {
        var (r, test) = Run(name, method);
        var pairs = r.GetProperty("pairwise").EnumerateArray().ToArray();
        Assert.Equal(pairs.Length, test.Pairwise.Count);
        for (int i = 0; i < pairs.Length; i++)
        {
            var mine = test.Pairwise[i];
            Assert.Equal(pairs[i].GetProperty("group_a").GetString(), mine.GroupA);
            Assert.Equal(pairs[i].GetProperty("group_b").GetString(), mine.GroupB);
            Assert.Equal(method, mine.Method);
            AssertClose(pairs[i].GetProperty("statistic").GetDouble(), mine.Statistic, StatisticTolerance, "pair chisq");
            AssertClose(Number(pairs[i].GetProperty("p")), mine.PValue, PValueTolerance, "pair p");
            AssertClose(Number(pairs[i].GetProperty(adjustedProperty)), mine.PAdjusted, PValueTolerance, adjustedProperty);
        }
    }
}
