using System.Globalization;

// Normal–normal random-effects model and empirical-Bayes shrinkage of k estimates (here: the treatment log hazard
// ratios of k subgroups), as in a random-effects meta-analysis:
//   yᵢ | θᵢ ~ N(θᵢ, vᵢ)   (vᵢ = the estimate's squared standard error, taken as known)
//   θᵢ      ~ N(μ, τ²)
// Between-subgroup variance τ²:
//   - REML (Harville 1977; Viechtbauer 2005, Psychometrika 70:261–278, whose Fisher scoring R's metafor uses):
//     maximise l_R(τ²) = −½ Σ log(vᵢ + τ²) − ½ log Σ wᵢ − ½ Σ wᵢ (yᵢ − μ̂)², wᵢ = 1/(vᵢ + τ²), over τ² ≥ 0, by Fisher
//     scoring τ² ← τ² + (y'PPy − tr P) / tr(PP), P = W − W11'W/Σw, from the DerSimonian–Laird value, with
//     step halving when l_R falls and truncation at 0; converged when the Fisher step is below 1e-13 (absolute
//     and relative), tighter than metafor's default 1e-5, or at τ² = 0 when the step points below it.
//   - DerSimonian & Laird (Control Clin Trials 1986;7:177–188): τ² = max(0, (Q − (k − 1)) / (Σw − Σw²/Σw)), with
//     fixed-effect weights w = 1/v and Cochran's Q = Σ w (y − ȳ_w)².
// Pooled mean μ̂ = Σ wᵢyᵢ / Σ wᵢ with Var(μ̂) = 1/Σ wᵢ (weights at the estimated τ²).
// Empirical-Bayes (best linear unbiased) prediction of each θᵢ, as metafor's blup.rma.uni:
//   θ̃ᵢ = μ̂ + λᵢ (yᵢ − μ̂),  λᵢ = τ² / (τ² + vᵢ),  Var(θ̃ᵢ − θᵢ) = λᵢ vᵢ + (1 − λᵢ)² Var(μ̂),
// with a normal interval θ̃ᵢ ± z·SE. The variance counts the uncertainty in μ̂ but not in τ² (Morris 1983, JASA
// 78:47–55): with few subgroups the intervals are somewhat too narrow. τ² = 0 shrinks every estimate to μ̂.
namespace Stratify.Statistics;

/// <summary>How the between-estimate variance τ² is estimated.</summary>
public enum HeterogeneityEstimator
{
    /// <summary>Restricted maximum likelihood (the default: less biased than DerSimonian–Laird for few estimates).</summary>
    RestrictedMaximumLikelihood,
    /// <summary>DerSimonian and Laird's method-of-moments estimator.</summary>
    DerSimonianLaird,
}

/// <summary>
/// A fitted normal–normal random-effects model: τ² and how it was estimated, the pooled mean with its standard
/// error, and per estimate the shrunken (empirical-Bayes) value, its standard error and 95% interval.
/// </summary>
public sealed record RandomEffectsFit(
    HeterogeneityEstimator Estimator,
    double Tau2,
    double Mean,
    double MeanStandardError,
    IReadOnlyList<double> Shrunken,
    IReadOnlyList<double> ShrunkenStandardError,
    IReadOnlyList<double> ShrunkenLower,
    IReadOnlyList<double> ShrunkenUpper,
    int Iterations);

/// <summary>
/// Random-effects pooling and empirical-Bayes shrinkage of k ≥ 2 estimates with known variances.
/// </summary>
/// <example><code>
/// // Three subgroup log hazard ratios and their squared standard errors.
/// var fit = RandomEffectsShrinkage.Fit([-0.40, -0.05, 0.30], [0.04, 0.05, 0.09]);
/// double tau2 = fit.Tau2;                  // metafor: rma(yi, vi, method = "REML")$tau2
/// double first = fit.Shrunken[0];          // metafor: blup(fit)$pred[1]
/// </code></example>
internal static class RandomEffectsShrinkage
{
    private const double Tolerance = 1e-13;
    private const int MaxIterations = 1000;

    public static RandomEffectsFit Fit(IReadOnlyList<double> estimates, IReadOnlyList<double> variances,
        HeterogeneityEstimator estimator = HeterogeneityEstimator.RestrictedMaximumLikelihood)
    {
        int k = estimates.Count;
        if (k < 2) throw new ArgumentException("a random-effects model needs at least two estimates", nameof(estimates));
        if (variances.Count != k) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{variances.Count} variances for {k} estimates"), nameof(variances));
        for (int i = 0; i < k; i++)
            if (!double.IsFinite(estimates[i]) || !(variances[i] > 0) || !double.IsFinite(variances[i]))
                throw new ArgumentException("every estimate must be finite with a positive finite variance", nameof(variances));

        double tau2 = DerSimonianLaird(estimates, variances);
        int iterations = 0;
        if (estimator == HeterogeneityEstimator.RestrictedMaximumLikelihood)
            (tau2, iterations) = RestrictedMaximumLikelihood(estimates, variances, tau2);

        var (mean, sumW) = Pooled(estimates, variances, tau2);
        double meanVariance = 1 / sumW;
        var shrunken = new double[k];
        var se = new double[k];
        var lower = new double[k];
        var upper = new double[k];
        double z = TailProbability.NormalCriticalValue(0.95);
        for (int i = 0; i < k; i++)
        {
            double lambda = tau2 / (tau2 + variances[i]);
            shrunken[i] = mean + lambda * (estimates[i] - mean);
            se[i] = Math.Sqrt(lambda * variances[i] + (1 - lambda) * (1 - lambda) * meanVariance);
            lower[i] = shrunken[i] - z * se[i];
            upper[i] = shrunken[i] + z * se[i];
        }
        return new RandomEffectsFit(estimator, tau2, mean, Math.Sqrt(meanVariance), shrunken, se, lower, upper, iterations);
    }

    /// <summary>DerSimonian–Laird τ² (truncated at 0).</summary>
    public static double DerSimonianLaird(IReadOnlyList<double> estimates, IReadOnlyList<double> variances)
    {
        int k = estimates.Count;
        double sumW = 0, sumW2 = 0, sumWy = 0;
        for (int i = 0; i < k; i++)
        {
            double w = 1 / variances[i];
            sumW += w;
            sumW2 += w * w;
            sumWy += w * estimates[i];
        }
        double mean = sumWy / sumW;
        double q = 0;
        for (int i = 0; i < k; i++)
        {
            double d = estimates[i] - mean;
            q += d * d / variances[i];
        }
        return Math.Max(0, (q - (k - 1)) / (sumW - sumW2 / sumW));
    }

    /// <summary>Fisher scoring on the restricted log-likelihood, from <paramref name="start"/>.</summary>
    private static (double Tau2, int Iterations) RestrictedMaximumLikelihood(IReadOnlyList<double> y, IReadOnlyList<double> v, double start)
    {
        double tau2 = start;
        double current = RestrictedLogLikelihood(y, v, tau2);
        for (int iteration = 1; iteration <= MaxIterations; iteration++)
        {
            var (score, information) = ScoreAndInformation(y, v, tau2);
            double step = score / information;
            // At the boundary with the likelihood still rising toward negative τ², or a step below the tolerance: done.
            if ((tau2 == 0 && step <= 0) || Math.Abs(step) <= Tolerance * Math.Max(1, tau2)) return (tau2, iteration);
            double next = Math.Max(0, tau2 + step);
            double value = RestrictedLogLikelihood(y, v, next);
            // Halve the step while the likelihood falls by more than rounding (a Fisher step can overshoot far from
            // the maximum; near it, differences below the rounding of l_R carry no information).
            double rounding = 1e-14 * (1 + Math.Abs(current));
            for (int halving = 0; value < current - rounding && halving < 60; halving++)
            {
                step /= 2;
                next = Math.Max(0, tau2 + step);
                value = RestrictedLogLikelihood(y, v, next);
            }
            tau2 = next;
            current = value;
        }
        return (tau2, MaxIterations);
    }

    private static double RestrictedLogLikelihood(IReadOnlyList<double> y, IReadOnlyList<double> v, double tau2)
    {
        var (mean, sumW) = Pooled(y, v, tau2);
        double value = -0.5 * Math.Log(sumW);
        for (int i = 0; i < y.Count; i++)
        {
            double total = v[i] + tau2;
            double d = y[i] - mean;
            value -= 0.5 * (Math.Log(total) + d * d / total);
        }
        return value;
    }

    /// <summary>
    /// ∂l_R/∂τ² = ½ (y'PPy − tr P) and the expected information ½ tr(PP), P = W − w w'/Σw (W = diag w); the
    /// common factor ½ cancels in the Fisher step.
    /// </summary>
    private static (double Score, double Information) ScoreAndInformation(IReadOnlyList<double> y, IReadOnlyList<double> v, double tau2)
    {
        int k = y.Count;
        var w = new double[k];
        double sumW = 0, sumW2 = 0, sumW3 = 0;
        for (int i = 0; i < k; i++)
        {
            w[i] = 1 / (v[i] + tau2);
            sumW += w[i];
            sumW2 += w[i] * w[i];
            sumW3 += w[i] * w[i] * w[i];
        }
        var (mean, _) = Pooled(y, v, tau2);
        // Py = W(y − μ̂), since 1'W(y − μ̂) = 0; so y'PPy = Σ wᵢ² (yᵢ − μ̂)².
        double yPPy = 0;
        for (int i = 0; i < k; i++)
        {
            double d = y[i] - mean;
            yPPy += w[i] * w[i] * d * d;
        }
        double traceP = sumW - sumW2 / sumW;
        // tr(PP) = Σw² − 2 Σw³/Σw + (Σw²/Σw)².
        double tracePP = sumW2 - 2 * sumW3 / sumW + sumW2 * sumW2 / (sumW * sumW);
        return (yPPy - traceP, tracePP);
    }

    private static (double Mean, double SumW) Pooled(IReadOnlyList<double> y, IReadOnlyList<double> v, double tau2)
    {
        double sumW = 0, sumWy = 0;
        for (int i = 0; i < y.Count; i++)
        {
            double w = 1 / (v[i] + tau2);
            sumW += w;
            sumWy += w * y[i];
        }
        return (sumWy / sumW, sumW);
    }
}
