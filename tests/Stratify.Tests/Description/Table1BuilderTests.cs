using System.Text.Json;
using Stratify.Data;
using Stratify.Description;
using static Stratify.Tests.Description.Table1Reference;

namespace Stratify.Tests.Description;

/// <summary>
/// Table 1 of the bundled cohorts against R (tests/reference/table1_reference.R): summaries and SMDs to a relative
/// 5e-13, p-values to 2e-11 (see Table1Reference for what was measured), counts exactly.
/// </summary>
public class Table1BuilderTests
{
    public static TheoryData<string> Tables()
    {
        var data = new TheoryData<string>();
        foreach (var t in Json.GetProperty("tables").EnumerateArray()) data.Add(t.GetProperty("name").GetString()!);
        return data;
    }

    private static Table1 BuildReferenceTable(string name)
    {
        var reference = Table(name);
        var variables = reference.GetProperty("numeric").EnumerateArray().Select(v => new Table1Variable(v.GetString()!, VariableKind.Numeric))
            .Concat(reference.GetProperty("categorical").EnumerateArray().Select(v => new Table1Variable(v.GetString()!, VariableKind.Categorical)))
            .ToList();
        return Table1Builder.Build(Table1Reference.Cohort(name), new Table1Options(variables, GroupColumn(name)));
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public void Groups_and_their_sizes_match_R(string name)
    {
        var table = BuildReferenceTable(name);
        var expected = Table(name).GetProperty("groups").EnumerateArray().ToArray();
        Assert.Equal(Table(name).GetProperty("n").GetInt32(), table.OverallCount);
        Assert.Equal(Table(name).GetProperty("group_missing").GetInt32(), table.GroupMissingCount);
        Assert.Equal(expected.Select(g => g.GetProperty("group").GetString()), table.Groups.Select(g => g.Label));
        Assert.Equal(expected.Select(g => g.GetProperty("n").GetInt32()), table.Groups.Select(g => g.Count));
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public void Numeric_rows_match_R_summaries_tests_and_SMD(string name)
    {
        var table = BuildReferenceTable(name);
        foreach (var summary in table.Variables.OfType<NumericVariableSummary>())
        {
            var expected = Variable(name, summary.Variable);
            AssertNumericCell(expected.GetProperty("overall"), summary.Overall, summary.Variable + " overall");
            var groups = expected.GetProperty("by_group").EnumerateArray().ToArray();
            for (int g = 0; g < groups.Length; g++) AssertNumericCell(groups[g], summary.ByGroup[g], $"{summary.Variable} group {g}");
            AssertTest(expected.GetProperty("primary"), summary.Primary!, summary.Variable);
            AssertTest(expected.GetProperty("alternative"), summary.Alternative!, summary.Variable);
            Close(expected.Number("smd"), summary.StandardizedMeanDifference, SummaryTolerance, summary.Variable + " smd");
        }
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public void Categorical_rows_match_R_counts_test_choice_p_and_SMD(string name)
    {
        var table = BuildReferenceTable(name);
        foreach (var summary in table.Variables.OfType<CategoricalVariableSummary>())
        {
            var expected = Variable(name, summary.Variable);
            var levels = expected.GetProperty("levels").EnumerateArray().Select(l => l.GetString()!).ToArray();
            Assert.Equal(levels.OrderBy(l => l, StringComparer.Ordinal), summary.Levels.OrderBy(l => l, StringComparer.Ordinal));
            AssertCounts(expected.GetProperty("overall"), levels, summary.Levels, summary.Overall);
            var groups = expected.GetProperty("by_group").EnumerateArray().ToArray();
            for (int g = 0; g < groups.Length; g++) AssertCounts(groups[g], levels, summary.Levels, summary.ByGroup[g]);
            var primary = expected.GetProperty("primary");
            Assert.Equal(primary.GetProperty("test").GetString(), summary.Primary!.Test);
            Close(primary.Number("p"), summary.Primary.PValue, PValueTolerance, summary.Variable + " p");
            Close(expected.Number("smd"), summary.StandardizedMeanDifference, SummaryTolerance, summary.Variable + " smd");
        }
    }

    [Fact]
    public void Sparse_2x2_table_is_tested_with_Fisher_exact_as_R()
    {
        var reference = Json.GetProperty("fisher_small");
        var cohort = new Cohort([
            CategoricalColumn.FromStrings("arm", reference.GetProperty("arm").EnumerateArray().Select(e => e.GetString()).ToList()),
            CategoricalColumn.FromStrings("response", reference.GetProperty("response").EnumerateArray().Select(e => e.GetString()).ToList()),
        ], "constructed");
        var table = Table1Builder.Build(cohort, new Table1Options([new("response", VariableKind.Categorical)], "arm"));
        var response = table.Variables[0];
        Assert.Equal("fisher_exact", response.Primary!.Test);
        Close(reference.Number("p"), response.Primary.PValue, PValueTolerance, "fisher.test p");
        Close(reference.Number("smd"), response.StandardizedMeanDifference, SummaryTolerance, "smd");
    }

    [Fact]
    public void Parametric_preference_puts_Welch_first_and_nonparametric_puts_Kruskal_Wallis_first()
    {
        var lung = Table1Reference.Cohort("lung_by_sex");
        var variables = new List<Table1Variable> { new("age", VariableKind.Numeric) };
        var parametric = (NumericVariableSummary)Table1Builder.Build(lung, new Table1Options(variables, "sex")).Variables[0];
        var rank = (NumericVariableSummary)Table1Builder.Build(lung, new Table1Options(variables, "sex", NumericTestPreference.Nonparametric)).Variables[0];
        Assert.Equal("welch_t", parametric.Primary!.Test);
        Assert.Equal("kruskal_wallis", parametric.Alternative!.Test);
        Assert.Equal("kruskal_wallis", rank.Primary!.Test);
        Assert.Equal(parametric.Alternative.PValue, rank.Primary.PValue);
    }

    [Fact]
    public void Without_a_group_column_only_overall_summaries_are_given()
    {
        var table = Table1Builder.Build(Table1Reference.Cohort("lung_by_sex"), new Table1Options([new("age", VariableKind.Numeric)]));
        var age = (NumericVariableSummary)table.Variables[0];
        Assert.Empty(table.Groups);
        Assert.Empty(age.ByGroup);
        Assert.Null(age.Primary);
        Assert.True(double.IsNaN(age.StandardizedMeanDifference));
        // R: mean(lung$age) = 62.44737
        Close(Variable("lung_by_sex", "age").GetProperty("overall").Number("mean"), age.Overall.Summary.Mean, SummaryTolerance, "mean");
    }

    [Fact]
    public void A_group_with_one_patient_has_an_undefined_SD_and_no_Welch_p()
    {
        var cohort = new Cohort([
            new NumericColumn("age", [50, 60, 70, 80]),
            CategoricalColumn.FromStrings("arm", ["a", "a", "a", "b"]),
        ], "constructed");
        var age = (NumericVariableSummary)Table1Builder.Build(cohort, new Table1Options([new("age", VariableKind.Numeric)], "arm")).Variables[0];
        Assert.Equal(80, age.ByGroup[1].Summary.Mean);
        Assert.True(double.IsNaN(age.ByGroup[1].Summary.StandardDeviation));
        Assert.True(double.IsNaN(age.Primary!.PValue));
        Assert.True(double.IsNaN(age.StandardizedMeanDifference));
        // Kruskal–Wallis still defined: ranks 1,2,3 | 4 → H = 12/(4·5)·(36/3 + 16) - 15 = 1.8, R kruskal.test p = 0.1797125
        Assert.Equal(1.8, age.Alternative!.Statistic, 12);
        Assert.Equal(0.17971249487899973, age.Alternative.PValue, 1e-15);
    }

    [Fact]
    public void A_level_absent_from_one_group_is_counted_as_zero_and_kept_in_the_test()
    {
        var cohort = new Cohort([
            CategoricalColumn.FromStrings("stage", ["I", "II", "III", "I", "II", "I", "II", "I", "II", "II"]),
            CategoricalColumn.FromStrings("arm", ["a", "a", "a", "a", "a", "b", "b", "b", "b", "b"]),
        ], "constructed");
        var stage = (CategoricalVariableSummary)Table1Builder.Build(cohort, new Table1Options([new("stage", VariableKind.Categorical)], "arm")).Variables[0];
        Assert.Equal(["I", "II", "III"], stage.Levels.ToArray());
        Assert.Equal([0, 2, 3, 0], [stage.ByGroup[1].Counts[2], stage.ByGroup[1].Counts[0], stage.ByGroup[1].Counts[1], stage.ByGroup[1].Missing]);
        Assert.Equal(0, stage.ByGroup[1].Percent(2));
        // 3 × 2 table [[2,2],[2,3],[1,0]]: R chisq.test(correct = FALSE) X² = 1.2, df 2, p = 0.5488116
        Assert.Equal("chi_square", stage.Primary!.Test);
        Assert.Equal(2, stage.Primary.DegreesOfFreedom);
        Assert.Equal(1.2, stage.Primary.Statistic, 12);
        Assert.Equal(0.54881163609402639, stage.Primary.PValue, 1e-15);
    }

    [Fact]
    public void A_variable_missing_in_a_whole_group_gives_empty_cells_and_no_p()
    {
        var cohort = new Cohort([
            new NumericColumn("ldh", [210, 250, 300, double.NaN, double.NaN], [false, false, false, true, true]),
            CategoricalColumn.FromStrings("ecog", ["0", "1", "1", null, null]),
            CategoricalColumn.FromStrings("arm", ["a", "a", "a", "b", "b"]),
        ], "constructed");
        var table = Table1Builder.Build(cohort, new Table1Options([new("ldh", VariableKind.Numeric), new("ecog", VariableKind.Categorical)], "arm"));
        var ldh = (NumericVariableSummary)table.Variables[0];
        var ecog = (CategoricalVariableSummary)table.Variables[1];
        Assert.Equal((0, 2, 2), (ldh.ByGroup[1].Summary.Count, ldh.ByGroup[1].Missing, ldh.MissingCount));
        Assert.True(double.IsNaN(ldh.ByGroup[1].Summary.Mean));
        Assert.True(double.IsNaN(ldh.Primary!.PValue));
        Assert.True(double.IsNaN(ldh.Alternative!.PValue));
        Assert.Equal(0, ecog.ByGroup[1].NonMissing);
        Assert.True(double.IsNaN(ecog.ByGroup[1].Percent(0)));
        Assert.True(double.IsNaN(ecog.Primary!.PValue));
        Assert.True(double.IsNaN(ecog.StandardizedMeanDifference));
    }

    [Fact]
    public void An_unknown_column_is_refused_with_a_suggestion()
    {
        var ex = Assert.Throws<StratifyInputException>(() =>
            Table1Builder.Build(Table1Reference.Cohort("lung_by_sex"), new Table1Options([new("ph.ecgo", VariableKind.Numeric)], "sex")));
        Assert.Contains("ph.ecog", ex.Message);
    }

    [Fact]
    public void A_text_column_cannot_be_summarised_as_numeric()
    {
        var ex = Assert.Throws<StratifyInputException>(() =>
            Table1Builder.Build(Table1Reference.Cohort("veteran_by_celltype"), new Table1Options([new("celltype", VariableKind.Numeric)])));
        Assert.Equal("celltype", ex.Column);
    }

    [Fact]
    public void Integer_columns_with_few_values_are_categorical_when_the_caller_asks()
    {
        var lung = Table1Reference.Cohort("lung_by_sex");
        Assert.Equal(VariableKind.Categorical, Table1Variable.For(lung["ph.ecog"], categoricalUpTo: 5).Kind);
        Assert.Equal(VariableKind.Numeric, Table1Variable.For(lung["age"], categoricalUpTo: 5).Kind);
        Assert.Equal(VariableKind.Numeric, Table1Variable.For(lung["ph.ecog"]).Kind);
    }

    private static void AssertNumericCell(JsonElement expected, NumericCell actual, string what)
    {
        Assert.Equal(expected.GetProperty("n").GetInt32(), actual.Summary.Count);
        Assert.Equal(expected.GetProperty("missing").GetInt32(), actual.Missing);
        Close(expected.Number("mean"), actual.Summary.Mean, SummaryTolerance, what + " mean");
        Close(expected.Number("sd"), actual.Summary.StandardDeviation, SummaryTolerance, what + " sd");
        Close(expected.Number("median"), actual.Summary.Median, SummaryTolerance, what + " median");
        Close(expected.Number("q1"), actual.Summary.LowerQuartile, SummaryTolerance, what + " q1");
        Close(expected.Number("q3"), actual.Summary.UpperQuartile, SummaryTolerance, what + " q3");
    }

    private static void AssertTest(JsonElement expected, GroupTest actual, string what)
    {
        Assert.Equal(expected.GetProperty("test").GetString(), actual.Test);
        Close(expected.Number("statistic"), actual.Statistic, SummaryTolerance, what + " statistic");
        Close(expected.Number("p"), actual.PValue, PValueTolerance, what + " " + actual.Test + " p");
    }

    private static void AssertCounts(JsonElement expected, string[] referenceLevels, IReadOnlyList<string> levels, CategoricalCell actual)
    {
        var counts = expected.Integers("counts");
        for (int k = 0; k < referenceLevels.Length; k++)
            Assert.Equal(counts[k], actual.Counts[levels.ToList().IndexOf(referenceLevels[k])]);
        Assert.Equal(expected.GetProperty("missing").GetInt32(), actual.Missing);
    }
}
