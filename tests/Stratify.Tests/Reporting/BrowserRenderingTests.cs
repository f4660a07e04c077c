using SkiaSharp;
using Stratify.Reporting.Html;

namespace Stratify.Tests.Reporting;

/// <summary>A fact that runs only where headless Chromium is installed (CI installs it in .ci/run); skipped elsewhere.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (HeadlessChromium.Locate() is null) Skip = HeadlessChromium.NotInstalledMessage;
    }
}

public class BrowserRenderingTests
{
    [ChromiumFact]
    public void Sample_report_renders_with_visible_charts_and_no_console_messages()
    {
        using var folder = new TempFolder();
        var html = folder.File("report.html");
        File.WriteAllText(html, ReportSamples.Document());
        var result = ChromiumScreenshot.Capture(html, folder.File("report.png"), 1200, 2000);

        Assert.True(result.Succeeded, result.Message);
        Assert.Empty(result.ConsoleMessages);
        using var bitmap = SKBitmap.Decode(result.OutputPath);
        Assert.Equal(1200, bitmap.Width);
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
        double sampled = (bitmap.Width / 2.0) * (bitmap.Height / 2.0);
        Assert.True(inked / sampled > 0.03, $"only {inked / sampled:P1} of the page is not white");
        Assert.True(okabeBlue > 200, $"only {okabeBlue} sampled pixels in the first series colour: the charts did not draw");
    }

    [ChromiumFact]
    public void Browser_parses_all_four_charts_as_svg_images_and_no_hostile_markup()
    {
        using var folder = new TempFolder();
        var html = folder.File("hostile.html");
        File.WriteAllText(html, ReportSamples.Document(ReportSamples.Script + ReportSamples.Quotes));
        var (result, dom) = HeadlessChromium.DumpDom(html);

        Assert.True(result.Succeeded, result.Message);
        Assert.Empty(result.ConsoleMessages);
        Assert.Equal(4, System.Text.RegularExpressions.Regex.Matches(dom, "<svg [^>]*role=\"img\"").Count);
        Assert.DoesNotContain("<script", dom);
        Assert.DoesNotContain("<b>", dom);
    }

    [ChromiumFact]
    public void Console_errors_of_a_page_are_reported()
    {
        using var folder = new TempFolder();
        var html = folder.File("broken.html");
        File.WriteAllText(html, "<!DOCTYPE html><html><body><p>x</p><script>undefinedFunction();</script></body></html>");
        var result = ChromiumScreenshot.Capture(html, folder.File("broken.png"), 400, 300);

        Assert.True(result.Succeeded, result.Message);
        Assert.Contains(result.ConsoleMessages, m => m.Contains("Uncaught ReferenceError", StringComparison.Ordinal));
    }

    [ChromiumFact]
    public void Report_prints_to_a_pdf_file()
    {
        using var folder = new TempFolder();
        var html = folder.File("report.html");
        File.WriteAllText(html, ReportSamples.Document());
        var result = ChromiumPdfPrinter.Print(html, folder.File("report.pdf"));

        Assert.True(result.Succeeded, result.Message);
        Assert.Empty(result.ConsoleMessages);
        using var pdf = File.OpenRead(result.OutputPath);
        var header = new byte[5];
        pdf.ReadExactly(header);
        Assert.Equal("%PDF-", System.Text.Encoding.ASCII.GetString(header));
    }

    [Fact]
    public void Without_chromium_printing_reports_how_to_install_it()
    {
        using var folder = new TempFolder();
        var html = folder.File("report.html");
        File.WriteAllText(html, "<!DOCTYPE html><title>t</title>");
        var result = ChromiumPdfPrinter.Print(html, folder.File("report.pdf"), chromiumPath: "/nonexistent/chromium");

        Assert.Equal(ChromiumOutcome.NotInstalled, result.Outcome);
        Assert.Equal("Chromium is not installed: apt-get install chromium", result.Message);
        Assert.False(File.Exists(folder.File("report.pdf")));
    }

    [Fact]
    public void Console_lines_are_picked_out_of_a_chromium_log()
    {
        const string log = "[1:2:1122/174634.1:ERROR:dbus/bus.cc:405] Failed to connect to the bus\n"
                           + "[1:1:1122/174635.1:INFO:CONSOLE:1] \"Uncaught ReferenceError: f is not defined\", source: file:///x.html (1)\n";
        Assert.Equal(["\"Uncaught ReferenceError: f is not defined\", source: file:///x.html (1)"], HeadlessChromium.ConsoleMessages(log));
    }
}
