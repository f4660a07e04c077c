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
            using var progress = new StageProgress(context, parse.GetValue(quiet));
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
}
