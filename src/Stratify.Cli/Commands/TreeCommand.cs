using System.CommandLine;
using System.Globalization;
using Spectre.Console;
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
        var features = new Option<string?>("--features") { Description = "Candidate split variables, comma separated (text columns are categorical)." };
        var minNode = new Option<int>("--min-node-size") { Description = "Fewest patients in a leaf.", DefaultValueFactory = _ => 20 };
        var maxDepth = new Option<int>("--max-depth") { Description = "Deepest split level.", DefaultValueFactory = _ => 3 };
        var alpha = new Option<double>("--alpha") { Description = "Split only when the Bonferroni-adjusted p-value is below alpha.", DefaultValueFactory = _ => 0.05 };
        var output = new Option<string?>("--out") { Description = "Write patient id → leaf to this .parquet or .csv file." };
        var interaction = new Option<bool>("--interaction")
        {
            Description = "Grow an interaction tree instead: each split maximises the treatment × split interaction (needs --treatment); " +
                "with validation: split in the spec, the effects are estimated on the held-out half.",
        };
        var minEvents = new Option<int>("--min-events-per-arm") { Description = "Interaction tree: fewest events in each arm of each child.", DefaultValueFactory = _ => 5 };
        var command = new Command("tree", "Grow a survival tree (maximal log-rank splits, Bonferroni-adjusted stopping) whose leaves are subgroups; " +
            "--interaction grows an interaction tree whose leaves differ in the treatment effect.")
            { format, features, minNode, maxDepth, alpha, output, interaction, minEvents };
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
            if (parse.GetValue(interaction))
            {
                int events = parse.GetValue(minEvents) >= 1 ? parse.GetValue(minEvents) : throw new StratifyInputException("must be at least 1", "--min-events-per-arm");
                return Interaction(context, spec, shape, new InteractionTreeOptions
                {
                    MinNodeSize = options.MinNodeSize, MaxDepth = options.MaxDepth, Alpha = options.Alpha, MinEventsPerArm = events,
                }, parse.GetValue(output));
            }
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

    /// <summary>
    /// The interaction tree: grown on the discovery patients (all of them, or the spec's validation split), leaf
    /// effects estimated by the treatment layer on the estimation patients, printed with the splits' tests.
    /// </summary>
    private static int Interaction(CliContext context, StudySpec spec, OutputFormat shape, InteractionTreeOptions options, string? output)
    {
        var bound = StudyBinder.Load(spec with { Covariates = spec.Subgroups!.Features });
        var features = bound.Covariates.Select(StudyTreeFeatures.From).ToArray();
        var (_, discovery, estimation) = StratificationRun.Split(bound, spec.Validation, spec.Seed);
        bool honest = spec.Validation.Mode == ValidationMode.Split;
        var model = PredictiveSubgroups.GrowInteractionTree(bound, features, discovery, options);
        var treatment = bound.Treatment!;
        var conditions = model.Leaves.Select(l => l.Conditions).ToArray();
        var leafOfRow = new int[bound.RowCount];
        for (int row = 0; row < leafOfRow.Length; row++) leafOfRow[row] = SubgroupFinder.Leaf(conditions, features, row);
        var leaves = new Factor("leaf", RowSelection.Pick(leafOfRow, estimation), model.Leaves.Select((_, i) => SubgroupFinder.Letter(i)).ToArray());
        double horizon = spec.RmstHorizon ?? StratificationRun.DefaultHorizon(RowSelection.Pick(bound.Time!, estimation), leaves,
            RowSelection.Pick(treatment.Codes, estimation));
        var effects = Enumerable.Range(0, model.Leaves.Count)
            .Select(leaf => (TreatmentEffect?)TreatmentTailoring.Estimate(bound, estimation.Where((_, i) => leaves.Codes[i] == leaf).ToArray(),
                leaves.Levels[leaf], new KaplanMeierOptions { RmstHorizon = horizon }))
            .ToArray();
        if (output is { } path) AssignmentFile.Write(path, bound, leafOfRow.Select(l => model.Leaves[l].Rule).ToArray());
        var (reference, treated) = PredictiveSubgroups.ArmNames(treatment);
        var json = PredictiveJson.From(model, treatment.Name, (reference, treated), honest, discovery.Length, estimation.Length, bound.RowsDropped, effects);
        if (shape == OutputFormat.Json)
        {
            JsonOutput.Write(json, context.Out);
            OutputFormats.NoteDropped(context, bound);
            return CliApp.ExitOk;
        }
        string I(int n) => n.ToString(CultureInfo.InvariantCulture);
        var console = OutputFormats.Console(context);
        console.Write(OutputFormats.Grid($"Interaction tree ({treatment.Name}: {treated} vs {reference}): {json.Splits.Count} splits, {model.Leaves.Count} subgroups",
            ["Node", "Split", "n", "Interaction χ² (1 df)", "p", "Bonferroni p", "Candidates"],
            json.Splits.Select(x => (IEnumerable<string>)[x.Node, SplitText(x), I(x.N), Text.Number(x.Statistic), Text.P(x.P), Text.P(x.AdjustedP), I(x.Candidates)])));
        console.Write(OutputFormats.Grid($"Treatment effect by subgroup ({(honest ? $"estimated on the {estimation.Length:N0} held-out patients" : "estimated on the same patients")}; RMST to {Text.Number(horizon)})",
            ["Subgroup", "Rule", $"n ({reference}/{treated})", $"Events ({reference}/{treated})", "HR (95% CI)", "p", "RMST difference (95% CI)"],
            json.Leaves.Select(l => (IEnumerable<string>)[l.Subgroup, l.Rule, $"{I(l.ReferencePatients)}/{I(l.TreatedPatients)}",
                $"{I(l.ReferenceEvents)}/{I(l.TreatedEvents)}", Text.WithInterval(l.Hr, l.HrLower, l.HrUpper, 3), Text.P(l.P),
                Text.WithInterval(l.RmstDifference, l.RmstDifferenceLower, l.RmstDifferenceUpper, 3)])));
        if (honest)
            console.WriteLine($"n and events: the {discovery.Length:N0} patients that grew the tree; HR and RMST difference: the other {estimation.Length:N0}, so they are honest estimates.");
        else
            console.WriteLine("Optimistic: the splits were chosen on these same patients, so the subgroup effects overstate how much the effect differs. " +
                "Use validation: split in the spec for honest estimates.");
        if (model.Leaves.Count == 1) console.WriteLine("No split passed the Bonferroni-adjusted interaction test: no rule identifies patients who benefit differently.");
        OutputFormats.WriteDropped(console, bound);
        return CliApp.ExitOk;
    }

    private static string SplitText(InteractionSplitJson split) => split.LeftLevels.Count > 0
        ? $"{split.Feature} in {{{string.Join(", ", split.LeftLevels)}}}"
        : $"{split.Feature} <= {split.Threshold.ToString("R", CultureInfo.InvariantCulture)}";
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
