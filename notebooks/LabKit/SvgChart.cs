using System.Globalization;
using System.Net;
using System.Text;

namespace LabKit;

/// <summary>
/// A small SVG chart for the labs: step curves (Kaplan–Meier), lines, points and reference lines on linear axes,
/// in the Okabe–Ito colours, with a legend. <see cref="Forest"/> draws a forest plot of estimates with intervals
/// on a log axis. <see cref="Save"/> writes the file to notebooks/output/ and prints where it went.
/// </summary>
public sealed class SvgChart(string title, string xLabel, string yLabel)
{
    private static readonly string[] Colours = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];
    private const int Width = 720, Height = 440, Left = 70, Right = 170, Top = 40, Bottom = 56;

    private sealed record Series(string Name, double[] X, double[] Y, string Kind, int Colour);
    private readonly List<Series> _series = [];
    private readonly List<(double Y, string Label)> _references = [];
    private double? _yMin, _yMax;

    /// <summary>A right-continuous step function from (x[i], y[i]), as a survival curve is drawn.</summary>
    public SvgChart Steps(string name, IReadOnlyList<double> x, IReadOnlyList<double> y) => Add(name, x, y, "steps");

    public SvgChart Line(string name, IReadOnlyList<double> x, IReadOnlyList<double> y) => Add(name, x, y, "line");

    public SvgChart Points(string name, IReadOnlyList<double> x, IReadOnlyList<double> y) => Add(name, x, y, "points");

    /// <summary>A dashed horizontal reference line (e.g. the fitted coefficient, or survival 0.5).</summary>
    public SvgChart Reference(double y, string label)
    {
        _references.Add((y, label));
        return this;
    }

    /// <summary>Fixes the vertical axis (e.g. 0 to 1 for survival).</summary>
    public SvgChart YRange(double min, double max)
    {
        (_yMin, _yMax) = (min, max);
        return this;
    }

    private SvgChart Add(string name, IReadOnlyList<double> x, IReadOnlyList<double> y, string kind)
    {
        if (x.Count != y.Count) throw new ArgumentException($"series '{name}': {x.Count} x values for {y.Count} y values");
        _series.Add(new Series(name, x.ToArray(), y.ToArray(), kind, _series.Count % Colours.Length));
        return this;
    }

    /// <summary>Writes the chart to notebooks/output/<paramref name="file"/> and prints "Chart: path".</summary>
    public string Save(string file)
    {
        var finite = (IEnumerable<double> v) => v.Where(double.IsFinite).DefaultIfEmpty(0);
        double xMin = finite(_series.SelectMany(s => s.X)).Min(), xMax = finite(_series.SelectMany(s => s.X)).Max();
        double yMin = _yMin ?? finite(_series.SelectMany(s => s.Y).Concat(_references.Select(r => r.Y))).Min();
        double yMax = _yMax ?? finite(_series.SelectMany(s => s.Y).Concat(_references.Select(r => r.Y))).Max();
        if (_series.Any(s => s.Kind == "steps")) xMin = Math.Min(0, xMin);
        var xAxis = new Axis(xMin, xMax, Left, Width - Right);
        var yAxis = new Axis(yMin, yMax, Height - Bottom, Top);
        var svg = new Canvas(title);
        svg.Axes(xAxis, yAxis, xLabel, yLabel);
        foreach (var (y, label) in _references)
        {
            svg.Raw($"<line x1=\"{P(xAxis.Start)}\" x2=\"{P(xAxis.End)}\" y1=\"{P(yAxis.Map(y))}\" y2=\"{P(yAxis.Map(y))}\" stroke=\"#777\" stroke-dasharray=\"6 4\"/>");
            svg.Text(xAxis.End - 4, yAxis.Map(y) - 5, label, "end", 11, "#555");
        }
        foreach (var s in _series) Draw(svg, s, xAxis, yAxis);
        for (int i = 0; i < _series.Count; i++)
        {
            double y = Top + 12 + 20 * i;
            svg.Raw(_series[i].Kind == "points"
                ? $"<circle cx=\"{Width - Right + 26}\" cy=\"{P(y)}\" r=\"3.5\" fill=\"{Colours[_series[i].Colour]}\"/>"
                : $"<line x1=\"{Width - Right + 14}\" x2=\"{Width - Right + 38}\" y1=\"{P(y)}\" y2=\"{P(y)}\" stroke=\"{Colours[_series[i].Colour]}\" stroke-width=\"2.5\"/>");
            svg.Text(Width - Right + 44, y + 4, _series[i].Name, "start", 12);
        }
        return svg.Save(file);
    }

    private static void Draw(Canvas svg, Series s, Axis x, Axis y)
    {
        string colour = Colours[s.Colour];
        if (s.Kind == "points")
        {
            for (int i = 0; i < s.X.Length; i++)
                if (double.IsFinite(s.Y[i])) svg.Raw($"<circle cx=\"{P(x.Map(s.X[i]))}\" cy=\"{P(y.Map(s.Y[i]))}\" r=\"2.6\" fill=\"{colour}\" fill-opacity=\"0.55\"/>");
            return;
        }
        var path = new StringBuilder();
        for (int i = 0; i < s.X.Length; i++)
        {
            if (!double.IsFinite(s.Y[i])) continue;
            if (path.Length == 0)
            {
                // A survival curve starts at (0, 1) and steps down at each time.
                path.Append(s.Kind == "steps" ? $"M{P(x.Map(0))},{P(y.Map(1))} H{P(x.Map(s.X[i]))} V{P(y.Map(s.Y[i]))}" : $"M{P(x.Map(s.X[i]))},{P(y.Map(s.Y[i]))}");
                continue;
            }
            path.Append(s.Kind == "steps" ? $" H{P(x.Map(s.X[i]))} V{P(y.Map(s.Y[i]))}" : $" L{P(x.Map(s.X[i]))},{P(y.Map(s.Y[i]))}");
        }
        svg.Raw($"<path d=\"{path}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>");
        if (s.Kind == "line")
            for (int i = 0; i < s.X.Length; i++)
                if (double.IsFinite(s.Y[i])) svg.Raw($"<circle cx=\"{P(x.Map(s.X[i]))}\" cy=\"{P(y.Map(s.Y[i]))}\" r=\"3.5\" fill=\"{colour}\"/>");
    }

    /// <summary>
    /// A forest plot: one row per label with its estimate and interval, on a log axis with a line at 1 (no effect).
    /// Writes notebooks/output/<paramref name="file"/> and prints "Chart: path".
    /// </summary>
    public static string Forest(string title, string xLabel, IReadOnlyList<string> labels, IReadOnlyList<double> estimate,
        IReadOnlyList<double> lower, IReadOnlyList<double> upper, string file)
    {
        const int rowHeight = 34, labelWidth = 230;
        int height = Top + Bottom + rowHeight * labels.Count;
        double min = Math.Min(0.9, lower.Where(double.IsFinite).Min()), max = Math.Max(1.1, upper.Where(double.IsFinite).Max());
        var x = new Axis(Math.Log(min), Math.Log(max), labelWidth, Width - 40);
        var svg = new Canvas(title, height);
        double baseline = height - Bottom;
        svg.Raw($"<line x1=\"{P(x.Start)}\" x2=\"{P(x.End)}\" y1=\"{P(baseline)}\" y2=\"{P(baseline)}\" stroke=\"#333\"/>");
        foreach (double tick in new[] { 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0 }.Where(t => t >= min && t <= max))
        {
            svg.Raw($"<line x1=\"{P(x.Map(Math.Log(tick)))}\" x2=\"{P(x.Map(Math.Log(tick)))}\" y1=\"{P(baseline)}\" y2=\"{P(baseline + 5)}\" stroke=\"#333\"/>");
            svg.Text(x.Map(Math.Log(tick)), baseline + 18, tick.ToString(CultureInfo.InvariantCulture), "middle", 11);
        }
        svg.Raw($"<line x1=\"{P(x.Map(0))}\" x2=\"{P(x.Map(0))}\" y1=\"{Top}\" y2=\"{P(baseline)}\" stroke=\"#777\" stroke-dasharray=\"6 4\"/>");
        svg.Text((x.Start + x.End) / 2, height - 14, xLabel, "middle", 12);
        for (int i = 0; i < labels.Count; i++)
        {
            double y = Top + rowHeight * (i + 0.5);
            svg.Text(12, y + 4, labels[i], "start", 12);
            if (!double.IsFinite(estimate[i])) continue;
            double lo = x.Map(Math.Log(Math.Max(lower[i], min))), hi = x.Map(Math.Log(Math.Min(upper[i], max)));
            svg.Raw($"<line x1=\"{P(lo)}\" x2=\"{P(hi)}\" y1=\"{P(y)}\" y2=\"{P(y)}\" stroke=\"{Colours[0]}\" stroke-width=\"2\"/>");
            svg.Raw($"<rect x=\"{P(x.Map(Math.Log(estimate[i])) - 5)}\" y=\"{P(y - 5)}\" width=\"10\" height=\"10\" fill=\"{Colours[0]}\"/>");
        }
        return svg.Save(file);
    }

    private static string P(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>A linear map from data to pixels, with round tick values.</summary>
    private sealed class Axis
    {
        public Axis(double min, double max, double start, double end)
        {
            if (max <= min) { min -= 0.5; max += 0.5; }
            double pad = 0.04 * (max - min);
            (Min, Max, Start, End) = (min - (start < end ? 0 : pad), max + (start < end ? 0 : pad), start, end);
        }

        public double Min { get; }
        public double Max { get; }
        public double Start { get; }
        public double End { get; }
        public double Map(double v) => Start + (v - Min) / (Max - Min) * (End - Start);

        public IEnumerable<double> Ticks()
        {
            double raw = (Max - Min) / 6, power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
            double step = new[] { 1.0, 2.0, 2.5, 5.0, 10.0 }.Select(m => m * power).First(s => s >= raw);
            for (double t = Math.Ceiling(Min / step) * step; t <= Max + 1e-9 * step; t += step) yield return Math.Round(t / step) * step + 0.0; // no "-0"
        }
    }

    private sealed class Canvas
    {
        private readonly StringBuilder _svg = new();

        public Canvas(string title, int height = Height)
        {
            _svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" font-family=\"Helvetica, Arial, sans-serif\">\n");
            _svg.Append($"<title>{WebUtility.HtmlEncode(title)}</title>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
            Text(Width / 2.0, 24, title, "middle", 15, "#000", bold: true);
        }

        public void Raw(string element) => _svg.Append(element).Append('\n');

        public void Text(double x, double y, string text, string anchor, int size, string colour = "#222", bool bold = false) =>
            Raw($"<text x=\"{P(x)}\" y=\"{P(y)}\" text-anchor=\"{anchor}\" font-size=\"{size}\" fill=\"{colour}\"{(bold ? " font-weight=\"bold\"" : "")}>{WebUtility.HtmlEncode(text)}</text>");

        public void Axes(Axis x, Axis y, string xLabel, string yLabel)
        {
            Raw($"<line x1=\"{P(x.Start)}\" x2=\"{P(x.End)}\" y1=\"{P(y.Start)}\" y2=\"{P(y.Start)}\" stroke=\"#333\"/>");
            Raw($"<line x1=\"{P(x.Start)}\" x2=\"{P(x.Start)}\" y1=\"{P(y.Start)}\" y2=\"{P(y.End)}\" stroke=\"#333\"/>");
            foreach (double t in x.Ticks())
            {
                Raw($"<line x1=\"{P(x.Map(t))}\" x2=\"{P(x.Map(t))}\" y1=\"{P(y.Start)}\" y2=\"{P(y.Start + 5)}\" stroke=\"#333\"/>");
                Text(x.Map(t), y.Start + 18, t.ToString("G6", CultureInfo.InvariantCulture), "middle", 11);
            }
            foreach (double t in y.Ticks())
            {
                Raw($"<line x1=\"{P(x.Start - 5)}\" x2=\"{P(x.End)}\" y1=\"{P(y.Map(t))}\" y2=\"{P(y.Map(t))}\" stroke=\"#e5e5e5\"/>");
                Text(x.Start - 8, y.Map(t) + 4, t.ToString("G6", CultureInfo.InvariantCulture), "end", 11);
            }
            Text((x.Start + x.End) / 2, Height - 14, xLabel, "middle", 12);
            Raw($"<text transform=\"translate(18 {P((y.Start + y.End) / 2)}) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\" fill=\"#222\">{WebUtility.HtmlEncode(yLabel)}</text>");
        }

        public string Save(string file)
        {
            _svg.Append("</svg>\n");
            var path = Lab.Output(file);
            File.WriteAllText(path, _svg.ToString());
            Console.WriteLine($"Chart: {Lab.Relative(path)}");
            Console.WriteLine();
            return path;
        }
    }
}
