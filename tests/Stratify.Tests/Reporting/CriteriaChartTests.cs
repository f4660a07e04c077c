using Stratify.Reporting.Charts;

namespace Stratify.Tests.Reporting;

public class CriteriaChartTests
{
    private static readonly string Svg = CriteriaChart.Render(ReportSamples.Criteria());

    [Fact]
    public void Marks_the_recommended_k_on_the_k_axis()
    {
        var texts = new SvgInspection(Svg).Texts();
        var mark = texts.Single(t => t.Content == "recommended k = 3");
        var tick = texts.Single(t => t.FromScottPlot && t.Content == "3");
        Assert.InRange(mark.X, tick.X - 1, tick.X + 1);
    }

    [Fact]
    public void Names_both_criteria_in_the_legend_with_their_axes()
    {
        Assert.Subset(new SvgInspection(Svg).TextContents().ToHashSet(), new HashSet<string> { "Silhouette (left axis)", "Gap (right axis)" });
    }

    [Fact]
    public void Draws_each_criterion_in_its_own_Okabe_Ito_colour()
    {
        Assert.All(ChartStyle.OkabeItoHex.Take(2), colour => Assert.Contains(colour, Svg, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void More_than_two_criteria_are_refused()
    {
        var input = ReportSamples.Criteria();
        var three = input with { Series = [.. input.Series, input.Series[0]] };
        Assert.Throws<Stratify.Data.StratifyInputException>(() => CriteriaChart.Render(three));
    }
}
