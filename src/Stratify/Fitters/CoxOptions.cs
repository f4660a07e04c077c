using Stratify.Survival;

namespace Stratify;

/// <summary>How the Cox partial likelihood treats several events at the same time.</summary>
public enum CoxTies
{
    /// <summary>Efron (1977): tied events leave the risk set in equal fractions. R's default.</summary>
    Efron,
    /// <summary>Breslow (1974): every tied event sees the full risk set.</summary>
    Breslow,
}

/// <summary>
/// Options of <see cref="CoxProportionalHazards.Fit"/>, with R's <c>coxph.control</c> defaults:
/// Efron ties, at most 20 Newton–Raphson iterations, convergence when |1 − loglik_old/loglik_new| ≤ 1e-9,
/// Cholesky pivots below 1.8e-12 × the largest diagonal (R's <c>toler.chol = .Machine$double.eps^0.75</c>) treated
/// as zero (the column is aliased), and the infinite-coefficient warning threshold <c>toler.inf = sqrt(eps)</c>.
/// </summary>
/// <example>
/// <code>
/// var model = CoxProportionalHazards.Fit(time, died, x, options: new CoxOptions { Ties = CoxTies.Breslow, Robust = true });
/// </code>
/// </example>
public sealed record CoxOptions
{
    public CoxTies Ties { get; init; } = CoxTies.Efron;
    public int MaxIterations { get; init; } = 20;
    /// <summary>R's <c>eps</c>: relative change of the log partial likelihood that ends the iteration.</summary>
    public double Tolerance { get; init; } = 1e-9;
    /// <summary>R's <c>toler.chol</c>: relative pivot below which a design column counts as collinear.</summary>
    public double CholeskyTolerance { get; init; } = Math.Pow(2.220446049250313e-16, 0.75);
    /// <summary>
    /// Report the robust (sandwich, dfbeta-based) standard errors. Null = R's default: robust when a
    /// <see cref="Cluster"/> is given or a case weight is fractional (<c>coxph</c>'s <c>has.rwt</c>); a cluster always
    /// makes the fit robust.
    /// </summary>
    public bool? Robust { get; init; }
    /// <summary>Cluster id per row for the robust variance (R: <c>+ cluster(id)</c>); null = each row its own cluster.</summary>
    public int[]? Cluster { get; init; }
    /// <summary>
    /// Case weight per row (R's <c>weights =</c>: finite, ≥ 0), for example stabilised inverse-probability-of-treatment
    /// weights; null = unweighted (every row weighs 1, on the unweighted code path).
    /// </summary>
    public double[]? Weights { get; init; }
    /// <summary>
    /// Confidence level of the hazard-ratio intervals and of predicted survival (R's <c>summary(fit, conf.int =)</c> and
    /// <c>survfit(fit, conf.int =)</c>), strictly between 0 and 1; 0.95 by default.
    /// </summary>
    public double ConfidenceLevel { get; init; } = 0.95;

    public static CoxOptions Default { get; } = new();
}
