using Stratify.Reporting.Charts;

namespace Stratify.Tests.Reporting;

public class KaplanMeierChartTests
{
    private static readonly string Svg = KaplanMeierChart.Render(ReportSamples.KaplanMeier());

    private static List<SvgInspection.SvgText> RiskRow(SvgInspection svg, string rowLabel)
    {
        var texts = svg.Texts();
        var label = texts.Single(t => !t.FromScottPlot && t.Content == rowLabel);
        return texts.Where(t => !t.FromScottPlot && t != label && Math.Abs(t.Y - label.Y) < 0.5).OrderBy(t => t.X).ToList();
    }

    [Fact]
    public void Renders_one_svg_element_that_System_Xml_parses_with_role_img_and_a_title()
    {
        var svg = new SvgInspection(Svg);
        Assert.Equal("svg", svg.Root.Name.LocalName);
        Assert.Equal("img", (string?)svg.Root.Attribute("role"));
        Assert.Equal("Kaplan–Meier survival by subgroup", (string?)svg.Root.Attribute("aria-label"));
        Assert.Equal("Kaplan–Meier survival by subgroup", svg.Elements("title").Single().Value);
        Assert.DoesNotContain("<?xml", Svg);
    }

    [Fact]
    public void Legend_names_each_drawn_curve_with_its_size_and_says_why_a_small_group_is_missing()
    {
        var texts = new SvgInspection(Svg).TextContents().ToList();
        Assert.Contains("Low risk (n = 138)", texts);
        Assert.Contains("High risk (n = 90)", texts);
        Assert.Contains("Tiny group (not shown: n < 5)", texts);
    }

    [Fact]
    public void A_group_below_the_small_cell_threshold_is_neither_drawn_nor_given_a_risk_row()
    {
        // Series 2 (the 4-patient group) would be drawn in Okabe–Ito bluish green; the two drawn series are blue and vermillion.
        Assert.DoesNotContain(ChartStyle.OkabeItoHex[2], Svg, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(ChartStyle.OkabeItoHex[0], Svg, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(ChartStyle.OkabeItoHex[1], Svg, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(new SvgInspection(Svg).Texts(), t => !t.FromScottPlot && t.Content == "Tiny group");
    }

    [Fact]
    public void Risk_counts_below_the_threshold_print_as_less_than_five_and_zero_prints_as_zero()
    {
        var svg = new SvgInspection(Svg);
        Assert.Equal(["138", "101", "60", "28", "9", "<5"], RiskRow(svg, "Low risk").Select(t => t.Content));
        Assert.Equal(["90", "52", "19", "6", "<5", "0"], RiskRow(svg, "High risk").Select(t => t.Content));
    }

    [Theory]
    [InlineData(0, 5, "0")]
    [InlineData(1, 5, "<5")]
    [InlineData(4, 5, "<5")]
    [InlineData(5, 5, "5")]
    [InlineData(9, 10, "<10")]
    public void RiskCount_suppresses_only_positive_counts_under_the_threshold(int count, int threshold, string expected) =>
        Assert.Equal(expected, KaplanMeierChart.RiskCount(count, threshold));

    [Fact]
    public void Risk_table_numbers_sit_under_the_x_tick_labels_within_one_pixel()
    {
        var svg = new SvgInspection(Svg);
        var tickLabels = ReportSamples.Ticks.Select(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var axisLabels = svg.Texts().Where(t => t.FromScottPlot && tickLabels.Contains(t.Content))
            .GroupBy(t => t.Y).Single(g => g.Count() == tickLabels.Length).OrderBy(t => t.X).ToList();
        Assert.Equal(tickLabels, axisLabels.Select(t => t.Content));
        foreach (var row in new[] { "Low risk", "High risk" })
        {
            var numbers = RiskRow(svg, row);
            Assert.Equal(axisLabels.Count, numbers.Count);
            for (int j = 0; j < numbers.Count; j++)
                Assert.InRange(numbers[j].X, axisLabels[j].X - 1, axisLabels[j].X + 1);
        }
    }

    [Fact]
    public void Risk_table_lies_below_the_time_axis_label()
    {
        var svg = new SvgInspection(Svg);
        var axisTitle = svg.Texts().Single(t => t.Content == "Time (days)");
        var heading = svg.Texts().Single(t => t.Content == "Number at risk");
        Assert.True(heading.Y > axisTitle.Y + 20, $"risk table at y = {heading.Y}, axis title at y = {axisTitle.Y}");
    }

    [Fact]
    public void Hostile_labels_are_escaped_in_the_legend_and_the_risk_table()
    {
        var svg = KaplanMeierChart.Render(ReportSamples.KaplanMeier(ReportSamples.Script, ReportSamples.Quotes));
        Assert.DoesNotContain("<script", svg);
        Assert.DoesNotContain("<b>", svg);
        var texts = new SvgInspection(svg).TextContents().ToList();
        Assert.Contains($"{ReportSamples.Script} (n = 138)", texts);   // the parsed text is the label, unaltered
        Assert.Contains($"{ReportSamples.Quotes} (n = 90)", texts);
    }

    [Fact]
    public void Mismatched_risk_counts_are_refused_with_the_curve_named()
    {
        var input = ReportSamples.KaplanMeier();
        var broken = input with { Curves = [input.Curves[0] with { AtRisk = [1, 2] }] };
        var error = Assert.Throws<Stratify.Data.StratifyInputException>(() => KaplanMeierChart.Render(broken));
        Assert.Contains("Low risk", error.Message);
    }

    [Fact]
    public void Two_charts_inlined_in_one_page_share_no_element_id()
    {
        var first = new SvgInspection(Svg);
        var second = new SvgInspection(KaplanMeierChart.Render(ReportSamples.KaplanMeier("Other", "Labels")));
        static HashSet<string> Ids(SvgInspection s) => s.Root.Descendants().Select(e => (string?)e.Attribute("id")).OfType<string>().ToHashSet();
        Assert.NotEmpty(Ids(first));
        Assert.Empty(Ids(first).Intersect(Ids(second)));
    }

    [Fact]
    public void The_same_input_renders_to_the_same_bytes()
    {
        // ScottPlot numbers clip paths with a process-wide counter; the figure renumbers them.
        Assert.Equal(Svg, KaplanMeierChart.Render(ReportSamples.KaplanMeier()));
    }

    [Fact]
    public void Survival_is_drawn_as_a_post_step_function_that_never_rises()
    {
        // The first (solid) curve's path: from (0, 1) flat to the first event, then down, alternately.
        var path = new SvgInspection(Svg).Elements("path")
            .Where(p => (string?)p.Attribute("stroke") == ChartStyle.OkabeItoHex[0] && (string?)p.Attribute("fill") == "none")
            .Select(p => (string)p.Attribute("d")!).OrderByDescending(d => d.Length).First();
        var points = System.Text.RegularExpressions.Regex.Matches(path, @"[ML]([-0-9.]+) ([-0-9.]+)")
            .Select(m => (X: double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
                          Y: double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))).ToList();
        Assert.True(points.Count > 10);
        for (int i = 1; i < points.Count; i++)
        {
            bool horizontal = Math.Abs(points[i].Y - points[i - 1].Y) < 0.01 && points[i].X > points[i - 1].X;
            bool drop = Math.Abs(points[i].X - points[i - 1].X) < 0.01 && points[i].Y >= points[i - 1].Y; // never rises (pixel y grows downward)
            Assert.True(i % 2 == 1 ? horizontal : drop, $"segment {i} is not a {(i % 2 == 1 ? "flat run" : "drop")}");
        }
    }
}
