using System.Globalization;
using Stratify.Data;
using Stratify.Reporting.Charts;

namespace Stratify.Tests.Reporting;

public class SteppChartTests
{
    private static SteppChartInput Sample(SteppEffectScale scale = SteppEffectScale.HazardRatio) => new(
        [new SteppPoint(1.1, 1.6, 1.1, 2.3), new SteppPoint(2.0, 1.1, 0.8, 1.5), new SteppPoint(3.2, 0.6, 0.4, 0.9), new SteppPoint(4.5, 0.4, 0.25, 0.65)],
        0.82, "biomarker (median of each window)", "Hazard ratio, treated vs control", scale,
        "Heterogeneity: p = 0.004", "Treatment hazard ratio by biomarker");

    [Fact]
    public void Draws_the_overall_effect_as_a_labelled_reference_and_the_test_in_the_footer()
    {
        var texts = new SvgInspection(SteppChart.Render(Sample())).TextContents().ToHashSet();
        Assert.Contains("Overall effect (0.82)", texts);
        Assert.Contains("No effect (HR 1)", texts);
        Assert.Contains("Heterogeneity: p = 0.004", texts);
        Assert.Contains("Hazard ratio, treated vs control (log scale)", texts);
    }

    [Fact]
    public void Hazard_ratios_are_on_a_log_axis_whose_ticks_read_as_hazard_ratios()
    {
        var svg = new SvgInspection(SteppChart.Render(Sample()));
        // the y axis ticks are the ScottPlot texts left of the data area (76 px padding)
        var ticks = svg.Texts().Where(t => t.FromScottPlot && t.X < 76).ToDictionary(t => t.Content, t => t.Y);
        // log scale: 0.5 sits halfway between 0.25 and 1, and 2 as far above 1 as 0.5 is below it
        Assert.Equal((ticks["0.25"] + ticks["1"]) / 2, ticks["0.5"], 0.6);
        Assert.Equal(ticks["1"] - ticks["2"], ticks["0.5"] - ticks["1"], 0.6);
    }

    [Fact]
    public void The_band_is_drawn_in_the_series_colour_and_each_window_has_a_marker()
    {
        var svg = SteppChart.Render(Sample());
        Assert.Contains(ChartStyle.OkabeItoHex[0], svg, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("95% confidence band (pointwise)", new SvgInspection(svg).TextContents());
        Assert.Contains("Effect in each window", new SvgInspection(svg).TextContents());
    }

    [Fact]
    public void A_difference_scale_has_a_linear_axis_and_no_effect_at_zero()
    {
        var input = Sample(SteppEffectScale.Difference) with
        {
            Points = [new SteppPoint(1, -40, -90, 10), new SteppPoint(2, 10, -30, 50), new SteppPoint(3, 80, 30, 130)],
            Overall = 20,
            EffectLabel = "RMST difference (days)",
        };
        var texts = new SvgInspection(SteppChart.Render(input)).TextContents().ToHashSet();
        Assert.Contains("No effect (0)", texts);
        Assert.Contains("RMST difference (days)", texts);
    }

    [Fact]
    public void Too_few_windows_and_non_positive_ratios_are_refused()
    {
        var one = Sample() with { Points = [new SteppPoint(1, 1.2, 0.9, 1.5)] };
        Assert.Throws<StratifyInputException>(() => SteppChart.Render(one));
        var negative = Sample() with { Points = [new SteppPoint(1, 1.2, 0.9, 1.5), new SteppPoint(2, -0.5, 0.1, 0.9)] };
        var error = Assert.Throws<StratifyInputException>(() => SteppChart.Render(negative));
        Assert.Contains((-0.5).ToString(CultureInfo.InvariantCulture), error.Message);
        var unordered = Sample() with { Points = [new SteppPoint(2, 1.2, 0.9, 1.5), new SteppPoint(1, 0.5, 0.1, 0.9)] };
        Assert.Throws<StratifyInputException>(() => SteppChart.Render(unordered));
    }
}
