using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using ScottPlot;

namespace Stratify.Reporting.Charts;

/// <summary>
/// A ScottPlot rendering as an editable SVG tree, so a chart can add what ScottPlot does not draw (a number-at-risk
/// table aligned with the ticks, text columns beside a forest plot) and be made fit for inlining in a report.
/// Every text goes through <see cref="XText"/>, so labels from data are escaped by the XML writer; ScottPlot's own
/// SVG writer (SkiaSharp's SKSvgCanvas) escapes its text too (checked by the hostile-label tests). Control characters,
/// which XML cannot hold at all, become visible escapes (<see cref="PrintableText"/>).
/// </summary>
internal sealed class SvgFigure
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private readonly XElement _root;

    private SvgFigure(XElement root, double width, double height)
    {
        _root = root;
        Width = width;
        Height = height;
    }

    public double Width { get; }
    public double Height { get; private set; }

    /// <summary>
    /// One chart at a time in the process, from its first plot to its SVG: every chart's Render holds this lock (it is
    /// re-entrant, so <see cref="Render"/> takes it again). ScottPlot draws through SkiaSharp, whose objects are not
    /// thread-safe, and shares its typefaces among plots: two reports rendered at once (a program that builds them in
    /// parallel; the test suite's parallel tests) crashed the process in libSkiaSharp on a worker thread (a read of
    /// unmapped memory). Locking only the final rendering was not enough (one more crash in a test run): a new plot sets
    /// its font, and adding labels measures text, through the same shared objects. A report renders its charts one
    /// after another anyway, so the lock costs a single run nothing.
    /// </summary>
    internal static readonly Lock RenderLock = new();

    /// <summary>Renders <paramref name="plot"/> at the given size; afterwards <c>plot.GetPixel</c> maps data to this SVG's pixels.</summary>
    public static SvgFigure Render(Plot plot, int width, int height)
    {
        string svg;
        lock (RenderLock) svg = plot.GetSvgXml(width, height);
        // A label from data may hold control characters, which XML cannot: they are written as visible escapes.
        var root = XElement.Parse(PrintableText.Escape(svg), LoadOptions.None);
        return new SvgFigure(root, width, height);
    }

    /// <summary>Adds <paramref name="extra"/> pixels of white canvas below the plot; returns the y where they start.</summary>
    public double ExtendDown(double extra)
    {
        var top = Height;
        Height += extra;
        _root.Add(new XElement(Svg + "rect", Attr("x", 0), Attr("y", top), Attr("width", Width), Attr("height", extra),
            new XAttribute("fill", "white")));
        return top;
    }

    /// <summary>Writes <paramref name="text"/> with its baseline at y; anchor is start, middle or end.</summary>
    public void AddText(double x, double y, string text, string anchor = "middle", double size = 12,
        bool bold = false, string fill = "#000000")
    {
        var element = new XElement(Svg + "text", Attr("x", x), Attr("y", y),
            new XAttribute("text-anchor", anchor), Attr("font-size", size),
            new XAttribute("font-family", ChartStyle.FontFamilyCss), new XAttribute("fill", fill),
            new XText(PrintableText.Escape(text)));
        if (bold) element.Add(new XAttribute("font-weight", "bold"));
        _root.Add(element);
    }

    /// <summary>Draws a straight line; <paramref name="dash"/> is an SVG stroke-dasharray or null for solid.</summary>
    public void AddLine(double x1, double y1, double x2, double y2, string stroke, double width = 1, string? dash = null)
    {
        var element = new XElement(Svg + "line", Attr("x1", x1), Attr("y1", y1), Attr("x2", x2), Attr("y2", y2),
            new XAttribute("stroke", stroke), Attr("stroke-width", width));
        if (dash is not null) element.Add(new XAttribute("stroke-dasharray", dash));
        _root.Add(element);
    }

    /// <summary>A filled rectangle, e.g. a forest-plot square.</summary>
    public void AddRectangle(double x, double y, double width, double height, string fill, string? stroke = null)
    {
        var element = new XElement(Svg + "rect", Attr("x", x), Attr("y", y), Attr("width", width), Attr("height", height),
            new XAttribute("fill", fill));
        if (stroke is not null) element.Add(new XAttribute("stroke", stroke));
        _root.Add(element);
    }

    /// <summary>
    /// The SVG element ready to inline in HTML: no XML declaration, a viewBox so CSS can scale it, role="img",
    /// an aria-label and a &lt;title&gt; carrying <paramref name="altText"/>, and ids made unique to this figure
    /// (ScottPlot numbers its clip paths per process, and two inlined charts must not share an id).
    /// </summary>
    public string ToInlineSvg(string altText)
    {
        altText = PrintableText.Escape(altText);
        var copy = new XElement(_root);
        copy.SetAttributeValue("width", Format(Width));
        copy.SetAttributeValue("height", Format(Height));
        copy.SetAttributeValue("viewBox", $"0 0 {Format(Width)} {Format(Height)}");
        copy.SetAttributeValue("role", "img");
        copy.SetAttributeValue("aria-label", altText);
        copy.SetAttributeValue("font-family", ChartStyle.FontFamilyCss);
        copy.AddFirst(new XElement(Svg + "title", new XText(altText)));
        foreach (var attribute in copy.Descendants().SelectMany(e => e.Attributes()))
            if (attribute.Name.LocalName == "font-family" && attribute.Value == ChartStyle.FontName)
                attribute.Value = ChartStyle.FontFamilyCss;
        // ScottPlot's clip-path ids come from a process-wide counter: renumber them in document order so the same
        // chart gives the same bytes, then prefix a hash of the content so different charts never share an id.
        RenameIds(copy, index => "c" + index.ToString(Invariant));
        var prefix = "f" + ContentHash(copy.ToString(SaveOptions.DisableFormatting)) + "_";
        RenameIds(copy, index => prefix + "c" + index.ToString(Invariant));
        return copy.ToString(SaveOptions.DisableFormatting);
    }

    private static void RenameIds(XElement root, Func<int, string> name)
    {
        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in root.Descendants().Select(e => e.Attribute("id")).OfType<XAttribute>())
        {
            var fresh = name(renamed.Count);
            renamed[id.Value] = fresh;
            id.Value = fresh;
        }
        if (renamed.Count == 0) return;
        foreach (var attribute in root.Descendants().SelectMany(e => e.Attributes()))
        {
            int start = attribute.Value.IndexOf("url(#", StringComparison.Ordinal);
            if (start < 0) continue;
            int end = attribute.Value.IndexOf(')', start);
            var old = attribute.Value[(start + 5)..end];
            if (renamed.TryGetValue(old, out var fresh))
                attribute.Value = attribute.Value[..(start + 5)] + fresh + attribute.Value[end..];
        }
    }

    private static string ContentHash(string text) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 5).ToLowerInvariant();

    private static XAttribute Attr(string name, double value) => new(name, Format(value));

    private static string Format(double value) => Math.Round(value, 2).ToString("0.##", Invariant);
}
