using System.CommandLine;
using Stratify.Data;
using Stratify.Reporting;
using Stratify.Reporting.Html;

namespace Stratify.Cli.Commands;

/// <summary>
/// `stratify report results.json [--out report.html] [--manifest manifest.json] [--pdf]`: rebuilds the subgroup report
/// from the results of `stratify run` without re-running the analysis. The report goes beside results.json unless
/// --out says otherwise; manifest.json beside results.json is used when present. --pdf also prints report.pdf with
/// headless Chromium (exit 2 after writing the HTML when Chromium is missing).
/// </summary>
internal static class ReportCommand
{
    public static Command Create(CliContext context)
    {
        var input = new Argument<string>("results") { Description = "results.json written by `stratify run`." };
        var output = new Option<string?>("--out") { Description = "The HTML file to write (default: report.html beside results.json)." };
        var manifestOption = new Option<string?>("--manifest") { Description = "manifest.json of the run (default: manifest.json beside results.json, if present)." };
        var pdf = new Option<bool>("--pdf") { Description = "Also print the report to PDF (same name, .pdf) with headless Chromium." };
        var chromium = new Option<string?>("--chromium") { Description = "The Chromium executable for --pdf (default: /usr/bin/chromium, else chromium on PATH)." };
        var command = new Command("report", "Rebuild the subgroup report (HTML, optionally PDF) from results.json.") { input, output, manifestOption, pdf, chromium };
        command.SetAction(parse =>
        {
            var resultsPath = parse.GetValue(input)!;
            var manifestPath = parse.GetValue(manifestOption) ?? SubgroupReportFiles.ManifestBeside(resultsPath);
            var htmlPath = OutputPath.CheckFile(parse.GetValue(output)
                ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(resultsPath)) ?? ".", "report.html"), "--out", [resultsPath, manifestPath]);
            if (parse.GetValue(pdf))
                OutputPath.CheckFile(Path.ChangeExtension(htmlPath, ".pdf"), "--out (the PDF beside it)", [resultsPath, manifestPath]);
            var results = SubgroupReportFiles.ReadResults(resultsPath);
            var manifest = manifestPath is null ? null : SubgroupReportFiles.ReadManifest(manifestPath);
            SubgroupReportFiles.Write(htmlPath, results, manifest);
            context.Error.WriteLine($"wrote {htmlPath}" + (manifest is null ? " (no manifest.json: reproducibility details omitted)" : ""));
            if (!parse.GetValue(pdf)) return CliApp.ExitOk;

            var pdfPath = Path.ChangeExtension(htmlPath, ".pdf");
            // Printed into a staging folder and moved into place: a failed or interrupted print leaves no partial PDF.
            using var staging = OutputStaging.ForFile(pdfPath);
            var printed = ChromiumPdfPrinter.Print(htmlPath, staging.WritePath, chromiumPath: parse.GetValue(chromium));
            if (!printed.Succeeded)
            {
                context.Error.WriteLine($"error: {printed.Message}");
                return printed.Outcome == ChromiumOutcome.NotInstalled ? CliApp.ExitInput : CliApp.ExitInternal;
            }
            staging.Commit();
            context.Error.WriteLine($"wrote {pdfPath}");
            return CliApp.ExitOk;
        });
        return command;
    }
}
