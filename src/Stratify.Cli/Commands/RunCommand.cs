using System.CommandLine;
using Spectre.Console;
using Stratify.Data;
using Stratify.Reporting;
using Stratify.Stratification;

namespace Stratify.Cli.Commands;

/// <summary>`stratify run study.yaml`: subgroups, survival by subgroup and treatment effect by subgroup, in one folder.</summary>
internal static class RunCommand
{
    public static Command Create(CliContext context)
    {
        var spec = new Argument<string>("spec") { Description = "The study spec (YAML)." };
        var output = new Option<string?>("--out") { Description = "Output folder (overrides the spec's output)." };
        var seed = new Option<int?>("--seed") { Description = "Random seed (overrides the spec's seed)." };
        var quiet = new Option<bool>("--quiet") { Description = "Print nothing but errors (for scripts)." };
        var force = new Option<bool>("--force")
        {
            Description = "Write into a non-empty folder that is not a previous Stratify output (its other files are kept; " +
                "files named like Stratify's outputs are replaced). Never allows an output that is, holds or lies in an input.",
        };
        var command = new Command("run", "Run a study: validate, describe, find subgroups, survival and treatment effect by subgroup, report.")
            { spec, output, seed, quiet, force };
        command.SetAction(parse =>
        {
            var started = DateTimeOffset.UtcNow;
            var study = StudySpecReader.Read(parse.GetValue(spec)!);
            if (parse.GetValue(seed) is int s) study = study with { Seed = s };
            bool overwrite = parse.GetValue(force);
            string source;
            if (parse.GetValue(output) is { } o) (study, source) = (study with { Output = o }, "--out");
            else source = $"{study.SourceFile} (output:)";
            if (study.Output is null)
                throw new StratifyInputException("no output folder", study.SourceFile,
                    suggestion: "Add 'output: results' to the spec or pass --out DIR.");
            // Checked and claimed before the analysis: a refused folder, or another run writing it, costs no time.
            var folder = OutputPath.CheckFolder(study.Output, source, [study.SourceFile, .. study.Data], overwrite, RunOutput.FileNamesFor(study), RunOutput.FileNames);
            study = study with { Output = folder };
            using var staging = OutputStaging.ForFolder(folder);
            using var progress = new RunProgress(context, parse.GetValue(quiet));
            var run = StratificationRun.Execute(study, progress);
            progress.Stage("Write outputs");
            var inputs = RunOutput.Inputs(run);
            var results = ResultsMapping.ToDocument(run, inputs);
            var manifest = RunOutput.Manifest(study, inputs, started, DateTimeOffset.UtcNow, run.Timings);
            foreach (var note in RunOutput.Write(staging, run, results, manifest, SubgroupReport.Render, overwrite))
                context.Error.WriteLine($"note: {note}");
            progress.Finish($"wrote {folder}: results.json, report.html, assignments.parquet, model.json, tables/, manifest.json");
            if (!parse.GetValue(quiet)) RunSummary.Write(context.Out, results, StageLines(run, study.SmallCellThreshold));
            return CliApp.ExitOk;
        });
        return command;
    }

    /// <summary>
    /// The patients each stage analysed and the rows each left out, per column ("rows left out: at load, trt 106;
    /// finding subgroups, chol 28 ..."), with counts below the small-cell threshold written "&lt;k".
    /// </summary>
    internal static IEnumerable<string> StageLines(StratificationResult run, int threshold)
    {
        string Count(int n) => ResultsMapping.Count(n, threshold);
        yield return "patients analysed: " + string.Join("; ", run.StageSizes.Select(s => $"{StageWords(s.Stage)} {Count(s.N)} ({Count(s.Events)} events)"));
        var dropped = run.DroppedByStage.GroupBy(d => d.Stage).ToArray();
        if (dropped.Length > 0)
            yield return "rows left out for a missing value: " +
                string.Join("; ", dropped.Select(g => $"{StageWords(g.Key)}, {string.Join(", ", g.Select(d => $"{d.Column} {Count(d.Rows)}"))}"));
    }

    private static string StageWords(AnalysisStage stage) => stage switch
    {
        AnalysisStage.Load => "at load",
        AnalysisStage.SubgroupFinding => "finding subgroups",
        AnalysisStage.SurvivalBySubgroup => "survival by subgroup",
        AnalysisStage.TreatmentOverall => "treatment effect overall",
        _ => "treatment effect by subgroup",
    };

    /// <summary>
    /// Stage lines on stderr: with a terminal, Spectre.Console rules; otherwise plain "[stage] ..." lines. Lines come
    /// from the run's thread, from worker threads (time-left estimates) and from a one-second timer that writes a
    /// still-working line when a stage has been silent for 8 s (<see cref="Diagnostics.ProgressHeartbeat"/>).
    /// </summary>
    private sealed class RunProgress : IRunProgress, IDisposable
    {
        private readonly CliContext context;
        private readonly bool quiet;
        private readonly IAnsiConsole? _console;
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private readonly Diagnostics.ProgressHeartbeat _heartbeat;
        private readonly Timer? _timer;
        private readonly object _gate = new();
        private bool _counterOpen;

        public RunProgress(CliContext context, bool quiet)
        {
            this.context = context;
            this.quiet = quiet;
            _console = quiet || !context.Interactive ? null : AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(context.Error),
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
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
                if (_console is not null) _console.Write(new Rule($"[bold]{Markup.Escape(name)}[/]") { Justification = Justify.Left });
                else context.Error.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:F1}s] {name}");
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
                    int i = int.Parse(replicate.Groups[1].Value), n = int.Parse(replicate.Groups[2].Value);
                    if (_console is not null) { context.Progress.Write($"\r  {message}"); _counterOpen = i < n; if (i == n) context.Progress.WriteLine(); }
                    else if (i == n || i % Math.Max(1, n / 5) == 0) context.Error.WriteLine($"          {message}");
                    else return;
                }
                else
                {
                    EndCounter();
                    if (_console is not null) _console.MarkupLine($"  [grey]{Markup.Escape(message)}[/]");
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
            if (!quiet) lock (_gate) context.Error.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:F1}s] {message}");
        }

        public void Dispose() => _timer?.Dispose();
    }
}
