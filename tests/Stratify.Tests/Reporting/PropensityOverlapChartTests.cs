using Stratify.Reporting.Charts;

namespace Stratify.Tests.Reporting;

public class PropensityOverlapChartTests
{
    private static PropensityOverlapInput Input() => new(
        [new OverlapArm("no", 0.02, 0.06, 0.11, 0.20, 0.45), new OverlapArm("yes", 0.10, 0.28, 0.41, 0.58, 0.80)], 0.01, 0.93,
        "Propensity scores by arm");

    [Fact]
    public void Names_each_arm_states_the_common_support_and_carries_the_alt_text()
    {
        var svg = new SvgInspection(PropensityOverlapChart.Render(Input()));
        Assert.Equal("Propensity scores by arm", (string?)svg.Root.Attribute("aria-label"));
        var texts = svg.TextContents().ToList();
        Assert.Contains("no", texts);
        Assert.Contains("yes", texts);
        Assert.Contains(texts, t => t.StartsWith("Shaded: common support 0.01–0.93", StringComparison.Ordinal));
        // The reference arm is drawn above the treated arm.
        Assert.True(svg.Texts().Single(t => t.Content == "no").Y < svg.Texts().Single(t => t.Content == "yes").Y);
    }

    [Fact]
    public void Percentiles_that_do_not_rise_within_zero_to_one_are_refused()
    {
        Assert.Throws<Stratify.Data.StratifyInputException>(() => PropensityOverlapChart.Render(Input() with
        {
            Arms = [new OverlapArm("no", 0.3, 0.2, 0.4, 0.5, 0.6)],
        }));
        Assert.Throws<Stratify.Data.StratifyInputException>(() => PropensityOverlapChart.Render(Input() with
        {
            Arms = [new OverlapArm("no", 0.3, 0.4, 0.5, 0.6, 1.2)],
        }));
    }
}
