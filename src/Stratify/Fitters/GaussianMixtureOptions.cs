using Stratify.Clustering;

namespace Stratify;

/// <summary>Covariance structure of each mixture component.</summary>
public enum CovarianceType
{
    /// <summary>A full p × p covariance per component.</summary>
    Full,
    /// <summary>A diagonal covariance per component (features independent within a component).</summary>
    Diagonal,
}

/// <summary>Options of <see cref="GaussianMixture"/> (and of its kernel <see cref="GaussianMixtureEm"/>); defaults are scikit-learn's.</summary>
/// <example><code>new GaussianMixtureOptions { K = 3, Covariance = CovarianceType.Diagonal }</code></example>
/// <param name="K">Number of components.</param>
/// <param name="Covariance">Full or diagonal.</param>
/// <param name="Seed">Seed of the k-means++ initial means.</param>
/// <param name="Restarts">Independent starts; the highest final log-likelihood wins (scikit-learn's n_init).</param>
/// <param name="MaxIterations">EM iteration cap (100).</param>
/// <param name="Tolerance">Stop when the mean log-likelihood changes by less than this (1e-3).</param>
/// <param name="Regularisation">Added to covariance diagonals (reg_covar, 1e-6).</param>
public sealed record GaussianMixtureOptions(int K, CovarianceType Covariance = CovarianceType.Full, int Seed = 1, int Restarts = 1,
    int MaxIterations = 100, double Tolerance = 1e-3, double Regularisation = 1e-6)
{
    /// <summary>k = 2 and the defaults above; set the properties with an initialiser.</summary>
    public GaussianMixtureOptions() : this(2) { }

    /// <summary>How the <see cref="GaussianMixture"/> fitter scales numeric and ordinal features (the kernel takes
    /// coordinates as given): standardised by default; new patients are placed with the fitted scales.</summary>
    public FeatureScaling Scaling { get; init; } = FeatureScaling.Standardise;
}
