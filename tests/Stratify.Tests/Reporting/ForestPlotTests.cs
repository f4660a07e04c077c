using Stratify.Reporting.Charts;

namespace Stratify.Tests.Reporting;

public class ForestPlotTests
{
    private static readonly string Svg = ForestPlot.Render(ReportSamples.Forest());

    [Fact]
    public void Renders_parseable_svg_with_role_img_and_the_alt_text()
    {
        var svg = new SvgInspection(Svg);
        Assert.Equal("img", (string?)svg.Root.Attribute("role"));
        Assert.Equal("Hazard ratios by subgroup", (string?)svg.Root.Attribute("aria-label"));
    }

    [Fact]
    public void Has_the_column_headers_one_label_per_row_and_the_footer()
    {
        var texts = new SvgInspection(Svg).TextContents().ToList();
        Assert.Contains("HR (95% CI)", texts);
        Assert.Contains("Subgroup", texts);
        foreach (var row in ReportSamples.Forest().Rows) Assert.Single(texts, t => t == row.Label);
        Assert.Contains("Interaction p = 0.03", texts);
    }

    [Fact]
    public void Prints_each_estimate_with_its_interval_and_p_on_the_row_line()
    {
        var svg = new SvgInspection(Svg);
        var label = svg.Texts().Single(t => t.Content == "Female");
        var estimate = svg.Texts().Single(t => t.Content == "0.59 (0.42–0.82)");
        var p = svg.Texts().Single(t => t.Content == "p = 0.002");
        Assert.Equal(label.Y, estimate.Y, 3);
        Assert.Equal(label.Y, p.Y, 3);
    }

    [Fact]
    public void A_row_without_an_estimate_says_not_estimable()
    {
        var svg = new SvgInspection(Svg);
        var label = svg.Texts().Single(t => t.Content == "Rare stratum");
        var text = svg.Texts().Single(t => t.Content == "not estimable");
        Assert.Equal(label.Y, text.Y, 3);
    }

    [Fact]
    public void X_axis_is_logarithmic_with_the_ticks_labelled_in_hazard_ratios()
    {
        // On a log axis 0.5, 1 and 2 are equally spaced: x(1) − x(0.5) = x(2) − x(1).
        var ticks = new SvgInspection(Svg).Texts().Where(t => t.FromScottPlot).ToList();
        double x05 = ticks.Single(t => t.Content == "0.5").X, x1 = ticks.Single(t => t.Content == "1").X, x2 = ticks.Single(t => t.Content == "2").X;
        Assert.Equal(x1 - x05, x2 - x1, 1);
    }

    [Fact]
    public void Hostile_labels_are_escaped()
    {
        var svg = ForestPlot.Render(ReportSamples.Forest(ReportSamples.Script) with { Footer = ReportSamples.Quotes });
        Assert.DoesNotContain("<script", svg);
        Assert.DoesNotContain("<b>", svg);
        var texts = new SvgInspection(svg).TextContents().ToList();
        Assert.Contains(ReportSamples.Quotes, texts);
    }

    [Fact]
    public void A_non_positive_hazard_ratio_is_refused()
    {
        var input = new ForestPlotInput([new ForestRow("Bad", 10, -1, 0.5, 2)], null, "x");
        Assert.Throws<Stratify.Data.StratifyInputException>(() => ForestPlot.Render(input));
    }

    [Fact]
    public void A_row_with_a_shrunken_estimate_draws_its_own_estimate_hollow_and_the_shrunken_one_filled_below_with_its_text()
    {
        var input = ReportSamples.Forest() with
        {
            Rows =
            [
                new ForestRow("Female", 90, 0.59, 0.42, 0.82, null, Shrunken: new ForestInterval(0.66, 0.50, 0.87)),
                new ForestRow("All patients", 300, 0.70, 0.55, 0.89, "p = 0.004", Summary: true),
            ],
        };
        var svg = new SvgInspection(ForestPlot.Render(input));
        var own = svg.Texts().Single(t => t.Content == "0.59 (0.42–0.82)");
        var shrunken = svg.Texts().Single(t => t.Content == "shrunken 0.66 (0.50–0.87)");
        Assert.True(shrunken.Y > own.Y, "the shrunken estimate's text sits below the row's own");
        Assert.Equal(svg.Texts().Single(t => t.Content == "Female").Y, own.Y, 3);
        // Shapes differ: the subgroup's own estimate is an open (hollow) marker, the shrunken one a filled circle.
        var markup = ForestPlot.Render(input);
        Assert.Contains("fill=\"none\"", markup);
    }

    [Fact]
    public void A_shrunken_interval_that_is_not_ordered_is_refused()
    {
        var input = ReportSamples.Forest() with { Rows = [new ForestRow("Female", 90, 0.59, 0.42, 0.82, null, Shrunken: new ForestInterval(0.66, 0.90, 0.50))] };
        Assert.Throws<Stratify.Data.StratifyInputException>(() => ForestPlot.Render(input));
    }
}
