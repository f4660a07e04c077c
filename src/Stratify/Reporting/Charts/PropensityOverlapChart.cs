using System.Globalization;
using ScottPlot;
using Stratify.Data;

namespace Stratify.Reporting.Charts;

/// <summary>
/// One arm's propensity scores for <see cref="PropensityOverlapChart"/>: the 5th, 25th, 50th, 75th and 95th
/// percentiles. The extremes are left out on purpose: a minimum or maximum is one patient's score.
/// </summary>
internal sealed record OverlapArm(string Arm, double P05, double P25, double Median, double P75, double P95);

/// <summary>The arms (reference first), the common support of the scores, and the figure's text alternative.</summary>
internal sealed record PropensityOverlapInput(IReadOnlyList<OverlapArm> Arms, double CommonSupportLower, double CommonSupportUpper, string AltText,
    int Width = 760);

/// <summary>
/// Overlap of the arms' propensity scores: per arm a horizontal box from the 25th to the 75th percentile with the
/// median marked and whiskers to the 5th and 95th, on a 0–1 axis, with the common support shaded. Where the boxes of
/// the two arms barely overlap, the weights rest on few patients and the comparison on extrapolation. A box plot of
/// percentiles shows no patient counts, so it needs no small-cell masking.
/// </summary>
/// <example><code>
/// string svg = PropensityOverlapChart.Render(new PropensityOverlapInput(
///     [new OverlapArm("no", 0.02, 0.06, 0.11, 0.20, 0.45), new OverlapArm("yes", 0.10, 0.28, 0.41, 0.58, 0.80)],
///     0.01, 0.93, "Propensity scores by arm"));
/// </code></example>
internal static class PropensityOverlapChart
{
    private const double RowHeight = 56, Top = 16, AxisBlock = 58;

    public static string Render(PropensityOverlapInput input)
    {
        lock (SvgFigure.RenderLock) return Draw(input); // see SvgFigure.RenderLock
    }

    private static string Draw(PropensityOverlapInput input)
    {
        foreach (var arm in input.Arms)
            if (!(arm.P05 <= arm.P25 && arm.P25 <= arm.Median && arm.Median <= arm.P75 && arm.P75 <= arm.P95) || arm.P05 < 0 || arm.P95 > 1)
                throw new StratifyInputException($"propensity percentiles of arm '{arm.Arm}' must rise within [0, 1]");
        int count = input.Arms.Count;
        double labelWidth = Math.Clamp(input.Arms.Max(a => a.Arm.Length) * 7.4 + 24, 90, 220);
        double height = Top + count * RowHeight + AxisBlock;
        var plot = ChartStyle.NewPlot();
        plot.Layout.Fixed(new PixelPadding((float)labelWidth, 24, (float)AxisBlock, (float)Top));
        plot.Axes.SetLimits(0, 1, 0.4, count + 0.6);
        plot.Axes.Left.SetTicks([], []);
        double[] ticks = [0, 0.2, 0.4, 0.6, 0.8, 1];
        plot.Axes.Bottom.SetTicks(ticks, ticks.Select(t => t.ToString("0.0", CultureInfo.InvariantCulture)).ToArray());
        plot.Grid.YAxisStyle.MajorLineStyle.Width = 0;
        plot.XLabel("Propensity score: probability of treatment given the covariates", 13);

        var support = plot.Add.Rectangle(input.CommonSupportLower, input.CommonSupportUpper, 0.4, count + 0.6);
        support.FillStyle.Color = Color.FromHex("#EEEEEE");
        support.LineStyle.Width = 0;
        for (int a = 0; a < count; a++)
        {
            var arm = input.Arms[a];
            double y = count - a;
            var colour = ChartStyle.SeriesColour(a);
            var whisker = plot.Add.Line(arm.P05, y, arm.P95, y);
            whisker.LineColor = Colors.Black;
            whisker.LineWidth = 1.5f;
            var box = plot.Add.Rectangle(arm.P25, arm.P75, y - 0.22, y + 0.22);
            box.FillStyle.Color = colour.WithAlpha(0.35);
            box.LineStyle.Color = colour;
            box.LineStyle.Width = 2;
            var median = plot.Add.Line(arm.Median, y - 0.22, arm.Median, y + 0.22);
            median.LineColor = Colors.Black;
            median.LineWidth = 3;
        }
        var figure = SvgFigure.Render(plot, input.Width, (int)height);
        for (int a = 0; a < count; a++)
        {
            double y = plot.GetPixel(new Coordinates(0, count - a)).Y + 4;
            figure.AddText(8, y, input.Arms[a].Arm, anchor: "start", bold: true);
        }
        double footerTop = figure.ExtendDown(22);
        figure.AddText(8, footerTop + 15,
            $"Shaded: common support {input.CommonSupportLower.ToString("0.00", CultureInfo.InvariantCulture)}–{input.CommonSupportUpper.ToString("0.00", CultureInfo.InvariantCulture)}; "
            + "boxes 25th–75th percentile, line at the median, whiskers 5th–95th.", anchor: "start", size: 11.5);
        return figure.ToInlineSvg(input.AltText);
    }
}
