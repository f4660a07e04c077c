using Stratify.Data;

namespace Stratify.Tests.Data;

/// <summary>Every refusal the binder makes names file, column, row and value; complete rows bind.</summary>
public class StudyBinderTests
{
    private static Cohort Cohort(params Column[] columns) => new(columns, "cohort.parquet");

    private static NumericColumn Num(string name, params double[] values) =>
        new(name, values.Select(v => double.IsNaN(v) ? 0 : v).ToArray(), values.Select(double.IsNaN).ToArray(), SourceType.Integer);

    private static NumericColumn Raw(string name, params double[] values) => new(name, values, null, SourceType.Float);

    private static StudySpec Survival => new() { Time = "time", Event = "status" };

    private static StratifyInputException Refused(Cohort cohort, StudySpec spec) =>
        Assert.Throws<StratifyInputException>(() => StudyBinder.Bind(cohort, spec));

    [Fact]
    public void Binds_time_and_R_coded_status_with_2_as_event()
    {
        var bound = StudyBinder.Bind(Cohort(Num("time", 5, 8, 9), Num("status", 1, 2, 2)), Survival);
        Assert.Equal(new[] { 5.0, 8, 9 }, bound.Time);
        Assert.Equal(new[] { false, true, true }, bound.Event);
        Assert.Equal(2, bound.EventCount);
    }

    [Theory]
    [InlineData(new[] { 3.0, -2, 3, 0, -2, 7 }, new[] { "-2", "0", "3", "7" })]             // small whole numbers: indexed by value
    [InlineData(new[] { 3.0, -2, 3, 0.5, -2, 7 }, new[] { "-2", "0.5", "3", "7" })]         // a fraction: hashed
    [InlineData(new[] { 1e6, 0, 1e6, 5, 0, 70_000 }, new[] { "0", "5", "70000", "1000000" })] // a wide span: hashed
    public void A_numeric_group_has_one_level_per_distinct_value_in_numeric_order(double[] values, string[] levels)
    {
        var time = Num("time", values.Select((_, i) => (double)i + 1).ToArray());
        var status = Num("status", values.Select(_ => 1.0).ToArray());
        var bound = StudyBinder.Bind(Cohort(time, status, Raw("arm", values)), Survival with { Group = "arm" });

        Assert.Equal(levels, bound.Group!.Levels);
        Assert.Equal(values.Select(v => levels[Array.IndexOf(levels.Select(double.Parse).ToArray(), v)]), bound.Group.Codes.Select(c => bound.Group.Levels[c]));
    }

    [Fact]
    public void Zero_one_status_has_1_as_event_and_booleans_true_as_event()
    {
        Assert.Equal(new[] { true, false }, StudyBinder.Bind(Cohort(Num("time", 1, 2), Num("status", 1, 0)), Survival).Event);
        var boolean = new NumericColumn("status", [1, 0], null, SourceType.Boolean);
        Assert.Equal(new[] { true, false }, StudyBinder.Bind(Cohort(Num("time", 1, 2), boolean), Survival).Event);
    }

    [Fact]
    public void Declared_text_coding_maps_event_value_and_infers_the_single_other_value_as_censored()
    {
        var status = CategoricalColumn.FromStrings("vital", ["dead", "alive", "dead"]);
        var bound = StudyBinder.Bind(Cohort(Num("time", 1, 2, 3), status), new StudySpec { Time = "time", Event = "vital", EventValues = ["dead"] });
        Assert.Equal(new[] { true, false, true }, bound.Event);
    }

    [Fact]
    public void Rows_missing_a_used_value_are_dropped_and_counted_per_column()
    {
        var cohort = Cohort(Num("time", 1, 2, 3, 4), Num("status", 1, 1, 0, 1), Num("age", double.NaN, 50, double.NaN, 60), Num("unused", double.NaN, 1, 1, 1));
        var bound = StudyBinder.Bind(cohort, Survival with { Covariates = [new CovariateSpec("age", CovariateKind.Numeric)] });
        Assert.Equal(new[] { 1, 3 }, bound.Rows);
        Assert.Equal(2, bound.RowsDropped);
        Assert.Equal([new DroppedRows("age", 2)], bound.Dropped);
    }

    [Fact]
    public void Column_not_found_suggests_the_closest_name()
    {
        var error = Refused(Cohort(Num("time", 1), Num("status", 1)), Survival with { Covariates = [new CovariateSpec("ph.ecgo", CovariateKind.Numeric)] });
        var cohort = Cohort(Num("time", 1), Num("status", 1), Num("ph.ecog", 1));
        error = Refused(cohort, Survival with { Covariates = [new CovariateSpec("ph.ecgo", CovariateKind.Numeric)] });
        Assert.Equal("cohort.parquet, column 'ph.ecgo': column not found. Did you mean 'ph.ecog'?", error.Message);
    }

    [Fact]
    public void Text_time_column_is_a_type_error_naming_row_and_value()
    {
        var error = Refused(Cohort(CategoricalColumn.FromStrings("time", ["12 days"]), Num("status", 1)), Survival);
        Assert.Equal("cohort.parquet, column 'time', row 1: the time column must be numeric (a number of days, weeks, months or years), but it holds text values (value: '12 days')", error.Message);
    }

    [Fact]
    public void Text_numeric_covariate_is_a_type_error_suggesting_categorical()
    {
        var error = Refused(Cohort(Num("time", 1, 2), Num("status", 1, 0), CategoricalColumn.FromStrings("size", ["<=20", "20-50"])),
            Survival with { Covariates = [new CovariateSpec("size", CovariateKind.Numeric)] });
        Assert.Contains("column 'size', row 1", error.Message);
        Assert.Contains("'<=20'", error.Message);
        Assert.Contains("categorical", error.Suggestion);
    }

    [Theory]
    [InlineData(-3.0, "time is negative", "-3")]
    [InlineData(double.NaN, "time is NaN (not a number)", "NaN")]
    [InlineData(double.PositiveInfinity, "time is infinite", "Infinity")]
    public void Negative_NaN_or_infinite_time_is_refused_with_its_row(double bad, string problem, string shown)
    {
        var error = Refused(Cohort(Raw("time", 1, bad), Num("status", 1, 0)), Survival);
        Assert.Equal($"cohort.parquet, column 'time', row 2: {problem} (value: '{shown}'). Survival times must be finite and ≥ 0.", error.Message);
    }

    [Fact]
    public void Event_value_outside_the_coding_is_refused_with_its_row()
    {
        var error = Refused(Cohort(Num("time", 1, 2, 3), Num("status", 1, 2, 2)), Survival with { EventCoding = EventCoding.ZeroOne });
        Assert.Equal("cohort.parquet, column 'status', row 2: event value outside the coding (0 = censored, 1 = event) (value: '2'). Fix the value, or declare the coding with event_value / censored_value.", error.Message);
    }

    [Fact]
    public void Unrecognised_event_values_ask_for_a_declared_coding()
    {
        var error = Refused(Cohort(Num("time", 1, 2, 3), Num("status", 3, 4, 3)), Survival);
        Assert.Contains("column 'status': the event coding is not recognised: values '3', '4'", error.Message);
        Assert.Contains("event_value", error.Message);
    }

    [Fact]
    public void A_status_mixing_0_1_and_2_is_refused_asking_for_a_declared_coding()
    {
        var error = Refused(Cohort(Num("time", 1, 2, 3), Num("status", 0, 1, 2)), Survival);
        Assert.Contains("column 'status': the event column mixes the 0/1 and 1/2 codings", error.Message);
    }

    [Fact]
    public void Duplicate_patient_ids_are_refused_naming_both_rows()
    {
        var error = Refused(Cohort(Num("pid", 7, 8, 7), Num("time", 1, 2, 3), Num("status", 1, 0, 1)), Survival with { Id = "pid" });
        Assert.Equal("cohort.parquet, column 'pid', row 3: duplicate patient id (first seen in row 1) (value: '7'). Each row must be one patient; aggregate repeated records first.", error.Message);
    }

    [Fact]
    public void A_used_column_with_no_values_is_refused()
    {
        var error = Refused(Cohort(Num("time", 1, 2), Num("status", 1, 0), Num("wt", double.NaN, double.NaN)),
            Survival with { Covariates = [new CovariateSpec("wt", CovariateKind.Numeric)] });
        Assert.Equal("cohort.parquet, column 'wt': the column has no values: every row is missing", error.Message);
    }

    [Fact]
    public void A_categorical_covariate_with_one_level_is_refused()
    {
        var error = Refused(Cohort(Num("time", 1, 2), Num("status", 1, 0), CategoricalColumn.FromStrings("sex", ["f", "f"])),
            Survival with { Covariates = [new CovariateSpec("sex", CovariateKind.Categorical)] });
        Assert.Contains("column 'sex': the categorical covariate column has a single level", error.Message);
        Assert.Contains("(value: 'f')", error.Message);
    }

    [Fact]
    public void A_reference_level_that_does_not_occur_lists_the_levels()
    {
        var error = Refused(Cohort(Num("time", 1, 2), Num("status", 1, 0), CategoricalColumn.FromStrings("rx", ["Obs", "Lev"])),
            Survival with { Covariates = [new CovariateSpec("rx", CovariateKind.Categorical, "Placebo")] });
        Assert.Equal("cohort.parquet, column 'rx': reference level does not occur in the column (value: 'Placebo'). Levels: Lev, Obs.", error.Message);
    }

    [Fact]
    public void No_events_at_all_is_refused()
    {
        var error = Refused(Cohort(Num("time", 1, 2), Num("status", 0, 0)), Survival);
        Assert.StartsWith("cohort.parquet, column 'status': no events at all", error.Message);
    }

    [Fact]
    public void Numeric_categorical_levels_sort_by_value_and_the_reference_is_recorded()
    {
        var bound = StudyBinder.Bind(Cohort(Num("time", 1, 2, 3), Num("status", 1, 0, 1), Num("grade", 10, 2, 3)),
            Survival with { Covariates = [new CovariateSpec("grade", CovariateKind.Categorical, "3")] });
        var factor = bound.Covariates[0].Factor!;
        Assert.Equal(new[] { "2", "3", "10" }, factor.Levels);
        Assert.Equal(1, factor.Reference);
        Assert.Equal(new[] { 2, 0, 1 }, factor.Codes);
    }

    [Fact]
    public void Bundled_lung_binds_from_its_spec_with_the_row_missing_ecog_dropped()
    {
        var bound = StudyBinder.Load(StudySpecReader.Read(RepoPaths.Dataset("lung.yaml")));
        Assert.Equal(228, bound.RowsRead);
        Assert.Equal(227, bound.RowCount);
        Assert.Equal([new DroppedRows("ph.ecog", 1)], bound.Dropped);
        // R: sum(lung$status == 2 & !is.na(lung$ph.ecog)) is 164 (165 deaths in all, one without ph.ecog).
        Assert.Equal(164, bound.EventCount);
        Assert.Equal(new[] { "female", "male" }, bound.Group!.Levels);
    }
}
