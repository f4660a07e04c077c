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

    [Fact]
    public void A_table_1_count_cell_with_a_small_count_prints_below_threshold_and_other_cells_print_their_text()
    {
        Assert.Equal("<5", Policy.Table1Cell(new CountCellDto("3 (1.2%)", 3, 1.2)));
        Assert.Equal("<5", Policy.Table1Cell(new CountCellDto("3", 3, double.NaN)));
        Assert.Equal("12 (4.3%)", Policy.Table1Cell(new CountCellDto("12 (4.3%)", 12, 4.3)));
        Assert.Equal("0 (0.0%)", Policy.Table1Cell(new CountCellDto("0 (0.0%)", 0, 0)));
        // A summary is not a count even when its text starts with a small number.
        Assert.Equal("3 [1, 7]", Policy.Table1Cell(new QuartilesCellDto("3 [1, 7]", 3, 1, 7)));
        Assert.Equal("3.1 (1.0)", Policy.Table1Cell(new MeanSdCellDto("3.1 (1.0)", 40, 3.1, 1.0)));
    }
}
