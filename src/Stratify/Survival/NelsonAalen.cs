namespace Stratify.Survival;

// Nelson–Aalen cumulative hazard (Nelson, Technometrics 1972; Aalen, Ann Stat 1978), as R's survival 3.5
// survfit()$cumhaz and $std.chaz with the default ctype = 1:
//   H(t) = sum_{t_j <= t} d_j / n_j,   Var H(t) = sum_{t_j <= t} d_j / n_j^2   (the Poisson-type variance)
// at every distinct observed time t_j; tied events at t_j enter as one jump d_j / n_j (no Fleming–Harrington
// tie correction).

/// <summary>Nelson–Aalen cumulative hazard per group, agreeing with R's survfit cumhaz / std.chaz.</summary>
/// <example>
/// <code>
/// var data = SurvivalData.FromCohort(CsvCohortReader.Read("datasets/veteran.csv"), "time", "status", group: "trt");
/// var na = NelsonAalen.Fit(data);
/// double h = na.Curves[0].CumulativeHazard[^1];
/// </code>
/// </example>
public static class NelsonAalen
{
    public static NelsonAalenEstimate Fit(SurvivalData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var tables = RiskTable.PerGroup(data);
        var curves = new List<NelsonAalenCurve>(tables.Length);
        for (int g = 0; g < tables.Length; g++)
        {
            var table = tables[g];
            if (table.N == 0) continue;
            int m = table.Time.Length;
            var hazard = new double[m];
            var stdErr = new double[m];
            double h = 0, variance = 0;
            for (int j = 0; j < m; j++)
            {
                double n = table.NRisk[j], d = table.NEvent[j];
                h += d / n;
                variance += d / (n * n);
                hazard[j] = h;
                stdErr[j] = Math.Sqrt(variance);
            }
            curves.Add(new NelsonAalenCurve(data.GroupLabels[g], table.Time, table.NRisk, table.NEvent, hazard, stdErr));
        }
        return new NelsonAalenEstimate(curves);
    }
}

/// <summary>The Nelson–Aalen curves of one fit, one per non-empty group.</summary>
public sealed record NelsonAalenEstimate(IReadOnlyList<NelsonAalenCurve> Curves);

/// <summary>H(t) and its standard error (R's std.chaz) at each distinct observed time of one group.</summary>
public sealed record NelsonAalenCurve(string Group, double[] Time, int[] NRisk, int[] NEvent, double[] CumulativeHazard, double[] StdErr);
