using System.Globalization;
using ScottPlot;
using Stratify.Data;

namespace Stratify.Reporting.Charts;

/// <summary>
/// Standardised feature means: <see cref="Values"/>[row, column] is the mean of feature <see cref="Columns"/>[column]
/// in subgroup <see cref="Rows"/>[row], in standard deviations of the whole cohort (NaN when undefined).
/// </summary>
internal sealed record FeatureHeatmapInput(
    IReadOnlyList<string> Rows,
    IReadOnlyList<string> Columns,
    double[,] Values,
    string AltText,
    int Width = 760);

/// <summary>
/// A heatmap of standardised means: one cell per subgroup × feature, coloured on a diverging Okabe–Ito
/// blue–white–orange scale whose ends are ±2 SD (values beyond are drawn at the end colour), with the value printed
/// in every cell so the chart reads in greyscale, and a colour key.
/// </summary>
/// <remarks>
/// Cells are ScottPlot rectangles rather than ScottPlot's Heatmap plottable, which embeds a bitmap that a browser
/// smooths when it scales it; rectangles stay sharp on screen and paper.
/// </remarks>
/// <example><code>
/// var input = new FeatureHeatmapInput(["Subgroup 1", "Subgroup 2"], ["age", "wt.loss"],
///     new double[,] { { 0.4, -1.2 }, { -0.3, 0.9 } }, "Feature means by subgroup");
/// string svg = FeatureHeatmap.Render(input);
/// </code></example>
internal static class FeatureHeatmap
{
    /// <summary>The colour scale saturates at ±<see cref="Cap"/> standard deviations.</summary>
    public const double Cap = 2;

    private const double CellHeight = 40, TopPadding = 12, KeyHeight = 44;

    public static string Render(FeatureHeatmapInput input)
    {
        lock (SvgFigure.RenderLock) return Draw(input); // see SvgFigure.RenderLock
    }

    private static string Draw(FeatureHeatmapInput input)
    {
        Validate(input);
        int rows = input.Rows.Count, columns = input.Columns.Count;
        int longestRow = input.Rows.Max(r => r.Length);
        int longestColumn = input.Columns.Max(c => c.Length);
        double left = Math.Clamp(longestRow * 7.4 + 20, 80, 240);
        bool rotate = longestColumn * 7.4 > (input.Width - left - 20) / columns - 6;
        double bottom = rotate ? Math.Clamp(longestColumn * 6.2 + 26, 50, 200) : 44;
        double height = TopPadding + rows * CellHeight + bottom;

        var plot = ChartStyle.NewPlot();
        plot.Layout.Fixed(new PixelPadding((float)left, 20f, (float)bottom, (float)TopPadding));
        plot.Axes.SetLimits(0, columns, 0, rows);
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, columns).Select(c => c + 0.5).ToArray(), input.Columns.ToArray());
        plot.Axes.Left.SetTicks(Enumerable.Range(0, rows).Select(r => rows - r - 0.5).ToArray(), input.Rows.ToArray());
        plot.Axes.Bottom.TickLabelStyle.FontSize = 12;
        plot.Axes.Left.TickLabelStyle.FontSize = 12;
        if (rotate)
        {
            plot.Axes.Bottom.TickLabelStyle.Rotation = -45;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        }
        plot.HideGrid();
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                var cell = plot.Add.Rectangle(c, c + 1, rows - r - 1, rows - r);
                cell.FillColor = Color.FromHex(Colour(input.Values[r, c]));
                cell.LineColor = Colors.White;
                cell.LineWidth = 1;
            }
        }

        var figure = SvgFigure.Render(plot, input.Width, (int)height);
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                double value = input.Values[r, c];
                var centre = plot.GetPixel(new Coordinates(c + 0.5, rows - r - 0.5));
                figure.AddText(centre.X, centre.Y + 4.5, CellText(value), size: 12.5, fill: value < -1.2 ? "#FFFFFF" : "#000000");
            }
        }
        AddKey(figure, left);
        return figure.ToInlineSvg(input.AltText);
    }

    /// <summary>The printed cell value: two decimals with a true minus sign, or "NA".</summary>
    public static string CellText(double value) =>
        double.IsNaN(value) ? "NA" : DisplayNumber.Fixed(value, 2).Replace('-', '−');

    /// <summary>
    /// The cell colour: linear interpolation in sRGB from blue (−2) through white (0) to orange (+2); values beyond
    /// ±2 take the end colour; NaN is light grey.
    /// </summary>
    public static string Colour(double value)
    {
        if (double.IsNaN(value)) return "#D9D9D9";
        double t = Math.Clamp(value / Cap, -1, 1);
        var (end, fraction) = t < 0 ? (ChartStyle.DivergingLowHex, -t) : (ChartStyle.DivergingHighHex, t);
        var from = Color.FromHex(ChartStyle.DivergingMidHex);
        var to = Color.FromHex(end);
        byte Mix(byte a, byte b) => (byte)Math.Round(a + (b - a) * fraction, MidpointRounding.AwayFromZero);
        return string.Create(CultureInfo.InvariantCulture, $"#{Mix(from.R, to.R):X2}{Mix(from.G, to.G):X2}{Mix(from.B, to.B):X2}");
    }

    /// <summary>A five-swatch key (−2 … +2 SD) under the chart.</summary>
    private static void AddKey(SvgFigure figure, double left)
    {
        double top = figure.ExtendDown(KeyHeight);
        figure.AddText(left, top + 27, "Standardised mean (SD):", anchor: "start", size: 12);
        double x = left + 170;
        for (int i = -2; i <= 2; i++)
        {
            figure.AddRectangle(x, top + 12, 44, 22, Colour(i), "#666666");
            figure.AddText(x + 22, top + 27, (i > 0 ? "+" : "") + i.ToString(CultureInfo.InvariantCulture).Replace('-', '−'),
                size: 12, fill: i < -1.2 ? "#FFFFFF" : "#000000");
            x += 46;
        }
        figure.AddText(x + 8, top + 27, "(colours capped at ±2)", anchor: "start", size: 11, fill: "#333333");
    }

    private static void Validate(FeatureHeatmapInput input)
    {
        if (input.Rows.Count == 0 || input.Columns.Count == 0)
            throw new StratifyInputException("A heatmap needs at least one subgroup and one feature.");
        if (input.Values.GetLength(0) != input.Rows.Count || input.Values.GetLength(1) != input.Columns.Count)
            throw new StratifyInputException(
                string.Create(CultureInfo.InvariantCulture, $"Heatmap values are {input.Values.GetLength(0)}×{input.Values.GetLength(1)}, labels {input.Rows.Count}×{input.Columns.Count}."));
    }
}
