using System.Text.RegularExpressions;
using Stratify.Data;
using Stratify.Reporting.Html;
using Stratify.Tests.Cli;

namespace Stratify.Tests.Reporting;

/// <summary>The report as a person gets it: `stratify run` on a bundled study, then opened in headless Chromium.</summary>
public class EndToEndReportTests
{
    [ChromiumFact]
    public void The_gbsg_study_report_renders_in_chromium_with_every_chart_and_no_console_errors()
    {
        using var dir = new TempFolder();
        var run = CliRunner.Run("run", RepoPaths.Dataset("gbsg.yaml"), "--out", dir.File("out"), "--quiet");
        Assert.True(run.ExitCode == 0, run.Error);
        var html = Path.Combine(dir.File("out"), "report.html");

        var (result, dom) = HeadlessChromium.DumpDom(html);
        Assert.True(result.Succeeded, result.Message);
        Assert.Empty(result.ConsoleMessages);
        // KM by subgroup, KM by arm in each of the two subgroups, forest plot, heatmap, criteria chart.
        Assert.True(Regex.Matches(dom, "<svg [^>]*role=\"img\"").Count >= 6, "charts missing");
        Assert.Contains("Number at risk", dom);
        Assert.Contains("hormon", dom);

        var shot = ChromiumScreenshot.Capture(html, dir.File("report.png"), 1200, 2000);
        Assert.True(shot.Succeeded, shot.Message);
        Assert.True(new FileInfo(shot.OutputPath!).Length > 50_000, "the screenshot is nearly empty");
    }

    [Fact]
    public void A_cohort_whose_names_and_labels_carry_markup_reaches_the_report_escaped()
    {
        using var dir = new TempFolder();
        const string hostile = "<script>alert(1)</script>";
        var source = CsvCohortReader.Read(RepoPaths.Dataset("veteran.csv"));
        var renamed = source.Columns.Select(c => c.Name == "celltype"
            ? new CategoricalColumn($"cell{hostile}", ((CategoricalColumn)c).Codes, ((CategoricalColumn)c).Levels.Select(l => $"{l}\"&'<b>").ToArray())
            : (Column)c).ToList();
        ParquetCohortWriter.Write(new Cohort(renamed, "hostile"), dir.File("hostile.parquet"));
        File.WriteAllText(dir.File("hostile.yaml"), $$"""
            title: "Trial {{hostile}}"
            data: hostile.parquet
            time: time
            event: status
            treatment: trt
            design: randomised
            subgroups:
              method: column
              column: "cell{{hostile}}"
            output: out
            """);
        var run = CliRunner.Run("run", dir.File("hostile.yaml"), "--quiet");
        Assert.True(run.ExitCode == 0, run.Error);
        var report = File.ReadAllText(dir.File("out/report.html"));
        Assert.DoesNotContain("<script", report, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", report);
        Assert.Contains("&lt;script&gt;", report);
    }
}
