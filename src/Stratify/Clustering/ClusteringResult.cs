using System.Globalization;

namespace Stratify.Clustering;

/// <summary>The criteria for one candidate k (NaN where not computed).</summary>
/// <param name="Silhouette">Average silhouette width (higher is better).</param>
/// <param name="Gap">Gap statistic (with <see cref="GapStandardError"/>, its simulation standard error).</param>
/// <param name="Bic">Mixture BIC (lower is better); NaN for other methods.</param>
public sealed record KCriteria(int K, double Silhouette, double Gap, double GapStandardError, double Bic);

/// <summary>One cluster of a <see cref="ClusteringResult"/>.</summary>
/// <param name="Cluster">1-based cluster number (clusters are numbered by decreasing size).</param>
/// <param name="Medoid">k-medoids: the medoid's cohort row (1-based, as a spreadsheet counts data rows); else null.</param>
/// <param name="Center">Coordinate methods: the center, by coordinate column (scaled units); else null.</param>
/// <param name="Stability">Bootstrap mean Jaccard (NaN when stability was not assessed).</param>
/// <param name="Label">Short description from the top distinguishing features (<see cref="ClusterProfiles"/>).</param>
/// <param name="Profile">All features' differences against the rest, largest first.</param>
public sealed record ClusterSummary(int Cluster, int Size, int? Medoid, IReadOnlyDictionary<string, double>? Center, double Stability,
    string Label, IReadOnlyList<ProfileEntry> Profile);

/// <summary>
/// The outcome of <see cref="SubgroupDiscovery.Fit"/>: the chosen clustering, the criteria table over the k range,
/// per-cluster summaries and the warnings a reader must see (as <see cref="Notices"/>, whose counts are slots) (missing-value handling, unstable clusters, sampling).
/// <see cref="Assignment"/>[i] is the cluster (1..k) of feature-set row i, which is cohort row <see cref="SourceRows"/>[i].
/// <example><code>
/// var result = SubgroupDiscovery.Fit(features, new ClusteringOptions(ClusteringMethod.KMedoids, KMin: 2, KMax: 6));
/// Console.WriteLine($"k = {result.K}, silhouette {result.Silhouette:F2}: {result.Clusters[0].Label}");
/// </code></example>
/// </summary>
public sealed record ClusteringResult(string Method, string Distance, int K, int N, double Objective, double Silhouette, double Pac,
    IReadOnlyList<KCriteria> Criteria, IReadOnlyList<ClusterSummary> Clusters, IReadOnlyList<Data.CountedText> Notices, int[] Assignment, int[] SourceRows)
{
    /// <summary>A mixture's fitted parameters, components in cluster order (null for other methods).</summary>
    internal MixtureParameters? Mixture { get; init; }
    /// <summary>m of the m-out-of-n stability (patients per replicate, drawn without replacement); null when stability
    /// was a bootstrap of all patients or not assessed.</summary>
    public int? StabilitySubsample { get; init; }
    /// <summary>Patients of the random sample the gap statistic was computed on; null when it used all patients or was not computed.</summary>
    public int? GapSample { get; init; }
    /// <summary>The <see cref="Notices"/> as text with exact counts (the console's and the JSON's warnings).</summary>
    public IReadOnlyList<string> Warnings => Notices.Select(n => n.ToString()).ToArray();

    /// <summary>A few plain-text lines for a console: method, k and criteria, then one line per cluster.</summary>
    public string Summarise()
    {
        static string F(double v) => double.IsNaN(v) ? "–" : Math.Abs(v) >= 1e15 ? v.ToString("0.###e+0", System.Globalization.CultureInfo.InvariantCulture)
            : v.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        var text = new System.Text.StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Method} on {Distance} dissimilarities: k = {K}, n = {N}, average silhouette {F(Silhouette)}, PAC {F(Pac)}");
        text.AppendLine("  k  silhouette  gap (SE)        BIC");
        foreach (var c in Criteria)
            text.AppendLine(CultureInfo.InvariantCulture, $"  {c.K,-2} {F(c.Silhouette),-11} {F(c.Gap) + " (" + F(c.GapStandardError) + ")",-15} {F(c.Bic)}");
        foreach (var c in Clusters)
            text.AppendLine(CultureInfo.InvariantCulture, $"  cluster {c.Cluster}: {c.Size} patients, stability {F(c.Stability)}: {c.Label}");
        foreach (var w in Warnings) text.AppendLine("  warning: " + w);
        return text.ToString();
    }

    /// <summary>Cluster (1..k) per cohort row; 0 for rows not clustered (dropped for missing values).</summary>
    public int[] CohortAssignment(int cohortRows)
    {
        var result = new int[cohortRows];
        for (int i = 0; i < SourceRows.Length; i++) result[SourceRows[i]] = Assignment[i];
        return result;
    }
}

/// <summary>
/// The parameters of a fitted Gaussian mixture in the coordinate space it was fitted in: component weights, means
/// (k × p) and covariances (full: k × p × p; diagonal: k × p), row-major.
/// </summary>
internal sealed record MixtureParameters(CovarianceType Covariance, int Dimensions, IReadOnlyList<double> Weights, IReadOnlyList<double> Means, IReadOnlyList<double> Covariances)
{
    /// <summary>The components of <paramref name="fit"/> in a new order: component c of the result is <paramref name="oldOfNew"/>[c] of the fit.</summary>
    public static MixtureParameters Renumbered(GaussianMixtureResult fit, int[] oldOfNew)
    {
        int k = fit.K, p = fit.Dimensions, block = fit.Covariance == CovarianceType.Full ? p * p : p;
        var weights = new double[k];
        var means = new double[k * p];
        var covariances = new double[k * block];
        for (int c = 0; c < k; c++)
        {
            int old = oldOfNew[c];
            weights[c] = fit.Weights[old];
            Array.Copy(fit.Means, old * p, means, c * p, p);
            Array.Copy(fit.Covariances, old * block, covariances, c * block, block);
        }
        return new MixtureParameters(fit.Covariance, p, weights, means, covariances);
    }
}
