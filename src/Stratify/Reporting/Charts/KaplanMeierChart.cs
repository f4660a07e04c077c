using ScottPlot;
using Stratify.Data;
using System.Globalization;

namespace Stratify.Reporting.Charts;

/// <summary>
/// One Kaplan–Meier curve as a step function. <see cref="Times"/>[i] is a time at which the estimate changes and
/// <see cref="Survival"/>[i] its value from that time on (post-step); the curve starts at (0, 1) unless Times[0] is 0.
/// <see cref="Lower"/>/<see cref="Upper"/> are the pointwise confidence limits at the same times (NaN where undefined).
/// <see cref="CensorTimes"/> with <see cref="CensorSurvival"/> place the '+' marks; <see cref="AtRisk"/> holds the
/// number at risk at each tick time of <see cref="KaplanMeierChartInput.TickTimes"/>.
/// <see cref="PatientCount"/> is the group size the small-cell rule tests. <see cref="PatientCountText"/> and
/// <see cref="AtRiskText"/>, when set, are printed instead of the numbers (the report's complementary suppression
/// decides them: "suppressed", "&lt;5").
/// </summary>
internal sealed record KaplanMeierChartCurve(
    string Label,
    int PatientCount,
    IReadOnlyList<double> Times,
    IReadOnlyList<double> Survival,
    IReadOnlyList<double> Lower,
    IReadOnlyList<double> Upper,
    IReadOnlyList<double> CensorTimes,
    IReadOnlyList<double> CensorSurvival,
    IReadOnlyList<int> AtRisk,
    string? PatientCountText = null,
    IReadOnlyList<string>? AtRiskText = null);

/// <summary>
/// Everything a Kaplan–Meier figure shows. <see cref="TickTimes"/> are the x-axis ticks and the columns of the
/// number-at-risk table. A curve with fewer than <see cref="SmallCellThreshold"/> patients is not drawn, and a
/// positive risk count below the threshold prints as "&lt;threshold".
/// </summary>
internal sealed record KaplanMeierChartInput(
    IReadOnlyList<KaplanMeierChartCurve> Curves,
    IReadOnlyList<double> TickTimes,
    string TimeUnit,
    string AltText,
    int SmallCellThreshold = 5,
    int Width = 760,
    int PlotHeight = 420)
{
    /// <summary>The y-axis title ("Survival probability"; a cumulative incidence chart names its event).</summary>
    public string YLabel { get; init; } = "Survival probability";

    /// <summary>The value every curve starts from at time 0: 1 for survival, 0 for a cumulative incidence.</summary>
    public double StartValue { get; init; } = 1;

    /// <summary>The top of the y axis (at most 1): a cumulative incidence that stays low is drawn on a shorter axis.</summary>
    public double YMax { get; init; } = 1;
}

/// <summary>
/// Draws Kaplan–Meier curves (post-step lines, translucent confidence bands, '+' censoring marks, y from 0 to 1)
/// with ScottPlot and writes a number-at-risk table beneath the time axis inside the same SVG.
/// </summary>
/// <remarks>
/// ScottPlot has no table element, so the risk table is SVG text placed by ScottPlot's own coordinate→pixel mapping
/// (<c>Plot.GetPixel</c> after the render), which is exactly where ScottPlot put the manual x ticks.
/// </remarks>
/// <example><code>
/// var curve = new KaplanMeierChartCurve("ECOG 0", 63, [5, 11], [0.98, 0.95], [0.95, 0.9], [1, 1], [30], [0.95], [63, 40]);
/// string svg = KaplanMeierChart.Render(new KaplanMeierChartInput([curve], [0, 365], "days", "Survival by ECOG"));
/// </code></example>
internal static class KaplanMeierChart
{
    private const double RightPadding = 24, TopPadding = 16, AxisBlock = 62, LegendRow = 19, CharWidth = 7.2;
    private const double SwatchEnd = 30, MaxRowLabelWidth = 150;
    private const double RiskTitleHeight = 26, RiskRowHeight = 20;

    /// <summary>Returns the chart as an inline SVG element (see <see cref="SvgFigure.ToInlineSvg"/>).</summary>
    public static string Render(KaplanMeierChartInput input) => Layout(input).Svg;

    /// <summary>The rendered SVG with the pixel x of each tick, for tests that check the table's alignment.</summary>
    internal static (string Svg, double[] TickPixels, double RiskTableTop) Layout(KaplanMeierChartInput input)
    {
        lock (SvgFigure.RenderLock) return Draw(input); // see SvgFigure.RenderLock
    }

    private static (string Svg, double[] TickPixels, double RiskTableTop) Draw(KaplanMeierChartInput input)
    {
        Validate(input);
        var plot = ChartStyle.NewPlot();
        var ticks = input.TickTimes;
        double maxTime = ticks[^1];
        var legendLabels = new List<string>();
        var drawn = new List<(KaplanMeierChartCurve Curve, int Series)>();
        for (int c = 0; c < input.Curves.Count; c++)
        {
            var curve = input.Curves[c];
            if (curve.PatientCount < input.SmallCellThreshold)
            {
                legendLabels.Add(string.Create(CultureInfo.InvariantCulture, $"{curve.Label} (not shown: n < {input.SmallCellThreshold})"));
                continue;
            }
            AddCurve(plot, curve, c, input.Curves.Count > 3 ? 0.10 : 0.18, input.StartValue, out double lastTime);
            maxTime = Math.Max(maxTime, lastTime);
            drawn.Add((curve, c));
        }

        var hidden = input.Curves.Where(c => c.PatientCount < input.SmallCellThreshold).ToList();
        int legendItems = input.Curves.Count;
        // A vertical legend: ScottPlot wraps a horizontal one when it is wider than the plot, which the fixed
        // layout could not anticipate; one row per item has a predictable height.
        int legendRows = legendItems;
        double bottomPadding = AxisBlock + 16 + legendRows * LegendRow;
        // The risk table's row labels sit left of the first tick column, so the left margin grows with them.
        int longestLabel = drawn.Count == 0 ? 4 : drawn.Max(d => d.Curve.Label.Length);
        double rowLabelWidth = Math.Clamp(longestLabel * CharWidth, 30, MaxRowLabelWidth);
        // The first column's counts are centred on the first tick: a wide one ("suppressed") needs more room.
        int widestFirst = drawn.Count == 0 ? 0 : drawn.Max(d => (d.Curve.AtRiskText?[0] ?? RiskCount(d.Curve.AtRisk[0], input.SmallCellThreshold)).Length);
        double leftPadding = Math.Max(76, SwatchEnd + 6 + rowLabelWidth + Math.Max(22, widestFirst * CharWidth / 2 + 8));
        plot.Layout.Fixed(new PixelPadding((float)leftPadding, (float)RightPadding, (float)bottomPadding, (float)TopPadding));
        double yMax = Math.Clamp(input.YMax, 0.1, 1);
        plot.Axes.SetLimits(ticks[0], maxTime * 1.0 + (maxTime - ticks[0]) * 0.02, 0, yMax * 1.02);
        double step = ticks.Count > 1 ? ticks[1] - ticks[0] : Math.Max(ticks[0], 1);
        plot.Axes.Bottom.SetTicks(ticks.ToArray(), ticks.Select(t => ChartStyle.TickLabel(t, step)).ToArray());
        double yStep = yMax <= 0.5 ? 0.1 : 0.2;
        var yTicks = Enumerable.Range(0, (int)Math.Round(yMax / yStep) + 1).Select(i => Math.Round(i * yStep, 10)).ToArray();
        plot.Axes.Left.SetTicks(yTicks, yTicks.Select(y => y.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.XLabel($"Time ({input.TimeUnit})", 14);
        plot.YLabel(input.YLabel, 14);
        foreach (var curve in hidden)
        {
            // A legend-only entry: an invisible point outside the limits, so the legend states what is withheld.
            var placeholder = plot.Add.Scatter(new double[] { -1 }, new double[] { -1 }, Colors.Gray);
            placeholder.MarkerSize = 0;
            placeholder.LineWidth = 0;
            placeholder.LegendText = string.Create(CultureInfo.InvariantCulture, $"{curve.Label} (not shown: n < {input.SmallCellThreshold})");
        }
        plot.ShowLegend(Edge.Bottom);
        plot.Legend.Orientation = Orientation.Vertical;
        plot.Legend.FontSize = 12;
        plot.Legend.SymbolWidth = 34; // long enough to show each series' dash pattern

        int plotHeight = input.PlotHeight + (int)((legendRows - 1) * LegendRow);
        var figure = SvgFigure.Render(plot, input.Width, plotHeight);
        var tickPixels = ticks.Select(t => (double)plot.GetPixel(new Coordinates(t, 0)).X).ToArray();
        double tableTop = figure.ExtendDown(RiskTitleHeight + drawn.Count * RiskRowHeight + 8);
        figure.AddText(8, tableTop + 18, "Number at risk", anchor: "start", size: 13, bold: true);
        for (int r = 0; r < drawn.Count; r++)
        {
            var (curve, series) = drawn[r];
            double y = tableTop + RiskTitleHeight + r * RiskRowHeight + 12;
            var colour = ChartStyle.OkabeItoHex[series % ChartStyle.OkabeItoHex.Count];
            figure.AddLine(8, y - 4, SwatchEnd, y - 4, colour, 2.5, DashArray(series));
            figure.AddText(SwatchEnd + 6, y, Shorten(curve.Label, (int)(MaxRowLabelWidth / CharWidth)), anchor: "start", size: 12);
            for (int j = 0; j < ticks.Count; j++)
                figure.AddText(tickPixels[j], y, curve.AtRiskText?[j] ?? RiskCount(curve.AtRisk[j], input.SmallCellThreshold), size: 12);
        }
        return (figure.ToInlineSvg(input.AltText), tickPixels, tableTop);
    }

    /// <summary>A risk count as printed: "&lt;5" for 0 &lt; n &lt; threshold, otherwise the number.</summary>
    public static string RiskCount(int count, int threshold) =>
        count > 0 && count < threshold ? string.Create(CultureInfo.InvariantCulture, $"<{threshold}") : count.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <param name="bandAlpha">Band opacity: lighter when many curves overlap, so the lines stay readable.</param>
    private static void AddCurve(Plot plot, KaplanMeierChartCurve curve, int series, double bandAlpha, double start, out double lastTime)
    {
        var colour = ChartStyle.SeriesColour(series);
        bool startsAtZero = curve.Times.Count > 0 && curve.Times[0] == 0;
        int offset = startsAtZero ? 0 : 1;
        lastTime = curve.Times.Count > 0 ? curve.Times[^1] : 0;
        if (curve.CensorTimes.Count > 0) lastTime = Math.Max(lastTime, curve.CensorTimes[^1]);
        int n = curve.Times.Count + offset + 1;
        var xs = new double[n];
        var ys = new double[n];
        var lows = new double[n];
        var highs = new double[n];
        if (!startsAtZero) { xs[0] = 0; ys[0] = start; lows[0] = start; highs[0] = start; }
        for (int i = 0; i < curve.Times.Count; i++)
        {
            xs[i + offset] = curve.Times[i];
            ys[i + offset] = curve.Survival[i];
            lows[i + offset] = curve.Lower[i];
            highs[i + offset] = curve.Upper[i];
        }
        // The last step runs on to the last follow-up time (a censoring after the last event), as R's plot.survfit does.
        xs[n - 1] = lastTime;
        ys[n - 1] = ys[n - 2];
        lows[n - 1] = lows[n - 2];
        highs[n - 1] = highs[n - 2];

        AddStepBand(plot, xs, lows, highs, colour.WithAlpha(bandAlpha));
        var line = plot.Add.ScatterLine(xs, ys, colour);
        line.ConnectStyle = ConnectStyle.StepHorizontal;
        line.LineWidth = 2.5f;
        line.LinePattern = ChartStyle.SeriesPattern(series);
        line.MarkerSize = 0;
        line.LegendText = curve.PatientCountText is null ? string.Create(CultureInfo.InvariantCulture, $"{curve.Label} (n = {curve.PatientCount})") : $"{curve.Label} (n {curve.PatientCountText})";
        if (curve.CensorTimes.Count > 0)
        {
            var marks = plot.Add.Markers(curve.CensorTimes.ToArray(), curve.CensorSurvival.ToArray(), MarkerShape.Cross, 9, colour);
            marks.MarkerLineWidth = 1.5f;
        }
    }

    /// <summary>
    /// The confidence band as post-step polygons: each interval [x_i, x_{i+1}) holds (low_i, high_i). Runs where a
    /// limit is NaN (undefined, e.g. after the survival reaches 0) are left as gaps.
    /// </summary>
    private static void AddStepBand(Plot plot, double[] xs, double[] lows, double[] highs, ScottPlot.Color fill)
    {
        var run = new List<(double, double, double)>();
        for (int i = 0; i < xs.Length - 1; i++)
        {
            if (double.IsNaN(lows[i]) || double.IsNaN(highs[i]))
            {
                Flush();
                continue;
            }
            run.Add((xs[i], lows[i], highs[i]));
            run.Add((xs[i + 1], lows[i], highs[i]));
        }
        Flush();

        void Flush()
        {
            if (run.Count >= 2)
            {
                var band = plot.Add.FillY(run.ToList());
                band.FillColor = fill;
                band.LineWidth = 0;
                band.MarkerSize = 0;
            }
            run.Clear();
        }
    }

    internal static string? DashArray(int series) => (series % 7) switch
    {
        0 => null,
        1 => "6 3",
        2 => "2 3",
        3 => "8 3 2 3",
        4 => "4 2",
        5 => "10 4",
        _ => "8 3 2 3 2 3",
    };

    private static string Shorten(string label, int maxChars) =>
        label.Length <= maxChars ? label : label[..(maxChars - 1)] + "…";

    private static void Validate(KaplanMeierChartInput input)
    {
        if (input.TickTimes.Count == 0)
            throw new StratifyInputException("A Kaplan–Meier chart needs at least one tick time.");
        for (int j = 1; j < input.TickTimes.Count; j++)
            if (!(input.TickTimes[j] > input.TickTimes[j - 1]))
                throw new StratifyInputException("Tick times must increase.", value: input.TickTimes[j].ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var curve in input.Curves)
        {
            int n = curve.Times.Count;
            if (curve.Survival.Count != n || curve.Lower.Count != n || curve.Upper.Count != n)
                throw new StratifyInputException($"Curve '{curve.Label}': times, survival, lower and upper must have the same length.");
            if (curve.CensorTimes.Count != curve.CensorSurvival.Count)
                throw new StratifyInputException($"Curve '{curve.Label}': censor times and censor survival must have the same length.");
            if (curve.AtRisk.Count != input.TickTimes.Count)
                throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"Curve '{curve.Label}': {curve.AtRisk.Count} risk counts for {input.TickTimes.Count} tick times."));
            if (curve.AtRiskText is not null && curve.AtRiskText.Count != input.TickTimes.Count)
                throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"Curve '{curve.Label}': {curve.AtRiskText.Count} printed risk counts for {input.TickTimes.Count} tick times."));
        }
    }
}
