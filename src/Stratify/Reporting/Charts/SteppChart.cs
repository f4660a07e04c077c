using System.Globalization;
using ScottPlot;
using Stratify.Data;

namespace Stratify.Reporting.Charts;

/// <summary>One STEPP window as drawn: the median marker value of its patients and its effect with 95% limits (NaN when not estimable).</summary>
internal sealed record SteppPoint(double Marker, double Estimate, double Lower, double Upper);

/// <summary>What a STEPP chart plots: the hazard ratio (log scale, no effect at 1) or a difference such as the RMST difference (linear, no effect at 0).</summary>
internal enum SteppEffectScale
{
    HazardRatio,
    Difference,
}

/// <summary>
/// The windows left to right, the overall effect (drawn as a reference line), the axis labels, an optional footer
/// (the heterogeneity test) and the figure's text alternative.
/// </summary>
internal sealed record SteppChartInput(
    IReadOnlyList<SteppPoint> Points,
    double Overall,
    string MarkerLabel,
    string EffectLabel,
    SteppEffectScale Scale,
    string? Footer,
    string AltText,
    int Width = 760,
    int Height = 440);

/// <summary>
/// The subpopulation treatment effect pattern plot (Bonetti &amp; Gelber 2004): each window's effect against the
/// median marker value of its patients, joined by a line, with its pointwise 95% interval as a shaded band; the
/// overall effect as a dashed reference line labelled with its value, and the no-effect line (HR 1, difference 0)
/// in grey. Hazard ratios are drawn on a log scale (as <see cref="ForestPlot"/>: the data at log10 HR, ticks
/// labelled in HR).
/// </summary>
/// <example><code>
/// var input = new SteppChartInput([new SteppPoint(1.2, 1.4, 0.9, 2.1), new SteppPoint(2.5, 0.8, 0.6, 1.1)], 0.95,
///     "biomarker (median of window)", "Hazard ratio (treated vs control)", SteppEffectScale.HazardRatio,
///     "Heterogeneity: permutation p = 0.004", "Treatment hazard ratio by biomarker");
/// string svg = SteppChart.Render(input);
/// </code></example>
internal static class SteppChart
{
    private static readonly double[] RatioTicks = [0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 4, 5, 10, 20];
    // Added when the range is narrow (fewer than four of the ticks above fall inside it).
    private static readonly double[] FineRatioTicks = [0.3, 0.4, 0.6, 0.7, 0.8, 1.25, 1.5, 3];
    private const double FooterHeight = 26;

    public static string Render(SteppChartInput input)
    {
        lock (SvgFigure.RenderLock) return Draw(input); // see SvgFigure.RenderLock
    }

    private static string Draw(SteppChartInput input)
    {
        Validate(input);
        bool ratio = input.Scale == SteppEffectScale.HazardRatio;
        double Y(double v) => ratio ? Math.Log10(v) : v;
        var plot = ChartStyle.NewPlot();
        plot.Layout.Fixed(new PixelPadding(76, 24, 116, 30));
        plot.XLabel(input.MarkerLabel, 13);
        plot.YLabel(ratio ? $"{input.EffectLabel} (log scale)" : input.EffectLabel, 13);

        var points = input.Points.Where(p => double.IsFinite(p.Estimate)).ToArray();
        var xs = points.Select(p => p.Marker).ToArray();
        var colour = ChartStyle.SeriesColour(0);
        var bandPoints = points.Where(p => double.IsFinite(p.Lower) && double.IsFinite(p.Upper)).ToArray();
        if (bandPoints.Length >= 2)
        {
            var band = plot.Add.FillY(bandPoints.Select(p => (p.Marker, Y(p.Lower), Y(p.Upper))).ToList());
            band.FillColor = colour.WithAlpha(0.18);
            band.LineWidth = 0;
            band.MarkerSize = 0;
            band.LegendText = "95% confidence band (pointwise)";
        }
        var line = plot.Add.ScatterLine(xs, points.Select(p => Y(p.Estimate)).ToArray(), colour);
        line.LineWidth = 2;
        line.MarkerShape = MarkerShape.FilledCircle;
        line.MarkerSize = 7;
        line.LegendText = "Effect in each window";

        var none = plot.Add.HorizontalLine(0, 1, Colors.Gray, LinePattern.Solid); // log10(HR 1) = 0, or a difference of 0
        none.LegendText = ratio ? "No effect (HR 1)" : "No effect (0)";
        var overall = plot.Add.HorizontalLine(Y(input.Overall), 1.5f, Colors.Black, LinePattern.Dashed);
        overall.LegendText = $"Overall effect ({ChartStyle.Number(input.Overall, 2, fixedDigits: true)})";

        var values = points.SelectMany(p => new[] { p.Estimate, p.Lower, p.Upper }).Where(double.IsFinite).Append(input.Overall).Append(ratio ? 1 : 0).ToArray();
        double low = values.Min(), high = values.Max();
        if (ratio)
        {
            double logLow = Math.Log10(low), logHigh = Math.Log10(high), pad = Math.Max(0.05, (logHigh - logLow) * 0.08);
            plot.Axes.SetLimitsY(logLow - pad, logHigh + pad);
            bool Inside(double t) => Math.Log10(t) >= logLow - pad && Math.Log10(t) <= logHigh + pad;
            var ticks = RatioTicks.Where(Inside).ToArray();
            if (ticks.Length < 4) ticks = [.. ticks.Concat(FineRatioTicks.Where(Inside)).Order()];
            plot.Axes.Left.SetTicks(ticks.Select(Math.Log10).ToArray(), ticks.Select(t => ChartStyle.Number(t, 2)).ToArray());
        }
        else
        {
            double pad = Math.Max((high - low) * 0.08, 1e-6);
            plot.Axes.SetLimitsY(low - pad, high + pad);
        }
        if (xs.Length > 0)
        {
            double span = Math.Max(xs[^1] - xs[0], 1e-9);
            plot.Axes.SetLimitsX(xs[0] - span * 0.04, xs[^1] + span * 0.04);
        }
        plot.ShowLegend(Edge.Bottom);
        plot.Legend.Orientation = Orientation.Horizontal;
        plot.Legend.FontSize = 12;
        plot.Legend.SymbolWidth = 30;

        var figure = SvgFigure.Render(plot, input.Width, input.Height);
        if (!string.IsNullOrEmpty(input.Footer))
        {
            double footerTop = figure.ExtendDown(FooterHeight);
            figure.AddText(8, footerTop + 17, input.Footer, anchor: "start", size: 12.5, bold: true);
        }
        return figure.ToInlineSvg(input.AltText);
    }

    /// <summary>
    /// The chart of a STEPP analysis: hazard ratios (or RMST differences) of the treated arm against the reference
    /// arm by window, the overall effect, and the heterogeneity test in the footer.
    /// </summary>
    /// <summary>The chart of a STEPP analysis as `stratify stepp --format json` and results.json's <c>discovery.stepp</c> hold it.</summary>
    public static SteppChartInput Input(SteppJson result, SteppEffectScale scale, string treated, string reference, string? timeUnit = null)
    {
        bool ratio = scale == SteppEffectScale.HazardRatio;
        var points = result.Windows.Select(w => ratio
            ? new SteppPoint(w.MarkerMedian, w.Effect.Hr, w.Effect.HrLower, w.Effect.HrUpper)
            : new SteppPoint(w.MarkerMedian, w.Effect.RmstDifference, w.Effect.RmstDifferenceLower, w.Effect.RmstDifferenceUpper)).ToArray();
        string horizon = ChartStyle.Number(result.RmstHorizon, 1);
        string effect = ratio ? $"Hazard ratio, {treated} vs {reference}"
            : $"RMST difference to {horizon}{(timeUnit is null ? "" : " " + timeUnit)}, {treated} − {reference}";
        string? footer = result.Test is { } test
            ? $"Heterogeneity (largest standardised |window − overall| log HR, {test.Permutations.ToString("N0", CultureInfo.InvariantCulture)} permutations): p = {ChartStyle.Number(test.P, 4)}"
            : null;
        return new SteppChartInput(points, ratio ? result.Overall.Hr : result.Overall.RmstDifference,
            $"{result.Marker} (median of each window of about {result.PatientsPerWindow.ToString(CultureInfo.InvariantCulture)} patients)",
            effect, scale, footer, string.Create(CultureInfo.InvariantCulture, $"{(ratio ? "Treatment hazard ratio" : "Difference in restricted mean survival")} by {result.Marker}, in {result.Windows.Count} overlapping windows, with the overall effect"));
    }

    private static void Validate(SteppChartInput input)
    {
        if (input.Points.Count(p => double.IsFinite(p.Estimate)) < 2)
            throw new StratifyInputException("A STEPP chart needs at least two windows with an estimate.");
        for (int i = 1; i < input.Points.Count; i++)
            if (!(input.Points[i].Marker >= input.Points[i - 1].Marker))
                throw new StratifyInputException("STEPP windows must be ordered by their marker value.",
                    value: input.Points[i].Marker.ToString(CultureInfo.InvariantCulture));
        if (input.Scale == SteppEffectScale.HazardRatio)
        {
            foreach (var p in input.Points)
                foreach (var v in new[] { p.Estimate, p.Lower, p.Upper })
                    if (double.IsFinite(v) && !(v > 0))
                        throw new StratifyInputException("A hazard ratio must be positive.", value: v.ToString(CultureInfo.InvariantCulture));
            if (!(input.Overall > 0) || !double.IsFinite(input.Overall))
                throw new StratifyInputException("The overall hazard ratio must be positive and finite.", value: input.Overall.ToString(CultureInfo.InvariantCulture));
        }
    }
}
