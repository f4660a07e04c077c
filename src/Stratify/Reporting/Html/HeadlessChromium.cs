using System.Diagnostics;
using System.Globalization;

namespace Stratify.Reporting.Html;

/// <summary>What a headless Chromium run did.</summary>
internal enum ChromiumOutcome { Succeeded, NotInstalled, Failed }

/// <summary>
/// The result of printing or capturing a page: the outcome, the file written, a message for the user when it did not
/// succeed, and every message the page wrote to the browser console (uncaught errors, CSP refusals, console.*).
/// A report page has no script, so a correct page has no console messages at all.
/// </summary>
internal sealed record ChromiumResult(
    ChromiumOutcome Outcome,
    string OutputPath,
    string Message,
    IReadOnlyList<string> ConsoleMessages)
{
    public bool Succeeded => Outcome == ChromiumOutcome.Succeeded;
}

/// <summary>
/// Runs Debian's headless Chromium on a local HTML file with no network side traffic (no background networking,
/// component updates, sync or QUIC) and a fresh profile folder deleted afterwards.
/// Console output is read from Chromium's own log (<c>--enable-logging=stderr --v=0</c>): each console message and
/// each uncaught exception appears there as a line containing ":CONSOLE", so no script has to be injected into
/// the page under test.
/// </summary>
internal static class HeadlessChromium
{
    public const string NotInstalledMessage = "Chromium is not installed: apt-get install chromium";

    private static readonly string[] CandidatePaths = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

    /// <summary>The Chromium executable: /usr/bin/chromium, else chromium or chromium-browser on PATH; null if none.</summary>
    public static string? Locate()
    {
        foreach (var path in CandidatePaths)
            if (File.Exists(path)) return path;
        var pathVariable = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var folder in pathVariable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in new[] { "chromium", "chromium-browser" })
            {
                var candidate = Path.Combine(folder, name);
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }

    /// <summary>
    /// Runs Chromium with the common flags plus <paramref name="taskArguments"/> ("{output}" is replaced by the
    /// output path) on <paramref name="htmlPath"/>; <paramref name="chromiumPath"/> overrides <see cref="Locate"/>.
    /// </summary>
    internal static ChromiumResult Run(string htmlPath, string outputPath, IReadOnlyList<string> taskArguments,
        TimeSpan timeout, string? chromiumPath)
    {
        var output = Path.GetFullPath(outputPath);
        if (File.Exists(output)) File.Delete(output);
        var (run, _) = Execute(htmlPath, taskArguments.Select(a => a.Replace("{output}", output, StringComparison.Ordinal)).ToArray(),
            timeout, chromiumPath);
        if (run.Outcome != ChromiumOutcome.Succeeded) return run with { OutputPath = output };
        if (!File.Exists(output) || new FileInfo(output).Length == 0)
            return run with { Outcome = ChromiumOutcome.Failed, OutputPath = output,
                Message = $"Chromium exited normally but wrote no {Path.GetFileName(output)}" };
        return run with { OutputPath = output };
    }

    /// <summary>
    /// The page's DOM after parsing and layout (<c>--dump-dom</c>), serialised as HTML; shows what the browser made
    /// of the markup (e.g. how many &lt;svg&gt; elements survived parsing).
    /// </summary>
    public static (ChromiumResult Result, string Dom) DumpDom(string htmlPath, TimeSpan? timeout = null, string? chromiumPath = null)
    {
        return Execute(htmlPath, ["--dump-dom"], timeout ?? TimeSpan.FromSeconds(120), chromiumPath);
    }

    /// <summary>Starts Chromium, waits for it and returns the result with Chromium's standard output.</summary>
    private static (ChromiumResult Result, string StandardOutput) Execute(string htmlPath, IReadOnlyList<string> taskArguments, TimeSpan timeout, string? chromiumPath)
    {
        var executable = chromiumPath ?? Locate();
        if (executable is null || !File.Exists(executable))
            return (new ChromiumResult(ChromiumOutcome.NotInstalled, "", NotInstalledMessage, []), "");
        var input = Path.GetFullPath(htmlPath);
        if (!File.Exists(input))
            return (new ChromiumResult(ChromiumOutcome.Failed, "", $"{input}: file not found", []), "");

        var profile = Path.Combine(Path.GetTempPath(), "stratify-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        try
        {
            var start = new ProcessStartInfo(executable)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
                     {
                         "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--disable-extensions", "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
                         "--user-data-dir=" + profile,
                     })
                start.ArgumentList.Add(argument);
            foreach (var argument in taskArguments) start.ArgumentList.Add(argument);
            start.ArgumentList.Add(new Uri(input).AbsoluteUri);

            using var process = Process.Start(start)
                ?? throw new InvalidOperationException("Chromium did not start: " + executable);
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                return (new ChromiumResult(ChromiumOutcome.Failed, "",
                    string.Create(CultureInfo.InvariantCulture, $"Chromium did not finish within {timeout.TotalSeconds:0} s on {input}"), []), "");
            }
            process.WaitForExit();
            var log = stderr.Result;
            var console = ConsoleMessages(log);
            if (process.ExitCode != 0)
                return (new ChromiumResult(ChromiumOutcome.Failed, "",
                    string.Create(CultureInfo.InvariantCulture, $"Chromium exited with code {process.ExitCode}: {LastLines(log, 5)}"), console), stdout.Result);
            return (new ChromiumResult(ChromiumOutcome.Succeeded, "", "", console), stdout.Result);
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The console lines of a Chromium log, e.g. <c>[..:INFO:CONSOLE:1] "Uncaught ReferenceError: f is not defined", source: ...</c>.</summary>
    public static IReadOnlyList<string> ConsoleMessages(string chromiumLog)
    {
        var messages = new List<string>();
        foreach (var line in chromiumLog.Split('\n'))
        {
            int marker = line.IndexOf(":CONSOLE", StringComparison.Ordinal);
            if (marker < 0) continue;
            int close = line.IndexOf(']', marker);
            messages.Add((close >= 0 ? line[(close + 1)..] : line).Trim());
        }
        return messages;
    }

    private static string LastLines(string text, int count)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(" | ", lines.Skip(Math.Max(0, lines.Length - count)));
    }
}

/// <summary>
/// Prints a standalone HTML report to PDF with headless Chromium, honouring the page's @page rules (A4), without
/// Chromium's date/URL header and footer.
/// </summary>
/// <example><code>
/// var result = ChromiumPdfPrinter.Print("report.html", "report.pdf");
/// if (!result.Succeeded) Console.Error.WriteLine(result.Message); // e.g. "Chromium is not installed: apt-get install chromium"
/// </code></example>
internal static class ChromiumPdfPrinter
{
    public static ChromiumResult Print(string htmlPath, string pdfPath, TimeSpan? timeout = null, string? chromiumPath = null) =>
        HeadlessChromium.Run(htmlPath, pdfPath, ["--print-to-pdf={output}", "--no-pdf-header-footer"],
            timeout ?? TimeSpan.FromSeconds(120), chromiumPath);
}

/// <summary>Takes a PNG screenshot of a page (default 1200×2000 CSS pixels) with headless Chromium, for tests.</summary>
internal static class ChromiumScreenshot
{
    public static ChromiumResult Capture(string htmlPath, string pngPath, int width = 1200, int height = 2000,
        TimeSpan? timeout = null, string? chromiumPath = null) =>
        HeadlessChromium.Run(htmlPath, pngPath,
            ["--screenshot={output}", string.Create(CultureInfo.InvariantCulture, $"--window-size={width},{height}")], timeout ?? TimeSpan.FromSeconds(120), chromiumPath);
}
