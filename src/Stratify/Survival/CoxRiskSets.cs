using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

[assembly: InternalsVisibleTo("Stratify.Benchmarks.Cox")]
[assembly: InternalsVisibleTo("Stratify.Tests")]

namespace Stratify.Survival;

/// <summary>
/// The data of a Cox fit arranged once for every later pass: times made equal where they differ only by
/// floating-point noise (R's timefix, <see cref="TimeFix"/>), rows sorted by (stratum, time), the design matrix copied
/// in that order, centred on the column means and scaled by the mean absolute deviation (as R's <c>coxfit6</c>:
/// columns whose values all lie in {−1, 0, 1} are left as they are), and cut into tie groups (rows of one stratum
/// sharing a time) and chunks of whole tie groups for parallel passes. Chunking depends only on the data, never on
/// the number of cores, so results are bit-for-bit reproducible. With case weights (R's <c>coxfit6</c>) the centres
/// are weighted means Σwx/Σw and the scales Σw/Σw|x − mean|, the weights are kept in sorted order and each tie
/// group also carries the summed weight of its deaths.
/// <para>Counting-process data (an entry time per row, R's <c>Surv(entry, stop, event)</c> and <c>agreg.fit</c>): the
/// rows are sorted and tied by their stop time as above, and a row is at risk at an event time t of its stratum when
/// entry &lt; t ≤ stop. Besides the stop order the arrangement keeps the rows' entries, their order by (stratum, entry)
/// and, per row, the last tie group of its stratum at or before its entry (<see cref="EntryGroup"/>), so that every
/// pass builds its risk sets by sweeping the two orders together (a backward sweep adds a row at its stop and removes
/// it once the time reaches its entry, <see cref="RiskSetExits"/>; a forward sweep subtracts what accrued before the
/// entry) and no risk set is ever copied. Entries and stops are tied together by R's timefix. The centres are the
/// unweighted column means, as <c>agreg.fit</c> reports them (<c>fit$means</c>).</para>
/// </summary>
internal sealed class CoxRiskSets
{
    /// <summary>Target rows per chunk; below two chunks' worth everything runs on one thread.</summary>
    internal const int ChunkRows = 32_768;

    private CoxRiskSets(int n, int p)
    {
        N = n;
        P = p;
    }

    public int N { get; }
    public int P { get; }
    /// <summary>Sorted, centred, scaled design, row-major N×P.</summary>
    public double[] X { get; private init; } = [];
    /// <summary>Sorted times after R's timefix (<see cref="TimeFix"/>): near-equal times are equal here.</summary>
    public double[] Time { get; private init; } = [];
    /// <summary>The same times by original row (the caller's array when timefix changed nothing).</summary>
    public double[] TimeByRow { get; private init; } = [];
    public bool[] Event { get; private init; } = [];
    /// <summary>Sorted position → original row.</summary>
    public int[] Order { get; private init; } = [];
    /// <summary>Tie group g covers sorted rows [GroupStart[g], GroupStart[g+1]).</summary>
    public int[] GroupStart { get; private init; } = [];
    public int[] GroupStratum { get; private init; } = [];
    public int[] GroupDeaths { get; private init; } = [];
    /// <summary>Case weights in sorted order; null when the fit is unweighted.</summary>
    public double[]? Weight { get; private init; }
    /// <summary>Per tie group, the summed case weight of its deaths (R's <c>deadwt</c>); null when unweighted.</summary>
    public double[]? GroupDeathWeight { get; private init; }
    /// <summary>Chunk c covers tie groups [ChunkGroupStart[c], ChunkGroupStart[c+1]).</summary>
    public int[] ChunkGroupStart { get; private init; } = [];
    /// <summary>The centre of each column (0 for columns left uncentred), on the original scale.</summary>
    public double[] Means { get; private init; } = [];
    /// <summary>Each column was multiplied by Scale[j] after centring.</summary>
    public double[] Scale { get; private init; } = [];
    /// <summary>Stratum label (as given) of each stratum index.</summary>
    public int[] StratumLabels { get; private init; } = [];
    /// <summary>Entry time per sorted row (after timefix); null for right-censored data.</summary>
    public double[]? Entry { get; private init; }
    /// <summary>The entries by original row (after timefix); null for right-censored data.</summary>
    public double[]? EntryByRow { get; private init; }
    /// <summary>Sorted rows by (stratum, entry) ascending, ties by sorted position; null for right-censored data.</summary>
    public int[]? EntryOrder { get; private init; }
    /// <summary>Stratum s has the entries EntryOrder[EntryStratumStart[s] .. EntryStratumStart[s+1]); null for right-censored data.</summary>
    public int[]? EntryStratumStart { get; private init; }
    /// <summary>
    /// Per sorted row, the last tie group of its stratum whose time is ≤ the row's entry (the row is not at risk there
    /// nor before), −1 when there is none; null for right-censored data.
    /// </summary>
    public int[]? EntryGroup { get; private init; }
    /// <summary>True for counting-process data (rows at risk on (entry, stop]).</summary>
    public bool IsCountingProcess => Entry is not null;
    public int GroupCount => GroupStratum.Length;
    public int ChunkCount => ChunkGroupStart.Length - 1;
    public int EventCount { get; private init; }

    /// <param name="entry">Entry time per row for counting-process data (at risk on (entry, time]); null = right-censored.</param>
    public static CoxRiskSets Build(double[] time, bool[] died, DesignMatrix design, int[]? strata, int chunkRows = ChunkRows,
        double[]? weights = null, double[]? entry = null)
    {
        int n = time.Length, p = design.Columns;
        // The time order (sort, timefix, strata) and the column statistics (means, mean absolute deviations) are
        // independent: computed side by side, each in its own fixed order, so the numbers do not depend on it.
        int[] order = [], labels = [0];
        int[]? stratumIndex = null, entryRows = null;
        double[] sortedTime = [], timeByRow = time;
        double[]? entryByRow = entry;
        var means = new double[p];
        var scale = new double[p];
        Parallel.Invoke(
            () =>
            {
                order = CoxRadixSort.Order(time);
                // R's timefix (aeqSurv) on all rows together, in the global time order, before the strata split it.
                // Merging keeps the order (each time moves down to the first time of its run), so the sort stands.
                sortedTime = new double[n];
                for (int k = 0; k < n; k++) sortedTime[k] = time[order[k]];
                if (entry is null) timeByRow = TimeFix.MergeNearTies(sortedTime, order, time);
                else (timeByRow, entryByRow, entryRows) = TimeFix.MergeNearTies(sortedTime, order, time, entry);
                // Stable counting sort by stratum keeps the time order within each stratum.
                if (strata is not null)
                {
                    stratumIndex = IndexStrata(strata, out labels);
                    order = SurvivalOrder.StableGroup(order, stratumIndex, labels.Length);
                    for (int k = 0; k < n; k++) sortedTime[k] = timeByRow[order[k]];
                }
            },
            () => CentresAndScales(design, entry is null ? weights : null, means, scale));
        var data = Arrange(died, design, order, sortedTime, timeByRow, stratumIndex, labels, means, scale, chunkRows, weights);
        return entry is null ? data : data.WithEntries(entryByRow!, entryRows!);
    }

    /// <summary>
    /// The counting-process arrays on top of an arrangement: entries in sorted order, the sorted rows by (stratum, entry)
    /// (from the rows in ascending entry order, regrouped by stratum with a stable counting sort) and each row's
    /// <see cref="EntryGroup"/>, found by walking each stratum's entries and tie groups together.
    /// </summary>
    private CoxRiskSets WithEntries(double[] entryByRow, int[] entryRows)
    {
        int n = N;
        var position = new int[n];
        for (int k = 0; k < n; k++) position[Order[k]] = k;
        var sortedEntry = new double[n];
        for (int k = 0; k < n; k++) sortedEntry[k] = entryByRow[Order[k]];
        var byEntry = new int[n];
        for (int j = 0; j < n; j++) byEntry[j] = position[entryRows[j]];
        return WithEntries(sortedEntry, entryByRow, byEntry);
    }

    /// <param name="sortedEntry">The entry of each sorted row.</param>
    /// <param name="entryByRow">The entry of each original row.</param>
    /// <param name="byEntry">Sorted rows by ascending entry (regrouped here by stratum when there are strata).</param>
    private CoxRiskSets WithEntries(double[] sortedEntry, double[] entryByRow, int[] byEntry)
    {
        int n = N;
        int[] entryOrder = byEntry, entryStratumStart = [0, n];
        if (StratumLabels.Length > 1)
        {
            var stratumOf = new int[n];
            for (int g = 0; g < GroupCount; g++)
                for (int k = GroupStart[g]; k < GroupStart[g + 1]; k++) stratumOf[k] = GroupStratum[g];
            entryOrder = SurvivalOrder.StableGroup(byEntry, stratumOf, StratumLabels.Length, out entryStratumStart);
        }
        var entryGroup = new int[n];
        int group = 0;
        for (int s = 0; s < StratumLabels.Length; s++)
        {
            while (group < GroupCount && GroupStratum[group] < s) group++;
            int last = -1; // the last group of stratum s with time <= the current entry
            for (int j = entryStratumStart[s]; j < entryStratumStart[s + 1]; j++)
            {
                int k = entryOrder[j];
                while (group < GroupCount && GroupStratum[group] == s && Time[GroupStart[group]] <= sortedEntry[k]) last = group++;
                entryGroup[k] = last;
            }
        }
        return new CoxRiskSets(N, P)
        {
            X = X, Time = Time, TimeByRow = TimeByRow, Event = Event, Order = Order, GroupStart = GroupStart, GroupStratum = GroupStratum,
            GroupDeaths = GroupDeaths, Weight = Weight, GroupDeathWeight = GroupDeathWeight, ChunkGroupStart = ChunkGroupStart,
            Means = Means, Scale = Scale, StratumLabels = StratumLabels, EventCount = EventCount,
            Entry = sortedEntry, EntryByRow = entryByRow, EntryOrder = entryOrder, EntryStratumStart = entryStratumStart, EntryGroup = entryGroup,
        };
    }

    /// <summary>
    /// The same arrangement from survival data that already hold the time order and R's timefix (shared with the
    /// Kaplan–Meier and log-rank estimates of the same patients): no sort by time and no second timefix; the strata
    /// of the data regroup the order with a stable counting sort.
    /// </summary>
    public static CoxRiskSets Build(SurvivalData data, DesignMatrix design, int chunkRows = ChunkRows)
    {
        var weights = data.Weights;
        int n = data.Count, p = design.Columns;
        var sorted = data.Sorted;
        int[] order = data.TimeOrder, labels = [0];
        int[]? stratumIndex = null;
        double[] sortedTime = sorted.Time;
        var means = new double[p];
        var scale = new double[p];
        CentresAndScales(design, sorted.Entry is null ? weights : null, means, scale);
        if (data.Strata is not null)
        {
            stratumIndex = IndexStrata(data.Strata, out labels);
            order = SurvivalOrder.StableGroup(order, stratumIndex, labels.Length);
            sortedTime = new double[n];
            for (int k = 0; k < n; k++) sortedTime[k] = sorted.TimeByRow[order[k]];
        }
        var arranged = Arrange(data.Event, design, order, sortedTime, sorted.TimeByRow, stratumIndex, labels, means, scale, chunkRows, weights);
        if (sorted.EntryOrder is not { } entryPositions) return arranged;
        // Without strata the arrangement keeps the data's time order, so the data's entries and entry order (positions in
        // that order) serve as they are.
        if (data.Strata is null) return arranged.WithEntries(sorted.Entry!, sorted.EntryByRow!, entryPositions);
        // The data's entry order holds positions in its time order; the arrangement wants rows.
        var timeOrder = data.TimeOrder;
        var entryRows = new int[n];
        for (int j = 0; j < n; j++) entryRows[j] = timeOrder[entryPositions[j]];
        return arranged.WithEntries(entryByRow: sorted.EntryByRow!, entryRows: entryRows);
    }

    /// <summary>Copies the design in (stratum, time) order, centred and scaled, and cuts tie groups and chunks.</summary>
    /// <param name="stratumIndex">
    /// Each row's stratum index (null: one stratum, no array of zeros); the arrangement's own array, which it takes over once the
    /// tie groups are cut (its memory holds the rows' sorted positions).
    /// </param>
    private static CoxRiskSets Arrange(bool[] died, DesignMatrix design, int[] order, double[] sortedTime, double[] timeByRow,
        int[]? stratumIndex, int[] labels, double[] means, double[] scale, int chunkRows, double[]? weights)
    {
        int n = order.Length, p = design.Columns;
        var x = GC.AllocateUninitializedArray<double>(n * p);
        var sortedEvent = new bool[n];
        var groupStart = new List<int>();
        var groupStratum = new List<int>();
        var groupDeaths = new List<int>();
        var sortedWeight = weights is null ? null : new double[n];
        var groupDeathWeight = weights is null ? null : new List<double>();
        int events = 0;
        for (int k = 0; k < n; k++)
        {
            int row = order[k];
            sortedEvent[k] = died[row];
            int s = stratumIndex?[row] ?? 0;
            if (k == 0 || sortedTime[k] != sortedTime[k - 1] || s != groupStratum[^1])
            {
                groupStart.Add(k);
                groupStratum.Add(s);
                groupDeaths.Add(0);
                groupDeathWeight?.Add(0);
            }
            if (died[row]) { groupDeaths[^1]++; events++; }
            if (sortedWeight is not null)
            {
                sortedWeight[k] = weights![row];
                if (died[row]) groupDeathWeight![^1] += weights[row];
            }
        }
        groupStart.Add(n);

        // Each row goes straight from the design's columns to its sorted place, centred and scaled: blocks of rows in row
        // order are copied to a small tile, a term at a time, and each tile row is written at its sorted position. With
        // times in whole days the sorted positions of a block fall in a few thousand runs that fill up in order, so the
        // writes stay in cache; no n×p copy in row order is made. Every value is computed as in a gather, so the order
        // of the blocks changes no bit. The stratum indices are not read again: their array, when there is one, takes the
        // positions (4 bytes a row less of fresh memory).
        var position = stratumIndex ?? new int[n];
        Parallel.For(0, (n + ChunkRows - 1) / ChunkRows, block =>
        {
            for (int k = block * ChunkRows; k < Math.Min(n, (block + 1) * ChunkRows); k++) position[order[k]] = k;
        });
        const int tileRows = 512;
        Parallel.For(0, (n + tileRows - 1) / tileRows, () => new double[tileRows * p], (block, _, tile) =>
        {
            int start = block * tileRows, end = Math.Min(n, start + tileRows);
            design.CopyRows(start, end, tile);
            for (int i = start; i < end; i++)
                CoxMatrixAlgebra.CentreAndScale(x.AsSpan(position[i] * p, p), tile.AsSpan((i - start) * p, p), means, scale);
            return tile;
        }, _ => { });

        var chunkStart = new List<int> { 0 };
        int rowsInChunk = 0;
        for (int g = 0; g < groupStratum.Count; g++)
        {
            rowsInChunk += groupStart[g + 1] - groupStart[g];
            if (rowsInChunk >= chunkRows && g + 1 < groupStratum.Count && n - groupStart[g + 1] >= chunkRows / 2)
            {
                chunkStart.Add(g + 1);
                rowsInChunk = 0;
            }
        }
        chunkStart.Add(groupStratum.Count);

        return new CoxRiskSets(n, p)
        {
            X = x,
            Time = sortedTime,
            TimeByRow = timeByRow,
            Event = sortedEvent,
            Order = order,
            GroupStart = groupStart.ToArray(),
            GroupStratum = groupStratum.ToArray(),
            GroupDeaths = groupDeaths.ToArray(),
            Weight = sortedWeight,
            GroupDeathWeight = groupDeathWeight?.ToArray(),
            ChunkGroupStart = chunkStart.ToArray(),
            Means = means,
            Scale = scale,
            StratumLabels = labels,
            EventCount = events,
        };
    }

    /// <summary>
    /// Column centres and the scale factors of R's coxph rescaling: unweighted, the means and n / Σ|x − mean|; with case
    /// weights (R's coxfit6), Σwx/Σw and Σw / Σw|x − mean|. A column holding only −1, 0 and 1 (a categorical dummy among
    /// them) is neither centred nor scaled. Each column's sums run over the rows in row order, read from the design's
    /// stored columns; four columns share a loop (four independent sums), and the groups of four run in parallel.
    /// </summary>
    private static void CentresAndScales(DesignMatrix design, double[]? weights, double[] means, double[] scale)
    {
        int n = design.Rows, p = design.Columns;
        var summed = new List<int>();
        for (int j = 0; j < p; j++)
        {
            if (design.StoredColumn(j) is null) { means[j] = 0; scale[j] = 1; } // a dummy of 0s and 1s
            else summed.Add(j);
        }
        double total = n;
        if (weights is not null)
        {
            total = 0;
            for (int i = 0; i < n; i++) total += weights[i];
        }
        Parallel.For(0, (summed.Count + 3) / 4, group =>
        {
            // A group short of four repeats its first column; the repeats' results are not kept.
            Span<int> columns = stackalloc int[4];
            for (int c = 0; c < 4; c++) columns[c] = summed[4 * group + c < summed.Count ? 4 * group + c : 4 * group];
            Span<double> centre = stackalloc double[4];
            Span<double> deviation = stackalloc double[4];
            Span<bool> unit = stackalloc bool[4];
            SumFourColumns(design, columns, weights, total, centre, deviation, unit);
            for (int c = 0; c < 4 && 4 * group + c < summed.Count; c++)
            {
                int j = columns[c];
                means[j] = centre[c];
                scale[j] = unit[c] || deviation[c] == 0 ? 1.0 : total / deviation[c];
            }
        });
    }

    /// <summary>
    /// Four columns' centres (0 for a column of −1, 0 and 1 only), and their sums of (weighted) absolute deviations from
    /// them, each summed over the rows in row order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SumFourColumns(DesignMatrix design, ReadOnlySpan<int> columns, double[]? weights, double total, Span<double> centre,
        Span<double> deviation, Span<bool> unit)
    {
        int n = design.Rows;
        var (a0, o0, s0) = design.StoredColumn(columns[0])!.Value;
        var (a1, o1, s1) = design.StoredColumn(columns[1])!.Value;
        var (a2, o2, s2) = design.StoredColumn(columns[2])!.Value;
        var (a3, o3, s3) = design.StoredColumn(columns[3])!.Value;
        if (n == 0) { centre.Clear(); deviation.Clear(); unit.Fill(true); return; }
        // The last row of each column is in its array: the reads below need no bounds checks.
        _ = a0[o0 + (long)(n - 1) * s0] + a1[o1 + (long)(n - 1) * s1] + a2[o2 + (long)(n - 1) * s2] + a3[o3 + (long)(n - 1) * s3];
        ref double r0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a0), o0);
        ref double r1 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a1), o1);
        ref double r2 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a2), o2);
        ref double r3 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a3), o3);
        bool u0 = true, u1 = true, u2 = true, u3 = true; // every value in {−1, 0, 1} so far
        double m0 = 0, m1 = 0, m2 = 0, m3 = 0;
        for (int i = 0; i < n; i++)
        {
            double v0 = Unsafe.Add(ref r0, (nint)i * s0), v1 = Unsafe.Add(ref r1, (nint)i * s1);
            double v2 = Unsafe.Add(ref r2, (nint)i * s2), v3 = Unsafe.Add(ref r3, (nint)i * s3);
            u0 &= (v0 == 0) | (Math.Abs(v0) == 1);
            u1 &= (v1 == 0) | (Math.Abs(v1) == 1);
            u2 &= (v2 == 0) | (Math.Abs(v2) == 1);
            u3 &= (v3 == 0) | (Math.Abs(v3) == 1);
            if (weights is null) { m0 += v0; m1 += v1; m2 += v2; m3 += v3; }
            else
            {
                double w = weights[i];
                m0 += w * v0; m1 += w * v1; m2 += w * v2; m3 += w * v3;
            }
        }
        m0 = u0 ? 0 : m0 / total; m1 = u1 ? 0 : m1 / total; m2 = u2 ? 0 : m2 / total; m3 = u3 ? 0 : m3 / total;
        double d0 = 0, d1 = 0, d2 = 0, d3 = 0;
        for (int i = 0; i < n; i++)
        {
            double e0 = Math.Abs(Unsafe.Add(ref r0, (nint)i * s0) - m0), e1 = Math.Abs(Unsafe.Add(ref r1, (nint)i * s1) - m1);
            double e2 = Math.Abs(Unsafe.Add(ref r2, (nint)i * s2) - m2), e3 = Math.Abs(Unsafe.Add(ref r3, (nint)i * s3) - m3);
            if (weights is null) { d0 += e0; d1 += e1; d2 += e2; d3 += e3; }
            else
            {
                double w = weights[i];
                d0 += w * e0; d1 += w * e1; d2 += w * e2; d3 += w * e3;
            }
        }
        centre[0] = m0; centre[1] = m1; centre[2] = m2; centre[3] = m3;
        deviation[0] = d0; deviation[1] = d1; deviation[2] = d2; deviation[3] = d3;
        unit[0] = u0; unit[1] = u1; unit[2] = u2; unit[3] = u3;
    }

    /// <summary>Stratum index 0..S−1 of each row, strata numbered in increasing label order.</summary>
    internal static int[] IndexStrata(int[] strata, out int[] labels)
    {
        labels = strata.Distinct().Order().ToArray();
        var indexOf = new Dictionary<int, int>(labels.Length);
        for (int s = 0; s < labels.Length; s++) indexOf[labels[s]] = s;
        var index = new int[strata.Length];
        for (int i = 0; i < strata.Length; i++) index[i] = indexOf[strata[i]];
        return index;
    }

    /// <summary>
    /// Head counts at risk at each tie group's time (entry &lt; t ≤ stop within the stratum; for right-censored data the
    /// rows of the stratum from the group on), swept from the last group back.
    /// </summary>
    public int[] AtRiskCounts()
    {
        var counts = new int[GroupCount];
        var exits = new RiskSetExits(this);
        int atRisk = 0;
        for (int g = GroupCount - 1; g >= 0; g--)
        {
            if (g == GroupCount - 1 || GroupStratum[g] != GroupStratum[g + 1]) atRisk = 0;
            atRisk += GroupStart[g + 1] - GroupStart[g];
            while (exits.Next(g) >= 0) atRisk--;
            counts[g] = atRisk;
        }
        return counts;
    }

    /// <summary>Runs <paramref name="body"/> for every chunk, in parallel when there is more than one.</summary>
    public void ForEachChunk(Action<int> body)
    {
        if (ChunkCount == 1) body(0);
        else Parallel.For(0, ChunkCount, body);
    }
}

/// <summary>
/// The rows leaving the risk set of a backward sweep over the tie groups of counting-process data: called with each
/// group g from the last to the first, <see cref="Next"/> hands out, one by one, the rows of g's stratum whose entry is
/// at or after g's time (they were added at their stop, later in time, and are not at risk at g), reading
/// <see cref="CoxRiskSets.EntryOrder"/> from its end. With right-censored data nobody ever leaves.
/// </summary>
internal struct RiskSetExits(CoxRiskSets data)
{
    private int _next = data.N - 1;

    /// <summary>The next sorted row to remove before group <paramref name="g"/>'s risk set is used, or −1 when there is none.</summary>
    public int Next(int g)
    {
        if (data.EntryOrder is not { } order) return -1;
        int stratum = data.GroupStratum[g];
        var start = data.EntryStratumStart!;
        // Rows of later strata that never left (they entered before their stratum's first time) are passed over.
        if (_next >= start[stratum + 1]) _next = start[stratum + 1] - 1;
        if (_next < start[stratum]) return -1;
        int k = order[_next];
        if (data.Entry![k] < data.Time[data.GroupStart[g]]) return -1;
        _next--;
        return k;
    }
}
