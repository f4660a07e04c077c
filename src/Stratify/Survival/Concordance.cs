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
/// <para>Counting-process rows (an entry per row, R's <c>concordance4</c> on Surv(entry, stop, event)): j is a partner of
/// the event at tᵢ only while at risk, entryⱼ &lt; tᵢ ≤ stopⱼ. The risk-set sweep removes a row from its tree before the
/// first event time at or below its entry; the event sweep counts a row's partners as the events that entered the
/// tree after its stop and before its entry was passed, instead of all events after its stop. Both stay one pass.</para>
/// </summary>
/// <example>
/// <code>
/// var c = CoxConcordance.Compute(time, died, model.LinearPredictors); // c.C, c.Se as fit$concordance
/// </code>
/// </example>
internal static class CoxConcordance
{
    /// <param name="entry">Entry time per row for counting-process data (at risk on (entry, time]); null = right-censored.</param>
    public static ConcordanceEstimate Compute(double[] time, bool[] died, double[] risk, int[]? strata = null, int[]? cluster = null,
        double[]? weights = null, double[]? entry = null)
    {
        int n = time.Length;
        if (died.Length != n || risk.Length != n || (strata is not null && strata.Length != n) || (cluster is not null && cluster.Length != n)
            || (weights is not null && weights.Length != n) || (entry is not null && entry.Length != n))
            throw new ArgumentException("time, event, risk, strata, cluster, weights and entry must have the same length");
        // R's concordance() ties near-equal times first (timefix = TRUE, aeqSurv), as coxph does.
        var ascending = CoxRadixSort.Order(time);
        var sorted = new double[n];
        for (int k = 0; k < n; k++) sorted[k] = time[ascending[k]];
        double[] fixedTime;
        double[]? fixedEntry = null;
        if (entry is null) fixedTime = TimeFix.MergeNearTies(sorted, ascending, time);
        else (fixedTime, fixedEntry, _) = TimeFix.MergeNearTies(sorted, ascending, time, entry);
        return weights is null
            ? Count<int>(fixedTime, died, risk, strata, cluster, null, () => WithExits(DescendingOrder(fixedTime, died, strata), fixedEntry, strata))
            : Count<double>(fixedTime, died, risk, strata, cluster, weights, () => WithExits(DescendingOrder(fixedTime, died, strata), fixedEntry, strata));
    }

    /// <summary>The same, reusing the sort of a Cox fit (rows by stratum and ascending time; its entries for counting-process data).</summary>
    internal static ConcordanceEstimate Compute(CoxRiskSets sorted, double[] time, bool[] died, double[] risk, int[]? strata, int[]? cluster,
        double[]? weights = null)
        => weights is null
            ? Count<int>(time, died, risk, strata, cluster, null, () => DescendingOrder(sorted))
            : Count<double>(time, died, risk, strata, cluster, weights, () => DescendingOrder(sorted));

    /// <summary>An order of the rows with, for counting-process rows, their exits planned by sorting the entries.</summary>
    private static (int[] Order, EntryExits? Exits) WithExits(int[] order, double[]? entry, int[]? strata)
    {
        if (entry is null) return (order, null);
        var stratumAt = new int[order.Length];
        if (strata is not null) for (int k = 0; k < order.Length; k++) stratumAt[k] = strata[order[k]];
        return (order, EntryExits.Plan(entry, order, stratumAt));
    }

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

    /// <summary>
    /// The Cox fit's rows by stratum, then time descending, censored before events; with counting-process rows their exits
    /// come from the fit's entry order (no sort): each stratum's entries from the latest back.
    /// </summary>
    private static (int[] Order, EntryExits? Exits) DescendingOrder(CoxRiskSets sorted)
    {
        var order = new int[sorted.N];
        var positionOf = sorted.IsCountingProcess ? new int[sorted.N] : null;
        int at = 0, g = 0;
        while (g < sorted.GroupCount)
        {
            int last = g;
            while (last < sorted.GroupCount && sorted.GroupStratum[last] == sorted.GroupStratum[g]) last++;
            for (int grp = last - 1; grp >= g; grp--)
            {
                for (int k = sorted.GroupStart[grp]; k < sorted.GroupStart[grp + 1]; k++)
                    if (!sorted.Event[k]) { if (positionOf is not null) positionOf[k] = at; order[at++] = sorted.Order[k]; }
                for (int k = sorted.GroupStart[grp]; k < sorted.GroupStart[grp + 1]; k++)
                    if (sorted.Event[k]) { if (positionOf is not null) positionOf[k] = at; order[at++] = sorted.Order[k]; }
            }
            g = last;
        }
        return (order, positionOf is null ? null : EntryExits.FromRiskSets(sorted, positionOf));
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    /// <typeparam name="T">int (counts, no weights) or double (sums of weights).</typeparam>
    private static ConcordanceEstimate Count<T>(double[] time, bool[] died, double[] risk, int[]? strata, int[]? cluster, double[]? weights,
        Func<(int[] Order, EntryExits? Exits)> orderRows) where T : unmanaged, INumber<T>
    {
        int n = time.Length;
        int[] order = [];
        EntryExits? exits = null;
        int[] rank = [], rankAt = [];
        ulong[]? spareKeys = null;
        int distinct = 0;
        Parallel.Invoke(() => (order, exits) = orderRows(), () => (rank, rankAt, spareKeys) = Ranks(risk, out distinct));

        // Work in sorted positions: gather rank, event and time once so the sweeps below read sequentially. The times are
        // kept as their order-preserving keys (CoxRadixSort.OrderedKey): the sweeps only test them for equality and
        // order, which the keys keep exactly, and the key buffer of the ranks' sort holds them. Without strata there is no
        // stratum per position (one block).
        var eventAt = new bool[n];
        var timeKeyAt = spareKeys ?? new ulong[n];
        var stratumAt = strata is null ? null : new int[n];
        var weightAt = weights is null ? null : new double[n];
        for (int k = 0; k < n; k++)
        {
            int row = order[k];
            rankAt[k] = rank[row];
            eventAt[k] = died[row];
            timeKeyAt[k] = CoxRadixSort.OrderedKey(time[row]);
            if (stratumAt is not null) stratumAt[k] = strata![row];
            if (weightAt is not null) weightAt[k] = weights![row];
        }

        // Two independent sweeps over the same descending order, one per core: the risk-set tree answers each
        // event's "partners still at risk" (totals and the event's own counts); the event tree answers each row's
        // "events that entered after me" (subtracted on entry, the final tree added at the end). Per row only
        // cᵢ − dᵢ and cᵢ + dᵢ + tᵢ are needed, each sweep's share kept as a T: without weights a whole count below n
        // (an int, half a double's memory, converted exactly to the double it counts), with them a sum of weights (a
        // double); the dfbeta below adds the same numbers either way. The event sweep writes its share at every position, so without weights
        // (T = int) its arrays can be int arrays no longer read: the ranks by row, and the rows' order when no cluster
        // needs it below (the risk-set sweep writes events only and takes arrays of zeros).
        var netAsEvent = new T[n];
        var pairsAsEvent = new T[n];
        var netAsPartner = rank as T[] ?? new T[n];
        var pairsAsPartner = (cluster is null ? order as T[] : null) ?? new T[n];
        double concordant = 0, discordant = 0, tiedRisk = 0, tiedTime = 0;
        Parallel.Invoke(
            () => (concordant, discordant, tiedRisk, tiedTime) = SweepRiskSets<T>(rankAt, eventAt, timeKeyAt, stratumAt, weightAt, distinct, exits, netAsEvent, pairsAsEvent),
            () => SweepEvents<T>(rankAt, eventAt, timeKeyAt, stratumAt, weightAt, distinct, exits, netAsPartner, pairsAsPartner));

        double pairs = concordant + discordant + tiedRisk;
        double somers = (concordant - discordant) / pairs;
        double c = (somers + 1) / 2;
        double Dfbeta(int k) => (weightAt?[k] ?? 1) * ((double.CreateTruncating(netAsEvent[k]) + double.CreateTruncating(netAsPartner[k]))
            - somers * (double.CreateTruncating(pairsAsEvent[k]) + double.CreateTruncating(pairsAsPartner[k]))) / pairs;
        double sumSquares = 0;
        if (cluster is null)
            for (int k = 0; k < n; k++) { double d = Dfbeta(k); sumSquares += d * d; }
        else
        {
            var clusterOf = ClusterCodes.ByFirstAppearance(cluster, order, out int clusters);
            var byCluster = new double[clusters];
            for (int k = 0; k < n; k++) byCluster[clusterOf[k]] += Dfbeta(k);
            foreach (double d in byCluster) sumSquares += d * d;
        }
        return new ConcordanceEstimate(c, Math.Sqrt(sumSquares / 4), concordant, discordant, tiedRisk, tiedTime);
    }

    /// <summary>
    /// The risk-set sweep: each event (tied events together) meets the rows already entered — later times, or
    /// censored at its time — below, at or above its rank; then its tie group enters.
    /// </summary>
    private static (double Concordant, double Discordant, double TiedRisk, double TiedTime) SweepRiskSets<T>(
        int[] rankAt, bool[] eventAt, ulong[] timeKeyAt, int[]? stratumAt, double[]? weightAt, int distinct, EntryExits? exits, T[] net,
        T[] pairs)
        where T : unmanaged, INumber<T>
    {
        int n = rankAt.Length;
        var atRisk = new FenwickCounts<T>(distinct);
        double concordant = 0, discordant = 0, tiedRisk = 0, tiedTime = 0;
        int start = 0, block = 0;
        while (start < n)
        {
            int end = StratumEnd(stratumAt, start, n);
            atRisk.Clear();
            int exit = exits?.BlockStart[block] ?? 0, exitEnd = exits?.BlockStart[block + 1] ?? 0;
            int i = start;
            while (i < end)
            {
                if (!eventAt[i])
                {
                    atRisk.Add(rankAt[i], WeightOf<T>(weightAt, i));
                    i++;
                    continue;
                }
                // Counting-process rows whose entry is at or after this event time are not at risk for it, nor later.
                for (; exit < exitEnd && exits!.EntryKey[exits.Order[exit]] >= timeKeyAt[i]; exit++)
                {
                    int k = exits.Order[exit];
                    atRisk.Add(rankAt[k], T.Zero - WeightOf<T>(weightAt, k));
                }
                int j = i;
                while (j < end && timeKeyAt[j] == timeKeyAt[i]) j++;
                double tiedBefore = 0; // weight of the earlier events of this tie group (their count without weights)
                for (int k = i; k < j; k++)
                {
                    int r = rankAt[k];
                    double w = weightAt?[k] ?? 1;
                    double lower = atRisk.Below(r), equal = atRisk.At(r), higher = atRisk.Total - lower - equal;
                    concordant += w * lower;
                    discordant += w * higher;
                    tiedRisk += w * equal;
                    net[k] = T.CreateTruncating(lower - higher);
                    pairs[k] = T.CreateTruncating(atRisk.Total);
                    tiedTime += w * tiedBefore;
                    tiedBefore += w;
                }
                for (int k = i; k < j; k++) atRisk.Add(rankAt[k], WeightOf<T>(weightAt, k));
                i = j;
            }
            start = end;
            block++;
        }
        return (concordant, discordant, tiedRisk, tiedTime);
    }

    /// <summary>
    /// The event sweep: a row's partners among events at earlier times. Right-censored rows: the sweep runs backwards
    /// (from the earliest time), so each row meets exactly its partners in the tree: an event the events at earlier
    /// times (its own tie group enters after it), a censored row also the events at its own time (they come after it in
    /// the descending order, so they are in). Counting-process rows: see <see cref="SweepEventsWithExits{T}"/>.
    /// </summary>
    private static void SweepEvents<T>(int[] rankAt, bool[] eventAt, ulong[] timeKeyAt, int[]? stratumAt, double[]? weightAt, int distinct,
        EntryExits? exits, T[] net, T[] pairs) where T : unmanaged, INumber<T>
    {
        if (exits is not null)
        {
            SweepEventsWithExits<T>(rankAt, eventAt, timeKeyAt, stratumAt, weightAt, distinct, exits, net, pairs);
            return;
        }
        int n = rankAt.Length;
        var deaths = new FenwickCounts<T>(distinct);
        int end = n;
        while (end > 0)
        {
            int start = StratumStart(stratumAt, end);
            deaths.Clear();
            int i = end - 1;
            while (i >= start)
            {
                int first = i; // the tie group's events are positions first..i (censored rows: the row alone)
                if (eventAt[i])
                    while (first > start && eventAt[first - 1] && timeKeyAt[first - 1] == timeKeyAt[i]) first--;
                for (int k = first; k <= i; k++)
                {
                    int r = rankAt[k];
                    double lower = deaths.Below(r), equal = deaths.At(r), higher = deaths.Total - lower - equal;
                    net[k] = T.CreateTruncating(higher - lower);
                    pairs[k] = T.CreateTruncating(deaths.Total);
                }
                if (eventAt[i])
                    for (int k = first; k <= i; k++) deaths.Add(rankAt[k], WeightOf<T>(weightAt, k));
                i = first - 1;
            }
            end = start;
        }
    }

    /// <summary>
    /// The event sweep of counting-process rows: a row's partners are the events in the tree when the sweep passes its
    /// entry minus the events that had entered at its stop (its own tie group's events included, as they are not its
    /// partners).
    /// </summary>
    private static void SweepEventsWithExits<T>(int[] rankAt, bool[] eventAt, ulong[] timeKeyAt, int[]? stratumAt, double[]? weightAt, int distinct,
        EntryExits exits, T[] net, T[] pairs) where T : unmanaged, INumber<T>
    {
        int n = rankAt.Length;
        var deaths = new FenwickCounts<T>(distinct);
        int start = 0, block = 0;
        while (start < n)
        {
            int end = StratumEnd(stratumAt, start, n);
            deaths.Clear();
            int exit = exits.BlockStart[block], exitEnd = exits.BlockStart[block + 1];
            int i = start;
            while (i < end)
            {
                int j = i + 1;
                if (eventAt[i])
                {
                    // A counting-process row entering at or after this time has had all its partners: the events in the
                    // tree now, less those in it at its stop (subtracted there).
                    for (; exit < exitEnd && exits.EntryKey[exits.Order[exit]] >= timeKeyAt[i]; exit++) AddPartners(deaths, rankAt, exits.Order[exit], net, pairs);
                    while (j < end && timeKeyAt[j] == timeKeyAt[i]) j++;
                    for (int k = i; k < j; k++) deaths.Add(rankAt[k], WeightOf<T>(weightAt, k));
                }
                for (int k = i; k < j; k++)
                {
                    // The events already in the tree are not the row's partners: (later) minus (already in).
                    int r = rankAt[k];
                    double lower = deaths.Below(r), equal = deaths.At(r);
                    net[k] = T.CreateTruncating(-(deaths.Total - lower - equal) + lower);
                    pairs[k] = T.CreateTruncating(-deaths.Total);
                }
                i = j;
            }
            // Close the pairs of the rows entering before the stratum's first event time. The tree is final: in parallel.
            int from = exit, to = exitEnd, pieces = Math.Max(1, (to - from) / 65_536);
            Parallel.For(0, pieces, piece =>
            {
                int pieceEnd = piece == pieces - 1 ? to : from + (piece + 1) * 65_536;
                for (int at = from + piece * 65_536; at < pieceEnd; at++) AddPartners(deaths, rankAt, exits.Order[at], net, pairs);
            });
            start = end;
            block++;
        }
    }

    /// <summary>Adds to row k's counts its pairs with the events now in the tree (those above its rank concordant, below discordant).</summary>
    private static void AddPartners<T>(FenwickCounts<T> deaths, int[] rankAt, int k, T[] net, T[] pairs) where T : unmanaged, INumber<T>
    {
        int r = rankAt[k];
        double lower = deaths.Below(r), equal = deaths.At(r), higher = deaths.Total - lower - equal;
        net[k] += T.CreateTruncating(higher - lower);
        pairs[k] += T.CreateTruncating(deaths.Total);
    }

    /// <summary>The end of the stratum block that starts at sweep position <paramref name="start"/> (<paramref name="n"/> without strata).</summary>
    private static int StratumEnd(int[]? stratumAt, int start, int n)
    {
        if (stratumAt is null) return n;
        int end = start;
        while (end < n && stratumAt[end] == stratumAt[start]) end++;
        return end;
    }

    /// <summary>The start of the stratum block that ends before sweep position <paramref name="end"/> (0 without strata).</summary>
    private static int StratumStart(int[]? stratumAt, int end)
    {
        if (stratumAt is null) return 0;
        int start = end - 1;
        while (start > 0 && stratumAt[start - 1] == stratumAt[end - 1]) start--;
        return start;
    }

    /// <summary>
    /// Counting-process rows of the descending sweep by entry: per stratum block (blocks as the sweep meets them), the
    /// positions by descending entry, so that a sweep removes each row once the event time reaches its entry.
    /// </summary>
    private sealed class EntryExits
    {
        private EntryExits(ulong[] entryKey, int[] order, int[] blockStart)
        {
            EntryKey = entryKey;
            Order = order;
            BlockStart = blockStart;
        }

        /// <summary>Entry per position of the descending sweep, as its order-preserving key (CoxRadixSort.OrderedKey), compared with the time keys.</summary>
        public ulong[] EntryKey { get; }
        /// <summary>Positions, block by block, by descending entry.</summary>
        public int[] Order { get; }
        /// <summary>Block b's positions are Order[BlockStart[b] .. BlockStart[b+1]).</summary>
        public int[] BlockStart { get; }

        public static EntryExits Plan(double[] entryByRow, int[] order, int[] stratumAt)
        {
            int n = order.Length;
            var entry = new ulong[n];
            var negated = new double[n];
            var blockOf = new int[n];
            int blocks = 0;
            for (int k = 0; k < n; k++)
            {
                entry[k] = CoxRadixSort.OrderedKey(entryByRow[order[k]]);
                negated[k] = -entryByRow[order[k]];
                if (k > 0 && stratumAt[k] != stratumAt[k - 1]) blocks++;
                blockOf[k] = blocks;
            }
            var byEntry = SurvivalOrder.StableGroup(CoxRadixSort.Order(negated), blockOf, n == 0 ? 0 : blocks + 1, out var blockStart);
            return new EntryExits(entry, byEntry, n == 0 ? [0, 0] : blockStart);
        }

        /// <summary>
        /// The same from a Cox fit's arrangement: its entry order by (stratum, entry) read backwards within each stratum,
        /// mapped through <paramref name="positionOf"/> (the sweep position of each sorted row).
        /// </summary>
        public static EntryExits FromRiskSets(CoxRiskSets sorted, int[] positionOf)
        {
            int n = sorted.N;
            var entry = new ulong[n];
            for (int k = 0; k < n; k++) entry[positionOf[k]] = CoxRadixSort.OrderedKey(sorted.Entry![k]);
            var start = sorted.EntryStratumStart!;
            var order = new int[n];
            int at = 0;
            for (int s = 0; s + 1 < start.Length; s++)
                for (int j = start[s + 1] - 1; j >= start[s]; j--) order[at++] = positionOf[sorted.EntryOrder![j]];
            // Blocks are the strata that have rows, in order (each stratum of a fit has rows).
            return new EntryExits(entry, order, start);
        }
    }

    /// <summary>The amount a row adds to a tree: 1 (a count) without weights, its weight with them.</summary>
    private static T WeightOf<T>(double[]? weightAt, int k) where T : unmanaged, INumber<T>
        => weightAt is null ? T.One : T.CreateTruncating(weightAt[k]);

    /// <summary>
    /// Rank of each risk score among the distinct values (exact equality = same rank), with free n-sized buffers for the
    /// caller: an int array (for the ranks' gather into sweep order) and, when the sort used one, a ulong array (for the
    /// time keys). All are the radix sort's own buffers: the ranks go to the int array the sort hands back, the order by
    /// risk, read only here, is free once the ranks are written, and the sort's keys are not read again. Three n-sized
    /// arrays of fresh memory fewer.
    /// </summary>
    private static (int[] Rank, int[] Spare, ulong[]? SpareKeys) Ranks(double[] risk, out int distinct)
    {
        int n = risk.Length;
        var byRisk = CoxRadixSort.Order(risk, out var spare, out var spareKeys);
        var rank = spare ?? new int[n];
        distinct = 0;
        for (int i = 0; i < n; i++)
        {
            if (i > 0 && risk[byRisk[i]] != risk[byRisk[i - 1]]) distinct++;
            rank[byRisk[i]] = distinct;
        }
        if (n > 0) distinct++;
        return (rank, byRisk, spareKeys);
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
