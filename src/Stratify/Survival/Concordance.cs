namespace Stratify.Survival;

/// <summary>
/// Harrell's concordance of a risk score with survival, with the standard error R's <c>concordance()</c> and
/// <c>coxph</c> report (survival 3.5, <c>concordancefit</c>, <c>concordance3.c</c>; Therneau and Watson 2017).
/// <para>A pair (i, j) is comparable when i has an event at tᵢ and j, in the same stratum, is still at risk:
/// tⱼ &gt; tᵢ, or tⱼ = tᵢ with j censored (pairs of tied events are not comparable). It is concordant when the
/// event had the higher risk score (ηᵢ &gt; ηⱼ), discordant when lower, tied when equal.
/// C = (concordant + tied/2) / (concordant + discordant + tied).</para>
/// <para>Variance (infinitesimal jackknife): with per-row counts cᵢ, dᵢ, tᵢ of the comparable pairs row i belongs
/// to, N = total pairs and Somers' d = (C − D)/N, dfbetaᵢ = ((cᵢ − dᵢ) − d·(cᵢ + dᵢ + tᵢ))/N, summed within clusters;
/// Var(C) = Σ dfbeta²/4.</para>
/// The counts use Fenwick trees over the ranks of η while sweeping the rows from the latest time back, O(n log n).
/// </summary>
/// <example>
/// <code>
/// var c = CoxConcordance.Compute(time, died, model.LinearPredictors); // c.C, c.Se as fit$concordance
/// </code>
/// </example>
public static class CoxConcordance
{
    public static ConcordanceEstimate Compute(double[] time, bool[] died, double[] risk, int[]? strata = null, int[]? cluster = null)
    {
        int n = time.Length;
        if (died.Length != n || risk.Length != n || (strata is not null && strata.Length != n) || (cluster is not null && cluster.Length != n))
            throw new ArgumentException("time, event, risk, strata and cluster must have the same length");

        // Rank of each risk score among the distinct values (exact equality = tied).
        var byRisk = new int[n];
        for (int i = 0; i < n; i++) byRisk[i] = i;
        var sortedRisk = (double[])risk.Clone();
        Array.Sort(sortedRisk, byRisk);
        var rank = new int[n];
        int distinct = 0;
        for (int i = 0; i < n; i++)
        {
            if (i > 0 && sortedRisk[i] != sortedRisk[i - 1]) distinct++;
            rank[byRisk[i]] = distinct;
        }
        distinct++;

        // Order: stratum, then time descending, censored before events at the same time.
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var keys = new double[n];
        for (int i = 0; i < n; i++) keys[i] = -time[i];
        Array.Sort(keys, order);
        if (strata is not null) order = CoxRiskSets.StableByStratum(order, CoxRiskSets.IndexStrata(strata, out var labels), labels.Length);
        for (int i = 0; i < n;)
        {
            int j = i;
            int s = strata?[order[i]] ?? 0;
            while (j < n && time[order[j]] == time[order[i]] && (strata?[order[j]] ?? 0) == s) j++;
            int next = i;
            for (int k = i; k < j; k++)
                if (!died[order[k]]) (order[next], order[k]) = (order[k], order[next++]);
            i = j;
        }

        var atRisk = new FenwickCounts(distinct);
        var deaths = new FenwickCounts(distinct);
        var concordantOf = new double[n];
        var discordantOf = new double[n];
        var tiedOf = new double[n];
        double concordant = 0, discordant = 0, tiedRisk = 0, tiedTime = 0;

        int start = 0;
        while (start < n)
        {
            int stratum = strata?[order[start]] ?? 0;
            int end = start;
            while (end < n && (strata?[order[end]] ?? 0) == stratum) end++;
            atRisk.Clear();
            deaths.Clear();
            int i = start;
            while (i < end)
            {
                int row = order[i];
                if (!died[row])
                {
                    EnterRiskSet(row, rank, atRisk, deaths, concordantOf, discordantOf, tiedOf);
                    i++;
                    continue;
                }
                int j = i;
                while (j < end && time[order[j]] == time[row]) j++;
                for (int k = i; k < j; k++)
                {
                    int e = order[k];
                    int r = rank[e];
                    double lower = atRisk.Below(r), equal = atRisk.At(r), higher = atRisk.Total - lower - equal;
                    concordant += lower;
                    discordant += higher;
                    tiedRisk += equal;
                    concordantOf[e] += lower;
                    discordantOf[e] += higher;
                    tiedOf[e] += equal;
                    tiedTime += k - i;
                    deaths.Add(r);
                }
                for (int k = i; k < j; k++) EnterRiskSet(order[k], rank, atRisk, deaths, concordantOf, discordantOf, tiedOf);
                i = j;
            }
            // Close the pairs of every row with the events that entered after it.
            for (int k = start; k < end; k++)
            {
                int row = order[k];
                int r = rank[row];
                double lower = deaths.Below(r), equal = deaths.At(r), higher = deaths.Total - lower - equal;
                concordantOf[row] += higher;
                discordantOf[row] += lower;
                tiedOf[row] += equal;
            }
            start = end;
        }

        double pairs = concordant + discordant + tiedRisk;
        double somers = (concordant - discordant) / pairs;
        double c = (somers + 1) / 2;
        var dfbeta = new double[n];
        for (int i = 0; i < n; i++)
            dfbeta[i] = ((concordantOf[i] - discordantOf[i]) - somers * (concordantOf[i] + discordantOf[i] + tiedOf[i])) / pairs;
        double sumSquares = 0;
        if (cluster is null)
            foreach (double d in dfbeta) sumSquares += d * d;
        else
        {
            var byCluster = new Dictionary<int, double>();
            for (int i = 0; i < n; i++) byCluster[cluster[i]] = byCluster.GetValueOrDefault(cluster[i]) + dfbeta[i];
            foreach (double d in byCluster.Values) sumSquares += d * d;
        }
        return new ConcordanceEstimate(c, Math.Sqrt(sumSquares / 4), concordant, discordant, tiedRisk, tiedTime);
    }

    /// <summary>
    /// A row enters the risk set: from now on, events count it as a later partner. Its own partner counts are
    /// "events entering after me", so subtract the event tree as it stands (the final tree is added at the end).
    /// </summary>
    private static void EnterRiskSet(int row, int[] rank, FenwickCounts atRisk, FenwickCounts deaths,
        double[] concordantOf, double[] discordantOf, double[] tiedOf)
    {
        int r = rank[row];
        double lower = deaths.Below(r), equal = deaths.At(r), higher = deaths.Total - lower - equal;
        concordantOf[row] -= higher;
        discordantOf[row] -= lower;
        tiedOf[row] -= equal;
        atRisk.Add(r);
    }

    /// <summary>Counts per rank with prefix sums in O(log n) (Fenwick 1994).</summary>
    private sealed class FenwickCounts(int size)
    {
        private readonly int[] _tree = new int[size + 1];
        private readonly int[] _at = new int[size];

        public double Total { get; private set; }

        public void Clear()
        {
            Array.Clear(_tree);
            Array.Clear(_at);
            Total = 0;
        }

        public void Add(int rank)
        {
            _at[rank]++;
            Total++;
            for (int i = rank + 1; i < _tree.Length; i += i & -i) _tree[i]++;
        }

        public double At(int rank) => _at[rank];

        /// <summary>Count of entries with rank strictly below <paramref name="rank"/>.</summary>
        public double Below(int rank)
        {
            long sum = 0;
            for (int i = rank; i > 0; i -= i & -i) sum += _tree[i];
            return sum;
        }
    }
}
