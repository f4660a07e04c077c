using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Stratify.Tests.Reporting;

/// <summary>Reads a chart's SVG the way a test needs it: parsed with System.Xml, texts with their positions.</summary>
public sealed partial class SvgInspection
{
    public XElement Root { get; }

    public SvgInspection(string svg) => Root = XElement.Parse(svg);

    /// <summary>A text element: its trimmed content and its anchor x, y (from x/y or from a translate transform).</summary>
    public sealed record SvgText(string Content, double X, double Y, bool FromScottPlot);

    public IReadOnlyList<SvgText> Texts() => Root.Descendants().Where(e => e.Name.LocalName == "text").Select(Read).ToList();

    public IEnumerable<string> TextContents() => Texts().Select(t => t.Content);

    public IEnumerable<XElement> Elements(string localName) => Root.Descendants().Where(e => e.Name.LocalName == localName);

    private static SvgText Read(XElement text)
    {
        var content = text.Value.Trim();
        var transform = (string?)text.Attribute("transform");
        if (transform is not null)
        {
            // ScottPlot places text by translate(x y), or by matrix(a b c d x y) when rotated.
            var match = TranslatePattern().Match(transform);
            if (match.Success) return new SvgText(content, Parse(match.Groups[1].Value), Parse(match.Groups[2].Value), true);
            var parts = transform[(transform.IndexOf('(') + 1)..transform.IndexOf(')')].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return new SvgText(content, Parse(parts[4]), Parse(parts[5]), true);
        }
        return new SvgText(content, Parse((string)text.Attribute("x")!), Parse((string)text.Attribute("y")!), false);
    }

    private static double Parse(string value) => double.Parse(value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"translate\(([-0-9.eE]+)[ ,]+([-0-9.eE]+)\)")]
    private static partial Regex TranslatePattern();
}
