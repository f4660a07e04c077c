using System.Text.RegularExpressions;
using Stratify.Reporting.Charts;
using Stratify.Reporting.Html;

namespace Stratify.Tests.Reporting;

public class HtmlDocumentBuilderTests
{
    private static readonly string Document = ReportSamples.Document();
    private static readonly string HostileDocument = ReportSamples.Document(ReportSamples.Script + ReportSamples.Quotes);

    private static int Count(string html, string pattern) => Regex.Matches(html, pattern).Count;

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;")]
    [InlineData("\"&'<b>", "&quot;&amp;&#39;&lt;b&gt;")]
    [InlineData("", "")]
    public void Escape_replaces_the_five_markup_characters(string text, string expected) =>
        Assert.Equal(expected, HtmlText.Escape(text));

    [Fact]
    public void Document_is_standalone_html5_with_one_h1_and_the_title()
    {
        Assert.StartsWith("<!DOCTYPE html>", Document);
        Assert.Equal(1, Count(Document, "<h1[ >]"));
        Assert.Contains("<title>Stratify report: Low risk</title>", Document);
        Assert.Contains("<html lang=\"en\">", Document);
    }

    [Fact]
    public void Document_fetches_nothing_and_runs_no_script()
    {
        Assert.Contains($"<meta http-equiv=\"Content-Security-Policy\" content=\"{HtmlDocumentBuilder.ContentSecurityPolicy}\">", Document);
        Assert.DoesNotContain("<script", Document);
        Assert.DoesNotContain("<link", Document);
        Assert.DoesNotContain("@import", Document);
        Assert.Equal(0, Count(Document, @"\s(src|href)\s*=")); // no external resource of any kind
    }

    [Fact]
    public void Style_sheet_is_inline_with_A4_pages_and_unsplittable_figures()
    {
        Assert.Contains("<style>", Document);
        Assert.Contains("size: A4", Document);
        Assert.Matches(@"figure \{[^}]*break-inside: avoid", Document);
    }

    [Fact]
    public void Every_table_has_column_headers_and_row_headers_with_scope()
    {
        var tables = Regex.Matches(Document, "<table>.*?</table>", RegexOptions.Singleline);
        Assert.NotEmpty(tables);
        foreach (Match table in tables)
        {
            Assert.Contains("<th scope=\"col\">", table.Value);
            Assert.Equal(Count(table.Value, "<tr><th scope=\"row\">"), Count(table.Value, "<tr>") - 1);
            Assert.Contains("<caption>", table.Value);
        }
    }

    [Fact]
    public void Every_svg_is_an_image_with_a_text_alternative_inside_a_captioned_figure()
    {
        var svgs = Regex.Matches(Document, "<svg [^>]*>");
        Assert.Equal(4, svgs.Count);
        foreach (Match svg in svgs)
        {
            Assert.Contains("role=\"img\"", svg.Value);
            Assert.Matches("aria-label=\"[^\"]+\"", svg.Value);
        }
        Assert.Equal(4, Count(Document, "<figure>"));
        Assert.Equal(4, Count(Document, "<figcaption>Figure [1-4]\\. "));
    }

    [Fact]
    public void Hostile_labels_never_appear_as_markup_anywhere_in_the_document()
    {
        Assert.DoesNotContain("<script", HostileDocument);
        Assert.DoesNotContain("<b>", HostileDocument);
        Assert.DoesNotContain("alert(1)</", HostileDocument);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;&#39;&lt;b&gt;", HostileDocument);
    }

    [Fact]
    public void Figure_refuses_markup_that_is_not_an_accessible_svg()
    {
        var builder = new HtmlDocumentBuilder("t");
        Assert.Throws<ArgumentException>(() => builder.Figure("<div>chart</div>", "c"));
        Assert.Throws<ArgumentException>(() => builder.Figure("<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>", "c"));
        Assert.Throws<ArgumentException>(() => builder.Figure(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"x\"><script>alert(1)</script></svg>", "c"));
        Assert.Throws<ArgumentException>(() => builder.Figure("<svg", "c"));
    }

    [Fact]
    public void Headings_below_the_title_are_h2_to_h4_only()
    {
        var builder = new HtmlDocumentBuilder("t");
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.Heading(1, "second title"));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.Heading(5, "too deep"));
    }

    [Fact]
    public void A_row_with_the_wrong_number_of_cells_is_refused()
    {
        var table = new HtmlTable("c", ["Group", "n"], [new HtmlTableRow("A", ["1", "2"])]);
        Assert.Throws<ArgumentException>(() => new HtmlDocumentBuilder("t").Table(table));
    }

    [Fact]
    public void Numeric_columns_are_right_aligned()
    {
        var html = new HtmlDocumentBuilder("t")
            .Table(new HtmlTable("c", ["Group", "Label", "n"], [new HtmlTableRow("A", ["x", "12"])], [2])).Build();
        Assert.Contains("<td>x</td><td class=\"num\">12</td>", html);
    }

    [Fact]
    public void Figure_accepts_every_chart_the_chart_classes_produce()
    {
        var builder = new HtmlDocumentBuilder("t");
        builder.Figure(KaplanMeierChart.Render(ReportSamples.KaplanMeier()), "km");
        builder.Figure(ForestPlot.Render(ReportSamples.Forest()), "forest");
        builder.Figure(FeatureHeatmap.Render(ReportSamples.Heatmap()), "heatmap");
        builder.Figure(CriteriaChart.Render(ReportSamples.Criteria()), "criteria");
        Assert.Equal(4, Count(builder.Build(), "<figure>"));
    }

    [Fact]
    public void Every_clip_path_reference_resolves_to_an_id_defined_once_in_the_document()
    {
        var ids = Regex.Matches(Document, "\\sid=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        var references = Regex.Matches(Document, "url\\(#([^)]+)\\)").Select(m => m.Groups[1].Value).ToHashSet();
        Assert.NotEmpty(references);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Subset(ids.ToHashSet(), references);
    }
}
