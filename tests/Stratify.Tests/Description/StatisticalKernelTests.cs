using System.Text.Json;
using Stratify.Statistics;
using static Stratify.Tests.Description.Table1Reference;

namespace Stratify.Tests.Description;

/// <summary>
/// The kernels of Stratify.Statistics against R 4.2 (tests/reference/table1_reference.R): p-values to a relative
/// 2e-11, statistics and summaries to 5e-13 (see <see cref="Table1Reference"/> for what was measured).
/// </summary>
public class StatisticalKernelTests
{
    public static TheoryData<string, string> NumericVariables => Variables("numeric");
    public static TheoryData<string, string> NumericVariablesOfTwoGroups => Variables("numeric", groups: 2);
    public static TheoryData<string, string> CategoricalVariables => Variables("categorical");

    [Fact]
    public void Two_sided_t_tail_matches_R_pt()
    {
        foreach (var c in Json.GetProperty("tails").GetProperty("t").EnumerateArray())
            Close(c.Number("p"), TailProbability.StudentTTwoSided(c.Number("x"), c.Number("df")), PValueTolerance, "2 pt(-|t|, df)");
    }

    [Fact]
    public void F_upper_tail_matches_R_pf_down_to_1e_300()
    {
        foreach (var c in Json.GetProperty("tails").GetProperty("f").EnumerateArray())
            Close(c.Number("p"), TailProbability.FisherSnedecorUpper(c.Number("x"), c.Number("df1"), c.Number("df2")), PValueTolerance, "pf upper");
    }

    [Fact]
    public void Chi_square_upper_tail_matches_R_pchisq_down_to_1e_300()
    {
        foreach (var c in Json.GetProperty("tails").GetProperty("chi_square").EnumerateArray())
            Close(c.Number("p"), TailProbability.ChiSquareUpper(c.Number("x"), c.Number("df")), PValueTolerance, "pchisq upper");
    }

    [Fact]
    public void Type7_quantiles_match_R_quantile_default()
    {
        foreach (var c in Json.GetProperty("quantile_cases").EnumerateArray())
        {
            var sorted = c.Doubles("x");
            Array.Sort(sorted);
            var probs = c.Doubles("probs");
            var expected = c.Doubles("q");
            for (int i = 0; i < probs.Length; i++)
                Close(expected[i], SampleQuantile.Type7(sorted, probs[i]), SummaryTolerance, $"quantile p={probs[i]}");
        }
    }

    [Fact]
    public void Fisher_exact_two_sided_matches_R_fisher_test()
    {
        foreach (var c in Json.GetProperty("fisher_cases").EnumerateArray())
        {
            var t = c.Integers("table");
            Close(c.Number("p"), FisherExactTest.TwoByTwo(t[0], t[1], t[2], t[3]).PValue, PValueTolerance, $"fisher [{string.Join(",", t)}]");
        }
    }

    [Fact]
    public void Fisher_exact_on_a_symmetric_table_is_R_value_0_4857()
    {
        // R: fisher.test(matrix(c(3, 1, 1, 3), 2))$p.value = 0.4857143 (= 34/70)
        Assert.Equal(34.0 / 70.0, FisherExactTest.TwoByTwo(3, 1, 1, 3).PValue, 12);
    }

    [Fact]
    public void Wilcoxon_exact_without_ties_matches_R_wilcox_test()
    {
        var c = Json.GetProperty("wilcoxon_cases")[0];
        var r = WilcoxonRankSumTest.Compute(c.Doubles("x"), c.Doubles("y"));
        Assert.True(r.Exact);
        Assert.Equal(c.Number("statistic"), r.Statistic);
        Close(c.Number("p"), r.PValue, PValueTolerance, "exact wilcoxon p");
    }

    [Fact]
    public void Wilcoxon_with_ties_uses_corrected_normal_approximation_as_R()
    {
        var c = Json.GetProperty("wilcoxon_cases")[1];
        var byTrt = ValuesByGroup(Table1Reference.Cohort("veteran_by_celltype"), "karno", "trt");
        var r = WilcoxonRankSumTest.Compute(byTrt[0], byTrt[1]);
        Assert.False(r.Exact);
        Close(c.Number("statistic"), r.Statistic, SummaryTolerance, "W");
        Close(c.Number("p"), r.PValue, PValueTolerance, "normal wilcoxon p");
    }

    [Theory]
    [MemberData(nameof(NumericVariables))]
    public void Group_means_SDs_and_quartiles_match_R(string table, string variable)
    {
        var expected = Variable(table, variable).GetProperty("by_group").EnumerateArray().ToArray();
        var groups = ValuesByGroup(Table1Reference.Cohort(table), variable, GroupColumn(table));
        for (int g = 0; g < groups.Length; g++)
        {
            var s = NumericSummary.Of(groups[g]);
            Assert.Equal(expected[g].Number("n"), s.Count);
            Close(expected[g].Number("mean"), s.Mean, SummaryTolerance, "mean");
            Close(expected[g].Number("sd"), s.StandardDeviation, SummaryTolerance, "sd");
            Close(expected[g].Number("median"), s.Median, SummaryTolerance, "median");
            Close(expected[g].Number("q1"), s.LowerQuartile, SummaryTolerance, "q1");
            Close(expected[g].Number("q3"), s.UpperQuartile, SummaryTolerance, "q3");
        }
    }

    [Theory]
    [MemberData(nameof(NumericVariables))]
    public void Parametric_group_test_matches_R_t_test_or_anova(string table, string variable)
    {
        var primary = Variable(table, variable).GetProperty("primary");
        var groups = ValuesByGroup(Table1Reference.Cohort(table), variable, GroupColumn(table));
        if (groups.Length == 2)
        {
            var r = WelchTTest.Compute(groups[0], groups[1]);
            Close(primary.Number("statistic"), r.Statistic, SummaryTolerance, "t");
            Close(primary.Number("df"), r.DegreesOfFreedom, SummaryTolerance, "Welch df");
            Close(primary.Number("p"), r.PValue, PValueTolerance, "t.test p");
        }
        else
        {
            var r = OneWayAnova.Compute(Flatten(groups));
            Close(primary.Number("statistic"), r.Statistic, SummaryTolerance, "F");
            Assert.Equal(primary.Number("df2"), r.DenominatorDegreesOfFreedom);
            Close(primary.Number("p"), r.PValue, PValueTolerance, "anova p");
        }
    }

    [Theory]
    [MemberData(nameof(NumericVariables))]
    public void Kruskal_Wallis_matches_R_kruskal_test(string table, string variable)
    {
        var alternative = Variable(table, variable).GetProperty("alternative");
        var groups = ValuesByGroup(Table1Reference.Cohort(table), variable, GroupColumn(table));
        var r = KruskalWallisTest.Compute(Flatten(groups));
        Close(alternative.Number("statistic"), r.Statistic, SummaryTolerance, "H");
        Close(alternative.Number("p"), r.PValue, PValueTolerance, "kruskal p");
    }

    [Theory]
    [MemberData(nameof(NumericVariablesOfTwoGroups))]
    public void Wilcoxon_rank_sum_on_two_groups_matches_R_wilcox_test(string table, string variable)
    {
        var groups = ValuesByGroup(Table1Reference.Cohort(table), variable, GroupColumn(table));
        Assert.Equal(2, groups.Length);
        var expected = Variable(table, variable).GetProperty("wilcoxon");
        var r = WilcoxonRankSumTest.Compute(groups[0], groups[1]);
        Close(expected.Number("statistic"), r.Statistic, SummaryTolerance, "W");
        Close(expected.Number("p"), r.PValue, PValueTolerance, "wilcox.test p");
    }

    [Theory]
    [MemberData(nameof(NumericVariablesOfTwoGroups))]
    public void Numeric_SMD_matches_R_formula(string table, string variable)
    {
        var groups = ValuesByGroup(Table1Reference.Cohort(table), variable, GroupColumn(table));
        Assert.Equal(2, groups.Length);
        // R: (mean(g1) - mean(g0)) / sqrt((var(g1) + var(g0)) / 2)
        Close(Variable(table, variable).Number("smd"), StandardizedMeanDifference.Numeric(groups[1], groups[0]), SummaryTolerance, "smd");
    }

    [Theory]
    [MemberData(nameof(CategoricalVariables))]
    public void Chi_square_and_categorical_SMD_match_R(string table, string variable)
    {
        var v = Variable(table, variable);
        var byGroup = v.GetProperty("by_group").EnumerateArray().Select(g => g.Integers("counts")).ToArray();
        // Counts come from R's table(); the kernel is checked on the same table (the builder's counting is
        // checked in Table1BuilderTests).
        var (counts, rows) = NonEmptyTable(byGroup);
        var chi = PearsonChiSquareTest.Compute(counts, rows, byGroup.Length);
        var expected = v.GetProperty("chi_square");
        Close(expected.Number("statistic"), chi.Statistic, SummaryTolerance, "X²");
        Close(expected.Number("p"), chi.PValue, PValueTolerance, "chisq p");
        Close(expected.Number("min_expected"), chi.MinimumExpected, SummaryTolerance, "min expected");
        if (byGroup.Length == 2)
            Close(v.Number("smd"), StandardizedMeanDifference.Categorical(byGroup[1], byGroup[0]), SummaryTolerance, "smd");
    }

    [Fact]
    public void Small_expected_2x2_gives_R_Fisher_and_chi_square_p_values()
    {
        var c = Json.GetProperty("fisher_small");
        var t = c.Integers("table");
        Close(c.Number("p"), FisherExactTest.TwoByTwo(t[0], t[1], t[2], t[3]).PValue, PValueTolerance, "fisher");
        var chi = PearsonChiSquareTest.Compute(t, 2, 2);
        Close(c.Number("chi_square_p"), chi.PValue, PValueTolerance, "chisq");
        Close(c.Number("min_expected"), chi.MinimumExpected, SummaryTolerance, "min expected");
    }

    [Fact]
    public void Multi_level_SMD_with_two_levels_equals_the_binary_formula()
    {
        // Hand calculation: p1 = 30/100, p0 = 20/100 → (0.3 - 0.2) / sqrt((0.21 + 0.16) / 2) = 0.2324952774876386
        Assert.Equal(0.2324952774876386, StandardizedMeanDifference.Categorical([70, 30], [80, 20]), 12);
    }

    [Fact]
    public void Welch_t_is_undefined_for_a_single_value()
    {
        var r = WelchTTest.Compute([1.0], [2.0, 3.0, 4.0]);
        Assert.True(double.IsNaN(r.PValue));
    }

    private static GroupedSample Flatten(double[][] groups)
    {
        var values = groups.SelectMany(g => g).ToArray();
        var codes = groups.SelectMany((g, i) => Enumerable.Repeat(i, g.Length)).ToArray();
        return new GroupedSample(values, codes, groups.Length);
    }

    private static (int[] Counts, int Rows) NonEmptyTable(int[][] byGroup)
    {
        var rows = Enumerable.Range(0, byGroup[0].Length).Where(k => byGroup.Sum(g => g[k]) > 0).ToArray();
        var counts = new int[rows.Length * byGroup.Length];
        for (int i = 0; i < rows.Length; i++)
            for (int j = 0; j < byGroup.Length; j++) counts[i * byGroup.Length + j] = byGroup[j][rows[i]];
        return (counts, rows.Length);
    }
}
