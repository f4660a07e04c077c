using System.Globalization;
using Stratify.Clustering;
using Stratify.Data;
using Stratify.Predictive;
using Stratify.Survival;

namespace Stratify.Stratification;

/// <summary>
/// Subgroups that differ in the treatment's effect (predictive subgroups), for <see cref="SubgroupFinder"/> and the
/// CLI: an interaction tree grown on the discovery patients, whose leaf rules place every other patient; or bands of a
/// continuous marker with the STEPP analysis of the effect along it.
/// </summary>
/// <remarks>
/// Honest estimation (Athey &amp; Imbens 2016): the tree's splits are chosen by the outcomes of the discovery patients,
/// so effects estimated on the same patients are biased away from "no difference". With <c>validation: split</c> the
/// run estimates every effect on the held-out half; without it, the assignment carries a warning that the estimates
/// are optimistic. STEPP bands are cut at quantiles of the marker, chosen without looking at outcomes, so they carry
/// no such bias and no warning.
/// </remarks>
internal static class PredictiveSubgroups
{
    /// <summary>True for the patients of the treated (non-reference) arm; refused when the study names no two-arm treatment.</summary>
    public static bool[] Treated(BoundStudy study, string method)
    {
        var treatment = study.Treatment ?? throw new StratifyInputException($"{method} compares the treatment's effect between patients, but no treatment is named",
            study.Spec.SourceFile ?? "command line", suggestion: "Add treatment: (and treatment_reference:) to the spec, or pass --treatment COLUMN (and --reference COLUMN=LEVEL).");
        if (treatment.LevelCount != 2)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"{method} compares two arms, but the treatment column has {treatment.LevelCount} ({string.Join(", ", treatment.Levels)})"),
                study.Spec.SourceFile ?? "command line", treatment.Name, suggestion: "Recode the treatment into two arms.");
        var treated = new bool[study.RowCount];
        for (int i = 0; i < treated.Length; i++) treated[i] = treatment.Codes[i] != treatment.Reference;
        return treated;
    }

    /// <summary>The reference (comparator) arm's name and the treated arm's, of a two-arm treatment.</summary>
    public static (string Reference, string Treated) ArmNames(Factor treatment) =>
        (treatment.Levels[treatment.Reference], treatment.Levels[treatment.Reference == 0 ? 1 : 0]);

    /// <summary>
    /// Grows the interaction tree on the patients at <paramref name="positions"/> of a feature set whose split candidates
    /// are <paramref name="features"/> (over the set's patients); <paramref name="rows"/> are the same patients as
    /// analysed rows.
    /// </summary>
    public static InteractionTreeModel GrowInteractionTree(BoundStudy study, IReadOnlyList<SurvivalTreeFeature> features, int[] positions, int[] rows,
        InteractionTreeOptions options)
    {
        var treated = Treated(study, "an interaction tree");
        var data = new SurvivalData(RowSelection.Pick(study.Time!, rows), RowSelection.Pick(study.Event!, rows), null, null,
            study.Strata is null ? null : RowSelection.Pick(study.Strata.Codes, rows), study.Strata?.Levels);
        return TreatmentInteractionTree.Grow(data, RowSelection.Pick(treated, rows), features.Select(f => SubgroupFinder.Restrict(f, positions)).ToArray(), options);
    }

    /// <summary>
    /// The interaction tree's options from the spec: min_node_size, max_depth, the study's min_events_per_arm for each
    /// arm of each child, and the study's interaction_alpha for the Bonferroni-adjusted split test (one threshold for
    /// every claim that the effect differs).
    /// </summary>
    public static InteractionTreeOptions TreeOptions(StudySpec spec) => new()
    {
        MinNodeSize = spec.Subgroups!.MinNodeSize, MinEventsPerArm = spec.MinEventsPerArm, MaxDepth = spec.Subgroups.MaxDepth, Alpha = spec.InteractionAlpha,
    };

    /// <summary>
    /// The interaction tree of a run, grown on the discovery patients that have every complete-case feature, with the
    /// features under the spec's missing-value policy (fills from the discovery patients); every analysed patient is
    /// placed by its rules (model.json).
    /// </summary>
    public static SubgroupAssignment ByInteractionTree(BoundStudy study, SubgroupSpec spec, int[] discovery, IProgress<string>? progress,
        InteractionTreeOptions? options = null)
    {
        if (study.Features.Count == 0)
            throw new StratifyInputException("the interaction tree needs candidate features", study.Spec.SourceFile,
                suggestion: "List them under subgroups: features: (numeric / categorical / ordinal).");
        SubgroupFinder.RefusePairwise(study, spec, "the interaction tree");
        var all = FeatureSet.From(study.Features, spec.Missing, spec.MissingByFeature, fillFrom: discovery);
        var candidates = SubgroupFinder.TreeFeatures(all);
        var found = SubgroupFinder.Positions(all, discovery);
        progress?.Report(string.Create(CultureInfo.InvariantCulture, $"growing an interaction tree on {found.Length:N0} patients ({candidates.Count} candidate features)"));
        var tree = GrowInteractionTree(study, candidates, found, RowSelection.Pick(all.SourceRows, found), options ?? TreeOptions(study.Spec));
        int leaves = tree.Leaves.Count;
        var model = new SubgroupModel("interaction_tree", "the leaf whose rule the patient meets", Ids(leaves), SubgroupModel.FeaturesOf(all, rules: true),
            Rules: new RulePlacement(tree.Leaves.Select(l => l.Conditions).ToArray()));
        var codes = SubgroupFinder.Place(study, model);
        var warnings = all.Missing.Warnings();
        if (leaves == 1)
            warnings.Add(CountedText.Plain(NoSplitFinding));
        else if (discovery.Length == study.RowCount)
            warnings.Add(CountedText.Plain("the interaction tree chose its splits on the same patients whose treatment effects are reported, so the subgroup effects " +
                "and the interaction test are optimistic (they overstate how much the effect differs); use validation: split for honest estimates"));
        var profiles = leaves > 1 ? ClusterProfiles.Describe(FeatureSet.From(study.Features, MissingPolicy.Pairwise), codes, leaves) : [];
        var rules = tree.Leaves.Select(l => l.Rule).ToArray();
        return new SubgroupAssignment(spec.Method, Ids(leaves), rules, rules, codes, spec.Features.Select(f => f.Column).ToArray(), null, null, profiles, warnings)
        {
            Missing = all.Missing,
            InteractionTree = tree,
            TreeFeatures = candidates,
            Model = model,
        };
    }

    /// <summary>What a run says when the interaction tree makes no split: a finding, not a fault.</summary>
    public const string NoSplitFinding = "no subgroup whose treatment effect differs was found: the interaction tree made no split whose treatment × split " +
        "interaction passes the Bonferroni-adjusted test, so all patients form one subgroup and the overall effect is the best guide for every patient";

    /// <summary>
    /// The STEPP analysis of the marker among <paramref name="rows"/> (indices into the analysed rows, each with the marker
    /// observed), every window's hazard ratio adjusted for <paramref name="covariates"/> as the treatment layer adjusts
    /// (<see cref="TreatmentTailoring.AdjustedLogHazardRatio"/>; none: treatment only).
    /// </summary>
    public static SteppResult Stepp(BoundStudy study, SubgroupSpec spec, int[] rows, int seed, IReadOnlyList<BoundCovariate> covariates, double? horizon = null)
    {
        var treated = Treated(study, "STEPP");
        var marker = Marker(study, spec);
        var data = new SurvivalData(RowSelection.Pick(study.Time!, rows), RowSelection.Pick(study.Event!, rows), null, null,
            study.Strata is null ? null : RowSelection.Pick(study.Strata.Codes, rows), study.Strata?.Levels);
        return Predictive.Stepp.Analyse(data, RowSelection.Pick(treated, rows), spec.Marker!, RowSelection.Pick(marker, rows), new SteppOptions
        {
            PatientsPerWindow = spec.WindowPatients, Overlap = spec.WindowOverlap, Permutations = spec.Permutations, Seed = seed, RmstHorizon = horizon,
            AdjustedLogHazardRatio = covariates.Count == 0 ? null
                : window => TreatmentTailoring.AdjustedLogHazardRatio(study, RowSelection.Pick(rows, window), covariates),
        });
    }

    /// <summary>The marker's values over the analysed rows (NaN where missing); refused unless it is a numeric feature.</summary>
    public static double[] Marker(BoundStudy study, SubgroupSpec spec) =>
        study.Features.FirstOrDefault(c => c.Name == spec.Marker)?.Values
        ?? throw new StratifyInputException("the STEPP marker must be a numeric column", study.Spec.SourceFile, spec.Marker,
            suggestion: "Name a continuous measurement (a biomarker, age) as the marker.");

    /// <summary>The analysed rows among <paramref name="rows"/> whose marker is observed.</summary>
    public static int[] WithMarker(double[] marker, int[] rows) => rows.Where(r => !double.IsNaN(marker[r])).ToArray();

    /// <summary>
    /// The cut points of <paramref name="bands"/> bands of about equal size: the marker values at ranks ⌈k·n/bands⌉
    /// (k = 1 … bands − 1) of the sorted values, so each band is "marker ≤ c" above the last; repeated cut points (many
    /// tied values) are merged, giving fewer bands.
    /// </summary>
    public static double[] BandCuts(double[] values, int bands)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        var cuts = new List<double>();
        for (int k = 1; k < bands; k++)
        {
            double cut = sorted[Math.Max(0, (int)Math.Ceiling((double)k * sorted.Length / bands) - 1)];
            if (cut < sorted[^1] && (cuts.Count == 0 || cut > cuts[^1])) cuts.Add(cut);
        }
        return [.. cuts];
    }

    /// <summary>The band of a marker value: the number of cut points below it.</summary>
    public static int Band(double[] cuts, double value)
    {
        int band = 0;
        while (band < cuts.Length && value > cuts[band]) band++;
        return band;
    }

    /// <summary>The rule of band <paramref name="band"/>: "marker &lt;= c1", "c1 &lt; marker &lt;= c2", "marker &gt; c_last".</summary>
    public static string BandRule(string marker, double[] cuts, int band)
    {
        string Number(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        return band == 0 ? $"{marker} <= {Number(cuts[0])}"
            : band == cuts.Length ? $"{marker} > {Number(cuts[^1])}"
            : $"{Number(cuts[band - 1])} < {marker} <= {Number(cuts[band])}";
    }

    internal static SubgroupAssignment BySteppBands(BoundStudy study, SubgroupSpec spec, int[] discovery, int seed, IProgress<string>? progress)
    {
        Treated(study, "STEPP"); // refuses a study without a two-arm treatment before anything else
        var marker = Marker(study, spec);
        var observed = WithMarker(marker, discovery);
        progress?.Report(string.Create(CultureInfo.InvariantCulture, $"STEPP of {spec.Marker} on {observed.Length:N0} patients ({spec.Permutations} permutations)"));
        var stepp = Stepp(study, spec, observed, seed, StratificationRun.TreatmentCovariates(study.Spec, study));
        var cuts = BandCuts(RowSelection.Pick(marker, observed), spec.Bands);
        if (cuts.Length == 0)
            throw new StratifyInputException("the marker has too few distinct values to cut into bands", study.Spec.SourceFile, spec.Marker);
        var model = new SubgroupModel("stepp", $"the band of {spec.Marker} (cut at its quantiles among the discovery patients)", Ids(cuts.Length + 1),
            [new ModelFeature(spec.Marker!, ModelFeature.Numeric, null, null)], Bands: new BandPlacement(cuts));
        var codes = SubgroupFinder.Place(study, model);
        // The marker is always complete-case: a patient without it has no place on the marker's axis.
        var missing = FeatureSet.From(study.Features.Where(f => f.Name == spec.Marker).ToArray(), MissingPolicy.CompleteCase).Missing;
        var warnings = missing.Warnings();
        if (cuts.Length + 1 < spec.Bands)
            warnings.Add(CountedText.Plain(string.Create(CultureInfo.InvariantCulture, $"{spec.Marker} has so many tied values that only {cuts.Length + 1} bands of about equal size could be cut (bands: {spec.Bands} asked)")));
        var rules = Enumerable.Range(0, cuts.Length + 1).Select(b => BandRule(spec.Marker!, cuts, b)).ToArray();
        var profiles = ClusterProfiles.Describe(FeatureSet.From(study.Features, MissingPolicy.Pairwise), codes, cuts.Length + 1);
        return new SubgroupAssignment(spec.Method, Ids(cuts.Length + 1), rules, rules, codes, spec.Features.Select(f => f.Column).ToArray(), null, null, profiles, warnings)
        {
            Missing = missing,
            Stepp = stepp,
            BandCuts = cuts,
            Model = model,
        };
    }

    private static string[] Ids(int count) => Enumerable.Range(0, count).Select(SubgroupFinder.Letter).ToArray();
}
