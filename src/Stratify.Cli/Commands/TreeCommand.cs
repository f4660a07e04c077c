using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Stratify.Clustering;
using Stratify.Data;
using Stratify.Reporting;
using Stratify.Stratification;
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
        var missing = new Option<string?>("--missing") { Description = "Missing feature values: impute (default), indicator or complete_case; overrides the spec's missing:." };
        var command = new Command("tree", "Grow a survival tree (maximal log-rank splits, Bonferroni-adjusted stopping) whose leaves are subgroups.")
            { format, features, minNode, maxDepth, alpha, output, missing };
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
            var subgroups = parse.GetValue(missing) is { } m
                ? spec.Subgroups! with { Missing = StudySpecReader.ParseMissing(m, "--missing"), MissingByFeature = new Dictionary<string, MissingPolicy>() }
                : spec.Subgroups!;
            if (subgroups.Features.FirstOrDefault(f => subgroups.MissingFor(f.Column) == MissingPolicy.Pairwise) is { } pairwise)
                throw new StratifyInputException("the survival tree needs a value for every patient, so missing values cannot be left pairwise", "--missing",
                    pairwise.Column, suggestion: "Use --missing impute, indicator or complete_case.");
            // The features bind as subgroup features: a missing value is imputed (or flagged, or the patient gets no
            // leaf) by the missing-value policy, never silently dropped.
            StudyOptions.RequireOneRowPerPatient(spec, "stratify tree", alsoEntry: true);
            var bound = StudyBinder.Load(spec);
            var featureSet = FeatureSet.From(bound.Features, subgroups.Missing, subgroups.MissingByFeature);
            var model = SurvivalTree.Grow(SurvivalData.From(bound).Subset(featureSet.SourceRows), SubgroupFinder.TreeFeatures(featureSet), options);
            model = model with { DroppedRows = bound.RowsDropped + featureSet.Missing.RowsDropped };
            if (parse.GetValue(output) is { } path)
            {
                var leaves = new string[bound.RowCount];
                Array.Fill(leaves, "unassigned");
                for (int i = 0; i < featureSet.RowCount; i++) leaves[featureSet.SourceRows[i]] = model.Leaves[model.LeafOfPatient[i]].Rule;
                AssignmentFile.Write(path, bound, leaves);
            }
            OutputFormats.NoteMissingFeatures(context, featureSet.Missing);
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
            var data = spec.Data.Count > 0 ? ParquetCohortReader.Read(spec.Data[0]) : null;
            subgroups = subgroups with
            {
                Features = names.Select(n => declared.TryGetValue(n, out var c) ? c
                    : data is not null && data.TryGet(n, out var column) ? new CovariateSpec(n, StudyBinder.NaturalKind(column))
                    : new CovariateSpec(n, CovariateKind.Numeric)).ToArray(),
            };
        }
        if (subgroups.Features.Count == 0)
            throw new StratifyInputException("no features given", spec.SourceFile ?? "command line",
                suggestion: $"Pass {option} col1,col2 or list subgroups: features: in the spec.");
        return spec with { Subgroups = subgroups };
    }
}
