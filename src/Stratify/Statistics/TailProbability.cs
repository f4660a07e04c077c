// Tail probabilities and quantiles of the reference distributions of Stratify's tests and intervals: the one home of
// every p-value and every normal critical value in the library (the χ² tail was once written three times, and the
// copies disagreed at df = 0; the 97.5% normal quantile was a literal in three places).
//
// The two-sided t probability is 2 * StudentT.CDF(0, 1, df, -|t|) (MathNet.Numerics.Distributions.StudentT):
// the lower tail at a negative argument has no cancellation. The F and chi-square upper tails are taken
// from the regularised incomplete beta and gamma functions directly, not as 1 - CDF, because 1 - CDF loses
// all digits once the p-value falls below about 1e-16 (R's pf/pchisq with lower.tail = FALSE do the same):
//   P(F(d1, d2) > f)  = I_{d2 / (d2 + d1 f)}(d2 / 2, d1 / 2)        (Abramowitz & Stegun 26.6.2)
//   P(chi2(k) > x)    = Q(k / 2, x / 2), the upper regularised gamma (A&S 26.4.19)
// The normal tails come from erfc at -|z| for the same reason; the normal quantile is MathNet's Normal.InvCDF
// (−√2·erfc⁻¹(2p), Boost's rational approximations).
//
// Accuracy against R 4.2 (tests/reference/distributions_reference.R; asserted in TailProbabilityReferenceTests),
// measured as the largest relative difference over the grid of that script:
//   pchisq(lower.tail = FALSE), df 0.5–250, x 1e-12–1400, p down to 1e-304:   2.0e-13 (8.8e-15 for df ≤ 10, p > 1e-20)
//   pnorm, z −37.5–10 (p down to 4.6e-308):                                  1.1e-13 (7.1e-15 for |z| ≤ 10)
//   qnorm, p 1e-300 – 1 − 1e-15, and qnorm((1 + level)/2):                    5.4e-16
//   2 * pt(-|t|, df), df 1–1000:                                               4.2e-13
//   pf(lower.tail = FALSE), d1 1–10, d2 3–500:                                 1.2e-12
// so MathNet serves: no caller needs more than these digits (a p-value's own error from its statistic is larger).
//
// Degrees of freedom 0. As a distribution, χ²(0) is a point mass at 0, and ChiSquareUpper follows R's pchisq exactly:
// 0 for x > 0, and 1 at x = 0 (R's pgamma with shape 0 returns P(X < x) there). As a test, though, 0 degrees of
// freedom means there was nothing to test (a single group expecting events, every Cox term aliased, no interaction
// term left), and R's p = 0 or 1 would read as evidence. ChiSquarePValue, used by every χ² test of the library,
// therefore reports NaN (NA in tables, null in JSON) at df = 0, and says why in its documentation and the README.
using MathNet.Numerics;
using MathNet.Numerics.Distributions;
using System.Globalization;

namespace Stratify.Statistics;

/// <summary>
/// Tail probabilities of the t, F, chi-square and normal distributions, computed without cancellation so that
/// small p-values keep their relative precision, the p-value of a χ² test, and the normal quantiles behind every
/// confidence interval.
/// </summary>
/// <example><code>
/// double p = TailProbability.ChiSquareUpper(3.84, 1);        // 0.05004352 as R pchisq(3.84, 1, lower.tail = FALSE)
/// double z = TailProbability.NormalCriticalValue(0.9);      // 1.644854 as R qnorm((1 + 0.9) / 2)
/// </code></example>
internal static class TailProbability
{
    /// <summary>P(|T| ≥ |t|) for Student's t with <paramref name="degreesOfFreedom"/> (may be fractional, as Welch's).</summary>
    public static double StudentTTwoSided(double t, double degreesOfFreedom)
    {
        if (double.IsNaN(t) || !(degreesOfFreedom > 0)) return double.NaN;
        return Math.Min(1.0, 2.0 * StudentT.CDF(0.0, 1.0, degreesOfFreedom, -Math.Abs(t)));
    }

    /// <summary>P(F ≥ f) for Fisher–Snedecor F(d1, d2).</summary>
    public static double FisherSnedecorUpper(double f, double d1, double d2)
    {
        if (double.IsNaN(f) || !(d1 > 0) || !(d2 > 0)) return double.NaN;
        if (f <= 0) return 1.0;
        if (double.IsPositiveInfinity(f)) return 0.0;
        return SpecialFunctions.BetaRegularized(d2 / 2.0, d1 / 2.0, d2 / (d2 + d1 * f));
    }

    /// <summary>
    /// P(X &gt; x) for the chi-square distribution with <paramref name="degreesOfFreedom"/>, as R's
    /// <c>pchisq(x, df, lower.tail = FALSE)</c>, including df = 0 (a point mass at 0: 0 for x &gt; 0, 1 at x ≤ 0, as R)
    /// and NaN for df &lt; 0. For the p-value of a test use <see cref="ChiSquarePValue"/>.
    /// </summary>
    public static double ChiSquareUpper(double x, double degreesOfFreedom)
    {
        if (double.IsNaN(x) || double.IsNaN(degreesOfFreedom) || degreesOfFreedom < 0) return double.NaN;
        if (degreesOfFreedom == 0) return x > 0 ? 0.0 : 1.0;
        if (x <= 0) return 1.0;
        if (double.IsPositiveInfinity(x)) return 0.0;
        return SpecialFunctions.GammaUpperRegularized(degreesOfFreedom / 2.0, x / 2.0);
    }

    /// <summary>
    /// The p-value of a χ² test statistic on <paramref name="degreesOfFreedom"/>: P(χ²(df) ≥ statistic). NaN when the
    /// test has no degrees of freedom (df ≤ 0: nothing was left to test, for example a single group expecting events
    /// or every term aliased; R's pchisq would give 1 or 0, which reads as evidence) or the statistic is NaN.
    /// </summary>
    public static double ChiSquarePValue(double statistic, int degreesOfFreedom)
        => degreesOfFreedom > 0 ? ChiSquareUpper(statistic, degreesOfFreedom) : double.NaN;

    /// <summary>P(|Z| ≥ |z|) = 2Φ(−|z|) for the standard normal, from erfc (no cancellation in the tail; R's 2 * pnorm(-abs(z))).</summary>
    public static double NormalTwoSided(double z) => double.IsNaN(z) ? double.NaN : SpecialFunctions.Erfc(Math.Abs(z) / Math.Sqrt(2));

    /// <summary>P(Z ≤ z) for the standard normal (R's pnorm(z)).</summary>
    public static double NormalLower(double z) => Normal.CDF(0.0, 1.0, z);

    /// <summary>The p-quantile of the standard normal, Φ⁻¹(p) (R's qnorm(p)); NaN outside [0, 1], ∓∞ at 0 and 1.</summary>
    public static double NormalQuantile(double p) => p is >= 0 and <= 1 ? Normal.InvCDF(0.0, 1.0, p) : double.NaN;

    /// <summary>
    /// The multiplier of the standard error in a two-sided normal (Wald) interval at <paramref name="confidenceLevel"/>:
    /// z = Φ⁻¹((1 + level) / 2), 1.959964 at 0.95 and 1.644854 at 0.90 (R's <c>qnorm((1 + conf.int) / 2)</c> in
    /// <c>summary.coxph</c> and <c>survfit</c>). The level must lie strictly between 0 and 1.
    /// </summary>
    public static double NormalCriticalValue(double confidenceLevel)
    {
        if (!(confidenceLevel > 0 && confidenceLevel < 1))
            throw new Data.StratifyInputException("a confidence level must lie strictly between 0 and 1", value: confidenceLevel.ToString("R", CultureInfo.InvariantCulture),
                suggestion: "For example 0.95 for 95% intervals.");
        return NormalQuantile((1 + confidenceLevel) / 2);
    }
}
