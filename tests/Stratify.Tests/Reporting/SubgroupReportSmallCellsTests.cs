using Stratify.Reporting;

namespace Stratify.Tests.Reporting;

public class SubgroupReportSmallCellsTests
{
    private static readonly SmallCellPolicy Policy = new(5);

    [Theory]
    [InlineData(0, "0")]
    [InlineData(1, "<5")]
    [InlineData(4, "<5")]
    [InlineData(5, "5")]
    [InlineData(132, "132")]
    public void Counts_from_one_to_threshold_minus_one_print_as_below_threshold(int count, string printed) =>
        Assert.Equal(printed, Policy.Count(count));

    [Theory]
    [InlineData("3 (1.2%)", "<5")]
    [InlineData("3", "<5")]
    [InlineData("12 (4.3%)", "12 (4.3%)")]
    [InlineData("0 (0.0%)", "0 (0.0%)")]
    [InlineData("53.1 (10.1)", "53.1 (10.1)")]
    [InlineData("3 [1, 7]", "3 [1, 7]")]
    [InlineData("NA", "NA")]
    public void Table_1_count_cells_with_a_small_count_become_below_threshold_and_summaries_stay(string cell, string printed) =>
        Assert.Equal(printed, Policy.Table1Cell(cell));

    [Fact]
    public void Small_counts_inside_a_sentence_are_masked_and_large_ones_kept()
    {
        Assert.Equal("In subgroup C (n <5; young) and D (n = 132; older) ...",
            Policy.MaskCountsInSentence("In subgroup C (n = 3; young) and D (n = 132; older) ..."));
    }

    [Theory]
    [InlineData("Subgroup C has 3 patients and 1 event.", "Subgroup C has <5 patients and <5 event.")]
    [InlineData("2 deaths in 12 rows", "<5 deaths in 12 rows")]
    [InlineData("HR 0.3 events", "HR 0.3 events")]
    [InlineData("0 patients", "0 patients")]
    public void Small_counts_of_patients_events_deaths_or_rows_in_a_sentence_are_masked(string sentence, string printed) =>
        Assert.Equal(printed, Policy.MaskCountsInSentence(sentence));
}
