// Welch's two-sample t-test (unequal variances), as R's t.test(x, y, var.equal = FALSE):
//   t  = (mean_x - mean_y) / se,   se² = s_x²/n_x + s_y²/n_y
//   df = se⁴ / [ (s_x²/n_x)² / (n_x - 1) + (s_y²/n_y)² / (n_y - 1) ]       (Welch–Satterthwaite)
//   p  = 2 P(T_df ≥ |t|)
// Welch BL (1947) Biometrika 34:28. Undefined (NaN) when a sample has fewer than two values or when the
// standard error is below 10 ε max(|mean_x|, |mean_y|) (R stops with "data are essentially constant").
namespace Stratify.Statistics;

/// <summary>Result of <see cref="WelchTTest.Compute"/>; all NaN when the test is undefined.</summary>
internal sealed record WelchTTestResult(double Statistic, double DegreesOfFreedom, double PValue,
    double MeanX, double MeanY, double StandardError)
{
    public const string TestName = "welch_t";
}

/// <summary>Welch's unequal-variance two-sample t-test.</summary>
/// <example><code>var r = WelchTTest.Compute(ageMen, ageWomen); // r.PValue as R t.test(ageMen, ageWomen)$p.value</code></example>
internal static class WelchTTest
{
    /// <summary>R's .Machine$double.eps, 2^-52.</summary>
    private const double MachineEpsilon = 2.220446049250313e-16;

    public static WelchTTestResult Compute(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var mx = SampleMoments.Of(x);
        var my = SampleMoments.Of(y);
        if (mx.Count < 2 || my.Count < 2)
            return new WelchTTestResult(double.NaN, double.NaN, double.NaN, mx.Mean, my.Mean, double.NaN);
        double vx = mx.Variance / mx.Count, vy = my.Variance / my.Count;
        double se2 = vx + vy;
        double se = Math.Sqrt(se2);
        if (se < 10 * MachineEpsilon * Math.Max(Math.Abs(mx.Mean), Math.Abs(my.Mean)) || se == 0)
            return new WelchTTestResult(double.NaN, double.NaN, double.NaN, mx.Mean, my.Mean, se);
        double df = se2 * se2 / (vx * vx / (mx.Count - 1) + vy * vy / (my.Count - 1));
        double t = (mx.Mean - my.Mean) / se;
        return new WelchTTestResult(t, df, TailProbability.StudentTTwoSided(t, df), mx.Mean, my.Mean, se);
    }
}
