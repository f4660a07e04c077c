using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Stratify.Reporting.Html;

/// <summary>How a highlighted paragraph reads: a neutral note or a warning the reader must not miss.</summary>
internal enum CalloutKind { Note, Warning }

/// <summary>
/// Assembles the standalone report: one HTML file with inline CSS and inline SVG, no script, and a
/// Content-Security-Policy that forbids every fetch, so it opens, prints and archives the same everywhere.
/// Every text argument is plain text and is escaped here; the only markup accepted is an SVG from the chart
/// classes, which must carry role="img" and an aria-label.
/// </summary>
/// <example><code>
/// var report = new HtmlDocumentBuilder("Stratify report: lung.csv", language: "en");
/// report.Heading(2, "Survival by subgroup");
/// report.Paragraph("Three subgroups were found.");
/// report.Figure(KaplanMeierChart.Render(input), "Kaplan–Meier survival by subgroup.");
/// File.WriteAllText("report.html", report.Build());
/// </code></example>
internal sealed class HtmlDocumentBuilder
{
    /// <summary>Forbids every network or file fetch; inline styles (ours) and data: images are the only resources.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'none'; base-uri 'none'; form-action 'none'";

    private readonly StringBuilder _body = new();
    private readonly string _title;
    private readonly string _language;
    private int _figureCount;
    private int _tableCount;
    private string? _footer;

    /// <param name="title">The document title: the &lt;title&gt; and the page's single &lt;h1&gt;.</param>
    /// <param name="language">The BCP 47 language of the text, for screen readers and hyphenation.</param>
    public HtmlDocumentBuilder(string title, string language = "en")
    {
        _title = title;
        _language = language;
    }

    /// <summary>A section heading, level 2 to 4 (level 1 is the title, given once).</summary>
    public HtmlDocumentBuilder Heading(int level, string text, string? id = null)
    {
        if (level is < 2 or > 4)
            throw new ArgumentOutOfRangeException(nameof(level), level, "Headings are h2–h4; the title is the only h1.");
        _body.Append("<h").Append(level.ToString(CultureInfo.InvariantCulture));
        if (id is not null) _body.Append(" id=\"").Append(HtmlText.Escape(id)).Append('"');
        _body.Append('>').Append(HtmlText.Escape(text)).Append("</h").Append(level.ToString(CultureInfo.InvariantCulture)).Append(">\n");
        return this;
    }

    public HtmlDocumentBuilder Paragraph(string text)
    {
        _body.Append("<p>").Append(HtmlText.Escape(text)).Append("</p>\n");
        return this;
    }

    /// <summary>A highlighted paragraph (class note or warning), e.g. a small-cell suppression notice.</summary>
    public HtmlDocumentBuilder Callout(string text, CalloutKind kind = CalloutKind.Note)
    {
        var cssClass = kind == CalloutKind.Warning ? "warning" : "note";
        var role = kind == CalloutKind.Warning ? " role=\"note\"" : "";
        _body.Append("<p class=\"").Append(cssClass).Append('"').Append(role).Append('>')
            .Append(HtmlText.Escape(text)).Append("</p>\n");
        return this;
    }

    /// <summary>Term–value pairs (data set, date, options) as a definition list.</summary>
    public HtmlDocumentBuilder Facts(IEnumerable<KeyValuePair<string, string>> facts)
    {
        _body.Append("<dl class=\"facts\">\n");
        foreach (var (term, value) in facts)
            _body.Append("<dt>").Append(HtmlText.Escape(term)).Append("</dt><dd>").Append(HtmlText.Escape(value)).Append("</dd>\n");
        _body.Append("</dl>\n");
        return this;
    }

    /// <summary>A table with &lt;th scope="col"&gt; headers and a &lt;th scope="row"&gt; opening each row.</summary>
    public HtmlDocumentBuilder Table(HtmlTable table)
    {
        int columns = table.ColumnHeaders.Count;
        if (columns == 0) throw new ArgumentException("A table needs at least the row-header column.", nameof(table));
        var numeric = new HashSet<int>(table.NumericColumns ?? []);
        _tableCount++;
        _body.Append("<table>\n<caption>Table ").Append(_tableCount.ToString(CultureInfo.InvariantCulture)).Append(". ")
            .Append(HtmlText.Escape(table.Caption)).Append("</caption>\n<thead><tr>");
        foreach (var header in table.ColumnHeaders)
            _body.Append("<th scope=\"col\">").Append(HtmlText.Escape(header)).Append("</th>");
        _body.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in table.Rows)
        {
            if (row.Cells.Count != columns - 1)
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Row '{row.Header}' has {row.Cells.Count} cells; the table has {columns - 1} data columns."), nameof(table));
            _body.Append("<tr><th scope=\"row\">").Append(HtmlText.Escape(row.Header)).Append("</th>");
            for (int c = 0; c < row.Cells.Count; c++)
            {
                _body.Append(numeric.Contains(c + 1) ? "<td class=\"num\">" : "<td>")
                    .Append(HtmlText.Escape(row.Cells[c])).Append("</td>");
            }
            _body.Append("</tr>\n");
        }
        _body.Append("</tbody>\n</table>\n");
        return this;
    }

    /// <summary>
    /// A numbered figure: an inline SVG from a chart class, with its caption. The SVG must be one well-formed
    /// &lt;svg&gt; element with role="img" and a non-empty aria-label (the charts produce exactly that).
    /// </summary>
    public HtmlDocumentBuilder Figure(string svg, string caption)
    {
        RequireAccessibleSvg(svg);
        _figureCount++;
        _body.Append("<figure>\n").Append(svg).Append("\n<figcaption>Figure ")
            .Append(_figureCount.ToString(CultureInfo.InvariantCulture)).Append(". ")
            .Append(HtmlText.Escape(caption)).Append("</figcaption>\n</figure>\n");
        return this;
    }

    /// <summary>Small print closing the document (software version, generation time, data file).</summary>
    public HtmlDocumentBuilder Footer(string text)
    {
        _footer = text;
        return this;
    }

    /// <summary>The complete document.</summary>
    public string Build()
    {
        var html = new StringBuilder(_body.Length + ReportStyles.Css.Length + 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"").Append(HtmlText.Escape(_language)).Append("\">\n<head>\n")
            .Append("<meta charset=\"utf-8\">\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"").Append(ContentSecurityPolicy).Append("\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"generator\" content=\"Stratify\">\n")
            .Append("<title>").Append(HtmlText.Escape(_title)).Append("</title>\n")
            .Append("<style>\n").Append(ReportStyles.Css).Append("\n</style>\n</head>\n<body>\n<main>\n")
            .Append("<h1>").Append(HtmlText.Escape(_title)).Append("</h1>\n")
            .Append(_body)
            .Append("</main>\n");
        if (_footer is not null) html.Append("<footer>").Append(HtmlText.Escape(_footer)).Append("</footer>\n");
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static void RequireAccessibleSvg(string svg)
    {
        XElement root;
        try
        {
            root = XElement.Parse(svg);
        }
        catch (XmlException e)
        {
            throw new ArgumentException("A figure needs one well-formed <svg> element: " + e.Message, nameof(svg), e);
        }
        if (root.Name.LocalName != "svg")
            throw new ArgumentException($"A figure needs an <svg> element, not <{root.Name.LocalName}>.", nameof(svg));
        if ((string?)root.Attribute("role") != "img" || string.IsNullOrWhiteSpace((string?)root.Attribute("aria-label")))
            throw new ArgumentException("A figure's <svg> needs role=\"img\" and an aria-label describing it.", nameof(svg));
        if (root.Descendants().Any(e => e.Name.LocalName is "script" or "foreignObject"))
            throw new ArgumentException("A figure's <svg> may not contain script or foreignObject.", nameof(svg));
    }
}
