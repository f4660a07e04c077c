using Stratify.Clustering;
using Stratify.Data;
using Stratify.Survival;

namespace Stratify.Stratification;

/// <summary>
/// The subgroups of a run: an id per subgroup ("A", "B", … in decreasing size for clusters and left-to-right
/// leaves for a tree; the level for an existing column), each analysed patient's subgroup, a plain-language
/// description and, for a tree, the rule. Patients left without a subgroup (a complete-case feature missing) have
/// code −1; <see cref="Missing"/> says what the missing-value policies did.
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

    public Factor ToFactor(string name, int[] rows)
    {
        var codes = new int[rows.Length];
        for (int k = 0; k < rows.Length; k++) codes[k] = CodeOfRow[rows[k]];
        return new Factor(name, codes, Ids);
    }
}

/// <summary>
/// Finds subgroups by the spec's route, on the discovery patients only, and places every analysed patient:
/// clustering (k-medoids on Gower; k-means, mixtures and Ward on scaled coordinates) — held-out patients join the
/// subgroup of the nearest medoid (Gower) or the nearest discovery centroid (coordinates); a survival tree —
/// held-out patients follow its rules; or an existing column's levels. Clustering and the tree use the features the
/// binder bound (<see cref="BoundStudy.Features"/>) under the spec's <c>missing:</c> policy (<see cref="MissingPolicy"/>),
/// with fill values computed on the discovery patients; a patient missing a complete-case feature gets no subgroup.
/// </summary>
internal static class SubgroupFinder
{
    /// <summary>Finds the subgroups; <paramref name="survival"/> is the study's survival data (all analysed patients), whose time order the tree shares.</summary>
    public static SubgroupAssignment Find(BoundStudy study, int[] discovery, int seed, IProgress<string>? progress = null, SurvivalData? survival = null)
    {
        var spec = study.Spec.Subgroups ?? throw new StratifyInputException("the spec names no subgroups", study.Spec.SourceFile,
            suggestion: "Add subgroups: with method (kmedoids, kmeans, gmm, hierarchical, tree or column) and features.");
        return spec.Method switch
        {
            SubgroupMethod.Column => ByColumn(study, spec),
            SubgroupMethod.SurvivalTree => ByTree(study, spec, discovery, progress, survival ?? SurvivalData.From(study)),
            _ => ByClustering(study, spec, discovery, seed, progress),
        };
    }

    private static SubgroupAssignment ByColumn(BoundStudy study, SubgroupSpec spec)
    {
        var factor = study.SubgroupColumn!;
        var described = study.Features.Count > 0 ? study.Features : study.Covariates;
        var profiles = described.Count == 0 ? [] : ClusterProfiles.Describe(FeatureSet.From(described, MissingPolicy.Pairwise), factor.Codes, factor.LevelCount);
        return new SubgroupAssignment(spec.Method, factor.Levels, factor.Levels.Select(l => $"{factor.Name} = {l}").ToArray(),
            new string?[factor.LevelCount], factor.Codes, described.Select(f => f.Name).ToArray(), null, null, profiles, []);
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
        progress?.Report($"growing a survival tree on {found.Length:N0} patients ({candidates.Count} candidate features)");
        var model = LogRankTree.Grow(survival.Subset(RowSelection.Pick(all.SourceRows, found)), candidates.Select(f => Restrict(f, found)).ToArray(),
            new SurvivalTreeOptions { MinNodeSize = spec.MinNodeSize, MaxDepth = spec.MaxDepth });
        var ids = Enumerable.Range(0, model.Leaves.Count).Select(Letter).ToArray();
        var codes = new int[study.RowCount];
        Array.Fill(codes, -1);
        for (int position = 0; position < all.RowCount; position++) codes[all.SourceRows[position]] = model.LeafOf(candidates, position);
        var warnings = all.Missing.Warnings();
        if (model.Leaves.Count == 1)
            warnings.Add(CountedText.Plain("the survival tree found no split that passes the Bonferroni-adjusted test: all patients form one subgroup"));
        var profiles = model.Leaves.Count > 1 ? ClusterProfiles.Describe(FeatureSet.From(study.Features, MissingPolicy.Pairwise), codes, model.Leaves.Count) : [];
        return new SubgroupAssignment(spec.Method, ids, model.Leaves.Select(l => l.Rule).ToArray(), model.Leaves.Select(l => (string?)l.Rule).ToArray(),
            codes, spec.Features.Select(f => f.Column).ToArray(), null, model, profiles, warnings) { Missing = all.Missing };
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
        progress?.Report($"clustering {found.RowCount:N0} patients by {method} for k = {spec.KMin}..{spec.KMax}" +
            (spec.Bootstrap > 0 ? $", {spec.Bootstrap} bootstrap replicates" : ""));
        var result = SubgroupDiscovery.Fit(found, new ClusteringOptions(method, K: spec.KMin == spec.KMax ? spec.KMin : null,
            KMin: spec.KMin, KMax: spec.KMax, Seed: seed, StabilityResamples: spec.Bootstrap) { Progress = progress });
        int k = result.K;
        var codes = new int[study.RowCount];
        Array.Fill(codes, -1);
        var inDiscovery = new bool[all.RowCount];
        for (int i = 0; i < discoveryPositions.Length; i++)
        {
            inDiscovery[discoveryPositions[i]] = true;
            codes[all.SourceRows[discoveryPositions[i]]] = result.Assignment[i] - 1;
        }
        var held = Enumerable.Range(0, all.RowCount).Where(position => !inDiscovery[position]).ToArray();
        if (held.Length > 0)
        {
            if (gower)
            {
                var distance = new GowerDissimilarity(all);
                // A medoid is given as its 1-based row among the discovery patients' source rows (analysed rows): find its position in the whole set.
                var positionOfRow = new Dictionary<int, int>(all.RowCount);
                for (int position = 0; position < all.RowCount; position++) positionOfRow[all.SourceRows[position]] = position;
                var medoids = result.Clusters.OrderBy(c => c.Cluster).Select(c => positionOfRow[c.Medoid!.Value - 1]).ToArray();
                foreach (int position in held) codes[all.SourceRows[position]] = Nearest(medoids.Length, c => distance.Pair(position, medoids[c]));
            }
            else
            {
                var x = all.ToCoordinates();
                var centroids = new double[k * x.Columns];
                var sizes = new int[k];
                for (int i = 0; i < discoveryPositions.Length; i++)
                {
                    int c = result.Assignment[i] - 1;
                    sizes[c]++;
                    var r = x.Row(discoveryPositions[i]);
                    for (int j = 0; j < x.Columns; j++) centroids[c * x.Columns + j] += r[j];
                }
                for (int c = 0; c < k; c++) for (int j = 0; j < x.Columns; j++) centroids[c * x.Columns + j] /= sizes[c];
                foreach (int position in held)
                    codes[all.SourceRows[position]] = Nearest(k, c => LloydKMeans.SquaredDistance(x.Row(position), centroids.AsSpan(c * x.Columns, x.Columns)));
            }
        }
        var ids = Enumerable.Range(0, k).Select(Letter).ToArray();
        var profiles = ClusterProfiles.Describe(FeatureSet.From(study.Features, MissingPolicy.Pairwise), codes, k);
        var descriptions = result.Clusters.OrderBy(c => c.Cluster).Select(c => c.Label).ToArray();
        return new SubgroupAssignment(spec.Method, ids, descriptions, new string?[k], codes, spec.Features.Select(f => f.Column).ToArray(),
            result, null, profiles, result.Notices) { Missing = all.Missing };
    }

    private static void RefusePairwise(BoundStudy study, SubgroupSpec spec, string what)
    {
        var pairwise = spec.Features.FirstOrDefault(f => spec.MissingFor(f.Column) == MissingPolicy.Pairwise);
        if (pairwise is not null)
            throw new StratifyInputException($"'missing: pairwise' is for k-medoids (Gower), but {what} needs a value for every patient", study.Spec.SourceFile,
                pairwise.Column, suggestion: "Use impute, indicator or complete_case.");
    }

    /// <summary>The positions in <paramref name="set"/> of the given analysed rows that it kept.</summary>
    private static int[] Positions(FeatureSet set, int[] rows)
    {
        if (rows.Length == set.RowCount) return Enumerable.Range(0, rows.Length).ToArray();
        var position = new Dictionary<int, int>(set.RowCount);
        for (int p = 0; p < set.RowCount; p++) position[set.SourceRows[p]] = p;
        return rows.Where(position.ContainsKey).Select(r => position[r]).ToArray();
    }

    private static int Nearest(int count, Func<int, double> distance)
    {
        int best = 0;
        double bestDistance = double.PositiveInfinity;
        for (int c = 0; c < count; c++)
        {
            double d = distance(c);
            if (d < bestDistance) { bestDistance = d; best = c; }
        }
        return best;
    }

    public static string Letter(int index) => index < 26 ? ((char)('A' + index)).ToString() : $"S{index + 1}";

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

    private static SurvivalTreeFeature Restrict(SurvivalTreeFeature f, int[] rows) => f.IsNumeric
        ? SurvivalTreeFeature.Numeric(f.Name, RowSelection.Pick(f.Values!, rows))
        : SurvivalTreeFeature.Categorical(f.Name, RowSelection.Pick(f.Codes!, rows), f.Levels!);
}
