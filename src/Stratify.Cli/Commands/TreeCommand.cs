using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Stratify.Data;
using Stratify.Reporting;
using Stratify.Survival;

namespace Stratify.Cli.Commands;

/// <summary>`stratify tree`: a survival tree whose leaves are subgroups stated as bedside rules.</summary>
internal static class TreeCommand
{
    public static Command Create(CliContext context)
    {
        var study = new StudyOptions();
        var format = OutputFormats.Option(OutputFormat.Table, OutputFormat.Json);
        var features = new Option<string?>("--features") { Description = "Candidate split variables, comma separated (text columns are categorical)." };
        var minNode = new Option<int>("--min-node-size") { Description = "Fewest patients in a leaf.", DefaultValueFactory = _ => 20 };
        var maxDepth = new Option<int>("--max-depth") { Description = "Deepest split level.", DefaultValueFactory = _ => 3 };
        var alpha = new Option<double>("--alpha") { Description = "Split only when the Bonferroni-adjusted p-value is below alpha.", DefaultValueFactory = _ => 0.05 };
        var output = new Option<string?>("--out") { Description = "Write patient id → leaf to this .parquet or .csv file." };
        var command = new Command("tree", "Grow a survival tree (maximal log-rank splits, Bonferroni-adjusted stopping) whose leaves are subgroups.")
            { format, features, minNode, maxDepth, alpha, output };
        study.AddTo(command);
        command.SetAction(parse =>
        {
            var shape = OutputFormats.Parse(parse.GetValue(format), OutputFormat.Table, OutputFormat.Json);
            var spec = FeatureOptions.WithFeatures(study.ToSpec(parse), parse.GetValue(features), "--features");
            var options = new SurvivalTreeOptions
            {
                MinNodeSize = parse.GetValue(minNode) >= 1 ? parse.GetValue(minNode) : throw new StratifyInputException("must be at least 1", "--min-node-size"),
                MaxDepth = parse.GetValue(maxDepth) >= 1 ? parse.GetValue(maxDepth) : throw new StratifyInputException("must be at least 1", "--max-depth"),
                Alpha = parse.GetValue(alpha) is > 0 and < 1 ? parse.GetValue(alpha) : throw new StratifyInputException("must lie strictly between 0 and 1", "--alpha"),
            };
            // The features bind as covariates, so a patient missing one is dropped (and counted) as for a model.
            var bound = StudyBinder.Load(spec with { Covariates = spec.Subgroups!.Features });
            var model = SurvivalTree.Grow(SurvivalData.From(bound), bound.Covariates.Select(StudyTreeFeatures.From).ToArray(), options);
            model = model with { DroppedRows = bound.RowsDropped };
            if (parse.GetValue(output) is { } path)
                AssignmentFile.Write(path, bound, model.LeafOfPatient.Select(l => model.Leaves[l].Rule).ToArray());
            if (shape == OutputFormat.Json)
            {
                JsonOutput.Write(SurvivalJson.From(model), context.Out);
                return CliApp.ExitOk;
            }
            var console = OutputFormats.Console(context);
            console.Write(OutputFormats.Grid($"Survival tree: {model.Leaves.Count} subgroups", ["Subgroup (rule)", "n", "Events", "Median survival"],
                model.Leaves.Select(l => (IEnumerable<string>)[l.Rule, l.N.ToString(CultureInfo.InvariantCulture), l.Events.ToString(CultureInfo.InvariantCulture), Text.Number(l.Median)])));
            OutputFormats.WriteDropped(console, bound);
            return CliApp.ExitOk;
        });
        return command;
    }
}

/// <summary>Feature lists from the command line (--features a,b,c) merged into the spec's subgroup settings.</summary>
internal static class FeatureOptions
{
    /// <summary>
    /// Columns listed on the command line replace the spec's features; each is categorical if it appears in
    /// --categorical, else numeric when it holds numbers and categorical when it holds text (decided by the binder's
    /// cohort at load time, so here: numeric unless declared). Without the flag the spec's features are used.
    /// </summary>
    public static StudySpec WithFeatures(StudySpec spec, string? list, string option)
    {
        var names = StudyOptions.SplitList(list);
        var subgroups = spec.Subgroups ?? new SubgroupSpec();
        if (names.Count > 0)
        {
            var declared = spec.Covariates.ToDictionary(c => c.Column, StringComparer.Ordinal);
            var data = spec.Data.Count > 0 ? ParquetCohortReader.Read(spec.Data[0], CohortReadOptions.Only(names)) : null;
            subgroups = subgroups with
            {
                Features = names.Select(n => declared.TryGetValue(n, out var c) ? c
                    : data is not null && data.TryGet(n, out var column) && column is CategoricalColumn ? new CovariateSpec(n, CovariateKind.Categorical)
                    : new CovariateSpec(n, CovariateKind.Numeric)).ToArray(),
            };
        }
        if (subgroups.Features.Count == 0)
            throw new StratifyInputException("no features given", spec.SourceFile ?? "command line",
                suggestion: $"Pass {option} col1,col2 or list subgroups: features: in the spec.");
        return spec with { Subgroups = subgroups };
    }
}
