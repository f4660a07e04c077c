using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Stratify.Clustering;
using Stratify.Data;
using Stratify.Predictive;
using Stratify.Reporting;
using Stratify.Stratification;
using Stratify.Survival;

namespace Stratify.Cli.Commands;

/// <summary>
/// `stratify tree`: a survival tree whose leaves are subgroups stated as bedside rules; with --interaction, an
/// interaction tree whose leaves differ in the treatment's effect.
/// </summary>
internal static class TreeCommand
{
    public static Command Create(CliContext context)
    {
        var study = new StudyOptions();
        var format = OutputFormats.Option(OutputFormat.Table, OutputFormat.Json);
        var defaults = new SubgroupSpec();
        var features = FeatureOptions.FeaturesOption("Candidate split variables");
        var ordinal = FeatureOptions.OrdinalOption();
        var minNode = new Option<int?>("--min-node-size") { Description = string.Create(CultureInfo.InvariantCulture, $"Fewest patients in a leaf (default: the spec's min_node_size, else {defaults.MinNodeSize}).") };
        var maxDepth = new Option<int?>("--max-depth") { Description = string.Create(CultureInfo.InvariantCulture, $"Deepest split level (default: the spec's max_depth, else {defaults.MaxDepth}).") };
        var alpha = new Option<double>("--alpha") { Description = "Split only when the Bonferroni-adjusted p-value is below alpha.", DefaultValueFactory = _ => 0.05 };
        var output = new Option<string?>("--out") { Description = "Write patient id → leaf to this .parquet or .csv file." };
        var missing = new Option<string?>("--missing") { Description = "Missing feature values: impute (default), indicator or complete_case; overrides the spec's missing:." };
        var interaction = new Option<bool>("--interaction")
        {
            Description = "Grow an interaction tree instead: each split maximises the treatment × split interaction (needs --treatment); " +
                "with validation: split in the spec, the effects are estimated on the held-out half.",
        };
        var minEvents = new Option<int?>("--min-events-per-arm") { Description = "Interaction tree: fewest events in each arm of each child (default: the spec's min_events_per_arm, else 5)." };
        var design = new Option<string?>("--design") { Description = "Interaction tree: randomised or observational (default: the spec's design:)." };
        var command = new Command("tree", "Grow a survival tree (maximal log-rank splits, Bonferroni-adjusted stopping) whose leaves are subgroups; " +
            "--interaction grows an interaction tree whose leaves differ in the treatment effect.")
            { format, features, ordinal, minNode, maxDepth, alpha, output, missing, interaction, minEvents, design };
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
                throw new StratifyInputException($"the {(parse.GetValue(interaction) ? "interaction" : "survival")} tree needs a value for every patient, so missing values cannot be left pairwise", "--missing",
                    pairwise.Column, suggestion: "Use --missing impute, indicator or complete_case.");
            if (parse.GetValue(interaction))
            {
                int events = (parse.GetValue(minEvents) ?? spec.MinEventsPerArm) is var e and >= 1 ? e : throw new StratifyInputException("must be at least 1", "--min-events-per-arm");
                var designed = parse.GetValue(design) is { } dt ? spec with { Design = StudySpecReader.ParseDesign(dt, "--design") } : spec;
                return Interaction(context, designed with { MinEventsPerArm = events, Subgroups = subgroups with { Method = SubgroupMethod.InteractionTree } }, shape, new InteractionTreeOptions
                {
                    MinNodeSize = options.MinNodeSize, MaxDepth = options.MaxDepth, Alpha = options.Alpha, MinEventsPerArm = events,
                }, parse.GetValue(output));
            }
            // The features bind as subgroup features: a missing value is imputed (or flagged, or the patient gets no
            // leaf) by the missing-value policy, never silently dropped.
            StudyOptions.RequireOneRowPerPatient(spec, "stratify tree", alsoEntry: true);
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
            console.Write(OutputFormats.Grid(string.Create(CultureInfo.InvariantCulture, $"Survival tree: {model.Leaves.Count} subgroups"), ["Subgroup (rule)", "n", "Events", "Median survival"],
                model.Leaves.Select(l => (IEnumerable<string>)[l.Rule, l.N.ToString(CultureInfo.InvariantCulture), l.Events.ToString(CultureInfo.InvariantCulture), Text.Number(l.Median)])));
            OutputFormats.WriteDropped(console, bound);
            return CliApp.ExitOk;
        });
        return command;
    }

    /// <summary>
    /// The interaction tree: grown on the discovery patients (all of them, or the spec's validation split) with the
    /// features under the spec's missing-value policy, leaf effects estimated by the treatment layer (adjusted as in a
    /// run) on the estimation patients, printed with the splits' tests. No split is a finding, not an error.
    /// </summary>
    private static int Interaction(CliContext context, StudySpec spec, OutputFormat shape, InteractionTreeOptions options, string? output)
    {
        var bound = StudyBinder.Load(spec);
        if (bound.Treatment is not null && spec.Design is null)
            throw new StratifyInputException("the interaction tree estimates the treatment's effect, but the spec does not say how it was assigned",
                spec.SourceFile ?? "command line", spec.Treatment, suggestion: "Pass --design randomised or --design observational (or add design: to the spec). " + StudySpecReader.DesignExplanation);
        var (_, discovery, estimation) = StratificationRun.Split(bound, spec.Validation, spec.Seed);
        bool honest = spec.Validation.Mode == ValidationMode.Split;
        var found = PredictiveSubgroups.ByInteractionTree(bound, spec.Subgroups!, discovery, null, options);
        var model = found.InteractionTree!;
        var treatment = bound.Treatment!;
        var placed = estimation.Where(r => found.CodeOfRow[r] >= 0).ToArray();
        var leaves = found.ToFactor("leaf", placed);
        double horizon = spec.RmstHorizon ?? StratificationRun.DefaultHorizon(RowSelection.Pick(bound.Time!, placed), leaves, RowSelection.Pick(treatment.Codes, placed));
        var tailoring = TreatmentTailoring.Analyse(bound, leaves, placed, estimation,
            StratificationRun.TailoringOptions(spec, bound, new KaplanMeierOptions { RmstHorizon = horizon }));
        if (output is { } path)
            AssignmentFile.Write(path, bound, found.CodeOfRow.Select(l => l < 0 ? "unassigned" : model.Leaves[l].Rule).ToArray());
        var (reference, treated) = PredictiveSubgroups.ArmNames(treatment);
        var json = PredictiveJson.From(model, treatment.Name, (reference, treated), honest, discovery.Length, estimation.Length,
            bound.RowsDropped + (found.Missing?.RowsDropped ?? 0), tailoring.BySubgroup.Cast<TreatmentEffect?>().ToArray());
        if (found.Missing is { } missing) OutputFormats.NoteMissingFeatures(context, missing);
        if (shape == OutputFormat.Json)
        {
            JsonOutput.Write(json, context.Out);
            OutputFormats.NoteDropped(context, bound);
            return CliApp.ExitOk;
        }
        string I(int n) => n.ToString(CultureInfo.InvariantCulture);
        var console = OutputFormats.Console(context);
        console.Write(OutputFormats.Grid(string.Create(CultureInfo.InvariantCulture, $"Interaction tree ({treatment.Name}: {treated} vs {reference}): {json.Splits.Count} splits, {model.Leaves.Count} subgroups"),
            ["Node", "Split", "n", "Interaction χ² (1 df)", "p", "Bonferroni p", "Candidates"],
            json.Splits.Select(x => (IEnumerable<string>)[x.Node, SplitText(x), I(x.N), Text.Number(x.Statistic), Text.P(x.P), Text.P(x.AdjustedP), I(x.Candidates)])));
        var adjusted = tailoring.Overall.AdjustedFor;
        console.Write(OutputFormats.Grid($"Treatment effect by subgroup ({(honest ? string.Create(CultureInfo.InvariantCulture, $"estimated on the {estimation.Length:N0} held-out patients") : "estimated on the same patients")}; " +
                $"HR adjusted for {(adjusted.Count == 0 ? "nothing (no covariates declared)" : string.Join(", ", adjusted))}; RMST to {Text.Number(horizon)})",
            ["Subgroup", "Rule", $"n ({reference}/{treated})", $"Events ({reference}/{treated})", "HR (95% CI)", "p", "RMST difference (95% CI)"],
            json.Leaves.Select(l => (IEnumerable<string>)[l.Subgroup, l.Rule, $"{I(l.ReferencePatients)}/{I(l.TreatedPatients)}",
                $"{I(l.ReferenceEvents)}/{I(l.TreatedEvents)}", Text.WithInterval(l.Hr, l.HrLower, l.HrUpper, 3), Text.P(l.P),
                Text.WithInterval(l.RmstDifference, l.RmstDifferenceLower, l.RmstDifferenceUpper, 3)])));
        if (model.Leaves.Count == 1)
            console.WriteLine($"Finding: {PredictiveSubgroups.NoSplitFinding} (alpha {Text.Number(options.Alpha)}).");
        else if (honest)
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"n and events: the {discovery.Length:N0} patients that grew the tree; HR and RMST difference: the other {estimation.Length:N0}, so they are honest estimates."));
        else
            console.WriteLine("Optimistic: the splits were chosen on these same patients, so the subgroup effects overstate how much the effect differs. " +
                "Use validation: split in the spec for honest estimates.");
        OutputFormats.WriteDropped(console, bound);
        return CliApp.ExitOk;
    }

    private static string SplitText(InteractionSplitJson split) => split.LeftLevels.Count > 0
        ? $"{split.Feature} in {{{string.Join(", ", split.LeftLevels)}}}"
        : $"{split.Feature} <= {split.Threshold.ToString("R", CultureInfo.InvariantCulture)}";
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
