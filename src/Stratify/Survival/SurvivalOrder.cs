using System.Buffers;

namespace Stratify.Survival;

/// <summary>
/// The one sort every survival estimator needs: patients in ascending time, computed once and shared.
/// </summary>
/// <remarks>
/// Risk sets follow R's survival package: a patient censored at time t is still at risk at t, so at a tied time
/// the events are counted before the censorings. All Stratify estimators aggregate per distinct time, so the order
/// inside a tie does not change any number; it is fixed anyway (events first, then row order) so that results and
/// any per-patient output are deterministic. Strata are applied as a stable counting sort on top of the time
/// order: within each stratum the time order is kept, at O(n) extra cost.
/// Cost: whole-number times over a modest span (days) take one counting sort (two passes); other times a stable
/// LSD radix sort of their order-preserving 64-bit images (only the digits that vary are scattered, typically 2-3
/// passes); no comparison sort, no per-row allocation.
/// <example><code>int[] order = SurvivalOrder.ByTime(data.Time, data.Strata); // stratum 0 first, each by time</code></example>
/// </remarks>
internal static class SurvivalOrder
{
    /// <summary>Row indices by stratum code (if given), then ascending time, ties in row order.</summary>
    public static int[] ByTime(double[] time, int[]? strata)
    {
        var order = SortByTime(time, null);
        return strata is null ? order : StableGroup(order, strata, MaxCode(strata) + 1);
    }

    /// <summary>
    /// Row indices by stratum code (if given), then ascending time; at a tied time events first, then censorings,
    /// each in row order.
    /// </summary>
    public static int[] ByTimeEventsFirst(double[] time, bool[] @event, int[]? strata = null)
    {
        var order = SortByTime(time, @event);
        return strata is null ? order : StableGroup(order, strata, MaxCode(strata) + 1);
    }

    /// <summary>0, 1, ..., n - 1: the order of data that is already sorted.</summary>
    public static int[] Identity(int n)
    {
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        return order;
    }

    /// <summary>
    /// Reorders <paramref name="order"/> by <paramref name="codes"/> (0..<paramref name="codeCount"/>-1) keeping the
    /// existing order within a code: a stable counting sort. A null order stands for the identity 0..n−1 (positions
    /// grouped by their code) without making it. <paramref name="start"/> receives, per code, the first position of
    /// that code in the result (length codeCount + 1, last = n).
    /// </summary>
    public static int[] StableGroup(int[]? order, int[] codes, int codeCount, out int[] start)
    {
        int n = order?.Length ?? codes.Length;
        start = new int[codeCount + 1];
        for (int k = 0; k < n; k++) start[codes[order is null ? k : order[k]] + 1]++;
        for (int c = 0; c < codeCount; c++) start[c + 1] += start[c];
        var next = new int[codeCount];
        Array.Copy(start, next, codeCount);
        var result = new int[n];
        for (int k = 0; k < n; k++)
        {
            int row = order is null ? k : order[k];
            result[next[codes[row]]++] = row;
        }
        return result;
    }

    /// <inheritdoc cref="StableGroup(int[], int[], int, out int[])"/>
    public static int[] StableGroup(int[]? order, int[] codes, int codeCount) => StableGroup(order, codes, codeCount, out _);

    private static int MaxCode(int[] codes)
    {
        int max = 0;
        foreach (int c in codes) if (c > max) max = c;
        return max;
    }

    private static int[] SortByTime(double[] time, bool[]? @event)
    {
        if (WholeNumberOrder(time, @event) is { } counted) return counted;
        int n = time.Length;
        int[] order;
        if (@event is null) order = Identity(n);
        else
        {
            order = new int[n];
            // Start from events (row order) then censorings (row order); the stable sort keeps this inside ties.
            int e = 0;
            for (int i = 0; i < n; i++) if (@event[i]) order[e++] = i;
            for (int i = 0; i < n; i++) if (!@event[i]) order[e++] = i;
        }
        // Scratch buffers come from the shared pool: repeated fits (a tree's splits, a bootstrap) reuse them.
        var keys = ArrayPool<ulong>.Shared.Rent(n);
        for (int k = 0; k < n; k++) keys[k] = CoxRadixSort.OrderedKey(time[order[k]]);
        RadixSort(keys.AsSpan(0, n), order);
        ArrayPool<ulong>.Shared.Return(keys);
        return order;
    }

    /// <summary>
    /// Times that are whole numbers over a span of at most max(65,536, 2n) (days, as clinical data are kept): one
    /// counting sort on the key (time − min)·2 + censored, so events precede censorings at a tie and rows keep their
    /// order — the same order as the general path, in two passes. Null when the times do not qualify.
    /// </summary>
    internal static int[]? WholeNumberOrder(ReadOnlySpan<double> time, bool[]? @event)
    {
        if (WholeNumberBuckets.Plan(time, @event) is not { } buckets) return null;
        var order = new int[time.Length];
        for (int i = 0; i < order.Length; i++) order[buckets.Next(time[i], @event is null || @event[i])] = i;
        return order;
    }

    private const int DigitBits = 11;
    private const int Buckets = 1 << DigitBits;

    /// <summary>
    /// Stable least-significant-digit radix sort of (keys, items) on 11-bit digits over the bit range in which the
    /// keys differ (found by OR-ing key XOR first key): times in whole days differ in about 22 bits, two passes.
    /// One pass builds the digit histograms, then one scatter pass per digit that is not constant.
    /// O(n) per pass, no comparisons, stable, so ties keep their input order.
    /// </summary>
    private static void RadixSort(Span<ulong> keys, int[] items)
    {
        int n = keys.Length;
        if (n < 2) return;
        ulong first = keys[0], differing = 0;
        foreach (ulong key in keys) differing |= key ^ first;
        if (differing == 0) return; // all times equal: the input order is the answer
        int low = System.Numerics.BitOperations.TrailingZeroCount(differing);
        int high = 63 - System.Numerics.BitOperations.LeadingZeroCount(differing);
        int digits = (high - low) / DigitBits + 1;
        var histogram = new int[digits * Buckets];
        foreach (ulong key in keys)
        {
            ulong shifted = key >> low;
            for (int d = 0; d < digits; d++) histogram[d * Buckets + (int)((shifted >> (d * DigitBits)) & (Buckets - 1))]++;
        }

        var keyBuffer = ArrayPool<ulong>.Shared.Rent(n);
        var itemBuffer = ArrayPool<int>.Shared.Rent(n);
        Span<ulong> keysFrom = keys, keysTo = keyBuffer.AsSpan(0, n);
        Span<int> itemsFrom = items, itemsTo = itemBuffer.AsSpan(0, n);
        bool inBuffer = false;
        var offset = new int[Buckets];
        for (int d = 0; d < digits; d++)
        {
            var counts = histogram.AsSpan(d * Buckets, Buckets);
            int shift = low + d * DigitBits;
            if (counts[(int)((keysFrom[0] >> shift) & (Buckets - 1))] == n) continue; // constant digit: nothing to do
            int sum = 0;
            for (int b = 0; b < Buckets; b++) { offset[b] = sum; sum += counts[b]; }
            for (int k = 0; k < n; k++)
            {
                ulong key = keysFrom[k];
                int target = offset[(int)((key >> shift) & (Buckets - 1))]++;
                keysTo[target] = key;
                itemsTo[target] = itemsFrom[k];
            }
            var swapKeys = keysFrom; keysFrom = keysTo; keysTo = swapKeys;
            var swapItems = itemsFrom; itemsFrom = itemsTo; itemsTo = swapItems;
            inBuffer = !inBuffer;
        }
        if (inBuffer) itemsFrom.CopyTo(items);
        ArrayPool<ulong>.Shared.Return(keyBuffer);
        ArrayPool<int>.Shared.Return(itemBuffer);
    }
}

/// <summary>
/// The counting sort behind <see cref="SurvivalOrder.WholeNumberOrder"/>: one bucket per (whole-number time, event
/// first) key, <see cref="Next"/> gives a row's position in the stable order as the rows are visited in row order.
/// Callers that need more than the order (the time-sorted arrays) scatter them in the same pass.
/// </summary>
internal sealed class WholeNumberBuckets
{
    private readonly int[] _next;
    private readonly double _min;
    private readonly int _shift;

    private WholeNumberBuckets(int[] next, double min, int shift, bool exactTimes)
    {
        _next = next;
        _min = min;
        _shift = shift;
        ExactTimes = exactTimes;
    }

    /// <summary>
    /// True when a bucket's time, min + its offset, is bit for bit every time in it (no time is −0, which equals 0 but
    /// prints apart from it), so <see cref="FillSorted"/> may write the sorted times.
    /// </summary>
    public bool ExactTimes { get; }

    /// <summary>Buckets for times that are whole numbers over a span of at most max(65,536, 2n); null otherwise.</summary>
    public static WholeNumberBuckets? Plan(ReadOnlySpan<double> time, bool[]? @event)
    {
        int n = time.Length;
        if (n < 2) return null;
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        bool negativeZero = false;
        foreach (double t in time)
        {
            if (t != Math.Floor(t)) return null; // also NaN and infinities
            if (t < min) min = t;
            if (t > max) max = t;
            negativeZero |= BitConverter.DoubleToInt64Bits(t) == long.MinValue;
        }
        if (max - min >= Math.Max(65_536.0, 2.0 * n)) return null;
        int shift = @event is null ? 0 : 1;
        var start = new int[(((int)(max - min) + 1) << shift) + 1];
        for (int i = 0; i < n; i++) start[Key(time[i], @event is null || @event[i], min, shift) + 1]++;
        for (int b = 1; b < start.Length; b++) start[b] += start[b - 1];
        return new WholeNumberBuckets(start, min, shift, !negativeZero);
    }

    /// <summary>
    /// After every row has had its <see cref="Next"/>: writes each bucket's time (min + offset) and event flag over its
    /// positions, in order. Needs <see cref="ExactTimes"/> and the event flags given to <see cref="Plan"/>.
    /// </summary>
    public void FillSorted(Span<double> time, Span<bool> @event)
    {
        // After the visits, _next[b] is where bucket b ends (the start of bucket b + 1).
        int from = 0;
        for (int b = 0; b + 1 < _next.Length; b++)
        {
            int to = _next[b];
            if (to == from) continue;
            time[from..to].Fill(_min + (b >> _shift));
            @event[from..to].Fill(_shift == 0 || (b & 1) == 0);
            from = to;
        }
    }

    /// <summary>The same buckets with their own cursors, as they stand now (for visiting a later range of rows at the same time).</summary>
    public WholeNumberBuckets Copy() => new((int[])_next.Clone(), _min, _shift, ExactTimes);

    /// <summary>Moves the cursors past rows [<paramref name="from"/>, <paramref name="to"/>) without placing them (another
    /// visitor places them), so that the rows after them get the positions a visit in row order would give.</summary>
    public void Skip(ReadOnlySpan<double> time, bool[]? @event, int from, int to)
    {
        for (int i = from; i < to; i++) _next[Key(time[i], @event is null || @event[i], _min, _shift)]++;
    }

    /// <summary>The next free position of a row with this time and event flag (rows must come in row order).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public int Next(double time, bool eventFirst) => _next[Key(time, eventFirst, _min, _shift)]++;

    private static int Key(double time, bool eventFirst, double min, int shift) => ((int)(time - min) << shift) | (eventFirst ? 0 : 1);
}
