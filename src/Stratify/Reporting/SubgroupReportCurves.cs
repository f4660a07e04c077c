// Kaplan–Meier chart inputs from the columnar curves of results.json.
//
// Number at risk at a tick time t (the risk table under the axis): the patients still under observation just
// before t, i.e. with follow-up time ≥ t. On the curve's distinct times t_1 < … < t_m with n_risk(t_j) that is
// n_risk at the first t_j ≥ t (R's summary.survfit(times = t) convention); before t_1 it is n_risk(t_1) (= n without
// delayed entry) and after t_m it is 0.
// Censoring marks sit at every t_j with n_censor > 0, at the height S(t_j) (plot.survfit's mark.time = TRUE).
// Printed counts (legend sizes, numbers at risk) go through SmallCellPolicy with complementary suppression, see
// Chart and SubgroupReportSmallCells.cs.
// Tick times: 0 and multiples of a "nice" step (1, 2, 2.5 or 5 × 10^k), the one giving closest to six ticks
// within [0, last time].
using Stratify.Reporting.Charts;

namespace Stratify.Reporting;

/// <summary>Builds <see cref="KaplanMeierChart"/> inputs from <see cref="KaplanMeierJson"/> curves.</summary>
/// <example><code>
/// double[] ticks = SubgroupReportCurves.TickTimes(2659); // 0, 500, 1000, 1500, 2000, 2500
/// var curve = SubgroupReportCurves.Curve(results.Survival.KaplanMeier.Groups[0], "Subgroup A", ticks);
/// </code></example>
internal static class SubgroupReportCurves
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
        // Rounded to 12 significant digits (0.30000000000000004 becomes 0.3), which keeps ticks of any scale apart (1e-301 too).
        for (int i = 0; i < times.Length; i++) times[i] = double.Parse((i * step).ToString("G12", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
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
    public static KaplanMeierChartCurve Curve(KaplanMeierGroupJson group, string label, IReadOnlyList<double> ticks)
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
        return new KaplanMeierChartCurve(label, group.N, curve.Time, curve.Survival, curve.Lower, curve.Upper,
            censorTimes, censorSurvival, AtRisk(curve, ticks));
    }

    /// <summary>
    /// A chart of every group of <paramref name="km"/>, labelled by <paramref name="label"/>, with its printed
    /// counts under the small-cell rule and complementary suppression (see SubgroupReportSmallCells.cs):
    /// the legend's sizes are one set (they add up to the patients analysed, or to the subgroup's size for arms),
    /// with the groups <paramref name="sizeWithheld"/> names withheld; a withheld size is also withheld where the
    /// risk table repeats it (a count at risk equal to the group's size). When <paramref name="riskColumnsAddUp"/>
    /// (curves by arm: at each tick the arms' counts add up to the subgroup's count printed under the subgroup
    /// chart), each tick's column of counts is a set too; a group whose curve is not drawn counts as masked in it.
    /// </summary>
    public static KaplanMeierChartInput Chart(KaplanMeierJson km, Func<string, string> label, string timeUnit, string altText,
        SmallCellPolicy cells, Func<string, bool> sizeWithheld, bool riskColumnsAddUp)
    {
        var ticks = TickTimes(LastTime(km));
        int groups = km.Groups.Count;
        var sizes = new int[groups];
        var withheld = new bool[groups];
        for (int g = 0; g < groups; g++) { sizes[g] = km.Groups[g].N; withheld[g] = sizeWithheld(km.Groups[g].Group); }
        var sizeDisclosure = cells.Disclose(sizes, withheld);

        var atRisk = new int[groups][];
        var printed = new string[groups][];
        for (int g = 0; g < groups; g++) { atRisk[g] = AtRisk(km.Groups[g].Curve, ticks); printed[g] = new string[ticks.Length]; }
        var column = new int[groups];
        var masked = new bool[groups];
        for (int j = 0; j < ticks.Length; j++)
        {
            for (int g = 0; g < groups; g++)
            {
                column[g] = atRisk[g][j];
                masked[g] = cells.Hides(sizes[g]) || sizeDisclosure[g] == CountDisclosure.Suppressed && column[g] == sizes[g];
            }
            var disclosure = riskColumnsAddUp ? cells.Disclose(column, masked) : Alone(cells, column, masked);
            for (int g = 0; g < groups; g++) printed[g][j] = cells.Count(column[g], disclosure[g]);
        }

        var curves = new List<KaplanMeierChartCurve>(groups);
        for (int g = 0; g < groups; g++)
        {
            curves.Add(Curve(km.Groups[g], label(km.Groups[g].Group), ticks) with
            {
                PatientCountText = sizeDisclosure[g] == CountDisclosure.Suppressed ? SmallCellPolicy.SuppressedText : null,
                AtRiskText = printed[g],
            });
        }
        return new KaplanMeierChartInput(curves, ticks, timeUnit, altText, cells.Threshold);
    }

    /// <summary>Each count on its own (no printed total to subtract from): small ones "&lt;k", withheld ones suppressed.</summary>
    private static CountDisclosure[] Alone(SmallCellPolicy cells, int[] counts, bool[] withheld)
    {
        var disclosure = new CountDisclosure[counts.Length];
        for (int i = 0; i < counts.Length; i++)
            disclosure[i] = cells.Hides(counts[i]) ? CountDisclosure.BelowThreshold : withheld[i] ? CountDisclosure.Suppressed : CountDisclosure.Shown;
        return disclosure;
    }
}
