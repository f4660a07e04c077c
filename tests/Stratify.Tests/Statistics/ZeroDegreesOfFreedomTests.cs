using Stratify.Data;
using Stratify.Statistics;
using Stratify.Survival;
using Stratify.Tests.Cli;

namespace Stratify.Tests.Statistics;

/// <summary>
/// Every χ² test of the library reports p = NaN (NA in tables, null in JSON) when it has 0 degrees of freedom: there
/// was nothing to test. R prints p = 1 in these cases (pchisq(0, 0, lower.tail = FALSE)), which reads as evidence of
/// no difference; the comments give R's output on the same data.
/// </summary>
public class ZeroDegreesOfFreedomTests
{
    [Fact]
    public void Log_rank_with_one_group_never_at_risk_at_an_event_has_0_df_and_no_p_value()
    {
        // Group b is censored at 1 and 2, before the first event at 5: it expects no events, so survdiff drops it and
        // nothing is left to compare. R: survdiff(Surv(t, s) ~ g), t = 5 6 8 1 2, s = 1 1 0 0 0, g = a a a b b:
        // "Chisq= 0 on 0 degrees of freedom, p= 1", expected 2 and 0.
        var data = new SurvivalData([5, 6, 8, 1, 2], [true, true, false, false, false], [0, 0, 0, 1, 1], ["a", "b"]);
        var test = LogRankTest.Compute(data, new LogRankOptions());
        Assert.Equal(0, test.DegreesOfFreedom);
        Assert.Equal(0.0, test.Statistic);
        Assert.True(double.IsNaN(test.PValue), $"p = {test.PValue}");
        Assert.Equal([2.0, 0.0], test.Groups.Select(g => g.Expected));
    }

    [Fact]
    public void Pairwise_log_rank_leaves_a_comparison_without_df_out_of_the_holm_family()
    {
        // a vs b has 0 df (b is never at risk at one of a's events); a vs c and b vs c are real tests, and the Holm family
        // is those two (p.adjust leaves NA out of m). R, on t = 10 11 12 13 14 1 3.5 3 4 5 6 20,
        // s = 1 1 1 1 1 0 0 1 1 1 1 0, g = a×5 b×2 c×5: survdiff on each pair, then
        // p.adjust(c(NA, 0.49236750476436297, 0.65472084601857727), "holm") = NA 0.98473500952872595 0.98473500952872595
        // (with R's p = 1 for a vs b in the family both would be 1).
        var data = new SurvivalData([10, 11, 12, 13, 14, 1, 3.5, 3, 4, 5, 6, 20],
            [true, true, true, true, true, false, false, true, true, true, true, false],
            [0, 0, 0, 0, 0, 1, 1, 2, 2, 2, 2, 2], ["a", "b", "c"]);
        var pairs = LogRankTest.Compute(data, new LogRankOptions { Pairwise = PValueAdjustment.Holm }).Pairwise;
        Assert.Equal(["a-b", "a-c", "b-c"], pairs.Select(p => $"{p.GroupA}-{p.GroupB}"));
        Assert.Equal(0.0, pairs[0].Statistic);
        Assert.True(double.IsNaN(pairs[0].PValue) && double.IsNaN(pairs[0].PAdjusted));
        Assert.Equal(0.49236750476436297, pairs[1].PValue, 1e-15);
        Assert.Equal(0.65472084601857727, pairs[2].PValue, 1e-15);
        Assert.Equal(0.98473500952872595, pairs[1].PAdjusted, 1e-15);
        Assert.Equal(0.98473500952872595, pairs[2].PAdjusted, 1e-15);
    }

    [Fact]
    public void Cox_model_whose_only_term_is_aliased_has_0_df_and_no_p_values()
    {
        // A constant covariate is aliased (R: coef NA). R: summary(coxph(Surv(t, s) ~ x)) with x = 3 for everyone,
        // t = 1..6, s = 1 0 1 1 0 1: "Likelihood ratio test= 0 on 0 df, p=1", score test 0 on 0 df, p = 1.
        var design = DesignMatrix.Build([CovariateTerm.Numeric("x", [3, 3, 3, 3, 3, 3])]);
        var model = CoxProportionalHazards.Fit([1, 2, 3, 4, 5, 6], [true, false, true, true, false, true], design);
        Assert.True(model.Coefficients[0].Aliased);
        foreach (var test in new[] { model.LikelihoodRatio, model.Wald, model.Score })
        {
            Assert.Equal(0, test.DegreesOfFreedom);
            Assert.True(double.IsNaN(test.PValue), $"p = {test.PValue}");
        }
    }

    [Fact]
    public void Pearson_chi_square_on_a_single_row_has_0_df_and_no_p_value()
    {
        // One row of counts: no association between rows and columns can be tested, (1 − 1)(2 − 1) = 0 df.
        var result = PearsonChiSquareTest.Compute([5, 7], rows: 1, columns: 2);
        Assert.Equal(0.0, result.DegreesOfFreedom);
        Assert.True(double.IsNaN(result.PValue));
    }

    [Fact]
    public void Logrank_command_prints_NA_and_says_why_for_a_pair_without_df()
    {
        using var dir = new TempFolder();
        var cohort = new Cohort([
            new NumericColumn("t", [10, 11, 12, 13, 14, 1, 3.5, 3, 4, 5, 6, 20]),
            new NumericColumn("s", [1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0]),
            CategoricalColumn.FromStrings("g", ["a", "a", "a", "a", "a", "b", "b", "c", "c", "c", "c", "c"])], "zero-df");
        ParquetCohortWriter.Write(cohort, dir.File("d.parquet"));

        var table = CliRunner.Run("logrank", dir.File("d.parquet"), "--time", "t", "--event", "s", "--group", "g", "--pairwise", "holm");
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains("p = NA: only one group was at risk at the event times", table.Out);
        var json = CliRunner.Run("logrank", dir.File("d.parquet"), "--time", "t", "--event", "s", "--group", "g", "--pairwise", "holm", "--format", "json");
        var pairs = System.Text.Json.JsonDocument.Parse(json.Out).RootElement.GetProperty("pairwise");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, pairs[0].GetProperty("p").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, pairs[0].GetProperty("p_adjusted").ValueKind);
        Assert.Equal(0.98473500952872595, pairs[1].GetProperty("p_adjusted").GetDouble(), 1e-15);
    }
}
