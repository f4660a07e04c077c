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
        var command = new Command("run", "Run a study: validate, describe, find subgroups, survival and treatment effect by subgroup, report.")
            { spec, output, seed, quiet };
        command.SetAction(parse =>
        {
            var started = DateTimeOffset.UtcNow;
            var study = StudySpecReader.Read(parse.GetValue(spec)!);
            if (parse.GetValue(seed) is int s) study = study with { Seed = s };
            if (parse.GetValue(output) is { } o) study = study with { Output = Path.GetFullPath(o) };
            var folder = study.Output ?? throw new StratifyInputException("no output folder", study.SourceFile,
                suggestion: "Add 'output: results' to the spec or pass --out DIR.");
            var progress = new RunProgress(context, parse.GetValue(quiet));
            var run = StratificationRun.Execute(study, progress);
            progress.Stage("Write outputs");
            var inputs = RunOutput.HashInputs(study);
            var results = ResultsMapping.ToDocument(run, inputs);
            var manifest = RunOutput.Manifest(study, inputs, started, DateTimeOffset.UtcNow, run.Timings);
            RunOutput.Write(folder, run, results, manifest, SubgroupReport.Render);
            progress.Finish($"wrote {folder}: results.json, report.html, assignments.parquet, model.json, tables/, manifest.json");
            if (!parse.GetValue(quiet))
            {
                foreach (var g in results.Subgroups) context.Out.WriteLine($"  subgroup {g.Id}: n = {ResultsMapping.Count(g.N, study.SmallCellThreshold)}, {g.Description}");
                if (results.Treatment is { } t) foreach (var e in t.BySubgroup) context.Out.WriteLine($"  {e.Sentence}");
                var statement = results.Inference.Statement;
                context.Out.WriteLine($"  {(results.Inference.Exploratory ? "Exploratory" : "Validated on held-out patients")}: {char.ToLowerInvariant(statement[0])}{statement[1..]}");
            }
            return CliApp.ExitOk;
        });
        return command;
    }

    /// <summary>Stage lines on stderr: with a terminal, Spectre.Console rules; otherwise plain "[stage] ..." lines.</summary>
    private sealed class RunProgress(CliContext context, bool quiet) : IRunProgress
    {
        private readonly IAnsiConsole? _console = quiet || !context.Interactive ? null : AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(context.Error) });
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

        public void Stage(string name)
        {
            if (quiet) return;
            if (_console is not null) _console.Write(new Rule($"[bold]{Markup.Escape(name)}[/]") { Justification = Justify.Left });
            else context.Error.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:F1}s] {name}");
        }

        public void Detail(string message)
        {
            if (quiet) return;
            // Replicate counters: rewritten in place on a terminal; on a pipe only every fifth of the way.
            var replicate = System.Text.RegularExpressions.Regex.Match(message, @"^bootstrap replicate (\d+) of (\d+)$");
            if (replicate.Success)
            {
                int i = int.Parse(replicate.Groups[1].Value), n = int.Parse(replicate.Groups[2].Value);
                if (_console is not null) { context.Error.Write($"\r  {message}"); if (i == n) context.Error.WriteLine(); }
                else if (i == n || i % Math.Max(1, n / 5) == 0) context.Error.WriteLine($"          {message}");
                return;
            }
            if (_console is not null) _console.MarkupLine($"  [grey]{Markup.Escape(message)}[/]");
            else context.Error.WriteLine($"          {message}");
        }

        public void Finish(string message)
        {
            if (!quiet) context.Error.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:F1}s] {message}");
        }
    }
}
