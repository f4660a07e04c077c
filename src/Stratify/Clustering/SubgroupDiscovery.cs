using System.Globalization;
using Stratify.Data;

namespace Stratify.Clustering;

/// <summary>Which clustering algorithm <see cref="SubgroupDiscovery"/> runs.</summary>
internal enum ClusteringMethod
{
    /// <summary>k-medoids (BUILD + FasterPAM; CLARA for large cohorts) on Gower dissimilarities — mixed data, missing values allowed.</summary>
    KMedoids,
    /// <summary>k-means on scaled coordinates (categorical one-hot).</summary>
    KMeans,
    /// <summary>Gaussian mixture (EM) on scaled coordinates.</summary>
    GaussianMixture,
    /// <summary>Agglomerative: Ward (ward.D2) on Euclidean coordinates, or average linkage on Gower (n ≤ 10,000).</summary>
    Hierarchical,
}

/// <summary>Options of <see cref="SubgroupDiscovery.Fit"/> (what a <c>stratify cluster</c> command line sets).</summary>
/// <param name="K">A fixed number of clusters; null chooses k over KMin..KMax by the documented rule.</param>
/// <param name="GapReferenceSets">B for the gap statistic (0 = not computed).</param>
/// <param name="StabilityResamples">Bootstrap resamples for Jaccard stability and PAC (0 = not assessed).</param>
/// <param name="SilhouetteSample">Above <see cref="ExactLimit"/> patients silhouettes use a random sample of this many.</param>
/// <param name="ExactLimit">Largest cohort for the full dissimilarity matrix of coordinate methods, hierarchical
/// clustering, the gap statistic and stability on all patients (their cost grows as n²); above it both are computed
/// on subsamples.</param>
/// <param name="StabilitySubsample">Above <see cref="ExactLimit"/>, stability is m-out-of-n: each replicate draws
/// m = min(⌊n/2⌋, this) patients (<see cref="ClusterStability.SubsampleSize"/>).</param>
/// <param name="GapSample">Above <see cref="ExactLimit"/>, the gap statistic is computed on a seeded random sample of
/// this many patients, its reference sets drawn over that sample.</param>
internal sealed record ClusteringOptions(
    ClusteringMethod Method = ClusteringMethod.KMedoids,
    int? K = null, int KMin = 2, int KMax = 6, int Seed = 1,
    FeatureScaling Scaling = FeatureScaling.Standardise,
    int Restarts = 10,
    CovarianceType Covariance = CovarianceType.Full,
    Linkage Linkage = Linkage.WardD2,
    int GapReferenceSets = 10, GapRule GapRule = GapRule.FirstSEMax,
    int StabilityResamples = 20,
    int ClaraThreshold = 50_000, int SilhouetteSample = 2_000, int ExactLimit = 10_000,
    int StabilitySubsample = 5_000, int GapSample = 2_000)
{
    /// <summary>Told what is happening (each k fitted, each bootstrap replicate, and for long stages the share done
    /// and the time left at least every 10 s), for a progress display.</summary>
    public IProgress<string>? Progress { get; init; }

    /// <summary>The clock of the progress lines' time-left estimates (a test's fake; the system clock by default).</summary>
    public TimeProvider? Clock { get; init; }
}

/// <summary>
/// Subgroup discovery by clustering: one call from a feature set to a reported <see cref="ClusteringResult"/>.
///
/// Steps: (1) fit the method for each k in KMin..KMax (or the fixed k); (2) criteria per k: average silhouette on the
/// method's dissimilarity (Gower for k-medoids and average linkage, Euclidean on the coordinates otherwise), gap
/// statistic (<see cref="GapStatistic"/>), BIC for mixtures; (3) choose k — the rule: mixtures the lowest BIC; every
/// other method the highest average silhouette (Kaufman &amp; Rousseeuw 1990); when the gap statistic's k (by
/// <see cref="ClusteringOptions.GapRule"/>) differs, a warning says so; (4) clusters renumbered by decreasing size
/// (ties: the cluster of the earlier patient first); (5) bootstrap stability (<see cref="ClusterStability"/>) and
/// profiles with labels (<see cref="ClusterProfiles"/>). Above <see cref="ClusteringOptions.ExactLimit"/> patients the
/// gap statistic is that of a seeded random sample of <see cref="ClusteringOptions.GapSample"/> patients and stability
/// is m-out-of-n (replicates of m = min(⌊n/2⌋, <see cref="ClusteringOptions.StabilitySubsample"/>) patients drawn
/// without replacement); both sizes are reported (<see cref="ClusteringResult.StabilitySubsample"/>,
/// <see cref="ClusteringResult.GapSample"/>).
/// Deterministic given <see cref="ClusteringOptions.Seed"/>.
/// <example><code>
/// var lung = CsvCohortReader.Read("datasets/lung.csv");
/// var features = FeatureSet.FromCohort(lung, [new("age", FeatureRole.Numeric), new("sex", FeatureRole.Categorical),
///     new("ph.ecog", FeatureRole.Ordinal), new("wt.loss", FeatureRole.Numeric)]);
/// var result = SubgroupDiscovery.Fit(features, new ClusteringOptions(ClusteringMethod.KMedoids, KMax: 6));
/// </code></example>
/// </summary>
internal static class SubgroupDiscovery
{
    private sealed record Fitted(int[] Assignment, double Objective, int[]? Medoids, double[]? Centers, double Bic, GaussianMixtureResult? Mixture = null);

    public static ClusteringResult Fit(FeatureSet features, ClusteringOptions options)
    {
        int n = features.RowCount;
        int kMin = options.K ?? options.KMin, kMax = options.K ?? options.KMax;
        if (kMin < 2 || kMax < kMin || kMax >= n)
            throw new Data.StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"k must satisfy 2 ≤ k ≤ {n - 1} (and k-min ≤ k-max); got {kMin}..{kMax}"));
        var warnings = features.Missing.Warnings();
        bool exact = n <= options.ExactLimit;
        bool coordinates = options.Method is ClusteringMethod.KMeans or ClusteringMethod.GaussianMixture
            || options.Method == ClusteringMethod.Hierarchical && options.Linkage == Linkage.WardD2;
        if (options.Method == ClusteringMethod.Hierarchical && !exact)
            throw new Data.StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"hierarchical clustering is limited to {options.ExactLimit} patients (it needs the full matrix); use k-medoids or k-means"), value: n.ToString(CultureInfo.InvariantCulture));

        CoordinateMatrix? x = coordinates ? features.ToCoordinates(options.Scaling) : null;
        GowerDissimilarity? gower = coordinates ? null : new GowerDissimilarity(features);
        bool clara = options.Method == ClusteringMethod.KMedoids && n >= options.ClaraThreshold;
        DissimilarityMatrix? d = clara || !exact && coordinates ? null
            : coordinates ? DissimilarityMatrix.Euclidean(x!) : gower!.Matrix();
        if (d is not null && d.HasMissing())
            throw new Data.StratifyInputException("some patients share no observed feature, so their Gower dissimilarity is undefined; use the impute, indicator or complete-case missing-value policy");
        Diagnostics.StageTimings.Mark(coordinates ? "coordinates" : "gower");
        if (clara) warnings.Add(CountedText.Format($"k-medoids by CLARA ({options.ClaraThreshold:N0}+ patients): medoids searched on samples, every patient assigned"));
        Dendrogram? tree = options.Method == ClusteringMethod.Hierarchical ? HierarchicalClustering.Fit(d!, options.Linkage) : null;

        Fitted FitK(int k) => options.Method switch
        {
            ClusteringMethod.KMedoids => Medoids(clara ? Clara(gower!, k, options) : PartitioningAroundMedoids.Fit(d!, Medoid(k, options))),
            ClusteringMethod.KMeans => Means(LloydKMeans.Fit(x!, new KMeansOptions(k, options.Restarts, options.Seed))),
            ClusteringMethod.GaussianMixture => Mixture(GaussianMixtureEm.Fit(x!, new GaussianMixtureOptions(k, options.Covariance, options.Seed, Math.Max(1, options.Restarts / 5)))),
            _ => Tree(tree!, d!, k),
        };

        var fits = new Dictionary<int, Fitted>();
        var silhouettes = new Dictionary<int, double>();
        var kMeter = new Diagnostics.ProgressMeter(options.Progress, string.Create(CultureInfo.InvariantCulture, $"k = {kMin}..{kMax}"), kMax - kMin + 1, options.Clock);
        for (int k = kMin; k <= kMax; k++)
        {
            var fit = fits[k] = FitK(k);
            Diagnostics.StageTimings.Mark(MethodName(options));
            if (d is not null) silhouettes[k] = Silhouette.Compute(d, fit.Assignment, k).Average;
            else if (gower is not null)
            {
                var meter = new Diagnostics.ProgressMeter(options.Progress, string.Create(CultureInfo.InvariantCulture, $"k = {k}: silhouette widths of sampled patients"), Math.Min(n, options.SilhouetteSample), options.Clock);
                silhouettes[k] = Silhouette.Sampled(gower, fit.Assignment, k, options.SilhouetteSample, options.Seed, done => meter.Advance(done)).Average;
            }
            else
                silhouettes[k] = Silhouette.Sampled(n, (i, j) => Math.Sqrt(LloydKMeans.SquaredDistance(x!.Row(i), x!.Row(j))),
                    fit.Assignment, k, options.SilhouetteSample, options.Seed).Average;
            Diagnostics.StageTimings.Mark("silhouette");
            options.Progress?.Report(string.Create(CultureInfo.InvariantCulture, $"k = {k} tried of {kMin}..{kMax}: average silhouette {silhouettes[k]:F3}"));
            kMeter.Advance();
        }
        if (d is null) warnings.Add(CountedText.Format($"silhouette widths computed for a random sample of {options.SilhouetteSample:N0} patients"));

        GapResult? gap = null;
        int? gapSample = null;
        var prepared = new System.Runtime.CompilerServices.ConditionalWeakTable<object, Prepared>();
        if (options.GapReferenceSets > 0 && options.K is null)
        {
            // Above the exact limit: the gap statistic of a seeded random sample of patients (its reference sets drawn
            // over the sample's ranges), as clusGap on those patients. The sample is drawn from the stream of seed + 1,
            // apart from the stability replicates' (seed).
            int[]? rows = exact ? null : ClusterStability.Draw(n, Math.Min(n, options.GapSample), new Random(unchecked(options.Seed + 1)));
            gapSample = rows?.Length;
            if (rows is not null)
            {
                options.Progress?.Report(string.Create(CultureInfo.InvariantCulture, $"gap statistic on a random sample of {rows.Length:N0} of {n:N0} patients, {options.GapReferenceSets} reference sets, k = 1..{kMax}"));
                warnings.Add(CountedText.Format($"gap statistic computed on a random sample of {rows.Length:N0} patients"));
            }
            // One step per data set and k: the data's and each reference set's k = 1..kMax.
            var meter = new Diagnostics.ProgressMeter(options.Progress, string.Create(CultureInfo.InvariantCulture, $"gap statistic (k = 1..{kMax} on the data and {options.GapReferenceSets} reference sets): fits"),
                (options.GapReferenceSets + 1L) * kMax, options.Clock);
            (int[], DissimilarityMatrix) Step<T>(T data, int k) where T : class
            {
                var step = Recluster(options, data, k, prepared);
                meter.Advance();
                return step;
            }
            gap = coordinates
                ? GapStatistic.Compute(rows is null ? x! : SubsetRows(x!, rows), GapStatistic.UniformReference, kMax, options.GapReferenceSets, options.Seed, Step)
                : GapStatistic.Compute(rows is null ? features : features.Subset(rows), GapStatistic.UniformReference, kMax, options.GapReferenceSets, options.Seed, Step);
            Diagnostics.StageTimings.Mark("gap statistic");
        }

        var criteria = new List<KCriteria>();
        for (int k = kMin; k <= kMax; k++)
            criteria.Add(new KCriteria(k, silhouettes[k], gap?.Gap[k - 1] ?? double.NaN, gap?.StandardError[k - 1] ?? double.NaN, fits[k].Bic));
        int chosen = options.K ?? (options.Method == ClusteringMethod.GaussianMixture
            ? criteria.MinBy(c => c.Bic)!.K
            : criteria.MaxBy(c => c.Silhouette)!.K);
        if (gap is not null)
        {
            int gapK = gap.Recommend(options.GapRule);
            if (gapK != chosen)
                warnings.Add(CountedText.Format($"the gap statistic ({options.GapRule}) prefers k = {gapK}; k = {chosen} was chosen by {(options.Method == ClusteringMethod.GaussianMixture ? "BIC" : "average silhouette")}"));
        }

        var final = fits[chosen];
        var (assignment, order) = RenumberBySize(final.Assignment, chosen);
        StabilityResult? stability = null;
        if (options.StabilityResamples > 0 && exact)
        {
            stability = ClusterStability.Assess(assignment, chosen, rows => StabilityRecluster(options, x, d, gower, features, rows, chosen), options.StabilityResamples, options.Seed, options.Progress, options.Clock);
            Diagnostics.StageTimings.Mark("stability");
        }
        else if (options.StabilityResamples > 0)
        {
            int subsample = ClusterStability.SubsampleSize(n, options.StabilitySubsample);
            options.Progress?.Report(string.Create(CultureInfo.InvariantCulture, $"stability: {options.StabilityResamples} replicates of {subsample:N0} of the {n:N0} patients each (m-out-of-n subsampling)"));
            stability = ClusterStability.Subsampled(assignment, chosen, rows => StabilityRecluster(options, x, d, gower, features, rows, chosen), options.StabilityResamples, subsample, options.Seed, options.Progress, options.Clock);
            warnings.Add(CountedText.Format($"stability assessed on {options.StabilityResamples} random subsamples of {subsample:N0} of the {n:N0} patients (m-out-of-n), each clustered anew"));
            Diagnostics.StageTimings.Mark("stability");
        }

        var profiles = ClusterProfiles.Describe(features, assignment, chosen);
        Diagnostics.StageTimings.Mark("profiles");
        var clusters = new List<ClusterSummary>(chosen);
        for (int c = 0; c < chosen; c++)
        {
            int old = order[c];
            int? medoid = final.Medoids is null ? null : features.SourceRows[final.Medoids[old]] + 1;
            Dictionary<string, double>? center = null;
            if (final.Centers is not null)
            {
                center = new Dictionary<string, double>(StringComparer.Ordinal);
                for (int j = 0; j < x!.Columns; j++) center[x.ColumnNames[j]] = final.Centers[old * x.Columns + j];
            }
            double jaccard = stability?.MeanJaccard[c] ?? double.NaN;
            if (stability is not null && stability.Verdict(c) != "stable")
                warnings.Add(CountedText.Format($"cluster {c + 1} is {stability.Verdict(c)} (bootstrap mean Jaccard {jaccard:F2}; below 0.6 is unstable, 0.5 or less dissolved)"));
            clusters.Add(new ClusterSummary(c + 1, profiles[c].Size, medoid, center, jaccard, profiles[c].Label, profiles[c].Entries));
        }
        var oneBased = new int[n];
        for (int i = 0; i < n; i++) oneBased[i] = assignment[i] + 1;
        return new ClusteringResult(MethodName(options), coordinates ? "euclidean" : "gower", chosen, n, final.Objective,
            silhouettes[chosen], stability?.Pac ?? double.NaN, criteria, clusters, warnings, oneBased, features.SourceRows)
        {
            Mixture = final.Mixture is { } m ? MixtureParameters.Renumbered(m, order) : null,
            StabilitySubsample = stability?.Subsample,
            GapSample = gapSample,
        };
    }

    private static KMedoidsOptions Medoid(int k, ClusteringOptions o) => new(k, Seed: o.Seed, ClaraThreshold: o.ClaraThreshold);

    private static KMedoidsResult Clara(GowerDissimilarity gower, int k, ClusteringOptions o)
    {
        var options = Medoid(k, o);
        var meter = new Diagnostics.ProgressMeter(o.Progress, string.Create(CultureInfo.InvariantCulture, $"k = {k}: CLARA samples"), options.ClaraSamples, o.Clock);
        return PartitioningAroundMedoids.Clara(gower, options, () => meter.Advance());
    }

    private static Fitted Medoids(KMedoidsResult r) => new(r.Assignment, r.Objective, r.Medoids, null, double.NaN);
    private static Fitted Means(KMeansResult r) => new(r.Assignment, r.Objective, null, r.Centers, double.NaN);
    private static Fitted Mixture(GaussianMixtureResult r) => new(r.Assignment, r.MeanLogLikelihood * r.Assignment.Length, null, r.Means, r.Bic, r);

    /// <summary>Hierarchical: the cut, and as objective the within-cluster dispersion W_k (the gap statistic's).</summary>
    private static Fitted Tree(Dendrogram tree, DissimilarityMatrix d, int k)
    {
        var cut = tree.Cut(k);
        return new Fitted(cut, GapStatistic.WithinDispersion(d, cut, k), null, null, double.NaN);
    }

    /// <summary>A gap-statistic data set's dissimilarities and (hierarchical) tree, computed once for all k.</summary>
    private sealed class Prepared
    {
        public required DissimilarityMatrix Dissimilarities { get; init; }
        public Dendrogram? Tree { get; set; }
    }

    /// <summary>The method applied to a gap-statistic data set (the data or a reference set).</summary>
    private static (int[], DissimilarityMatrix) Recluster<T>(ClusteringOptions o, T data, int k,
        System.Runtime.CompilerServices.ConditionalWeakTable<object, Prepared> cache) where T : class
    {
        var entry = cache.GetValue(data, key => new Prepared
        {
            Dissimilarities = key switch
            {
                CoordinateMatrix m => DissimilarityMatrix.Euclidean(m),
                FeatureSet f => GowerDissimilarity.Compute(f),
                _ => throw new ArgumentException(nameof(data)),
            },
        });
        var d = entry.Dissimilarities;
        if (k == 1) return (new int[d.Count], d);
        int[] assignment = o.Method switch
        {
            ClusteringMethod.KMedoids => PartitioningAroundMedoids.Fit(d, new KMedoidsOptions(k)).Assignment,
            ClusteringMethod.KMeans => LloydKMeans.Fit((CoordinateMatrix)(object)data!, new KMeansOptions(k, Math.Min(o.Restarts, 3), o.Seed)).Assignment,
            ClusteringMethod.GaussianMixture => GaussianMixtureEm.Fit((CoordinateMatrix)(object)data!, new GaussianMixtureOptions(k, o.Covariance, o.Seed)).Assignment,
            _ => (entry.Tree ??= HierarchicalClustering.Fit(d, o.Linkage)).Cut(k),
        };
        return (assignment, d);
    }

    /// <summary>The method applied to the distinct patients of a bootstrap resample or subsample. k-medoids: PAM on
    /// their Gower dissimilarities with the ranges of all patients (the rows of the full matrix when there is one; else
    /// computed for them, as when the clustering was CLARA).</summary>
    private static int[] StabilityRecluster(ClusteringOptions o, CoordinateMatrix? x, DissimilarityMatrix? d, GowerDissimilarity? gower,
        FeatureSet features, int[] rows, int k)
    {
        DissimilarityMatrix Dissimilarities() => d?.Subset(rows) ?? new GowerDissimilarity(features.Subset(rows), gower).Matrix();
        return o.Method switch
        {
            ClusteringMethod.KMedoids => PartitioningAroundMedoids.Fit(Dissimilarities(), new KMedoidsOptions(k)).Assignment,
            ClusteringMethod.KMeans => LloydKMeans.Fit(SubsetRows(x!, rows), new KMeansOptions(k, Math.Min(o.Restarts, 3), o.Seed)).Assignment,
            ClusteringMethod.GaussianMixture => GaussianMixtureEm.Fit(SubsetRows(x!, rows), new GaussianMixtureOptions(k, o.Covariance, o.Seed)).Assignment,
            _ => HierarchicalClustering.Fit(d!.Subset(rows), o.Linkage).Cut(k),
        };
    }

    /// <summary>The rows of a coordinate matrix at the given (sorted) indices.</summary>
    private static CoordinateMatrix SubsetRows(CoordinateMatrix x, int[] rows)
    {
        int p = x.Columns;
        var data = new double[rows.Length * p];
        for (int t = 0; t < rows.Length; t++) Array.Copy(x.Data, rows[t] * p, data, t * p, p);
        return x with { Data = data, Rows = rows.Length };
    }

    /// <summary>Clusters renumbered by decreasing size (ties: the cluster whose first patient comes first).</summary>
    private static (int[] Assignment, int[] OldOfNew) RenumberBySize(int[] assignment, int k)
    {
        var counts = Silhouette.Counts(assignment, k);
        var first = new int[k];
        Array.Fill(first, int.MaxValue);
        for (int i = assignment.Length - 1; i >= 0; i--) first[assignment[i]] = i;
        var order = Enumerable.Range(0, k).OrderByDescending(c => counts[c]).ThenBy(c => first[c]).ToArray();
        var newOf = new int[k];
        for (int c = 0; c < k; c++) newOf[order[c]] = c;
        var result = new int[assignment.Length];
        for (int i = 0; i < assignment.Length; i++) result[i] = newOf[assignment[i]];
        return (result, order);
    }

    private static string MethodName(ClusteringOptions o) => o.Method switch
    {
        ClusteringMethod.KMedoids => "k-medoids (FasterPAM)",
        ClusteringMethod.KMeans => "k-means",
        ClusteringMethod.GaussianMixture => o.Covariance == CovarianceType.Full ? "gaussian mixture (full)" : "gaussian mixture (diagonal)",
        _ => o.Linkage == Linkage.WardD2 ? "hierarchical (ward.D2)" : "hierarchical (average)",
    };
}
