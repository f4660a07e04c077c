using System.Globalization;
using ScottPlot;
using Stratify.Data;

namespace Stratify.Reporting.Charts;

/// <summary>
/// One forest-plot row: a subgroup label, its size, the hazard ratio with its 95% confidence limits (all null when
/// the model could not estimate it) and an optional p-value text printed as given. <see cref="NText"/>, when set,
/// is printed instead of <see cref="N"/> (a withheld size, "suppressed", or "&lt;5"), and the square is then drawn at
/// a fixed middle size so that its area does not give the size away. <see cref="Shrunken"/>, when set, is the row's
/// shrunken (empirical-Bayes) estimate: the row's own estimate is then drawn hollow and the shrunken one filled
/// below it. <see cref="Summary"/> marks the all-patients row, drawn as a filled diamond.
/// </summary>
internal sealed record ForestRow(string Label, int N, double? Estimate, double? Lower, double? Upper, string? PText = null, string? NText = null,
    ForestInterval? Shrunken = null, bool Summary = false);

/// <summary>A second estimate of a row with its interval (the shrunken estimate).</summary>
internal sealed record ForestInterval(double Estimate, double Lower, double Upper);

/// <summary>The rows top to bottom, a footer line (e.g. "Interaction p = 0.03") and the figure's text alternative.</summary>
internal sealed record ForestPlotInput(
    IReadOnlyList<ForestRow> Rows,
    string? Footer,
    string AltText,
    string EffectLabel = "Hazard ratio",
    int Width = 760);

/// <summary>
/// A forest plot of hazard ratios: log-scale x axis with a dashed reference line at 1, squares whose area grows
/// with n, 95% CI whiskers, and text columns (label, n, "HR (95% CI)", p) aligned with the rows. Rows with a
/// shrunken estimate show the row's own estimate as a hollow square and the shrunken one as a filled circle on a
/// thinner whisker just below it, with its text under the row's; the all-patients row is a filled diamond.
/// </summary>
/// <remarks>
/// ScottPlot 5 has no logarithmic axis; the data are drawn at log10(HR) and the ticks are labelled with HR values,
/// the approach ScottPlot's documentation gives for log scales. The text columns are SVG text placed with
/// ScottPlot's coordinate→pixel mapping after the render, so each sits on its row's centre line.
/// </remarks>
/// <example><code>
/// var input = new ForestPlotInput([new ForestRow("Female", 90, 0.59, 0.42, 0.82, "p = 0.002")],
///     "Interaction p = 0.03", "Hazard ratio of death by sex");
/// string svg = ForestPlot.Render(input);
/// </code></example>
internal static class ForestPlot
{
    private const double RowHeight = 30, HeaderHeight = 40, AxisBlock = 52, FooterHeight = 26;
    private const double EstimateColumnWidth = 150, PColumnWidth = 84;
    // Tick candidates in order of preference; each is kept only if it is far enough from those already kept.
    private static readonly double[] CandidateTicks = [1, 0.5, 2, 0.1, 10, 0.25, 4, 0.2, 5, 0.01, 100, 0.05, 20, 0.02, 50];
    private const double MinimumTickSpacing = 42;

    public const string NotEstimable = "not estimable";

    public static string Render(ForestPlotInput input)
    {
        lock (SvgFigure.RenderLock) return Draw(input); // see SvgFigure.RenderLock
    }

    private static string Draw(ForestPlotInput input)
    {
        Validate(input);
        var rows = input.Rows;
        int count = rows.Count;
        int longestLabel = rows.Count == 0 ? 8 : rows.Max(r => r.Label.Length);
        double labelWidth = Math.Clamp(longestLabel * 7.4 + 12, 110, 200);
        // The n column fits its widest text ("suppressed" is wider than any count).
        double nColumnWidth = Math.Max(50, rows.Count == 0 ? 0 : rows.Max(r => NText(r).Length * 7.0 + 16));
        double left = 8 + labelWidth + nColumnWidth;
        double right = EstimateColumnWidth + PColumnWidth + 8;
        bool twoEstimates = rows.Any(r => r.Shrunken is not null);
        double rowHeight = twoEstimates ? RowHeight * 1.5 : RowHeight;
        double height = HeaderHeight + Math.Max(count, 1) * rowHeight + AxisBlock;

        var (low, high) = Range(rows);
        var plot = ChartStyle.NewPlot();
        plot.Layout.Fixed(new PixelPadding((float)left, (float)right, (float)AxisBlock, (float)HeaderHeight));
        plot.Axes.SetLimits(Math.Log10(low), Math.Log10(high), 0.5, count + 0.5);
        var ticks = Ticks(low, high, input.Width - left - right);
        plot.Axes.Bottom.SetTicks(ticks.Select(Math.Log10).ToArray(), ticks.Select(t => ChartStyle.Number(t, 2)).ToArray());
        plot.Axes.Left.SetTicks([], []);
        plot.Axes.Left.FrameLineStyle.Width = 0;
        plot.Axes.Right.FrameLineStyle.Width = 0;
        plot.Axes.Top.FrameLineStyle.Width = 0;
        plot.Grid.YAxisStyle.MajorLineStyle.Width = 0;
        plot.XLabel($"{input.EffectLabel} (log scale)", 13);
        plot.Add.VerticalLine(0, 1.5f, Colors.Black, LinePattern.Dashed);

        int largest = rows.Count == 0 ? 1 : Math.Max(1, rows.Max(r => r.NText is null ? r.N : 0));
        var ink = ChartStyle.SeriesColour(0);
        for (int i = 0; i < count; i++)
        {
            var row = rows[i];
            if (row.Estimate is not double estimate) continue;
            double y = RowY(i, count) + (row.Shrunken is null ? 0 : 0.12);
            Whisker(plot, row.Lower ?? estimate, row.Upper ?? estimate, y, 1.5f, low, high);
            // Square area proportional to n (side ∝ √n), as in Lewis & Clarke (2001), BMJ 322:1479.
            float side = (float)(6 + 14 * (row.NText is null ? Math.Sqrt((double)row.N / largest) : Math.Sqrt(0.5)));
            var shape = row.Summary ? MarkerShape.FilledDiamond : row.Shrunken is null ? MarkerShape.FilledSquare : MarkerShape.OpenSquare;
            var marker = plot.Add.Marker(Math.Log10(estimate), y, shape, row.Summary ? 16 : side, ink);
            if (shape == MarkerShape.OpenSquare) marker.MarkerLineWidth = 2;
            if (row.Shrunken is not { } shrunken) continue;
            double below = RowY(i, count) - 0.22;
            Whisker(plot, shrunken.Lower, shrunken.Upper, below, 1f, low, high);
            plot.Add.Marker(Math.Log10(shrunken.Estimate), below, MarkerShape.FilledCircle, 9, ink);
        }

        var figure = SvgFigure.Render(plot, input.Width, (int)height);
        double headerY = HeaderHeight - 14;
        double estimateX = input.Width - right + 12;
        double pX = input.Width - PColumnWidth;
        figure.AddText(8, headerY, "Subgroup", anchor: "start", bold: true);
        figure.AddText(8 + labelWidth + nColumnWidth - 10, headerY, "n", anchor: "end", bold: true);
        figure.AddText(estimateX, headerY, $"{Abbreviation(input.EffectLabel)} (95% CI)", anchor: "start", bold: true);
        figure.AddText(pX, headerY, "p", anchor: "start", bold: true);
        figure.AddLine(8, headerY + 6, input.Width - 8, headerY + 6, "#000000");
        for (int i = 0; i < count; i++)
        {
            var row = rows[i];
            double y = plot.GetPixel(new Coordinates(0, RowY(i, count) + (row.Shrunken is null ? 0 : 0.12))).Y + 4;
            figure.AddText(8, y, Shorten(row.Label, (int)((labelWidth - 12) / 7.4)), anchor: "start");
            figure.AddText(8 + labelWidth + nColumnWidth - 10, y, NText(row), anchor: "end");
            figure.AddText(estimateX, y, EstimateText(row), anchor: "start", fill: row.Estimate is null ? "#444444" : "#000000");
            if (row.PText is not null) figure.AddText(pX, y, row.PText, anchor: "start");
            if (row.Shrunken is { } shrunken)
                figure.AddText(estimateX, plot.GetPixel(new Coordinates(0, RowY(i, count) - 0.22)).Y + 4,
                    "shrunken " + EstimateText(row with { Estimate = shrunken.Estimate, Lower = shrunken.Lower, Upper = shrunken.Upper }),
                    anchor: "start", size: 11, fill: "#444444");
        }
        if (!string.IsNullOrEmpty(input.Footer))
        {
            double footerTop = figure.ExtendDown(FooterHeight);
            figure.AddText(8, footerTop + 17, input.Footer, anchor: "start", size: 12.5, bold: true);
        }
        return figure.ToInlineSvg(input.AltText);
    }

    private static void Whisker(Plot plot, double lower, double upper, double y, float width, double low, double high)
    {
        var whisker = plot.Add.Line(Math.Log10(Math.Clamp(lower, low, high)), y, Math.Log10(Math.Clamp(upper, low, high)), y);
        whisker.LineColor = Colors.Black;
        whisker.LineWidth = width;
    }

    /// <summary>"1.32 (0.95–1.84)", or "not estimable" when the estimate is missing.</summary>
    public static string EstimateText(ForestRow row) => row.Estimate is double estimate
        ? $"{ChartStyle.Number(estimate, 2, fixedDigits: true)} ({ChartStyle.Number(row.Lower ?? double.NaN, 2, fixedDigits: true)}–{ChartStyle.Number(row.Upper ?? double.NaN, 2, fixedDigits: true)})"
        : NotEstimable;

    /// <summary>Ticks inside [low, high], at least <see cref="MinimumTickSpacing"/> pixels apart on the log axis.</summary>
    private static double[] Ticks(double low, double high, double pixels)
    {
        double pixelsPerDecade = pixels / (Math.Log10(high) - Math.Log10(low));
        var kept = new List<double>();
        foreach (var tick in CandidateTicks)
        {
            if (tick < low || tick > high) continue;
            if (kept.TrueForAll(k => Math.Abs(Math.Log10(k) - Math.Log10(tick)) * pixelsPerDecade >= MinimumTickSpacing))
                kept.Add(tick);
        }
        kept.Sort();
        return kept.ToArray();
    }

    private static double RowY(int index, int count) => count - index;

    /// <summary>The n column's text: the given text, else the count with thousands separators ("1,491").</summary>
    private static string NText(ForestRow row) => row.NText ?? row.N.ToString("N0", CultureInfo.InvariantCulture);

    private static string Abbreviation(string effectLabel) =>
        effectLabel == "Hazard ratio" ? "HR" : effectLabel;

    /// <summary>The x range in HR units: every finite limit and 1, widened by 15% on the log scale, within [0.01, 100].</summary>
    private static (double Low, double High) Range(IReadOnlyList<ForestRow> rows)
    {
        double low = 1, high = 1;
        foreach (var row in rows)
        {
            foreach (var value in new[] { row.Lower, row.Estimate, row.Upper, row.Shrunken?.Lower, row.Shrunken?.Upper })
            {
                if (value is not double v || !double.IsFinite(v) || v <= 0) continue;
                low = Math.Min(low, v);
                high = Math.Max(high, v);
            }
        }
        double logLow = Math.Log10(Math.Max(low, 0.01)), logHigh = Math.Log10(Math.Min(high, 100));
        double pad = Math.Max(0.08, (logHigh - logLow) * 0.15);
        return (Math.Pow(10, logLow - pad), Math.Pow(10, logHigh + pad));
    }

    private static string Shorten(string label, int maxChars) =>
        label.Length <= maxChars ? label : label[..Math.Max(1, maxChars - 1)] + "…";

    private static void Validate(ForestPlotInput input)
    {
        foreach (var row in input.Rows)
        {
            if (row.Estimate is double e && (!(e > 0) || !double.IsFinite(e)))
                throw new StratifyInputException($"Forest plot row '{row.Label}': the hazard ratio must be positive and finite.",
                    value: e.ToString(CultureInfo.InvariantCulture));
            if (row.Estimate is not null && (row.Lower is not double l || row.Upper is not double u || !(l > 0) || l > u))
                throw new StratifyInputException($"Forest plot row '{row.Label}': the confidence limits must be positive with lower ≤ upper.");
            if (row.Shrunken is { } s && (!(s.Estimate > 0) || !double.IsFinite(s.Estimate) || !(s.Lower > 0) || s.Lower > s.Upper || !double.IsFinite(s.Upper)))
                throw new StratifyInputException($"Forest plot row '{row.Label}': the shrunken estimate and its limits must be positive and finite with lower ≤ upper.");
        }
    }
}
