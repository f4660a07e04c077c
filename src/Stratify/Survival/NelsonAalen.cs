namespace Stratify.Survival;

// Nelson–Aalen cumulative hazard (Nelson, Technometrics 1972; Aalen, Ann Stat 1978), as R's survival 3.5
// survfit()$cumhaz and $std.chaz with the default ctype = 1:
//   H(t) = sum_{t_j <= t} d_j / n_j,   Var H(t) = sum_{t_j <= t} d_j / n_j^2   (the Poisson-type variance)
// at every distinct observed time t_j; tied events at t_j enter as one jump d_j / n_j (no Fleming–Harrington
// tie correction). With case weights n_j and d_j are sums of weights; with a fractional weight (or robust = true)
// the variance is survfitkm's infinitesimal jackknife, each patient its own cluster:
//   U_i(t) = w_i [ delta_i 1{t_i <= t} / n_{t_i} - sum_{t_j <= min(t_i, t)} d_j / n_j^2 ],   Var H(t) = sum_i U_i(t)^2.

/// <summary>Nelson–Aalen cumulative hazard per group, agreeing with R's survfit cumhaz / std.chaz.</summary>
/// <example>
/// <code>
/// var data = SurvivalData.FromCohort(CsvCohortReader.Read("datasets/veteran.csv"), "time", "status", group: "trt");
/// var na = NelsonAalen.Fit(data);
/// double h = na.Curves[0].CumulativeHazard[^1];
/// </code>
/// </example>
internal static class NelsonAalen
{
    /// <param name="data">Survival data, optionally grouped and weighted.</param>
    /// <param name="robust">Variance: null = R's default (infinitesimal jackknife when a weight is fractional).</param>
    public static NelsonAalenEstimate Fit(SurvivalData data, bool? robust = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var tables = RiskTable.PerGroup(data);
        bool jackknife = CaseWeights.RobustByDefault(robust, data.Weights);
        var curves = new List<NelsonAalenCurve>(tables.Length);
        for (int g = 0; g < tables.Length; g++)
        {
            var table = tables[g];
            if (table.N == 0) continue;
            int m = table.Time.Length;
            var hazard = new double[m];
            var stdErr = new double[m];
            if (data.Weights is null && !jackknife)
            {
                double h = 0, variance = 0;
                for (int j = 0; j < m; j++)
                {
                    double n = table.NRisk[j], d = table.NEvent[j];
                    h += d / n;
                    variance += d / (n * n);
                    hazard[j] = h;
                    stdErr[j] = Math.Sqrt(variance);
                }
            }
            else Weighted(table, data.Sorted, jackknife, hazard, stdErr);
            curves.Add(new NelsonAalenCurve(data.GroupLabels[g], table.Time, table.NRisk, table.NEvent, hazard, stdErr));
        }
        return new NelsonAalenEstimate(curves);
    }

    private static void Weighted(RiskTable table, TimeSortedPatients sorted, bool jackknife, double[] hazard, double[] stdErr)
    {
        int m = table.Time.Length;
        var nRisk = table.WeightedNRisk ?? ProductLimit.AsDoubles(table.NRisk);
        var nEvent = table.WeightedNEvent ?? ProductLimit.AsDoubles(table.NEvent);
        var cumulative = new double[m];
        var jump = new double[m];
        double h = 0, variance = 0;
        for (int j = 0; j < m; j++)
        {
            double n = nRisk[j], d = nEvent[j];
            if (table.NEvent[j] > 0 && d > 0) // survfitkm: a time with an event of positive weight
            {
                h += d / n;
                variance += d / (n * n);
                jump[j] = 1 / n;
            }
            hazard[j] = h;
            cumulative[j] = variance;
            stdErr[j] = Math.Sqrt(variance);
        }
        if (!jackknife) return;
        var sums = table.JackknifeSumOfSquares(sorted.Time, sorted.Event, sorted.Weight, cumulative, jump);
        for (int j = 0; j < m; j++) stdErr[j] = Math.Sqrt(sums[j]);
    }
}

/// <summary>The Nelson–Aalen curves of one fit, one per non-empty group.</summary>
internal sealed record NelsonAalenEstimate(IReadOnlyList<NelsonAalenCurve> Curves);

/// <summary>H(t) and its standard error (R's std.chaz) at each distinct observed time of one group.</summary>
internal sealed record NelsonAalenCurve(string Group, double[] Time, int[] NRisk, int[] NEvent, double[] CumulativeHazard, double[] StandardError);
