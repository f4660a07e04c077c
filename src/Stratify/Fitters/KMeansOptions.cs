using Stratify.Clustering;

namespace Stratify;

/// <summary>How numeric columns are scaled for coordinate methods (k-means, mixtures, Ward).</summary>
public enum FeatureScaling
{
    None,
    /// <summary>(x − mean) / SD (SD with n − 1).</summary>
    Standardise,
    /// <summary>(x − median) / IQR (type-7 quartiles, as R's IQR); an IQR of 0 falls back to the SD, then to 1.</summary>
    Robust,
}

/// <summary>Options of <see cref="KMeans"/> (and of its kernel <see cref="LloydKMeans"/>).</summary>
/// <example><code>new KMeansOptions { K = 4, Seed = 7 }</code></example>
/// <param name="K">Number of clusters.</param>
/// <param name="Restarts">Independent k-means++ starts; the lowest objective wins (scikit-learn's n_init).</param>
/// <param name="Seed">Seed of the k-means++ draws (restart r uses a stream derived from Seed and r).</param>
/// <param name="MaxIterations">Iteration cap per start (scikit-learn: 300).</param>
/// <param name="Tolerance">Stop when Σ_c ‖c_new − c_old‖² ≤ Tolerance × mean feature variance (scikit-learn's tol, 1e-4).</param>
/// <param name="MaxDegreeOfParallelism">Threads for assignment blocks (−1: all cores).</param>
public sealed record KMeansOptions(int K, int Restarts = 10, int Seed = 1, int MaxIterations = 300, double Tolerance = 1e-4, int MaxDegreeOfParallelism = -1)
{
    /// <summary>k = 2 and the defaults above; set the properties with an initialiser.</summary>
    public KMeansOptions() : this(2) { }

    /// <summary>How the <see cref="KMeans"/> fitter scales numeric and ordinal features before clustering (the kernel
    /// takes coordinates as given): standardised by default; new patients are placed with the fitted centres and scales.</summary>
    public FeatureScaling Scaling { get; init; } = FeatureScaling.Standardise;
}
