using Stratify.Clustering;

namespace Stratify;

/// <summary>How the first k medoids are chosen before the swap phase.</summary>
public enum MedoidInitialisation
{
    /// <summary>PAM's BUILD (Kaufman &amp; Rousseeuw 1990): the object with the least total dissimilarity, then greedily the
    /// object that lowers the total most; ties go to the later object, as R's pam. Deterministic, O(n²k).</summary>
    Build,
    /// <summary>k distinct objects drawn uniformly (seeded).</summary>
    Random,
    /// <summary>k-means++ on dissimilarities (Arthur &amp; Vassilvitskii 2007): each next medoid drawn with probability ∝ d², seeded.</summary>
    KMeansPlusPlus,
}

/// <summary>Options of <see cref="KMedoids"/> (and of its kernel <see cref="PartitioningAroundMedoids"/>).</summary>
/// <example><code>new KMedoidsOptions { K = 3, Seed = 42 }</code></example>
/// <param name="K">Number of clusters (2 ≤ k &lt; n).</param>
/// <param name="Initialisation">BUILD (default), random or k-means++.</param>
/// <param name="Seed">Seed for random initialisation and for CLARA's samples.</param>
/// <param name="MaxPasses">Upper bound on passes over all candidates (FasterPAM usually stops after a handful).</param>
/// <param name="ClaraThreshold">From this many patients on, <see cref="PartitioningAroundMedoids.Clara"/> is used (the full matrix would not fit).</param>
/// <param name="ClaraSamples">CLARA: number of samples (R's clara default 5).</param>
/// <param name="ClaraSampleSize">CLARA: sample size; null = 40 + 2k, R's clara default.</param>
public sealed record KMedoidsOptions(int K, MedoidInitialisation Initialisation = MedoidInitialisation.Build, int Seed = 1,
    int MaxPasses = 100, int ClaraThreshold = 50_000, int ClaraSamples = 5, int? ClaraSampleSize = null)
{
    /// <summary>k = 2 and the defaults above; set the properties with an initialiser.</summary>
    public KMedoidsOptions() : this(2) { }
}
