using Spectre.Console;
using Stratify.Stratification;
using System.Globalization;

namespace Stratify.Cli;

/// <summary>
/// The progress display of the long verbs (<c>run</c>, <c>cluster</c>), one for all of them.
/// Stage lines on stderr: with a terminal, Spectre.Console rules; otherwise plain "[  6.1s] stage" lines. Lines come
/// from the run's thread, from worker threads (time-left estimates) and from a one-second timer that writes a
/// still-working line when a stage has been silent for <see cref="Diagnostics.ProgressHeartbeat.Quiet"/>.
/// </summary>
internal sealed class StageProgress : IRunProgress, IDisposable
{
    private readonly CliContext context;
    private readonly bool quiet;
    private readonly IAnsiConsole? _console;
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly Diagnostics.ProgressHeartbeat _heartbeat;
    private readonly Timer? _timer;
    private readonly object _gate = new();
    private bool _counterOpen;

    public StageProgress(CliContext context, bool quiet)
    {
        this.context = context;
        this.quiet = quiet;
        // On a terminal, Spectre styles the stage rules and detail lines, writing its own colour codes to stderr as it
        // is (context.Progress); every text it is given passes PrintableText first, so nothing from the data can add
        // codes of its own (the guard the escaping stderr writer gives the rest of the output).
        _console = quiet || !context.Interactive ? null : AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(context.Progress),
            Ansi = AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect,
        });
        _heartbeat = new Diagnostics.ProgressHeartbeat(Detail);
        if (!quiet) _timer = new Timer(_ => _heartbeat.Tick(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public void Stage(string name)
    {
        if (quiet) return;
        lock (_gate)
        {
            EndCounter();
            if (_console is not null) _console.Write(new Rule($"[bold]{Styled(name)}[/]") { Justification = Justify.Left });
            else context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,6:F1}s] {name}"));
        }
        _heartbeat.Stage(name);
    }

    public void Detail(string message)
    {
        if (quiet) return;
        lock (_gate)
        {
            // Replicate counters: rewritten in place on a terminal; on a pipe only every fifth of the way.
            var replicate = System.Text.RegularExpressions.Regex.Match(message, @"^bootstrap replicate (\d+) of (\d+)$");
            if (replicate.Success)
            {
                int i = int.Parse(replicate.Groups[1].Value, CultureInfo.InvariantCulture), n = int.Parse(replicate.Groups[2].Value, CultureInfo.InvariantCulture);
                if (_console is not null) { context.Progress.Write($"\r  {message}"); _counterOpen = i < n; if (i == n) context.Progress.WriteLine(); }
                else if (i == n || i % Math.Max(1, n / 5) == 0) context.Error.WriteLine($"          {message}");
                else return;
            }
            else
            {
                EndCounter();
                if (_console is not null) _console.MarkupLine($"  [grey]{Styled(message)}[/]");
                else context.Error.WriteLine($"          {message}");
            }
        }
        _heartbeat.Wrote();
    }

    /// <summary>A line between replicate counters (a time-left estimate) starts below the counter.</summary>
    private void EndCounter()
    {
        if (_counterOpen) { context.Progress.WriteLine(); _counterOpen = false; }
    }

    public void Finish(string message)
    {
        Dispose();
        if (!quiet) lock (_gate) context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,6:F1}s] {message}"));
    }

    public void Dispose() => _timer?.Dispose();

    /// <summary>Text for Spectre markup: control characters as visible escapes, then markup brackets escaped.</summary>
    private static string Styled(string text) => Markup.Escape(Stratify.Reporting.PrintableText.Escape(text));
}
