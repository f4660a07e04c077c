// Kaplan–Meier chart inputs from the columnar curves of results.json.
//
// Number at risk at a tick time t (the risk table under the axis): the patients still under observation just
// before t, i.e. with follow-up time ≥ t. On the curve's distinct times t_1 < … < t_m with n_risk(t_j) that is
// n_risk at the first t_j ≥ t (R's summary.survfit(times = t) convention); before t_1 it is n_risk(t_1) (= n without
// delayed entry) and after t_m it is 0.
// Censoring marks sit at every t_j with n_censor > 0, at the height S(t_j) (plot.survfit's mark.time = TRUE).
// Tick times: 0 and multiples of a "nice" step (1, 2, 2.5 or 5 × 10^k), the one giving closest to six ticks
// within [0, last time].
using Stratify.Reporting.Charts;

namespace Stratify.Reporting;

/// <summary>Builds <see cref="KaplanMeierChart"/> inputs from <see cref="KaplanMeierJson"/> curves.</summary>
/// <example><code>
/// double[] ticks = SubgroupReportCurves.TickTimes(2659); // 0, 500, 1000, 1500, 2000, 2500
/// var curve = SubgroupReportCurves.Curve(results.Survival.KaplanMeier.Groups[0], "Subgroup A", ticks);
/// </code></example>
public static class SubgroupReportCurves
{
    private static readonly double[] NiceSteps = [1, 2, 2.5, 5];

    /// <summary>
    /// Ticks 0, step, 2·step, … ≤ <paramref name="maxTime"/> on the nice step whose tick count is closest to six
    /// (five to eight preferred over fewer; the larger step on a tie).
    /// </summary>
    public static double[] TickTimes(double maxTime)
    {
        if (!(maxTime > 0) || !double.IsFinite(maxTime)) return [0, 1];
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(maxTime / 6)));
        double step = maxTime, best = double.PositiveInfinity;
        for (int decade = 1; decade >= -1; decade--)
        {
            for (int s = NiceSteps.Length - 1; s >= 0; s--)
            {
                double candidate = NiceSteps[s] * magnitude * Math.Pow(10, decade);
                int count = TickCount(maxTime, candidate);
                double score = count < 5 ? 10 + 5 - count : Math.Abs(count - 6);
                if (score < best) { best = score; step = candidate; }
            }
        }
        var times = new double[TickCount(maxTime, step)];
        for (int i = 0; i < times.Length; i++) times[i] = Math.Round(i * step, 10);
        return times;
    }

    private static int TickCount(double maxTime, double step) => (int)Math.Floor(maxTime / step + 1e-9) + 1;

    /// <summary>The last time any of the groups was followed (the x-axis end).</summary>
    public static double LastTime(KaplanMeierJson km)
    {
        double last = 0;
        foreach (var group in km.Groups)
            if (group.Curve.Time.Length > 0) last = Math.Max(last, group.Curve.Time[^1]);
        return last;
    }

    /// <summary>Number at risk at each tick: n_risk at the first curve time ≥ tick, 0 beyond the last time.</summary>
    public static int[] AtRisk(KaplanMeierCurveJson curve, IReadOnlyList<double> ticks)
    {
        var atRisk = new int[ticks.Count];
        int j = 0;
        for (int i = 0; i < ticks.Count; i++)
        {
            while (j < curve.Time.Length && curve.Time[j] < ticks[i]) j++;
            atRisk[i] = j < curve.Time.Length ? curve.NRisk[j] : 0;
        }
        return atRisk;
    }

    /// <summary>One chart curve: the steps, limits, censoring marks and risk counts of <paramref name="group"/>.</summary>
    public static KaplanMeierCurve Curve(KaplanMeierGroupJson group, string label, IReadOnlyList<double> ticks)
    {
        var curve = group.Curve;
        int censored = 0;
        for (int j = 0; j < curve.Time.Length; j++) if (curve.NCensor[j] > 0) censored++;
        var censorTimes = new double[censored];
        var censorSurvival = new double[censored];
        for (int j = 0, c = 0; j < curve.Time.Length; j++)
        {
            if (curve.NCensor[j] == 0) continue;
            censorTimes[c] = curve.Time[j];
            censorSurvival[c++] = curve.Survival[j];
        }
        return new KaplanMeierCurve(label, group.N, curve.Time, curve.Survival, curve.Lower, curve.Upper,
            censorTimes, censorSurvival, AtRisk(curve, ticks));
    }

    /// <summary>A chart of every group of <paramref name="km"/>, labelled by <paramref name="label"/>.</summary>
    public static KaplanMeierChartInput Chart(KaplanMeierJson km, Func<string, string> label, string timeUnit, string altText,
        int smallCellThreshold)
    {
        var ticks = TickTimes(LastTime(km));
        var curves = new List<KaplanMeierCurve>(km.Groups.Count);
        foreach (var group in km.Groups) curves.Add(Curve(group, label(group.Group), ticks));
        return new KaplanMeierChartInput(curves, ticks, timeUnit, altText, smallCellThreshold);
    }
}
