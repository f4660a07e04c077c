using System.Text.RegularExpressions;
using SkiaSharp;
using Stratify.Reporting;
using Stratify.Reporting.Html;

namespace Stratify.Tests.Reporting;

/// <summary>The subgroup report as headless Chromium renders it.</summary>
public class SubgroupReportBrowserTests
{
    [ChromiumFact]
    public void Fixture_report_renders_without_console_messages_and_with_ink_on_the_first_screen()
    {
        using var folder = new TempFolder();
        var html = folder.File("report.html");
        SubgroupReportFiles.Write(html, SubgroupReportFixture.Results(), SubgroupReportFixture.Manifest());

        var result = ChromiumScreenshot.Capture(html, folder.File("report.png"), 1200, 2400);

        Assert.True(result.Succeeded, result.Message);
        Assert.Empty(result.ConsoleMessages);
        using var bitmap = SKBitmap.Decode(result.OutputPath);
        int inked = 0, okabeBlue = 0;
        for (int y = 0; y < bitmap.Height; y += 2)
        {
            for (int x = 0; x < bitmap.Width; x += 2)
            {
                var pixel = bitmap.GetPixel(x, y);
                if (pixel.Red < 235 || pixel.Green < 235 || pixel.Blue < 235) inked++;
                if (Math.Abs(pixel.Red - 0x00) < 24 && Math.Abs(pixel.Green - 0x72) < 24 && Math.Abs(pixel.Blue - 0xB2) < 24) okabeBlue++;
            }
        }
        double sampled = bitmap.Width / 2.0 * (bitmap.Height / 2.0);
        Assert.True(inked / sampled > 0.03, $"only {inked / sampled:P1} of the page is not white");
        Assert.True(okabeBlue > 200, $"only {okabeBlue} sampled pixels in the first series colour: the Kaplan–Meier chart did not draw");
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
