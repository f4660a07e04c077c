using Stratify.Clustering;
using Stratify.Data;
using Stratify.Survival;

namespace Stratify.Stratification;

/// <summary>
/// The subgroups of a run: an id per subgroup ("A", "B", … in decreasing size for clusters and left-to-right
/// leaves for a tree; the level for an existing column), each analysed patient's subgroup, a plain-language
/// description and, for a tree, the rule. Every patient is placed by <see cref="Model"/>, the rule a new patient
/// follows too; a patient it cannot place has code −1.
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
    IReadOnlyList<string> Warnings)
{
    /// <summary>The placement rule learnt on the discovery patients (model.json), which placed every analysed patient.</summary>
    public SubgroupModel? Model { get; init; }
    /// <summary>The interaction tree (method interaction_tree), grown on the discovery patients.</summary>
    public Predictive.InteractionTreeModel? InteractionTree { get; init; }
    /// <summary>The split candidates of a tree over every analysed patient, in the order the tree's conditions index them.</summary>
    public IReadOnlyList<SurvivalTreeFeature>? TreeFeatures { get; init; }
    /// <summary>The STEPP analysis of the marker on the discovery patients (method stepp).</summary>
    public Predictive.SteppResult? Stepp { get; init; }
    /// <summary>The marker's cut points between the STEPP bands (method stepp): band b holds cut[b−1] &lt; marker ≤ cut[b].</summary>
    public IReadOnlyList<double>? BandCuts { get; init; }

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
/// levels. A discovery patient the rule places outside its fitted cluster (ties, or a hierarchical cluster that is
/// not the nearest centroid's) follows the rule, and a warning counts them.
/// </summary>
public static class SubgroupFinder
{
    public static SubgroupAssignment Find(BoundStudy study, int[] discovery, int seed, IProgress<string>? progress = null)
    {
        var spec = study.Spec.Subgroups ?? throw new StratifyInputException("the spec names no subgroups", study.Spec.SourceFile,
            suggestion: "Add subgroups: with method (kmedoids, kmeans, gmm, hierarchical, tree or column) and features.");
        var found = spec.Method switch
        {
            SubgroupMethod.Column => ByColumn(study, spec),
            SubgroupMethod.SurvivalTree => ByTree(study, spec, discovery, progress),
            SubgroupMethod.InteractionTree => PredictiveSubgroups.ByInteractionTree(study, spec, discovery, progress),
            SubgroupMethod.Stepp => PredictiveSubgroups.BySteppBands(study, spec, discovery, seed, progress),
            _ => ByClustering(study, spec, discovery, seed, progress),
        };
        return found with { CodeOfRow = found.Model!.Assign(study.Cohort, study.Rows).SubgroupOfRow };
    }

    private static SubgroupAssignment ByColumn(BoundStudy study, SubgroupSpec spec)
    {
        var factor = study.SubgroupColumn!;
        var features = FeatureSpecs(study, spec);
        var profiles = features.Count == 0 ? [] : ClusterProfiles.Describe(Features(study, features, MissingPolicy.Pairwise), factor.Codes, factor.LevelCount);
        return new SubgroupAssignment(spec.Method, factor.Levels, factor.Levels.Select(l => $"{factor.Name} = {l}").ToArray(),
            new string?[factor.LevelCount], factor.Codes, features.Select(f => f.Column).ToArray(), null, null, profiles, [])
        {
            Model = new SubgroupModel("column", $"the level of {factor.Name}", factor.Levels,
                [new ModelFeature(factor.Name, ModelFeature.Categorical, factor.Levels, null)]),
        };
    }

    private static SubgroupAssignment ByTree(BoundStudy study, SubgroupSpec spec, int[] discovery, IProgress<string>? progress)
    {
        // The tree's features are bound as covariates by the run, so every analysed patient has them.
        var features = study.Covariates.Where(c => spec.Features.Any(f => f.Column == c.Name)).Select(StudyTreeFeatures.From).ToArray();
        progress?.Report($"growing a survival tree on {discovery.Length:N0} patients ({features.Length} candidate features)");
        var data = new SurvivalData(RowSelection.Pick(study.Time!, discovery), RowSelection.Pick(study.Event!, discovery));
        var model = SurvivalTree.Grow(data, features.Select(f => Restrict(f, discovery)).ToArray(),
            new SurvivalTreeOptions { MinNodeSize = spec.MinNodeSize, MaxDepth = spec.MaxDepth });
        var ids = Enumerable.Range(0, model.Leaves.Count).Select(Letter).ToArray();
        var codes = new int[study.RowCount];
        var conditions = model.Leaves.Select(l => l.Conditions).ToArray();
        for (int row = 0; row < codes.Length; row++) codes[row] = Leaf(conditions, features, row);
        var warnings = new List<string>();
        if (model.Leaves.Count == 1)
            warnings.Add("the survival tree found no split that passes the Bonferroni-adjusted test: all patients form one subgroup");
        var featureSet = Features(study, spec.Features, MissingPolicy.Pairwise);
        var profiles = model.Leaves.Count > 1 ? ClusterProfiles.Describe(featureSet, codes, model.Leaves.Count) : [];
        return new SubgroupAssignment(spec.Method, ids, model.Leaves.Select(l => l.Rule).ToArray(), model.Leaves.Select(l => (string?)l.Rule).ToArray(),
            codes, spec.Features.Select(f => f.Column).ToArray(), null, model, profiles, warnings)
        {
            TreeFeatures = features,
            Model = new SubgroupModel("tree", "the leaf whose rule the patient meets", ids, SubgroupModel.TreeFeatures(study, features),
                Rules: new RulePlacement(model.Leaves.Select(l => l.Conditions).ToArray())),
        };
    }

    /// <summary>The leaf whose every condition the analysed row meets (−1 if none, which the rules of a tree rule out).</summary>
    public static int Leaf(IReadOnlyList<IReadOnlyList<SplitCondition>> leaves, IReadOnlyList<SurvivalTreeFeature> features, int row)
    {
        for (int leaf = 0; leaf < leaves.Count; leaf++)
        {
            bool all = true;
            foreach (var c in leaves[leaf])
            {
                var f = features[c.FeatureIndex];
                if (!(c.IsNumeric ? c.Admits(f.Values![row]) : c.Admits(f.Levels![f.Codes![row]]))) { all = false; break; }
            }
            if (all) return leaf;
        }
        return -1;
    }

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
        // Gower handles missing values pairwise (as daisy); coordinate methods impute with an indicator, and say so.
        var all = Features(study, spec.Features, gower ? MissingPolicy.Pairwise : MissingPolicy.Impute);
        var found = Subset(all, discovery);
        progress?.Report($"clustering {discovery.Length:N0} patients by {method} for k = {spec.KMin}..{spec.KMax}" +
            (spec.Bootstrap > 0 ? $", {spec.Bootstrap} bootstrap replicates" : ""));
        var result = SubgroupDiscovery.Fit(found, new ClusteringOptions(method, K: spec.KMin == spec.KMax ? spec.KMin : null,
            KMin: spec.KMin, KMax: spec.KMax, Seed: seed, StabilityResamples: spec.Bootstrap) { Progress = progress });
        int k = result.K;
        var ids = Enumerable.Range(0, k).Select(Letter).ToArray();
        var model = gower ? GowerModel(all, found, result, ids) : CoordinateModel(method, MethodName(spec.Method), all, found, result, ids);
        var codes = model.Assign(study.Cohort, study.Rows).SubgroupOfRow;
        var warnings = result.Warnings.ToList();
        int moved = 0;
        for (int i = 0; i < discovery.Length; i++) if (codes[discovery[i]] != result.Assignment[i] - 1) moved++;
        if (moved > 0)
            warnings.Add($"{moved} of the {discovery.Length:N0} patients the clustering was fitted on are nearer another subgroup's " +
                $"{(gower ? "medoid" : method == ClusteringMethod.GaussianMixture ? "mixture component" : "centre")} than their own cluster's; every patient " +
                "is placed by the rule a new patient follows (model.json), so they are counted in that subgroup");
        var profiles = ClusterProfiles.Describe(all, codes, k);
        var descriptions = result.Clusters.OrderBy(c => c.Cluster).Select(c => c.Label).ToArray();
        return new SubgroupAssignment(spec.Method, ids, descriptions, new string?[k], codes, spec.Features.Select(f => f.Column).ToArray(),
            result, null, profiles, warnings)
        {
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

    /// <summary>The clustering features as model features (the missing-value indicators are derived, not read).</summary>
    private static ModelFeature[] ClusteringFeatures(FeatureSet all) => all.Features.Where(f => !f.IsMissingIndicator)
        .Select(f => new ModelFeature(f.Name, f.Role switch
        {
            FeatureRole.Numeric => ModelFeature.Numeric,
            FeatureRole.Categorical => ModelFeature.Categorical,
            _ => ModelFeature.Ordinal,
        }, f.Levels, null)).ToArray();

    /// <summary>k-medoids: the medoids' feature values and the Gower scaling of the discovery patients.</summary>
    private static SubgroupModel GowerModel(FeatureSet all, FeatureSet found, ClusteringResult result, string[] ids)
    {
        var ranges = found.Features.Select(f => GowerDissimilarity.Range(f.Values)).ToArray();
        var medoids = result.Clusters.OrderBy(c => c.Cluster)
            .Select(c => (IReadOnlyList<double>)all.Features.Select(f => f.Values[c.Medoid!.Value - 1]).ToArray()).ToArray();
        return new SubgroupModel("kmedoids", "the nearest medoid by Gower dissimilarity", ids, ClusteringFeatures(all),
            Gower: new GowerPlacement(ranges.Select(r => r.Minimum).ToArray(), ranges.Select(r => r.Range).ToArray(),
                all.Features.Select(f => f.Weight).ToArray(), medoids));
    }

    /// <summary>
    /// k-means, mixtures and hierarchical: the discovery patients' coordinate space (imputation, scaling, one-hot
    /// columns) and the centres, mixture parameters or cluster centroids in it.
    /// </summary>
    private static SubgroupModel CoordinateModel(ClusteringMethod method, string name, FeatureSet all, FeatureSet found, ClusteringResult result, string[] ids)
    {
        var features = ClusteringFeatures(all);
        var names = features.Select(f => f.Name).ToList();
        var indicators = all.Features.Where(f => f.IsMissingIndicator).Select(f => names.IndexOf(f.Name[..^" (missing)".Length])).ToArray();
        var fill = features.Select(f => all.Missing.Fill.TryGetValue(f.Name, out double v) ? v : double.NaN).ToArray();
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
                centres[cluster.Cluster - 1] = x.ColumnNames.Select(name => cluster.Center![name]).ToArray();
        var mixture = result.Mixture is { } m
            ? new MixturePlacement(m.Covariance == CovarianceType.Full ? "full" : "diagonal", m.Weights, m.Means, m.Covariances)
            : null;
        string placement = method switch
        {
            ClusteringMethod.KMeans => "the nearest k-means centre",
            ClusteringMethod.GaussianMixture => "the mixture component of largest posterior probability",
            _ => "the nearest cluster centroid (Ward's hierarchical clustering)",
        };
        return new SubgroupModel(name, placement, ids, features,
            Coordinates: new CoordinatePlacement(fill, indicators, x.Definitions!, centres, mixture));
    }

    public static string Letter(int index) => index < 26 ? ((char)('A' + index)).ToString() : $"S{index + 1}";

    private static IReadOnlyList<CovariateSpec> FeatureSpecs(BoundStudy study, SubgroupSpec spec) =>
        spec.Features.Count > 0 ? spec.Features : study.Spec.Covariates;

    /// <summary>The features over the analysed patients (row i = analysed row i).</summary>
    public static FeatureSet Features(BoundStudy study, IReadOnlyList<CovariateSpec> specs, MissingPolicy policy) =>
        FeatureSet.FromCohort(study.Cohort.SelectRows(study.Rows), specs.Select(s => new FeatureSpec(s.Column, s.Kind switch
        {
            CovariateKind.Numeric => FeatureRole.Numeric,
            CovariateKind.Categorical => FeatureRole.Categorical,
            _ => FeatureRole.Ordinal,
        }, 1.0, s.Levels)).ToArray(), policy);

    private static FeatureSet Subset(FeatureSet all, int[] rows)
    {
        if (rows.Length == all.RowCount) return all;
        var features = all.Features.Select(f => f with { Values = RowSelection.Pick(f.Values, rows) }).ToArray();
        return new FeatureSet(features, rows, all.Missing);
    }

    internal static SurvivalTreeFeature Restrict(SurvivalTreeFeature f, int[] rows) => f.IsNumeric
        ? SurvivalTreeFeature.Numeric(f.Name, RowSelection.Pick(f.Values!, rows))
        : SurvivalTreeFeature.Categorical(f.Name, RowSelection.Pick(f.Codes!, rows), f.Levels!);
}
