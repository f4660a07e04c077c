using ScottPlot;

namespace Stratify.Reporting.Charts;

/// <summary>
/// The look shared by every report chart: the Okabe–Ito palette (Okabe &amp; Ito 2008, "Color Universal Design"),
/// which stays distinguishable under the common colour-vision deficiencies, plus a line pattern and a marker shape
/// per series so that a greyscale print still tells the series apart.
/// </summary>
/// <example><code>
/// var colour = ChartStyle.SeriesColour(1);   // vermillion, the second series
/// var pattern = ChartStyle.SeriesPattern(1); // dashed
/// </code></example>
internal static class ChartStyle
{
    /// <summary>Okabe–Ito colours in series order; yellow (#F0E442) is left out: it vanishes on white paper.</summary>
    public static readonly IReadOnlyList<string> OkabeItoHex =
        ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];

    /// <summary>Diverging blue–white–orange ends for standardised values (Okabe–Ito blue and orange).</summary>
    public const string DivergingLowHex = "#0072B2";
    public const string DivergingMidHex = "#FFFFFF";
    public const string DivergingHighHex = "#E69F00";

    /// <summary>The font ScottPlot measures with (installed with Debian's fonts-dejavu) and its browser fallbacks.</summary>
    public const string FontName = "DejaVu Sans";
    public const string FontFamilyCss = "'DejaVu Sans', Verdana, Arial, Helvetica, sans-serif";

    private static readonly LinePattern[] Patterns =
    [
        LinePattern.Solid,
        LinePattern.Dashed,
        LinePattern.Dotted,
        new LinePattern([12f, 4f, 2f, 4f], 0f, "DashDot"),
        LinePattern.DenselyDashed,
        new LinePattern([16f, 6f], 0f, "LongDash"),
        new LinePattern([12f, 4f, 2f, 4f, 2f, 4f], 0f, "DashDotDot"),
    ];

    private static readonly MarkerShape[] Shapes =
    [
        MarkerShape.FilledCircle, MarkerShape.OpenSquare, MarkerShape.FilledTriangleUp, MarkerShape.OpenDiamond,
        MarkerShape.FilledSquare, MarkerShape.OpenCircle, MarkerShape.FilledDiamond,
    ];

    /// <summary>The colour of series <paramref name="index"/> (cycles after seven).</summary>
    public static Color SeriesColour(int index) => Color.FromHex(OkabeItoHex[index % OkabeItoHex.Count]);

    /// <summary>The line pattern of series <paramref name="index"/>: solid, dashed, dotted, dash-dot, ...</summary>
    public static LinePattern SeriesPattern(int index) => Patterns[index % Patterns.Length];

    /// <summary>The marker shape of series <paramref name="index"/>, for charts whose points carry the series.</summary>
    public static MarkerShape SeriesMarker(int index) => Shapes[index % Shapes.Length];

    /// <summary>A plot with the report's font and white background, ready for data.</summary>
    internal static Plot NewPlot()
    {
        var plot = new Plot();
        plot.Font.Set(FontName);
        plot.FigureBackground.Color = Colors.White;
        plot.DataBackground.Color = Colors.White;
        plot.Grid.MajorLineColor = Color.FromHex("#000000").WithAlpha(0.08);
        return plot;
    }

    /// <summary>Formats a number for a chart label: invariant culture, at most <paramref name="digits"/> decimals (exactly that many when <paramref name="fixedDigits"/>).</summary>
    internal static string Number(double value, int digits = 2, bool fixedDigits = false) =>
        double.IsNaN(value) ? "NA"
        : DisplayNumber.IsHuge(value) ? DisplayNumber.Scientific(value)
        : Math.Round(value, digits).ToString("0." + new string(fixedDigits ? '0' : '#', digits), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// A tick label on an axis whose ticks are <paramref name="step"/> apart: as many decimals as the step needs
    /// (0, 250, 500; 0, 0.25, 0.5), scientific when that would be more than six or the value is huge (0, 2e-301, 4e-301).
    /// </summary>
    internal static string TickLabel(double value, double step)
    {
        if (value == 0) return "0";
        int decimals = step > 0 && double.IsFinite(step) ? Math.Max(0, (int)Math.Ceiling(-Math.Log10(step) - 1e-9)) : 0;
        if (step > 0 && Math.Abs(step * Math.Pow(10, decimals) - Math.Round(step * Math.Pow(10, decimals))) > 1e-6) decimals++; // 2.5, 0.25
        return decimals > 6 || DisplayNumber.IsHuge(value) ? DisplayNumber.Scientific(value)
            : Math.Round(value, decimals).ToString("0." + new string('#', decimals), System.Globalization.CultureInfo.InvariantCulture);
    }
}
