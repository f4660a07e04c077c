using ScottPlot;
using Stratify.Data;
using System.Globalization;

namespace Stratify.Reporting.Charts;

/// <summary>One model-selection criterion over k: its name, values (NaN where not computed) and optional ±errors.</summary>
internal sealed record CriterionSeries(string Name, IReadOnlyList<double> Values, IReadOnlyList<double>? Errors);

/// <summary>
/// Criteria by number of subgroups k, with the recommended k. One or two series: the first uses the left axis,
/// the second the right axis (criteria on different scales, e.g. silhouette width and the gap statistic).
/// </summary>
internal sealed record CriteriaChartInput(
    IReadOnlyList<int> Ks,
    IReadOnlyList<CriterionSeries> Series,
    int? RecommendedK,
    string AltText,
    int Width = 760,
    int Height = 380);

/// <summary>
/// A line chart of clustering criteria against k: each series with its own colour, line pattern and marker shape,
/// error bars where given (e.g. the gap statistic's s_k, Tibshirani et al. 2001), and a dashed vertical line with a
/// label at the recommended k.
/// </summary>
/// <example><code>
/// var input = new CriteriaChartInput([2, 3, 4], [new CriterionSeries("Silhouette", [0.31, 0.36, 0.29], null)], 3,
///     "Average silhouette width by k");
/// string svg = CriteriaChart.Render(input);
/// </code></example>
internal static class CriteriaChart
{
    public static string Render(CriteriaChartInput input)
    {
        lock (SvgFigure.RenderLock) return Draw(input); // see SvgFigure.RenderLock
    }

    private static string Draw(CriteriaChartInput input)
    {
        Validate(input);
        var plot = ChartStyle.NewPlot();
        var ks = input.Ks.Select(k => (double)k).ToArray();
        plot.Layout.Fixed(new PixelPadding(76, input.Series.Count > 1 ? 76 : 24, 104, 30));
        plot.Axes.Bottom.SetTicks(ks, input.Ks.Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.XLabel("Number of subgroups k", 13);
        plot.Axes.SetLimitsX(ks[0] - 0.4, ks[^1] + 0.4);

        for (int s = 0; s < input.Series.Count; s++)
        {
            var series = input.Series[s];
            IYAxis axis = s == 0 ? plot.Axes.Left : plot.Axes.Right;
            var colour = ChartStyle.SeriesColour(s);
            var values = series.Values.ToArray();
            var line = plot.Add.ScatterLine(ks, values, colour);
            line.Axes.YAxis = axis;
            line.LineWidth = 2;
            line.LinePattern = ChartStyle.SeriesPattern(s);
            line.MarkerShape = ChartStyle.SeriesMarker(s);
            line.MarkerSize = 10;
            line.LegendText = input.Series.Count > 1 ? $"{series.Name} ({(s == 0 ? "left" : "right")} axis)" : series.Name;
            if (series.Errors is not null)
            {
                var errors = series.Errors.ToArray();
                var bars = plot.Add.ErrorBar(ks, values, errors);
                bars.Axes.YAxis = axis;
                bars.Color = colour;
                bars.LineWidth = 1.5f;
            }
            axis.Label.Text = series.Name;
            axis.Label.FontSize = 13;
            axis.Label.ForeColor = colour;
            var (low, high) = Limits(values, series.Errors);
            plot.Axes.SetLimitsY(low, high, axis);
        }

        if (input.RecommendedK is int k)
        {
            var marker = plot.Add.VerticalLine(k, 1.5f, Colors.Black, LinePattern.Dashed);
            marker.Text = string.Create(CultureInfo.InvariantCulture, $"recommended k = {k}");
            marker.LabelOppositeAxis = true;
            marker.LabelFontSize = 12;
            marker.LabelBackgroundColor = Colors.White;
            marker.LabelFontColor = Colors.Black;
        }
        plot.ShowLegend(Edge.Bottom);
        plot.Legend.Orientation = Orientation.Horizontal;
        plot.Legend.FontSize = 12;
        plot.Legend.SymbolWidth = 34;
        return SvgFigure.Render(plot, input.Width, input.Height).ToInlineSvg(input.AltText);
    }

    private static (double Low, double High) Limits(double[] values, IReadOnlyList<double>? errors)
    {
        double low = double.PositiveInfinity, high = double.NegativeInfinity;
        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsNaN(values[i])) continue;
            double e = errors is null || double.IsNaN(errors[i]) ? 0 : errors[i];
            low = Math.Min(low, values[i] - e);
            high = Math.Max(high, values[i] + e);
        }
        if (!double.IsFinite(low)) return (0, 1);
        double pad = Math.Max((high - low) * 0.12, 1e-3);
        return (low - pad, high + pad);
    }

    private static void Validate(CriteriaChartInput input)
    {
        if (input.Ks.Count == 0) throw new StratifyInputException("A criteria chart needs at least one k.");
        if (input.Series.Count is < 1 or > 2)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"A criteria chart draws one or two criteria, not {input.Series.Count}."));
        foreach (var series in input.Series)
        {
            if (series.Values.Count != input.Ks.Count || (series.Errors is not null && series.Errors.Count != input.Ks.Count))
                throw new StratifyInputException($"Criterion '{series.Name}': one value (and error) per k is required.");
        }
    }
}
