using System.Numerics;

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
/// <para>Case weights (R's <c>concordancefit(weights = )</c>, as coxph passes them): a pair (i, j) counts wᵢ·wⱼ, the
/// per-row counts become sums of the partners' weights, and dfbetaᵢ is multiplied by wᵢ.</para>
/// The counts use Fenwick trees over the ranks of η while sweeping the rows from the latest time back, O(n log n)
/// (integer counts without weights, sums of weights with them).
/// Times closer than R's timefix tolerance are tied first (aeqSurv), as concordance() and coxph do by default.
/// </summary>
/// <example>
/// <code>
/// var c = CoxConcordance.Compute(time, died, model.LinearPredictors); // c.C, c.Se as fit$concordance
/// </code>
/// </example>
internal static class CoxConcordance
{
    public static ConcordanceEstimate Compute(double[] time, bool[] died, double[] risk, int[]? strata = null, int[]? cluster = null,
        double[]? weights = null)
    {
        int n = time.Length;
        if (died.Length != n || risk.Length != n || (strata is not null && strata.Length != n) || (cluster is not null && cluster.Length != n)
            || (weights is not null && weights.Length != n))
            throw new ArgumentException("time, event, risk, strata, cluster and weights must have the same length");
        // R's concordance() ties near-equal times first (timefix = TRUE, aeqSurv), as coxph does.
        var ascending = CoxRadixSort.Order(time);
        var sorted = new double[n];
        for (int k = 0; k < n; k++) sorted[k] = time[ascending[k]];
        var fixedTime = TimeFix.MergeNearTies(sorted, ascending, time);
        return weights is null
            ? Count<int>(fixedTime, died, risk, strata, cluster, null, () => DescendingOrder(fixedTime, died, strata))
            : Count<double>(fixedTime, died, risk, strata, cluster, weights, () => DescendingOrder(fixedTime, died, strata));
    }

    /// <summary>The same, reusing the sort of a Cox fit (rows by stratum and ascending time).</summary>
    internal static ConcordanceEstimate Compute(CoxRiskSets sorted, double[] time, bool[] died, double[] risk, int[]? strata, int[]? cluster,
        double[]? weights = null)
        => weights is null
            ? Count<int>(time, died, risk, strata, cluster, null, () => DescendingOrder(sorted))
            : Count<double>(time, died, risk, strata, cluster, weights, () => DescendingOrder(sorted));

    /// <summary>Rows by stratum, then time descending, censored before events at the same time.</summary>
    private static int[] DescendingOrder(double[] time, bool[] died, int[]? strata)
    {
        int n = time.Length;
        var keys = new double[n];
        for (int i = 0; i < n; i++) keys[i] = -time[i];
        var order = CoxRadixSort.Order(keys);
        if (strata is not null) order = SurvivalOrder.StableGroup(order, CoxRiskSets.IndexStrata(strata, out var labels), labels.Length);
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
        return order;
    }

    private static int[] DescendingOrder(CoxRiskSets sorted)
    {
        var order = new int[sorted.N];
        int at = 0, g = 0;
        while (g < sorted.GroupCount)
        {
            int last = g;
            while (last < sorted.GroupCount && sorted.GroupStratum[last] == sorted.GroupStratum[g]) last++;
            for (int grp = last - 1; grp >= g; grp--)
            {
                for (int k = sorted.GroupStart[grp]; k < sorted.GroupStart[grp + 1]; k++) if (!sorted.Event[k]) order[at++] = sorted.Order[k];
                for (int k = sorted.GroupStart[grp]; k < sorted.GroupStart[grp + 1]; k++) if (sorted.Event[k]) order[at++] = sorted.Order[k];
            }
            g = last;
        }
        return order;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    /// <typeparam name="T">int (counts, no weights) or double (sums of weights).</typeparam>
    private static ConcordanceEstimate Count<T>(double[] time, bool[] died, double[] risk, int[]? strata, int[]? cluster, double[]? weights,
        Func<int[]> orderRows) where T : unmanaged, INumber<T>
    {
        int n = time.Length;
        int[] order = [];
        int[] rank = [];
        int distinct = 0;
        Parallel.Invoke(() => order = orderRows(), () => rank = Ranks(risk, out distinct));

        // Work in sorted positions: gather rank, event and time once so the sweeps below read sequentially.
        var rankAt = new int[n];
        var eventAt = new bool[n];
        var timeAt = new double[n];
        var stratumAt = new int[n];
        var weightAt = weights is null ? null : new double[n];
        for (int k = 0; k < n; k++)
        {
            int row = order[k];
            rankAt[k] = rank[row];
            eventAt[k] = died[row];
            timeAt[k] = time[row];
            stratumAt[k] = strata?[row] ?? 0;
            if (weightAt is not null) weightAt[k] = weights![row];
        }

        // Two independent sweeps over the same descending order, one per core: the risk-set tree answers each
        // event's "partners still at risk" (totals and the event's own counts); the event tree answers each row's
        // "events that entered after me" (subtracted on entry, the final tree added at the end). Per row only
        // cᵢ − dᵢ and cᵢ + dᵢ + tᵢ are needed; the counts are whole numbers, so the two sweeps' shares add exactly.
        var netAsEvent = new double[n];
        var pairsAsEvent = new double[n];
        var netAsPartner = new double[n];
        var pairsAsPartner = new double[n];
        double concordant = 0, discordant = 0, tiedRisk = 0, tiedTime = 0;
        Parallel.Invoke(
            () => (concordant, discordant, tiedRisk, tiedTime) = SweepRiskSets<T>(rankAt, eventAt, timeAt, stratumAt, weightAt, distinct, netAsEvent, pairsAsEvent),
            () => SweepEvents<T>(rankAt, eventAt, timeAt, stratumAt, weightAt, distinct, netAsPartner, pairsAsPartner));

        double pairs = concordant + discordant + tiedRisk;
        double somers = (concordant - discordant) / pairs;
        double c = (somers + 1) / 2;
        double Dfbeta(int k) => (weightAt?[k] ?? 1) * ((netAsEvent[k] + netAsPartner[k]) - somers * (pairsAsEvent[k] + pairsAsPartner[k])) / pairs;
        double sumSquares = 0;
        if (cluster is null)
            for (int k = 0; k < n; k++) { double d = Dfbeta(k); sumSquares += d * d; }
        else
        {
            var byCluster = new Dictionary<int, double>();
            for (int k = 0; k < n; k++) byCluster[cluster[order[k]]] = byCluster.GetValueOrDefault(cluster[order[k]]) + Dfbeta(k);
            foreach (double d in byCluster.Values) sumSquares += d * d;
        }
        return new ConcordanceEstimate(c, Math.Sqrt(sumSquares / 4), concordant, discordant, tiedRisk, tiedTime);
    }

    /// <summary>
    /// The risk-set sweep: each event (tied events together) meets the rows already entered — later times, or
    /// censored at its time — below, at or above its rank; then its tie group enters.
    /// </summary>
    private static (double Concordant, double Discordant, double TiedRisk, double TiedTime) SweepRiskSets<T>(
        int[] rankAt, bool[] eventAt, double[] timeAt, int[] stratumAt, double[]? weightAt, int distinct, double[] net, double[] pairs)
        where T : unmanaged, INumber<T>
    {
        int n = rankAt.Length;
        var atRisk = new FenwickCounts<T>(distinct);
        double concordant = 0, discordant = 0, tiedRisk = 0, tiedTime = 0;
        int start = 0;
        while (start < n)
        {
            int end = start;
            while (end < n && stratumAt[end] == stratumAt[start]) end++;
            atRisk.Clear();
            int i = start;
            while (i < end)
            {
                if (!eventAt[i])
                {
                    atRisk.Add(rankAt[i], WeightOf<T>(weightAt, i));
                    i++;
                    continue;
                }
                int j = i;
                while (j < end && timeAt[j] == timeAt[i]) j++;
                double tiedBefore = 0; // weight of the earlier events of this tie group (their count without weights)
                for (int k = i; k < j; k++)
                {
                    int r = rankAt[k];
                    double w = weightAt?[k] ?? 1;
                    double lower = atRisk.Below(r), equal = atRisk.At(r), higher = atRisk.Total - lower - equal;
                    concordant += w * lower;
                    discordant += w * higher;
                    tiedRisk += w * equal;
                    net[k] = lower - higher;
                    pairs[k] = atRisk.Total;
                    tiedTime += w * tiedBefore;
                    tiedBefore += w;
                }
                for (int k = i; k < j; k++) atRisk.Add(rankAt[k], WeightOf<T>(weightAt, k));
                i = j;
            }
            start = end;
        }
        return (concordant, discordant, tiedRisk, tiedTime);
    }

    /// <summary>
    /// The event sweep: a row's partners among events at earlier times are the final event tree minus the events
    /// that had entered when the row did (its own tie group's events included, as they are not its partners).
    /// </summary>
    private static void SweepEvents<T>(int[] rankAt, bool[] eventAt, double[] timeAt, int[] stratumAt, double[]? weightAt, int distinct,
        double[] net, double[] pairs) where T : unmanaged, INumber<T>
    {
        int n = rankAt.Length;
        var deaths = new FenwickCounts<T>(distinct);
        int start = 0;
        while (start < n)
        {
            int end = start;
            while (end < n && stratumAt[end] == stratumAt[start]) end++;
            deaths.Clear();
            int i = start;
            while (i < end)
            {
                int j = i + 1;
                if (eventAt[i])
                {
                    while (j < end && timeAt[j] == timeAt[i]) j++;
                    for (int k = i; k < j; k++) deaths.Add(rankAt[k], WeightOf<T>(weightAt, k));
                }
                for (int k = i; k < j; k++)
                {
                    // The events already in the tree are not the row's partners: (later) minus (already in).
                    int r = rankAt[k];
                    double lower = deaths.Below(r), equal = deaths.At(r);
                    net[k] = -(deaths.Total - lower - equal) + lower;
                    pairs[k] = -deaths.Total;
                }
                i = j;
            }
            // Close the pairs of every row with the events that entered after it (the tree is final: parallel).
            int from = start, blocks = Math.Max(1, (end - start) / 65_536);
            Parallel.For(0, blocks, block =>
            {
                int blockEnd = block == blocks - 1 ? end : from + (block + 1) * 65_536;
                for (int k = from + block * 65_536; k < blockEnd; k++)
                {
                    int r = rankAt[k];
                    double lower = deaths.Below(r), equal = deaths.At(r), higher = deaths.Total - lower - equal;
                    net[k] += higher - lower;
                    pairs[k] += deaths.Total;
                }
            });
            start = end;
        }
    }

    /// <summary>The amount a row adds to a tree: 1 (a count) without weights, its weight with them.</summary>
    private static T WeightOf<T>(double[]? weightAt, int k) where T : unmanaged, INumber<T>
        => weightAt is null ? T.One : T.CreateTruncating(weightAt[k]);

    /// <summary>Rank of each risk score among the distinct values (exact equality = same rank).</summary>
    private static int[] Ranks(double[] risk, out int distinct)
    {
        int n = risk.Length;
        var byRisk = CoxRadixSort.Order(risk);
        var rank = new int[n];
        distinct = 0;
        for (int i = 0; i < n; i++)
        {
            if (i > 0 && risk[byRisk[i]] != risk[byRisk[i - 1]]) distinct++;
            rank[byRisk[i]] = distinct;
        }
        if (n > 0) distinct++;
        return rank;
    }

    /// <summary>
    /// Counts (T = int) or summed weights (T = double) per rank with prefix sums: a Fenwick tree (Fenwick 1994) over
    /// blocks of 64 ranks plus the amount at every rank. A query walks the small block tree (cache-resident even for
    /// ten million ranks) and sums at most 63 adjacent amounts. Measured against a plain Fenwick tree over all ranks
    /// (counts): the same time at 1,000,000 rows, 10-20% less at 10,000,000 (3.1 s instead of 3.5-3.9 s) and a 40 MB
    /// smaller tree. The type parameter is a value type, so each instantiation is compiled on its own: the counting
    /// tree is the integer code it always was.
    /// </summary>
    private sealed class FenwickCounts<T>(int size) where T : unmanaged, INumber<T>
    {
        private const int BlockBits = 6;
        private const int BlockSize = 1 << BlockBits;
        private readonly T[] _blocks = new T[(size >> BlockBits) + 2];
        private readonly T[] _at = new T[size];
        private T _total = T.Zero;

        public double Total => double.CreateTruncating(_total);

        public void Clear()
        {
            Array.Clear(_blocks);
            Array.Clear(_at);
            _total = T.Zero;
        }

        public void Add(int rank, T amount)
        {
            _at[rank] += amount;
            _total += amount;
            for (int i = (rank >> BlockBits) + 1; i < _blocks.Length; i += i & -i) _blocks[i] += amount;
        }

        public double At(int rank) => double.CreateTruncating(_at[rank]);

        /// <summary>Amount of the entries with rank strictly below <paramref name="rank"/>.</summary>
        public double Below(int rank)
        {
            int block = rank >> BlockBits;
            T sum = T.Zero;
            for (int i = block; i > 0; i -= i & -i) sum += _blocks[i];
            return double.CreateTruncating(sum + SumOf(_at.AsSpan(block << BlockBits, rank & (BlockSize - 1))));
        }

        private static T SumOf(ReadOnlySpan<T> amounts)
        {
            int k = 0;
            T sum = T.Zero;
            if (Vector.IsHardwareAccelerated && amounts.Length >= Vector<T>.Count)
            {
                var acc = Vector<T>.Zero;
                for (; k <= amounts.Length - Vector<T>.Count; k += Vector<T>.Count) acc += new Vector<T>(amounts[k..]);
                sum = Vector.Sum(acc);
            }
            for (; k < amounts.Length; k++) sum += amounts[k];
            return sum;
        }
    }
}
