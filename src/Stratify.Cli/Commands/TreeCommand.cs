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
        var defaults = new SubgroupSpec();
        var features = FeatureOptions.FeaturesOption("Candidate split variables");
        var ordinal = FeatureOptions.OrdinalOption();
        var minNode = new Option<int?>("--min-node-size") { Description = $"Fewest patients in a leaf (default: the spec's min_node_size, else {defaults.MinNodeSize})." };
        var maxDepth = new Option<int?>("--max-depth") { Description = $"Deepest split level (default: the spec's max_depth, else {defaults.MaxDepth})." };
        var alpha = new Option<double>("--alpha") { Description = "Split only when the Bonferroni-adjusted p-value is below alpha.", DefaultValueFactory = _ => 0.05 };
        var output = new Option<string?>("--out") { Description = "Write patient id → leaf to this .parquet or .csv file." };
        var missing = new Option<string?>("--missing") { Description = "Missing feature values: impute (default), indicator or complete_case; overrides the spec's missing:." };
        var command = new Command("tree", "Grow a survival tree (maximal log-rank splits, Bonferroni-adjusted stopping) whose leaves are subgroups.")
            { format, features, ordinal, minNode, maxDepth, alpha, output, missing };
        study.AddForFeaturesTo(command);
        command.SetAction(parse =>
        {
            var shape = OutputFormats.Parse(parse.GetValue(format), OutputFormat.Table, OutputFormat.Json);
            var spec = FeatureOptions.WithFeatures(study.ToSpec(parse), parse.GetValue(features), parse.GetValue(study.Categorical), parse.GetValue(ordinal));
            AssignmentFile.CheckPath(parse.GetValue(output), spec); // before any work: never an input, a .parquet or .csv name
            // min_node_size and max_depth come from the spec (subgroups:) unless their flags are given.
            var options = new SurvivalTreeOptions
            {
                MinNodeSize = (parse.GetValue(minNode) ?? spec.Subgroups!.MinNodeSize) is var n and >= 1 ? n : throw new StratifyInputException("must be at least 1", "--min-node-size"),
                MaxDepth = (parse.GetValue(maxDepth) ?? spec.Subgroups!.MaxDepth) is var d and >= 1 ? d : throw new StratifyInputException("must be at least 1", "--max-depth"),
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
            var bound = StudyBinder.Load(spec);
            var featureSet = FeatureSet.From(bound.Features, subgroups.Missing, subgroups.MissingByFeature);
            var model = LogRankTree.Grow(SurvivalData.From(bound).Subset(featureSet.SourceRows), SubgroupFinder.TreeFeatures(featureSet), options);
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

/// <summary>
/// The feature flags of cluster and tree (--features, --categorical, --ordinal) merged into the spec's subgroup
/// settings. On these verbs --categorical names features (they fit no covariates): a 0/1 or other numeric code listed
/// there is a categorical feature, as <c>categorical:</c> under <c>subgroups: features:</c> makes it in a spec.
/// </summary>
internal static class FeatureOptions
{
    public static Option<string?> FeaturesOption(string what) =>
        new("--features") { Description = $"{what}, comma separated (default: the spec's subgroups features; text columns are categorical, numbers numeric unless named in --categorical or --ordinal)." };

    public static Option<string?> OrdinalOption() =>
        new("--ordinal") { Description = "Features to treat as ordinal (levels in sorted order unless the spec orders them), comma separated." };

    /// <summary>
    /// Columns listed in <paramref name="list"/> replace the spec's features; each is categorical if it appears in
    /// <paramref name="categorical"/>, ordinal if in <paramref name="ordinal"/>, else as a spec covariate of that name is
    /// declared, else numeric when it holds numbers and categorical when it holds text. Without a list the spec's
    /// features are used, and the two lists change the kinds of the features they name. Every name in the two lists
    /// must be a feature, and in one list only.
    /// </summary>
    public static StudySpec WithFeatures(StudySpec spec, string? list, string? categorical, string? ordinal)
    {
        var names = StudyOptions.SplitList(list);
        var categoricalNames = StudyOptions.SplitList(categorical).ToHashSet(StringComparer.Ordinal);
        var ordinalNames = StudyOptions.SplitList(ordinal).ToHashSet(StringComparer.Ordinal);
        if (categoricalNames.FirstOrDefault(ordinalNames.Contains) is { } both)
            throw new StratifyInputException($"'{both}' is given in both --categorical and --ordinal", "command line", both,
                suggestion: "Name each feature in one of them: --ordinal for ordered levels, --categorical for unordered ones.");
        var subgroups = spec.Subgroups ?? new SubgroupSpec();
        if (names.Count > 0)
        {
            var declared = spec.Covariates.ToDictionary(c => c.Column, StringComparer.Ordinal);
            var data = spec.Data.Count > 0 ? ParquetCohortReader.Read(spec.Data[0], CohortReadOptions.Only(names)) : null;
            subgroups = subgroups with
            {
                Features = names.Select(n => declared.TryGetValue(n, out var c) ? c
                    : data is not null && data.TryGet(n, out var column) ? new CovariateSpec(n, StudyBinder.NaturalKind(column))
                    : new CovariateSpec(n, CovariateKind.Numeric)).ToArray(),
            };
        }
        if (subgroups.Features.Count == 0)
            throw new StratifyInputException("no features given", spec.SourceFile ?? "command line",
                suggestion: "Pass --features col1,col2 or list subgroups: features: in the spec.");
        foreach (var name in categoricalNames.Concat(ordinalNames))
            if (subgroups.Features.All(f => f.Column != name))
                throw new StratifyInputException($"'{name}' is given in --{(categoricalNames.Contains(name) ? "categorical" : "ordinal")} but is not a feature",
                    "command line", name, suggestion: "Add it to --features (or to subgroups: features: in the spec).");
        subgroups = subgroups with
        {
            Features = subgroups.Features.Select(f =>
                categoricalNames.Contains(f.Column) ? new CovariateSpec(f.Column, CovariateKind.Categorical)
                : ordinalNames.Contains(f.Column) ? f with { Kind = CovariateKind.Ordinal, Reference = null }
                : f).ToArray(),
        };
        return spec with { Subgroups = subgroups };
    }
}
