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
public static class PredictiveSubgroups
{
    /// <summary>True for the patients of the treated (non-reference) arm; refused when the study names no two-arm treatment.</summary>
    public static bool[] Treated(BoundStudy study, string method)
    {
        var treatment = study.Treatment ?? throw new StratifyInputException($"{method} compares the treatment's effect between patients, but no treatment is named",
            study.Spec.SourceFile ?? "command line", suggestion: "Add treatment: (and treatment_reference:) to the spec, or pass --treatment COLUMN (and --reference COLUMN=LEVEL).");
        if (treatment.LevelCount != 2)
            throw new StratifyInputException($"{method} compares two arms, but the treatment column has {treatment.LevelCount} ({string.Join(", ", treatment.Levels)})",
                study.Spec.SourceFile ?? "command line", treatment.Name, suggestion: "Recode the treatment into two arms.");
        var treated = new bool[study.RowCount];
        for (int i = 0; i < treated.Length; i++) treated[i] = treatment.Codes[i] != treatment.Reference;
        return treated;
    }

    /// <summary>The reference (comparator) arm's name and the treated arm's, of a two-arm treatment.</summary>
    public static (string Reference, string Treated) ArmNames(Factor treatment) =>
        (treatment.Levels[treatment.Reference], treatment.Levels[treatment.Reference == 0 ? 1 : 0]);

    /// <summary>The spec's features as tree split candidates over every analysed patient (they are bound as covariates, so complete).</summary>
    public static SurvivalTreeFeature[] TreeFeatures(BoundStudy study, SubgroupSpec spec) =>
        study.Covariates.Where(c => spec.Features.Any(f => f.Column == c.Name)).Select(StudyTreeFeatures.From).ToArray();

    /// <summary>Grows the interaction tree on the <paramref name="discovery"/> patients (indices into the analysed rows).</summary>
    public static InteractionTreeModel GrowInteractionTree(BoundStudy study, SurvivalTreeFeature[] features, int[] discovery, InteractionTreeOptions options)
    {
        var treated = Treated(study, "an interaction tree");
        var data = new SurvivalData(RowSelection.Pick(study.Time!, discovery), RowSelection.Pick(study.Event!, discovery), null, null,
            study.Strata is null ? null : RowSelection.Pick(study.Strata.Codes, discovery), study.Strata?.Levels);
        return InteractionTree.Grow(data, RowSelection.Pick(treated, discovery), features.Select(f => SubgroupFinder.Restrict(f, discovery)).ToArray(), options);
    }

    internal static SubgroupAssignment ByInteractionTree(BoundStudy study, SubgroupSpec spec, int[] discovery, IProgress<string>? progress)
    {
        var features = TreeFeatures(study, spec);
        progress?.Report($"growing an interaction tree on {discovery.Length:N0} patients ({features.Length} candidate features)");
        var model = GrowInteractionTree(study, features, discovery, new InteractionTreeOptions
        {
            MinNodeSize = spec.MinNodeSize, MinEventsPerArm = spec.MinEventsPerArm, MaxDepth = spec.MaxDepth,
        });
        var conditions = model.Leaves.Select(l => l.Conditions).ToArray();
        var codes = new int[study.RowCount];
        for (int row = 0; row < codes.Length; row++) codes[row] = SubgroupFinder.Leaf(conditions, features, row);
        var warnings = new List<string>();
        if (model.Leaves.Count == 1)
            warnings.Add("the interaction tree found no split whose treatment × split interaction passes the Bonferroni-adjusted test: " +
                "no rule identifies patients who benefit differently, and all patients form one subgroup");
        else if (discovery.Length == study.RowCount)
            warnings.Add("the interaction tree chose its splits on the same patients whose treatment effects are reported, so the subgroup effects " +
                "and the interaction test are optimistic (they overstate how much the effect differs); use validation: split for honest estimates");
        var leaves = model.Leaves.Count;
        var profiles = leaves > 1 ? ClusterProfiles.Describe(SubgroupFinder.Features(study, spec.Features, MissingPolicy.Pairwise), codes, leaves) : [];
        var rules = model.Leaves.Select(l => l.Rule).ToArray();
        return new SubgroupAssignment(spec.Method, Ids(leaves), rules, rules, codes, spec.Features.Select(f => f.Column).ToArray(), null, null, profiles, warnings)
        {
            InteractionTree = model,
            TreeFeatures = features,
            Model = new SubgroupModel("interaction_tree", "the leaf whose rule the patient meets", Ids(leaves), SubgroupModel.TreeFeatures(study, features),
                Rules: new RulePlacement(conditions)),
        };
    }

    /// <summary>The STEPP analysis of the marker among <paramref name="rows"/> (indices into the analysed rows).</summary>
    public static SteppResult Stepp(BoundStudy study, SubgroupSpec spec, int[] rows, int seed, double? horizon = null)
    {
        var treated = Treated(study, "STEPP");
        var marker = Marker(study, spec);
        var data = new SurvivalData(RowSelection.Pick(study.Time!, rows), RowSelection.Pick(study.Event!, rows), null, null,
            study.Strata is null ? null : RowSelection.Pick(study.Strata.Codes, rows), study.Strata?.Levels);
        return Predictive.Stepp.Analyse(data, RowSelection.Pick(treated, rows), spec.Marker!, RowSelection.Pick(marker, rows), new SteppOptions
        {
            PatientsPerWindow = spec.WindowPatients, Overlap = spec.WindowOverlap, Permutations = spec.Permutations, Seed = seed, RmstHorizon = horizon,
        });
    }

    /// <summary>The marker's values over the analysed rows (bound as a numeric covariate).</summary>
    public static double[] Marker(BoundStudy study, SubgroupSpec spec) =>
        study.Covariates.FirstOrDefault(c => c.Name == spec.Marker)?.Values
        ?? throw new StratifyInputException("the STEPP marker must be a numeric column", study.Spec.SourceFile, spec.Marker,
            suggestion: "Name a continuous measurement (a biomarker, age) as the marker.");

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
        progress?.Report($"STEPP of {spec.Marker} on {discovery.Length:N0} patients ({spec.Permutations} permutations)");
        var stepp = Stepp(study, spec, discovery, seed);
        var marker = Marker(study, spec);
        var cuts = BandCuts(RowSelection.Pick(marker, discovery), spec.Bands);
        if (cuts.Length == 0)
            throw new StratifyInputException("the marker has too few distinct values to cut into bands", study.Spec.SourceFile, spec.Marker);
        var codes = new int[study.RowCount];
        for (int row = 0; row < codes.Length; row++) codes[row] = Band(cuts, marker[row]);
        var warnings = new List<string>();
        if (cuts.Length + 1 < spec.Bands)
            warnings.Add($"{spec.Marker} has so many tied values that only {cuts.Length + 1} bands of about equal size could be cut (bands: {spec.Bands} asked)");
        var rules = Enumerable.Range(0, cuts.Length + 1).Select(b => BandRule(spec.Marker!, cuts, b)).ToArray();
        var profiles = ClusterProfiles.Describe(SubgroupFinder.Features(study, spec.Features, MissingPolicy.Pairwise), codes, cuts.Length + 1);
        return new SubgroupAssignment(spec.Method, Ids(cuts.Length + 1), rules, rules, codes, spec.Features.Select(f => f.Column).ToArray(), null, null, profiles, warnings)
        {
            Stepp = stepp,
            BandCuts = cuts,
            Model = new SubgroupModel("stepp", $"the band of {spec.Marker} (cut at its quantiles among the discovery patients)", Ids(cuts.Length + 1),
                [new ModelFeature(spec.Marker!, ModelFeature.Numeric, null, null)], Bands: new BandPlacement(cuts)),
        };
    }

    private static string[] Ids(int count) => Enumerable.Range(0, count).Select(SubgroupFinder.Letter).ToArray();
}
