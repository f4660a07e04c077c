namespace Stratify.Survival;

/// <summary>
/// The difference F_a(t) − F_b(t) between two groups' cumulative incidences of one cause at a time t, with the
/// standard error √(se_a² + se_b²) of independent groups (each se as its curve reports it), a Wald interval
/// d ∓ z·se, z = d/se and its two-sided p. NaN where either curve is beyond its last follow-up (or se = 0 for z, p).
/// </summary>
internal readonly record struct CumulativeIncidenceDifference(double Time, double Difference, double StandardError, double Lower, double Upper, double Z, double PValue);

/// <summary>Comparisons of two cumulative incidence curves at chosen times (landmarks).</summary>
/// <example>
/// <code>
/// var fit = AalenJohansen.Fit(CompetingRisksData.From(bound, bound.Treatment), new CumulativeIncidenceOptions());
/// var arms = fit.Of(1);                     // the event of interest, one curve per arm
/// var at5y = CumulativeIncidenceComparison.At(arms[1], arms[0], [1826])[0];   // treated − reference at 5 years
/// </code>
/// </example>
internal static class CumulativeIncidenceComparison
{
    public static IReadOnlyList<CumulativeIncidenceDifference> At(CumulativeIncidenceCurve a, CumulativeIncidenceCurve b, IReadOnlyList<double> times, double confLevel = 0.95)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Cause != b.Cause)
            throw new ArgumentException($"the curves are of different causes ({a.CauseLabel}, {b.CauseLabel})", nameof(b));
        double z = ProductLimit.NormalQuantile(confLevel, times.ToArray());
        var result = new CumulativeIncidenceDifference[times.Count];
        for (int i = 0; i < result.Length; i++)
        {
            var fa = a.ValueAt(times[i]);
            var fb = b.ValueAt(times[i]);
            double d = fa.CumulativeIncidence - fb.CumulativeIncidence;
            double se = Math.Sqrt(fa.StandardError * fa.StandardError + fb.StandardError * fb.StandardError);
            double statistic = se > 0 ? d / se : double.NaN;
            result[i] = new CumulativeIncidenceDifference(times[i], d, se, d - z * se, d + z * se, statistic, Statistics.TailProbability.NormalTwoSided(statistic));
        }
        return result;
    }
}
