using Stratify.Clustering;
using Stratify.Data;
using Stratify.Survival;
using System.Globalization;

namespace Stratify.Stratification;

/// <summary>
/// The subgroups of a run: an id per subgroup ("A", "B", … in decreasing size for clusters and left-to-right
/// leaves for a tree; the level for an existing column), each analysed patient's subgroup, a plain-language
/// description and, for a tree, the rule. Every patient is placed by <see cref="Model"/>, the rule a new patient
/// follows too; a patient it cannot place (a complete-case feature missing) has code −1, and <see cref="Missing"/>
/// says what the missing-value policies did.
/// </summary>
public sealed record SubgroupAssignment(
    SubgroupMethod Method,
    string[] Ids,
    string[] Descriptions,
    string?[] Rules,
    int[] CodeOfRow,
    IReadOnlyList<string> Features,
    ClusteringResult? Clustering,
    SurvivalTreeModel? Tree,
    IReadOnlyList<ClusterProfile> Profiles,
    IReadOnlyList<CountedText> Warnings)
{
    /// <summary>What the missing-value policies did to each feature (null for an existing column).</summary>
    public MissingValueReport? Missing { get; init; }
    /// <summary>The placement rule learnt on the discovery patients (model.json), which placed every analysed patient.</summary>
    internal SubgroupModel? Model { get; init; }
    /// <summary>The interaction tree (method interaction_tree), grown on the discovery patients.</summary>
    internal Predictive.InteractionTreeModel? InteractionTree { get; init; }
    /// <summary>The split candidates of a tree over the patients of its feature set, in the order the tree's conditions index them.</summary>
    internal IReadOnlyList<SurvivalTreeFeature>? TreeFeatures { get; init; }
    /// <summary>The STEPP analysis of the marker on the discovery patients (method stepp).</summary>
    internal Predictive.SteppResult? Stepp { get; init; }
    /// <summary>The marker's cut points between the STEPP bands (method stepp): band b holds cut[b−1] &lt; marker ≤ cut[b].</summary>
    internal IReadOnlyList<double>? BandCuts { get; init; }

    public Factor ToFactor(string name, int[] rows)
    {
        var codes = new int[rows.Length];
        for (int k = 0; k < rows.Length; k++) codes[k] = CodeOfRow[rows[k]];
        return new Factor(name, codes, Ids);
    }
}

/// <summary>
/// Finds subgroups by the spec's route, on the discovery patients only, and places every analysed patient with the
/// resulting <see cref="SubgroupModel"/> (the rule model.json keeps for new patients): clustering — the nearest
/// medoid by Gower dissimilarity scaled as on the discovery patients (k-medoids), the nearest centre (k-means), the
/// most probable component (mixtures) or the nearest cluster centroid (Ward's hierarchical clustering, whose tree has
/// no rule for a new patient; the centroid is Ward's own summary of a cluster) in the discovery patients'
/// coordinates; a survival tree or an interaction tree — its rules; bands of a STEPP marker; or an existing column's
/// levels. Clustering and the trees use the features the binder bound (<see cref="BoundStudy.Features"/>) under the
/// spec's <c>missing:</c> policy (<see cref="MissingPolicy"/>), with fill values computed on the discovery patients
/// and kept in the model; a patient missing a complete-case feature gets no subgroup. A discovery patient the rule
/// places outside its fitted cluster (ties, or a hierarchical cluster that is not the nearest centroid's) follows the
/// rule, and a warning counts them.
/// </summary>
internal static class SubgroupFinder
{
    /// <summary>Finds the subgroups; <paramref name="survival"/> is the study's survival data (all analysed patients), whose time order the survival tree shares.</summary>
    public static SubgroupAssignment Find(BoundStudy study, int[] discovery, int seed, IProgress<string>? progress = null, SurvivalData? survival = null)
    {
        var spec = study.Spec.Subgroups ?? throw new StratifyInputException("the spec names no subgroups", study.Spec.SourceFile,
            suggestion: "Add subgroups: with method (kmedoids, kmeans, gmm, hierarchical, tree, interaction_tree, stepp or column) and features.");
        return spec.Method switch
        {
            SubgroupMethod.Column => ByColumn(study, spec),
            SubgroupMethod.SurvivalTree => ByTree(study, spec, discovery, progress, survival ?? SurvivalData.From(study)),
            SubgroupMethod.InteractionTree => PredictiveSubgroups.ByInteractionTree(study, spec, discovery, progress),
            SubgroupMethod.Stepp => PredictiveSubgroups.BySteppBands(study, spec, discovery, seed, progress),
            _ => ByClustering(study, spec, discovery, seed, progress),
        };
    }

    /// <summary>Every analysed patient's subgroup by the model (−1: not placed).</summary>
    internal static int[] Place(BoundStudy study, SubgroupModel model) => model.Assign(study.Cohort, study.Rows).SubgroupOfRow;

    private static SubgroupAssignment ByColumn(BoundStudy study, SubgroupSpec spec)
    {
        var factor = study.SubgroupColumn!;
        var described = study.Features.Count > 0 ? study.Features : study.Covariates;
        var profiles = described.Count == 0 ? [] : ClusterProfiles.Describe(FeatureSet.From(described, MissingPolicy.Pairwise), factor.Codes, factor.LevelCount);
        var model = new SubgroupModel("column", $"the level of {factor.Name}", factor.Levels,
            [new ModelFeature(factor.Name, ModelFeature.Categorical, factor.Levels, null)]);
        return new SubgroupAssignment(spec.Method, factor.Levels, factor.Levels.Select(l => $"{factor.Name} = {l}").ToArray(),
            new string?[factor.LevelCount], Place(study, model), described.Select(f => f.Name).ToArray(), null, null, profiles, [])
        {
            Model = model,
        };
    }

    private static SubgroupAssignment ByTree(BoundStudy study, SubgroupSpec spec, int[] discovery, IProgress<string>? progress, SurvivalData survival)
    {
        if (study.Features.Count == 0)
            throw new StratifyInputException("the survival tree needs candidate features", study.Spec.SourceFile,
                suggestion: "List them under subgroups: features: (numeric / categorical / ordinal).");
        RefusePairwise(study, spec, "the survival tree");
        var all = FeatureSet.From(study.Features, spec.Missing, spec.MissingByFeature, fillFrom: discovery);
        var candidates = TreeFeatures(all);
        var found = Positions(all, discovery);
        progress?.Report(string.Create(CultureInfo.InvariantCulture, $"growing a survival tree on {found.Length:N0} patients ({candidates.Count} candidate features)"));
        var tree = LogRankTree.Grow(survival.Subset(RowSelection.Pick(all.SourceRows, found)), candidates.Select(f => Restrict(f, found)).ToArray(),
            new SurvivalTreeOptions { MinNodeSize = spec.MinNodeSize, MaxDepth = spec.MaxDepth });
        var ids = Enumerable.Range(0, tree.Leaves.Count).Select(Letter).ToArray();
        var model = new SubgroupModel("tree", "the leaf whose rule the patient meets", ids, SubgroupModel.FeaturesOf(all, rules: true),
            Rules: new RulePlacement(tree.Leaves.Select(l => l.Conditions).ToArray()));
        var codes = Place(study, model);
        var warnings = all.Missing.Warnings();
        if (tree.Leaves.Count == 1)
            warnings.Add(CountedText.Plain("the survival tree found no split that passes the Bonferroni-adjusted test: all patients form one subgroup"));
        var profiles = tree.Leaves.Count > 1 ? ClusterProfiles.Describe(FeatureSet.From(study.Features, MissingPolicy.Pairwise), codes, tree.Leaves.Count) : [];
        return new SubgroupAssignment(spec.Method, ids, tree.Leaves.Select(l => l.Rule).ToArray(), tree.Leaves.Select(l => (string?)l.Rule).ToArray(),
            codes, spec.Features.Select(f => f.Column).ToArray(), null, tree, profiles, warnings)
        {
            Missing = all.Missing,
            TreeFeatures = candidates,
            Model = model,
        };
    }

    /// <summary>
    /// A feature set as survival-tree split candidates: numeric features split on thresholds; categorical ones (and
    /// missing-value indicators) on groups of levels; ordinal ones on thresholds of their level values when every level
    /// is a number (ECOG 0–3), else of their ranks (<see cref="SurvivalTreeFeature.Ordinal"/>). The set must have no
    /// missing value left (any policy but pairwise).
    /// </summary>
    public static IReadOnlyList<SurvivalTreeFeature> TreeFeatures(FeatureSet features) => features.Features.Select(f =>
    {
        if (f.Role == FeatureRole.Numeric) return SurvivalTreeFeature.Numeric(f.Name, f.Values);
        var codes = new int[f.Values.Length];
        for (int i = 0; i < codes.Length; i++) codes[i] = (int)f.Values[i] - 1;
        return f.Role == FeatureRole.Categorical ? SurvivalTreeFeature.Categorical(f.Name, codes, f.Levels!) : SurvivalTreeFeature.Ordinal(f.Name, codes, f.Levels!);
    }).ToArray();


    private static SubgroupAssignment ByClustering(BoundStudy study, SubgroupSpec spec, int[] discovery, int seed, IProgress<string>? progress)
    {
        var method = spec.Method switch
        {
            SubgroupMethod.KMeans => ClusteringMethod.KMeans,
            SubgroupMethod.GaussianMixture => ClusteringMethod.GaussianMixture,
            SubgroupMethod.Hierarchical => ClusteringMethod.Hierarchical,
            _ => ClusteringMethod.KMedoids,
        };
        bool gower = method == ClusteringMethod.KMedoids;
        if (!gower) RefusePairwise(study, spec, "a coordinate method (k-means, mixtures, Ward)");
        var all = FeatureSet.From(study.Features, spec.Missing, spec.MissingByFeature, fillFrom: discovery);
        var discoveryPositions = Positions(all, discovery);
        var found = all.Subset(discoveryPositions);
        progress?.Report(string.Create(CultureInfo.InvariantCulture, $"clustering {found.RowCount:N0} patients by {method} for k = {spec.KMin}..{spec.KMax}") +
            (spec.Bootstrap > 0 ? string.Create(CultureInfo.InvariantCulture, $", {spec.Bootstrap} bootstrap replicates") : ""));
        var result = SubgroupDiscovery.Fit(found, new ClusteringOptions(method, K: spec.KMin == spec.KMax ? spec.KMin : null,
            KMin: spec.KMin, KMax: spec.KMax, Seed: seed, StabilityResamples: spec.Bootstrap) { Progress = progress });
        int k = result.K;
        var ids = Enumerable.Range(0, k).Select(Letter).ToArray();
        var model = gower ? GowerModel(all, found, result, ids) : CoordinateModel(method, MethodName(spec.Method), all, found, result, ids);
        var codes = Place(study, model);
        var warnings = result.Notices.ToList();
        int moved = 0;
        for (int i = 0; i < found.RowCount; i++) if (codes[found.SourceRows[i]] != result.Assignment[i] - 1) moved++;
        if (moved > 0)
            warnings.Add(CountedText.Format($"{TextCount.Patients(moved)} of the {TextCount.Patients(found.RowCount)} patients the clustering was fitted on are nearer another subgroup's ")
                .Append($"{(gower ? "medoid" : method == ClusteringMethod.GaussianMixture ? "mixture component" : "centre")} than their own cluster's; every patient " +
                    "is placed by the rule a new patient follows (model.json), so they are counted in that subgroup"));
        var profiles = ClusterProfiles.Describe(FeatureSet.From(study.Features, MissingPolicy.Pairwise), codes, k);
        var descriptions = result.Clusters.OrderBy(c => c.Cluster).Select(c => c.Label).ToArray();
        return new SubgroupAssignment(spec.Method, ids, descriptions, new string?[k], codes, spec.Features.Select(f => f.Column).ToArray(),
            result, null, profiles, warnings)
        {
            Missing = all.Missing,
            Model = model,
        };
    }

    private static string MethodName(SubgroupMethod method) => method switch
    {
        SubgroupMethod.KMedoids => "kmedoids",
        SubgroupMethod.KMeans => "kmeans",
        SubgroupMethod.GaussianMixture => "gmm",
        _ => "hierarchical",
    };

    /// <summary>k-medoids: the medoids' feature values and the Gower scaling of the discovery patients.</summary>
    private static SubgroupModel GowerModel(FeatureSet all, FeatureSet found, ClusteringResult result, string[] ids)
    {
        var ranges = found.Features.Select(f => GowerDissimilarity.Range(f.Values)).ToArray();
        // A medoid is given as its 1-based row among the discovery patients' source rows (analysed rows): find its position in the whole set.
        var positionOfRow = new Dictionary<int, int>(all.RowCount);
        for (int position = 0; position < all.RowCount; position++) positionOfRow[all.SourceRows[position]] = position;
        var medoids = result.Clusters.OrderBy(c => c.Cluster)
            .Select(c => (IReadOnlyList<double>)all.Features.Select(f => f.Values[positionOfRow[c.Medoid!.Value - 1]]).ToArray()).ToArray();
        return new SubgroupModel("kmedoids", "the nearest medoid by Gower dissimilarity", ids, SubgroupModel.FeaturesOf(all, rules: false),
            Gower: new GowerPlacement(ranges.Select(r => r.Minimum).ToArray(), ranges.Select(r => r.Range).ToArray(),
                all.Features.Select(f => f.Weight).ToArray(), medoids));
    }

    /// <summary>
    /// k-means, mixtures and hierarchical: the discovery patients' coordinate space (scaling, one-hot columns; the
    /// missing-value fills and indicators are the model's features') and the centres, mixture parameters or cluster
    /// centroids in it.
    /// </summary>
    private static SubgroupModel CoordinateModel(ClusteringMethod method, string name, FeatureSet all, FeatureSet found, ClusteringResult result, string[] ids)
    {
        var x = found.ToCoordinates(FeatureScaling.Standardise);
        int k = result.K, p = x.Columns;
        var centres = new double[k][];
        if (method == ClusteringMethod.Hierarchical)
        {
            // Ward's clusters summarised by their centroids (mean coordinates of their discovery patients).
            var sizes = new int[k];
            for (int c = 0; c < k; c++) centres[c] = new double[p];
            for (int i = 0; i < x.Rows; i++)
            {
                int c = result.Assignment[i] - 1;
                sizes[c]++;
                for (int j = 0; j < p; j++) centres[c][j] += x[i, j];
            }
            for (int c = 0; c < k; c++) for (int j = 0; j < p; j++) centres[c][j] /= sizes[c];
        }
        else
            foreach (var cluster in result.Clusters)
                centres[cluster.Cluster - 1] = x.ColumnNames.Select(column => cluster.Center![column]).ToArray();
        var mixture = result.Mixture is { } m
            ? new MixturePlacement(m.Covariance == CovarianceType.Full ? "full" : "diagonal", m.Weights, m.Means, m.Covariances)
            : null;
        string placement = method switch
        {
            ClusteringMethod.KMeans => "the nearest k-means centre",
            ClusteringMethod.GaussianMixture => "the mixture component of largest posterior probability",
            _ => "the nearest cluster centroid (Ward's hierarchical clustering)",
        };
        return new SubgroupModel(name, placement, ids, SubgroupModel.FeaturesOf(all, rules: false),
            Coordinates: new CoordinatePlacement(x.Definitions!, centres, mixture));
    }

    internal static void RefusePairwise(BoundStudy study, SubgroupSpec spec, string what)
    {
        var pairwise = spec.Features.FirstOrDefault(f => spec.MissingFor(f.Column) == MissingPolicy.Pairwise);
        if (pairwise is not null)
            throw new StratifyInputException($"'missing: pairwise' is for k-medoids (Gower), but {what} needs a value for every patient", study.Spec.SourceFile,
                pairwise.Column, suggestion: "Use impute, indicator or complete_case.");
    }

    /// <summary>The positions in <paramref name="set"/> of the given analysed rows that it kept.</summary>
    internal static int[] Positions(FeatureSet set, int[] rows)
    {
        if (rows.Length == set.RowCount) return Enumerable.Range(0, rows.Length).ToArray();
        var position = new Dictionary<int, int>(set.RowCount);
        for (int p = 0; p < set.RowCount; p++) position[set.SourceRows[p]] = p;
        return rows.Where(position.ContainsKey).Select(r => position[r]).ToArray();
    }

    public static string Letter(int index) => index < 26 ? ((char)('A' + index)).ToString() : string.Create(CultureInfo.InvariantCulture, $"S{index + 1}");

    /// <summary>
    /// A feature set over the analysed patients from the study's bound variables named by <paramref name="specs"/> (its
    /// features, else its covariates; a column bound under another kind is bound again by the binder), under one policy.
    /// </summary>
    public static FeatureSet Features(BoundStudy study, IReadOnlyList<CovariateSpec> specs, MissingPolicy policy)
    {
        var variables = specs.Select(s =>
            study.Features.Concat(study.Covariates).FirstOrDefault(v => v.Name == s.Column && v.Kind == s.Kind && (v.Spec.Levels ?? []).SequenceEqual(s.Levels ?? []))
            ?? StudyBinder.BindVariables(study, [s])[0]).ToArray();
        return FeatureSet.From(variables, policy);
    }

    internal static SurvivalTreeFeature Restrict(SurvivalTreeFeature f, int[] rows) => f.IsNumeric
        ? SurvivalTreeFeature.Numeric(f.Name, RowSelection.Pick(f.Values!, rows))
        : SurvivalTreeFeature.Categorical(f.Name, RowSelection.Pick(f.Codes!, rows), f.Levels!);
}
