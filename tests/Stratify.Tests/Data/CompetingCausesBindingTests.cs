using Stratify.Data;

namespace Stratify.Tests.Data;

/// <summary>
/// An event column with competing causes binds once into cause codes (0 censored, 1 the event of interest, 2..
/// the competing causes in declared order); every value outside the declaration is refused naming file, column, row
/// and value, as is every contradictory declaration.
/// </summary>
public class CompetingCausesBindingTests
{
    private static Cohort Cohort(params Column[] columns) => new(columns, "cohort.parquet");

    private static NumericColumn Num(string name, params double[] values) =>
        new(name, values.Select(v => double.IsNaN(v) ? 0 : v).ToArray(), values.Select(double.IsNaN).ToArray(), SourceType.Integer);

    private static Column Time(int n) => Num("time", Enumerable.Range(1, n).Select(i => (double)i).ToArray());

    private static readonly StudySpec Relapse = new() { Time = "time", Event = "outcome", EventOfInterest = "relapse", Competing = ["death"], CensoredValues = ["alive"] };

    private static StratifyInputException Refused(Cohort cohort, StudySpec spec) =>
        Assert.Throws<StratifyInputException>(() => StudyBinder.Bind(cohort, spec));

    [Fact]
    public void Declared_causes_bind_to_codes_with_the_event_of_interest_as_the_cause_specific_event()
    {
        var outcome = CategoricalColumn.FromStrings("outcome", ["relapse", "alive", "death", "relapse", "alive"]);
        var bound = StudyBinder.Bind(Cohort(Time(5), outcome), Relapse);
        var causes = bound.Causes!;
        Assert.Equal(new byte[] { 1, 0, 2, 1, 0 }, causes.Codes);
        Assert.Equal(["relapse", "death"], causes.Causes);
        Assert.Equal("death", causes.Label(2));
        Assert.Equal((2, 1, 2), (causes.EventOfInterestCount, causes.CompetingCount, causes.CensoredCount));
        Assert.Equal(new[] { true, false, false, true, false }, bound.Event);
        Assert.Equal("alive = censored, relapse = event of interest, death = competing", bound.EventCodingText);
    }

    [Fact]
    public void Without_a_competing_list_every_other_value_competes_and_0_means_censored()
    {
        // MASS::Melanoma codes 1 = melanoma death, 2 = alive, 3 = other death; here with 0 as censoring for the default.
        var bound = StudyBinder.Bind(Cohort(Time(6), Num("status", 1, 0, 3, 2, 3, 0)), new StudySpec { Time = "time", Event = "status", EventOfInterest = "1" });
        Assert.Equal(["1", "2", "3"], bound.Causes!.Causes);
        Assert.Equal(new byte[] { 1, 0, 3, 2, 3, 0 }, bound.Causes.Codes);
        Assert.Equal(["0"], bound.Causes.CensoredValues);
    }

    [Fact]
    public void Declared_numbers_match_the_column_as_it_formats_them()
    {
        var bound = StudyBinder.Bind(Cohort(Time(3), Num("status", 1, 2, 3)),
            new StudySpec { Time = "time", Event = "status", EventOfInterest = "1.0", Competing = ["3"], CensoredValues = ["2.0"] });
        Assert.Equal(new byte[] { 1, 0, 2 }, bound.Causes!.Codes);
    }

    [Fact]
    public void Rows_missing_the_event_are_dropped_and_counted()
    {
        var bound = StudyBinder.Bind(Cohort(Time(4), Num("status", 1, double.NaN, 2, 0)), new StudySpec { Time = "time", Event = "status", EventOfInterest = "1", Competing = ["2"] });
        Assert.Equal(new byte[] { 1, 2, 0 }, bound.Causes!.Codes);
        Assert.Equal([new DroppedRows("status", 1)], bound.Dropped);
    }

    [Fact]
    public void A_value_neither_censoring_nor_a_declared_cause_is_refused_with_its_row()
    {
        var outcome = CategoricalColumn.FromStrings("outcome", ["relapse", "alive", "dead", "death"]);
        var error = Refused(Cohort(Time(4), outcome), Relapse);
        Assert.Equal("cohort.parquet, column 'outcome', row 3: event value is neither censoring (alive), the event of interest (relapse) nor a declared competing cause (death) (value: 'dead'). " +
            "Add it to competing (--competing), or to censored_value (--censored-value) if it means censored.", error.Message);
    }

    [Fact]
    public void Event_value_with_event_of_interest_is_refused()
    {
        var error = Refused(Cohort(Time(2), Num("status", 1, 0)), new StudySpec { Time = "time", Event = "status", EventOfInterest = "1", EventValues = ["1"] });
        Assert.Contains("event_value and event_of_interest are both given", error.Message);
        Assert.Equal("status", error.Column);
    }

    [Fact]
    public void A_two_state_event_coding_with_event_of_interest_is_refused()
    {
        var error = Refused(Cohort(Time(2), Num("status", 1, 0)), new StudySpec { Time = "time", Event = "status", EventOfInterest = "1", EventCoding = EventCoding.ZeroOne });
        Assert.Contains("an event_coding (0/1, 1/2, boolean) cannot describe competing risks", error.Message);
    }

    [Fact]
    public void An_event_of_interest_equal_to_the_default_censoring_value_says_the_default()
    {
        var error = Refused(Cohort(Time(2), Num("status", 0, 1)), new StudySpec { Time = "time", Event = "status", EventOfInterest = "0" });
        Assert.Contains("the event of interest is also a censoring value", error.Message);
        Assert.Contains("defaults to 0", error.Suggestion);
    }

    [Theory]
    [InlineData("relapse", "a competing cause is the event of interest itself")]
    [InlineData("alive", "a competing cause is also a censoring value")]
    public void A_competing_cause_that_is_the_event_or_censoring_is_refused(string competing, string problem)
    {
        var outcome = CategoricalColumn.FromStrings("outcome", ["relapse", "alive"]);
        var error = Refused(Cohort(Time(2), outcome), Relapse with { Competing = [competing] });
        Assert.Equal(problem, error.Problem);
        Assert.Equal(competing, error.Value);
    }

    [Fact]
    public void A_competing_cause_listed_twice_is_refused()
    {
        var outcome = CategoricalColumn.FromStrings("outcome", ["relapse", "alive"]);
        var error = Refused(Cohort(Time(2), outcome), Relapse with { Competing = ["death", "death"] });
        Assert.Equal("a competing cause is listed twice", error.Problem);
    }

    [Fact]
    public void Without_a_competing_list_an_absent_censoring_value_is_refused()
    {
        // 'alive' was meant; without a competing list it would have become a competing cause.
        var outcome = CategoricalColumn.FromStrings("outcome", ["relapse", "alive", "death"]);
        var error = Refused(Cohort(Time(3), outcome), new StudySpec { Time = "time", Event = "outcome", EventOfInterest = "relapse", CensoredValues = ["Alive"] });
        Assert.StartsWith("cohort.parquet, column 'outcome': no row is censored: the censoring value 'Alive' does not occur", error.Message);
        Assert.Contains("values: alive, death, relapse", error.Suggestion);
    }

    [Fact]
    public void An_event_of_interest_that_never_occurs_is_refused()
    {
        var outcome = CategoricalColumn.FromStrings("outcome", ["death", "alive"]);
        var error = Refused(Cohort(Time(2), outcome), Relapse);
        Assert.Contains("the event of interest 'relapse' never occurs in the analysed rows", error.Message);
    }

    [Fact]
    public void Competing_causes_without_an_event_of_interest_are_refused()
    {
        var error = Refused(Cohort(Time(2), Num("status", 1, 0)), new StudySpec { Time = "time", Event = "status", Competing = ["2"] });
        Assert.Equal("competing causes are given without the event of interest", error.Problem);
        Assert.Contains("event_of_interest", error.Suggestion);
    }

    [Fact]
    public void More_causes_than_a_byte_holds_are_refused()
    {
        int n = 300;
        var status = Num("status", Enumerable.Range(0, n).Select(i => (double)i).ToArray()); // 0 censored, then 299 distinct codes
        var error = Refused(Cohort(Time(n), status), new StudySpec { Time = "time", Event = "status", EventOfInterest = "1" });
        Assert.Contains("298 competing causes, more than the 253 Stratify handles", error.Message);
    }

    [Fact]
    public void The_spec_reads_and_writes_event_of_interest_and_competing()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("cr.yaml"), "data: x.parquet\ntime: t\nevent: status\nevent_of_interest: relapse\ncompeting: [death, other]\ncensored_value: alive\n");
        var spec = StudySpecReader.Read(dir.File("cr.yaml"));
        Assert.Equal("relapse", spec.EventOfInterest);
        Assert.Equal(["death", "other"], spec.Competing);
        File.WriteAllText(dir.File("again.yaml"), StudySpecWriter.ToYaml(spec));
        var again = StudySpecReader.Read(dir.File("again.yaml"));
        Assert.Equal(spec.EventOfInterest, again.EventOfInterest);
        Assert.Equal(spec.Competing, again.Competing);
        Assert.Equal(spec.CensoredValues, again.CensoredValues);
    }
}
