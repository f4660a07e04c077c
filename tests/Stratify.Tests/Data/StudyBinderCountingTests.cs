using Stratify.Data;

namespace Stratify.Tests.Data;

/// <summary>
/// Counting-process input at the boundary: delayed entry (<c>entry:</c>, one row per patient) and start/stop rows
/// (<c>start:</c>, <c>stop:</c> with <c>id:</c>, several rows per patient) bind as <see cref="BoundStudy.Entry"/> and
/// <see cref="BoundStudy.Patient"/>; an entry must be a finite number ≥ 0 before its time; a patient's intervals must
/// not overlap and only the last may end in an event; a row missing its entry is dropped and counted. Every refusal
/// names file, column, row and value.
/// </summary>
public class StudyBinderCountingTests
{
    private static Cohort Cohort(params Column[] columns) => new(columns, "cohort.parquet");

    private static NumericColumn Num(string name, params double[] values) =>
        new(name, values.Select(v => double.IsNaN(v) ? 0 : v).ToArray(), values.Select(double.IsNaN).ToArray(), SourceType.Float);

    private static NumericColumn Raw(string name, params double[] values) => new(name, values, null, SourceType.Float);

    private static readonly StudySpec Delayed = new() { Time = "time", Event = "status", Entry = "entry" };
    private static readonly StudySpec Intervals = new() { Id = "pid", Start = "start", Time = "stop", Event = "status" };

    /// <summary>Patient 7: (0, 4] then (4, 9] with the event; patient 8: (1, 6] censored; patient 9: (0, 2], a gap, (5, 8] event.</summary>
    private static Cohort Long(double[]? start = null, double[]? status = null) => Cohort(
        Num("pid", 7, 7, 8, 9, 9),
        Num("start", start ?? [0, 4, 1, 0, 5]),
        Num("stop", 4, 9, 6, 2, 8),
        Num("status", status ?? [0, 1, 0, 0, 1]));

    private static StratifyInputException Refused(Cohort cohort, StudySpec spec) =>
        Assert.Throws<StratifyInputException>(() => StudyBinder.Bind(cohort, spec));

    [Fact]
    public void Delayed_entry_binds_the_entry_of_every_analysed_row_and_a_missing_entry_drops_its_row()
    {
        var bound = StudyBinder.Bind(Cohort(Num("time", 5, 8, 9, 4), Num("status", 1, 0, 1, 1), Num("entry", 0, double.NaN, 2, 3.5)), Delayed);
        Assert.Equal(new[] { 0, 2, 3.5 }, bound.Entry);
        Assert.Equal(new[] { 0, 2, 3 }, bound.Rows);
        Assert.Equal(new DroppedRows("entry", 1), Assert.Single(bound.Dropped));
        Assert.Null(bound.Patient);
    }

    [Fact]
    public void Start_stop_rows_bind_a_patient_code_per_row_and_allow_several_rows_per_patient()
    {
        var bound = StudyBinder.Bind(Long(), Intervals);
        Assert.Equal(new[] { 0, 0, 1, 2, 2 }, bound.Patient);
        Assert.Equal(new double[] { 0, 4, 1, 0, 5 }, bound.Entry);
        Assert.Equal(new double[] { 4, 9, 6, 2, 8 }, bound.Time);
    }

    [Theory]
    [InlineData(8, "the entry (8) is not before the time (8)")]
    [InlineData(9.5, "the entry (9.5) is not before the time (8)")]
    public void An_entry_at_or_after_its_time_is_refused_by_row(double entry, string problem)
    {
        var e = Refused(Cohort(Num("time", 5, 8, 9), Num("status", 1, 0, 1), Num("entry", 0, entry, 2)), Delayed);
        Assert.StartsWith(problem, e.Problem);
        Assert.Equal(("cohort.parquet", "entry", 2L, entry.ToString(System.Globalization.CultureInfo.InvariantCulture)), (e.File, e.Column, e.Row, e.Value));
        Assert.Contains("R's Surv() would turn it into NA", e.Suggestion);
    }

    [Theory]
    [InlineData(-1.0, "entry is negative", "-1")]
    [InlineData(double.NaN, "entry is NaN (not a number)", "NaN")]
    [InlineData(double.NegativeInfinity, "entry is infinite", "-Infinity")]
    public void An_entry_that_is_not_a_finite_number_of_at_least_0_is_refused_by_row(double bad, string problem, string shown)
    {
        var e = Refused(Cohort(Num("time", 5, 8, 9), Num("status", 1, 0, 1), Raw("entry", 0, 1, bad)), Delayed);
        Assert.Equal((problem, "entry", 3L, shown), (e.Problem, e.Column, e.Row, e.Value));
    }

    [Fact]
    public void A_reversed_interval_is_refused_naming_its_row()
    {
        var e = Refused(Long(start: [0, 4, 7, 0, 5]), Intervals);
        Assert.StartsWith("the start (7) is not before the stop (6)", e.Problem);
        Assert.Equal(("start", 3L, "7"), (e.Column, e.Row, e.Value));
    }

    [Fact]
    public void Overlapping_intervals_of_a_patient_are_refused_naming_the_patient_and_both_rows()
    {
        var e = Refused(Long(start: [0, 3, 1, 0, 5]), Intervals);
        Assert.Equal("the intervals of patient '7' (id column 'pid') overlap: (0, 4] in row 1 and (3, 9] in row 2", e.Problem);
        Assert.Equal(("start", 2L, "3"), (e.Column, e.Row, e.Value));
    }

    [Fact]
    public void An_event_before_a_patients_last_interval_is_refused_naming_the_patient_and_rows()
    {
        var e = Refused(Long(status: [0, 1, 0, 1, 1]), Intervals);
        Assert.StartsWith("patient '9' (id column 'pid') has an event at the end of (0, 2], but row 5 continues their follow-up with (5, 8]", e.Problem);
        Assert.Equal(("status", 4L, "1"), (e.Column, e.Row, e.Value));
    }

    [Fact]
    public void Start_stop_rows_without_an_id_are_refused()
    {
        var e = Refused(Long(), Intervals with { Id = null });
        Assert.Contains("start/stop rows need the patient id column", e.Message);
        Assert.Contains("id:", e.Suggestion);
    }

    [Fact]
    public void Entry_and_start_together_are_refused()
    {
        var e = Refused(Long(), Intervals with { Entry = "start" });
        Assert.Contains("both entry: (delayed entry, one row per patient) and start: (start/stop rows) are given", e.Message);
    }

    [Fact]
    public void Delayed_entry_keeps_the_one_row_per_patient_rule()
    {
        var cohort = Cohort(Num("pid", 1, 1), Num("time", 5, 8), Num("status", 1, 0), Num("entry", 0, 5));
        var e = Refused(cohort, Delayed with { Id = "pid" });
        Assert.Contains("duplicate patient id", e.Message);
    }

    [Fact]
    public void A_text_entry_column_is_refused()
    {
        var e = Refused(Cohort(Num("time", 5, 8), Num("status", 1, 0), CategoricalColumn.FromStrings("entry", ["early", "late"])), Delayed);
        Assert.Contains("the entry column must be numeric", e.Message);
    }

    [Fact]
    public void An_interval_that_r_s_timefix_would_close_is_refused()
    {
        var e = Refused(Cohort(Raw("time", 0.25, 0.5, 0.75), Num("status", 1, 0, 1), Raw("entry", 0, 0.5 - 1e-12, 0.1)), Delayed);
        Assert.Contains("differ by less than R's timefix tolerance", e.Problem);
        Assert.Equal(("entry", 2L), (e.Column, e.Row));
    }

    [Fact]
    public void An_unknown_entry_column_is_refused_with_a_suggestion()
    {
        var e = Refused(Cohort(Num("time", 5, 8), Num("status", 1, 0), Num("entry", 0, 1)), Delayed with { Entry = "entyr" });
        Assert.Contains("column not found", e.Message);
        Assert.Contains("entry", e.Suggestion);
    }
}
