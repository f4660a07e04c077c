namespace Stratify.Survival;

/// <summary>How a family of p-values is adjusted for multiple comparisons (R's p.adjust methods).</summary>
public enum PValueAdjustment
{
    /// <summary>Holm's step-down (FWER), R's p.adjust(method = "holm").</summary>
    Holm,
    /// <summary>Benjamini–Hochberg step-up (FDR), R's p.adjust(method = "BH").</summary>
    BenjaminiHochberg,
    /// <summary>Bonferroni, R's p.adjust(method = "bonferroni").</summary>
    Bonferroni,
    /// <summary>No adjustment.</summary>
    None,
}

/// <summary>
/// Multiple-comparison adjustment of the survival tests' p-values.
/// Holm: p_(i) -> min(1, max_{j &lt;= i} (m - j + 1) p_(j)) in increasing order; BH: p_(i) -> min(1, min_{j &gt;= i}
/// m / j p_(j)); Bonferroni: min(1, m p). NaN p-values are left out of m and stay NaN, as p.adjust does.
/// </summary>
/// <example><code>double[] adjusted = MultipleTesting.Adjust([0.01, 0.04, 0.03, 0.2], PValueAdjustment.Holm); // 0.04 0.09 0.09 0.20</code></example>
internal static class MultipleTesting
{
    public static double[] Adjust(double[] p, PValueAdjustment method)
    {
        var adjusted = (double[])p.Clone();
        var index = new List<int>(p.Length);
        for (int i = 0; i < p.Length; i++) if (!double.IsNaN(p[i])) index.Add(i);
        int m = index.Count;
        if (m == 0 || method == PValueAdjustment.None) return adjusted;
        var sorted = index.ToArray();
        var keys = new double[m];
        for (int i = 0; i < m; i++) keys[i] = p[sorted[i]];
        Array.Sort(keys, sorted); // ties: any order gives the same adjusted values
        switch (method)
        {
            case PValueAdjustment.Holm:
                double runningMax = 0;
                for (int i = 0; i < m; i++)
                {
                    runningMax = Math.Max(runningMax, (m - i) * keys[i]);
                    adjusted[sorted[i]] = Math.Min(1, runningMax);
                }
                break;
            case PValueAdjustment.BenjaminiHochberg:
                double runningMin = double.PositiveInfinity;
                for (int i = m - 1; i >= 0; i--)
                {
                    runningMin = Math.Min(runningMin, (double)m / (i + 1) * keys[i]);
                    adjusted[sorted[i]] = Math.Min(1, runningMin);
                }
                break;
            default:
                foreach (int i in index) adjusted[i] = Math.Min(1, m * p[i]);
                break;
        }
        return adjusted;
    }
}
