using Stratify.Reporting.Charts;

namespace Stratify.Tests.Reporting;

public class FeatureHeatmapTests
{
    private static readonly string Svg = FeatureHeatmap.Render(ReportSamples.Heatmap());

    [Fact]
    public void Prints_every_cell_value_with_a_true_minus_sign()
    {
        var texts = new SvgInspection(Svg).TextContents().ToList();
        foreach (var value in new[] { "0.80", "−1.10", "2.70", "0.05", "−0.40", "0.30", "−0.20", "−2.40", "−0.50", "0.90", "−1.60", "1.20" })
            Assert.Contains(value, texts);
    }

    [Fact]
    public void Labels_every_subgroup_row_and_feature_column()
    {
        var texts = new SvgInspection(Svg).TextContents().ToList();
        foreach (var label in new[] { "Subgroup 1", "Subgroup 2", "Subgroup 3", "age", "ph.karno", "wt.loss", "meal.cal" })
            Assert.Contains(label, texts);
    }

    [Fact]
    public void Cell_values_sit_at_the_centres_of_their_row_and_column_labels()
    {
        var texts = new SvgInspection(Svg).Texts();
        var column = texts.Single(t => t.Content == "wt.loss");
        var row = texts.Single(t => t.Content == "Subgroup 1");
        var cell = texts.Single(t => t.Content == "2.70");
        Assert.InRange(cell.X, column.X - 1, column.X + 1);
        Assert.InRange(cell.Y, row.Y - 8, row.Y + 8); // baselines differ by the font's half height
    }

    [Theory]
    [InlineData(0, "#FFFFFF")]
    [InlineData(-2, ChartStyle.DivergingLowHex)]
    [InlineData(2, ChartStyle.DivergingHighHex)]
    [InlineData(2.7, ChartStyle.DivergingHighHex)]   // capped at +2
    [InlineData(-9, ChartStyle.DivergingLowHex)]     // capped at −2
    [InlineData(1, "#F3CF80")]                       // halfway white→#E69F00: (255+230)/2, (255+159)/2, (255+0)/2, halves rounded up
    public void Colour_is_blue_white_orange_and_saturates_at_two(double value, string expected) =>
        Assert.Equal(expected, FeatureHeatmap.Colour(value));

    [Fact]
    public void Hostile_row_labels_are_escaped_by_ScottPlot_tick_labels()
    {
        var svg = FeatureHeatmap.Render(ReportSamples.Heatmap(ReportSamples.Script));
        Assert.DoesNotContain("<script", svg);
        Assert.Contains(ReportSamples.Script, new SvgInspection(svg).TextContents());
    }

    [Fact]
    public void Values_whose_shape_differs_from_the_labels_are_refused()
    {
        var input = ReportSamples.Heatmap() with { Values = new double[2, 2] };
        Assert.Throws<Stratify.Data.StratifyInputException>(() => FeatureHeatmap.Render(input));
    }
}
