using System.Text.RegularExpressions;
using SkiaSharp;
using Stratify.Reporting;
using Stratify.Reporting.Html;

namespace Stratify.Tests.Reporting;

/// <summary>The subgroup report as headless Chromium renders it.</summary>
public class SubgroupReportBrowserTests
{
    [ChromiumFact]
    public void Fixture_report_renders_without_console_messages_with_ink_down_the_page_and_both_curve_colours()
    {
        using var folder = new TempFolder();
        var html = folder.File("report.html");
        SubgroupReportFiles.Write(html, SubgroupReportFixture.Results(), SubgroupReportFixture.Manifest());

        var result = ChromiumScreenshot.Capture(html, folder.File("report.png"), 1200, 2400);

        Assert.True(result.Succeeded, result.Message);
        Assert.Empty(result.ConsoleMessages);
        using var bitmap = SKBitmap.Decode(result.OutputPath);
        var bands = InkedBands(bitmap, 100);
        Assert.True(bands.Count(b => b) >= bands.Length * 0.8, $"only {bands.Count(b => b)} of {bands.Length} 100-px bands hold any ink: the page is partly empty");
        Assert.True(ColourCount(bitmap, 0x00, 0x72, 0xB2) > 200, "no Okabe–Ito blue (first curve): the Kaplan–Meier chart did not draw");
        Assert.True(ColourCount(bitmap, 0xD5, 0x5E, 0x00) > 200, "no Okabe–Ito vermillion (second curve): the Kaplan–Meier chart did not draw");
    }

    /// <summary>For each horizontal band of <paramref name="height"/> pixels: does any pixel differ from white?</summary>
    private static bool[] InkedBands(SKBitmap bitmap, int height)
    {
        var bands = new bool[bitmap.Height / height];
        for (int band = 0; band < bands.Length; band++)
            for (int y = band * height; y < (band + 1) * height && !bands[band]; y += 2)
                for (int x = 0; x < bitmap.Width && !bands[band]; x += 2)
                    bands[band] = bitmap.GetPixel(x, y) is var p && (p.Red < 200 || p.Green < 200 || p.Blue < 200);
        return bands;
    }

    /// <summary>Pixels (every second row and column) within 24 levels of the given colour.</summary>
    private static int ColourCount(SKBitmap bitmap, byte red, byte green, byte blue)
    {
        int count = 0;
        for (int y = 0; y < bitmap.Height; y += 2)
            for (int x = 0; x < bitmap.Width; x += 2)
                if (bitmap.GetPixel(x, y) is var p && Math.Abs(p.Red - red) < 24 && Math.Abs(p.Green - green) < 24 && Math.Abs(p.Blue - blue) < 24)
                    count++;
        return count;
    }

    [ChromiumFact]
    public void Browser_parses_all_six_charts_as_svg_images()
    {
        using var folder = new TempFolder();
        var html = folder.File("report.html");
        SubgroupReportFiles.Write(html, SubgroupReportFixture.Results(), SubgroupReportFixture.Manifest());

        var (result, dom) = HeadlessChromium.DumpDom(html);

        Assert.True(result.Succeeded, result.Message);
        Assert.Empty(result.ConsoleMessages);
        // KM by subgroup, KM by arm in A and B, forest plot, heatmap, criteria chart.
        Assert.Equal(6, Regex.Matches(dom, "<svg [^>]*role=\"img\"").Count);
        Assert.Contains("Number at risk", dom);
    }

    [ChromiumFact]
    public void Hostile_labels_reach_the_browser_as_text_not_markup()
    {
        using var folder = new TempFolder();
        var html = folder.File("hostile.html");
        var mark = ReportSamples.Script + ReportSamples.Quotes;
        SubgroupReportFiles.Write(html, SubgroupReportFixture.Results(mark), SubgroupReportFixture.Manifest(mark));

        var (result, dom) = HeadlessChromium.DumpDom(html);

        Assert.True(result.Succeeded, result.Message);
        Assert.Empty(result.ConsoleMessages);
        Assert.DoesNotContain("<script", dom);
        Assert.DoesNotContain("<b>", dom);
        Assert.Equal(6, Regex.Matches(dom, "<svg [^>]*role=\"img\"").Count);
    }
}
