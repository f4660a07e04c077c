using Stratify.Clustering;
using Stratify.Data;
using Stratify.Description;

namespace Stratify.Tests.Data;

/// <summary>
/// Subgroup features and Table 1 variables are bound by the one binder, with the same level rules as covariates:
/// declared levels compare as numbers, a feature's missing values are kept (never dropping a patient), and a value
/// that is not a finite number is refused naming its column and row.
/// </summary>
public class FeatureBindingTests
{
    private static Cohort Cohort(params Column[] columns) => new(columns, "cohort.parquet");

    private static NumericColumn Num(string name, params double[] values) =>
        new(name, values.Select(v => double.IsNaN(v) ? 0 : v).ToArray(), values.Select(double.IsNaN).ToArray(), SourceType.Integer);

    private static readonly NumericColumn Time = Num("time", 5, 8, 9, 12, 15, 20);
    private static readonly NumericColumn Status = Num("status", 1, 0, 1, 1, 0, 1);

    private static StudySpec WithFeatures(params CovariateSpec[] features) =>
        new() { Time = "time", Event = "status", Subgroups = new SubgroupSpec { Features = features } };

    [Fact]
    public void An_ordinal_feature_declared_as_decimals_binds_as_the_same_ordinal_covariate_does()
    {
        // The reported case: ordinal: {grade: [1.0, 2.0, 3.0]} was accepted as a covariate but refused as a feature
        // ("value is not one of the declared levels (value: '2')").
        var grade = Num("grade", 2, 1, 3, 2, 3, 1);
        var ordinal = new CovariateSpec("grade", CovariateKind.Ordinal, Levels: ["1.0", "2.0", "3.0"]);
        var bound = StudyBinder.Bind(Cohort(Time, Status, grade), WithFeatures(ordinal) with { Covariates = [ordinal] });

        var feature = bound.Features.Single().Factor!;
        var covariate = bound.Covariates.Single().Factor!;
        Assert.Equal(["1", "2", "3"], feature.Levels);
        Assert.Equal([1, 0, 2, 1, 2, 0], feature.Codes);
        Assert.Equal(covariate.Levels, feature.Levels);
        Assert.Equal(covariate.Codes, feature.Codes);
        // And through the feature set the clustering uses: rank codes 1..3 as R's data.matrix of the ordered factor.
        Assert.Equal([2.0, 1, 3, 2, 3, 1], FeatureSet.From(bound.Features).Features.Single().Values);
    }

    [Fact]
    public void A_declared_number_matches_a_text_level_written_with_decimals_and_the_level_keeps_the_files_text()
    {
        var grade = CategoricalColumn.FromStrings("grade", ["2.0", "1.0", "3.0", "2.0", "1.0", "3.0"]);
        var bound = StudyBinder.Bind(Cohort(Time, Status, grade), WithFeatures(new CovariateSpec("grade", CovariateKind.Ordinal, Levels: ["1", "2", "3"])));
        Assert.Equal(["1.0", "2.0", "3.0"], bound.Features.Single().Factor!.Levels);
        Assert.Equal([1, 0, 2, 1, 0, 2], bound.Features.Single().Factor!.Codes);
    }

    [Fact]
    public void A_declared_level_no_patient_has_keeps_its_place_in_the_order()
    {
        // ECOG declared 0..3 with nobody at 1: ECOG 2 keeps rank 2 (R: as.integer(factor(x, levels = 0:3)) - 1).
        var ecog = Num("ecog", 0, 2, 3, 0, 2, 2);
        var spec = new CovariateSpec("ecog", CovariateKind.Ordinal, Levels: ["0", "1", "2", "3"]);
        var bound = StudyBinder.Bind(Cohort(Time, Status, ecog), WithFeatures(spec) with { Covariates = [spec] });
        Assert.Equal(["0", "1", "2", "3"], bound.Covariates.Single().Factor!.Levels);
        Assert.Equal([0, 2, 3, 0, 2, 2], bound.Covariates.Single().Factor!.Codes);
        Assert.Equal(bound.Covariates.Single().Factor!.Codes, bound.Features.Single().Factor!.Codes);
    }

    [Fact]
    public void A_level_declared_twice_is_refused()
    {
        var error = Assert.Throws<StratifyInputException>(() => StudyBinder.Bind(Cohort(Time, Status, Num("grade", 1, 2, 1, 2, 1, 2)),
            WithFeatures(new CovariateSpec("grade", CovariateKind.Ordinal, Levels: ["1", "2", "2.0"]))));
        Assert.Equal(("grade", "2.0"), (error.Column, error.Value));
        Assert.Contains("name '2.0' twice", error.Message);
    }

    [Fact]
    public void Missing_feature_values_remove_no_row_and_are_kept_as_NaN_or_code_minus_one()
    {
        var marker = Num("marker", 1.5, double.NaN, 3, 4, double.NaN, 6);
        var stage = CategoricalColumn.FromStrings("stage", ["I", "II", null, "I", "II", "II"]);
        var bound = StudyBinder.Bind(Cohort(Time, Status, marker, stage),
            WithFeatures(new CovariateSpec("marker", CovariateKind.Numeric), new CovariateSpec("stage", CovariateKind.Categorical)));

        Assert.Equal(6, bound.RowCount);
        Assert.Empty(bound.Dropped);
        Assert.Equal([1.5, double.NaN, 3, 4, double.NaN, 6], bound.Features[0].Values!);
        Assert.Equal([0, 1, -1, 0, 1, 1], bound.Features[1].Factor!.Codes);
        Assert.Equal((2, 1), (bound.Features[0].MissingCount, bound.Features[1].MissingCount));
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    [InlineData(double.NaN, "NaN")]
    public void A_feature_value_that_is_not_a_finite_number_is_refused_naming_column_row_and_value(double bad, string shown)
    {
        // Stored, not missing: the missing mask says the value is present.
        var marker = new NumericColumn("marker", [1, 2, bad, 4, 5, 6], null, SourceType.Float);
        var error = Assert.Throws<StratifyInputException>(() => StudyBinder.Bind(Cohort(Time, Status, marker),
            WithFeatures(new CovariateSpec("marker", CovariateKind.Numeric))));
        Assert.Equal($"cohort.parquet, column 'marker', row 3: feature value is not a finite number (value: '{shown}'). Leave the value empty (missing) or correct it.",
            error.Message);
        // The clustering's own view over cohort columns binds the same way, and refuses the same way.
        var direct = Assert.Throws<StratifyInputException>(() => FeatureSet.FromCohort(Cohort(Time, Status, marker), [new FeatureSpec("marker", FeatureRole.Numeric)]));
        Assert.Equal(("marker", 3L), (direct.Column, direct.Row));
    }

    [Fact]
    public void An_infinite_number_used_as_a_level_is_refused_naming_column_and_row()
    {
        var code = new NumericColumn("code", [1, 2, double.PositiveInfinity, 1, 2, 1], null, SourceType.Float);
        var error = Assert.Throws<StratifyInputException>(() => StudyBinder.Bind(Cohort(Time, Status, code),
            WithFeatures(new CovariateSpec("code", CovariateKind.Categorical))));
        Assert.Equal(("code", 3L, "Infinity"), (error.Column, error.Row, error.Value));
    }

    [Fact]
    public void A_numeric_feature_on_a_text_column_is_refused_with_a_suggestion()
    {
        var error = Assert.Throws<StratifyInputException>(() => StudyBinder.Bind(
            Cohort(Time, Status, CategoricalColumn.FromStrings("sex", ["m", "f", "m", "f", "m", "f"])),
            WithFeatures(new CovariateSpec("sex", CovariateKind.Numeric))));
        Assert.Equal("sex", error.Column);
        Assert.Contains("a numeric feature must hold numbers, but it holds text values", error.Message);
        Assert.Contains("Declare it as categorical", error.Message);
    }

    [Fact]
    public void Table_1_of_bound_variables_shows_declared_levels_in_order_and_counts_missing_values()
    {
        var ecog = Num("ecog", 0, 2, double.NaN, 0, 2, 3);
        var spec = new CovariateSpec("ecog", CovariateKind.Ordinal, Levels: ["0", "1", "2", "3"]);
        var bound = StudyBinder.Bind(Cohort(Time, Status, ecog), WithFeatures(spec));
        var summary = (CategoricalVariableSummary)Table1Builder.Build(bound.Features, null).Variables.Single();
        Assert.Equal(["0", "1", "2", "3"], summary.Levels.ToArray());
        Assert.Equal([2, 0, 2, 1], summary.Overall.Counts.ToArray());
        Assert.Equal(1, summary.Overall.Missing);
    }

    [Fact]
    public void Undeclared_columns_bind_with_their_natural_kind_for_a_table_1()
    {
        var bound = StudyBinder.Bind(Cohort(Time, Status, Num("age", 61.5, 70, 55, 48, 66, 59), Num("sex", 1, 2, 1, 2, 2, 1),
            CategoricalColumn.FromStrings("site", ["a", "b", "a", null, "b", "a"])), new StudySpec { Time = "time", Event = "status" });
        var variables = StudyBinder.BindUndeclared(bound, 5);
        Assert.Equal([("age", CovariateKind.Numeric), ("sex", CovariateKind.Categorical), ("site", CovariateKind.Categorical)],
            variables.Select(v => (v.Name, v.Kind)));
        Assert.Equal(1, variables[2].MissingCount);
    }
}
