namespace Stratify.Survival;

// Two-sample log-rank chi-square for every threshold split {x <= c} vs {x > c} of one numeric variable, in
// O(n log n) instead of O(n) per threshold (the brute force survdiff over all thresholds).
// With distinct times t_j (j = 0..m-1), n_j at risk, d_j events, a_j = d_j (n_j - d_j) / (n_j (n_j - 1)) (0 when
// n_j = 1), b_j = a_j / n_j, and the left group's n_Lj, d_Lj:
//   U = O_L - E_L = sum_j (d_Lj - d_j n_Lj / n_j),   V = sum_j a_j n_Lj - b_j n_Lj^2   (survdiff's V_LL, rho = 0)
//   chi2 = U^2 / V  (0 when V = 0, where survdiff has a group with E = 0 and reports 0).
// Patients enter the left group in increasing x. A patient with event indicator delta whose time is t_k raises
// n_Lj by one for every j <= k, so
//   U += delta - H_k,                H_k = sum_{j<=k} d_j / n_j   (Nelson–Aalen)
//   V += A_k - B_k - 2 sum_{j<=k} b_j n_Lj,   A_k, B_k prefix sums of a, b,
// and sum_{j<=k} b_j n_Lj = B_k * #{q in L: k_q >= k} + sum_{q in L, k_q < k} B_{k_q}: two Fenwick trees (counts
// and sums of B_{k_q}) indexed by k answer it in O(log m).

/// <summary>
/// The log-rank statistic of every threshold split of a numeric variable (used by <see cref="LogRankTree"/>),
/// equal to survdiff(Surv(time, status) ~ (x &lt;= c)) for each c, computed incrementally.
/// </summary>
/// <example><code>var scan = LogRankThresholdScan.Scan(data.Time, data.Event, data.TimeOrder, karno, minGroupSize: 15);</code></example>
internal static class LogRankThresholdScan
{
    /// <summary>
    /// Scores the thresholds c = each distinct value of x but the largest among the patients of
    /// <paramref name="timeOrder"/> (ascending time), keeping those that leave at least
    /// <paramref name="minGroupSize"/> patients on each side. <paramref name="x"/> is indexed by patient (row).
    /// </summary>
    public static ThresholdScores Scan(double[] time, bool[] @event, ReadOnlySpan<int> timeOrder, double[] x, int minGroupSize)
    {
        int n = timeOrder.Length;
        // Distinct times: k per position, then n_j, d_j and the prefix sums H, A, B.
        var k = new int[n];
        int m = 0;
        for (int p = 0; p < n; p++)
        {
            if (p > 0 && time[timeOrder[p]] != time[timeOrder[p - 1]]) m++;
            k[p] = m;
        }
        m = n == 0 ? 0 : m + 1;
        var atRisk = new int[m];
        var deaths = new int[m];
        for (int p = n - 1; p >= 0; p--)
        {
            atRisk[k[p]] = n - p; // the first position of a distinct time holds its number at risk
            if (@event[timeOrder[p]]) deaths[k[p]]++;
        }
        var hazard = new double[m];
        var prefixA = new double[m];
        var prefixB = new double[m];
        double h = 0, sa = 0, sb = 0;
        for (int j = 0; j < m; j++)
        {
            double nj = atRisk[j], dj = deaths[j];
            double a = nj > 1 ? dj * (nj - dj) / (nj * (nj - 1)) : 0;
            h += dj / nj;
            sa += a;
            sb += a / nj;
            hazard[j] = h;
            prefixA[j] = sa;
            prefixB[j] = sb;
        }

        // Patients by increasing x (ties in time order: the order within a tie does not matter).
        var keys = new double[n];
        var positions = new int[n];
        for (int p = 0; p < n; p++) { keys[p] = x[timeOrder[p]]; positions[p] = p; }
        Array.Sort(keys, positions);

        var countTree = new int[m + 1];
        var sumTree = new double[m + 1];
        var thresholds = new List<double>();
        var statistics = new List<double>();
        var leftSizes = new List<int>();
        double u = 0, v = 0;
        for (int i = 0; i < n; i++)
        {
            int p = positions[i], kp = k[p];
            int less = 0;
            double sumLess = 0;
            for (int idx = kp; idx > 0; idx -= idx & -idx) { less += countTree[idx]; sumLess += sumTree[idx]; } // indices < kp
            double crossing = prefixB[kp] * (i - less) + sumLess;
            u += (@event[timeOrder[p]] ? 1 : 0) - hazard[kp];
            v += prefixA[kp] - prefixB[kp] - 2 * crossing;
            for (int idx = kp + 1; idx <= m; idx += idx & -idx) { countTree[idx]++; sumTree[idx] += prefixB[kp]; }

            bool lastOfValue = i + 1 == n || keys[i + 1] != keys[i];
            int left = i + 1;
            if (lastOfValue && left < n && left >= minGroupSize && n - left >= minGroupSize)
            {
                thresholds.Add(keys[i]);
                statistics.Add(v > 0 ? u * u / v : 0);
                leftSizes.Add(left);
            }
        }
        return new ThresholdScores(thresholds.ToArray(), statistics.ToArray(), leftSizes.ToArray());
    }
}

/// <summary>For each admissible threshold c (ascending): the chi-square of {x &lt;= c} vs {x &gt; c} and the size of {x &lt;= c}.</summary>
internal sealed record ThresholdScores(double[] Thresholds, double[] Statistics, int[] LeftSizes);
