using Stratify.Data;

namespace Stratify.Tests.Data;

/// <summary>
/// The weight column (spec key <c>weight:</c>, flag --weights): bound once as <see cref="BoundStudy.Weights"/>, finite
/// numbers ≥ 0, rows missing a weight dropped and counted; every refusal names file, column, row and value.
/// </summary>
public class StudyBinderWeightTests
{
    private static Cohort Cohort(params Column[] columns) => new(columns, "cohort.parquet");

    private static NumericColumn Num(string name, params double[] values) =>
        new(name, values.Select(v => double.IsNaN(v) ? 0 : v).ToArray(), values.Select(double.IsNaN).ToArray(), SourceType.Integer);

    private static NumericColumn Raw(string name, params double[] values) => new(name, values, null, SourceType.Float);

    private static readonly StudySpec Weighted = new() { Time = "time", Event = "status", Weight = "w" };

    private static StratifyInputException Refused(Cohort cohort, StudySpec spec) =>
        Assert.Throws<StratifyInputException>(() => StudyBinder.Bind(cohort, spec));

    [Fact]
    public void Weights_bind_over_the_analysed_rows_and_a_missing_weight_drops_its_row()
    {
        var bound = StudyBinder.Bind(Cohort(Num("time", 5, 8, 9, 4), Num("status", 1, 0, 1, 1), Num("w", 0.5, double.NaN, 2, 0)), Weighted);
        Assert.Equal(new[] { 0.5, 2, 0 }, bound.Weights);
        Assert.Equal(new[] { 0, 2, 3 }, bound.Rows);
        Assert.Equal(new DroppedRows("w", 1), Assert.Single(bound.Dropped));
    }

    [Fact]
    public void No_weight_column_leaves_the_weights_null()
    {
        Assert.Null(StudyBinder.Bind(Cohort(Num("time", 5, 8), Num("status", 1, 0)), Weighted with { Weight = null }).Weights);
    }

    [Theory]
    [InlineData(-0.5, "case weight is negative", "-0.5")]
    [InlineData(double.PositiveInfinity, "case weight is infinite", "Infinity")]
    [InlineData(double.NaN, "case weight is NaN (not a number)", "NaN")]
    public void A_weight_that_is_not_a_finite_number_of_at_least_0_is_refused_by_row(double bad, string problem, string shown)
    {
        var e = Refused(Cohort(Num("time", 5, 8, 9), Num("status", 1, 0, 1), Raw("w", 1, bad, 2)), Weighted);
        Assert.Equal(problem, e.Problem);
        Assert.Equal(("cohort.parquet", "w", 2L), (e.File, e.Column, e.Row));
        Assert.Equal(shown, e.Value);
    }

    [Fact]
    public void A_text_weight_column_is_refused()
    {
        var e = Refused(Cohort(Num("time", 5, 8), Num("status", 1, 0), CategoricalColumn.FromStrings("w", ["high", "low"])), Weighted);
        Assert.Contains("the weight column must hold numbers", e.Message);
        Assert.Equal(("w", 1L, "high"), (e.Column, e.Row, e.Value));
    }

    [Fact]
    public void Weights_that_are_all_0_are_refused()
    {
        var e = Refused(Cohort(Num("time", 5, 8), Num("status", 1, 0), Num("w", 0, 0)), Weighted);
        Assert.Equal("every case weight is 0, so no patient would count", e.Problem);
        Assert.Equal("w", e.Column);
    }

    [Fact]
    public void A_group_or_arm_whose_weights_sum_to_0_is_refused_by_name()
    {
        var cohort = Cohort(Num("time", 5, 8, 9, 3), Num("status", 1, 0, 1, 1), Num("w", 1, 2, 0, 0), Num("arm", 1, 1, 2, 2));
        var group = Refused(cohort, Weighted with { Group = "arm" });
        Assert.Equal(("arm", "2"), (group.Column, group.Value));
        Assert.Contains("the group '2' has case weights that sum to 0 (weight column 'w')", group.Message);
        var arm = Refused(cohort, Weighted with { Treatment = "arm" });
        Assert.Contains("the treatment arm '2' has case weights that sum to 0", arm.Message);
    }

    [Fact]
    public void A_weight_of_0_is_refused_for_a_cox_model_with_its_file_row()
    {
        var bound = StudyBinder.Bind(Cohort(Num("time", 5, 8, 9), Num("status", 1, 0, 1), Num("w", 1, 0, 2)), Weighted);
        var e = Assert.Throws<StratifyInputException>(() => StudyBinder.RequirePositiveWeights(bound, "a Cox model"));
        Assert.Equal(("cohort.parquet", "w", 2L, "0"), (e.File, e.Column, e.Row, e.Value));
        Assert.Contains("a case weight of 0 cannot enter a Cox model (R's coxph requires weights > 0)", e.Message);
    }

    [Fact]
    public void The_weight_key_is_read_from_a_spec_and_written_back()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("s.yaml"), "data: x.parquet\ntime: t\nevent: e\nweight: iptw\n");
        var spec = StudySpecReader.Read(folder.File("s.yaml"));
        Assert.Equal("iptw", spec.Weight);
        Assert.Contains("weight: \"iptw\"\n", StudySpecWriter.ToYaml(spec));
    }
}
